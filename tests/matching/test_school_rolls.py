"""School rolls are per school: one school's roll never replaces another's, and an old roll is flagged before a run."""

import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import date, datetime

import pytest
from django.urls import reverse

from cme.cli import main
from cme.council.services import council_settings_update
from cme.matching.enums import SourceKind
from cme.matching.run import _roll_entries
from cme.matching.selectors import school_rolls_in_use
from cme.matching.services import data_source_register, source_import_file
from tests.schools.returns_files import make_upn

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2026, 11, 29, 10, 0), tick=False)


@pytest.fixture
def schools(school_factory):
    return (
        school_factory(urn=100001, la_code="888", establishment_number="2001", name="Riverside Primary School"),
        school_factory(urn=100002, la_code="888", establishment_number="2002", name="Hillside Academy"),
    )


@pytest.fixture
def rolls(manager, schools):
    return data_source_register(actor=manager, name="School rolls", kind=SourceKind.SCHOOL_ROLL, supplier="Schools")


def roll_csv(tmp_path, name: str, pupils: list[tuple[int, str, int]]):
    """pupils: (URN, establishment number, serial)."""
    lines = ["urn,upn,given_name,family_name,date_of_birth"]
    for urn, estab, n in pupils:
        lines.append(f"{urn},{make_upn(estab=estab, serial=n)},Pupil{n},Family{n},2015-03-{1 + n % 27:02d}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def import_roll(tmp_path, rolls, officer, name, pupils, received_on):
    return source_import_file(
        actor=officer, source=rolls, path=roll_csv(tmp_path, name, pupils), received_on=received_on
    )


def test_a_roll_from_one_school_does_not_replace_anothers(tmp_path, rolls, officer):
    import_roll(
        tmp_path, rolls, officer, "riverside.csv", [(100001, "2001", n) for n in range(1, 201)], date(2026, 11, 2)
    )
    import_roll(tmp_path, rolls, officer, "hillside.csv", [(100002, "2002", 1)], date(2026, 11, 20))

    entries = _roll_entries([], on=ON)

    assert len([e for e in entries if e.school_urn == 100001]) == 200
    assert len([e for e in entries if e.school_urn == 100002]) == 1


def test_a_schools_newer_roll_replaces_only_its_own(tmp_path, rolls, officer):
    import_roll(tmp_path, rolls, officer, "both.csv",
                [(100001, "2001", n) for n in range(1, 11)] + [(100002, "2002", n) for n in range(1, 6)],
                date(2026, 10, 1))  # fmt: skip
    newer = import_roll(tmp_path, rolls, officer, "riverside-new.csv", [(100001, "2001", n) for n in range(1, 8)],
                        date(2026, 11, 25))  # fmt: skip

    in_use = {roll.school_urn: roll for roll in school_rolls_in_use(on=ON)}

    assert (in_use[100001].source_import, in_use[100001].pupils, in_use[100001].age_days) == (newer, 7, 4)
    assert (in_use[100002].pupils, in_use[100002].age_days) == (5, 59)
    entries = _roll_entries([], on=ON)
    assert sorted(e.school_urn for e in entries) == [100001] * 7 + [100002] * 5


def test_a_roll_older_than_the_council_allows_is_stale(tmp_path, rolls, officer, sysadmin):
    import_roll(tmp_path, rolls, officer, "riverside.csv", [(100001, "2001", 1)], date(2026, 10, 1))
    import_roll(tmp_path, rolls, officer, "hillside.csv", [(100002, "2002", 1)], date(2026, 11, 20))

    assert {r.school_urn: r.is_stale for r in school_rolls_in_use(on=ON)} == {100001: True, 100002: False}
    council_settings_update(actor=sysadmin, roll_max_age_days=90)
    assert {r.school_urn: r.is_stale for r in school_rolls_in_use(on=ON)} == {100001: False, 100002: False}


def test_the_runs_page_shows_each_schools_roll_its_age_and_flags_an_old_one(sign_in, tmp_path, rolls, officer):
    import_roll(tmp_path, rolls, officer, "riverside.csv", [(100001, "2001", 1)], date(2026, 10, 1))
    import_roll(tmp_path, rolls, officer, "hillside.csv", [(100002, "2002", 1)], date(2026, 11, 20))
    client = sign_in(officer)

    for page in ("web:matching:runs", "web:matching:run-start"):
        html = client.get(reverse(page)).content.decode()
        assert "School rolls in use" in html
        assert "1 school roll is older than 42 days" in html
        assert "Riverside Primary School" in html and "1 October 2026" in html and "59 days" in html
        assert "Hillside Academy" in html and "20 November 2026" in html and "9 days" in html


def test_the_command_warns_of_old_rolls_before_a_run(tmp_path, rolls, officer, monkeypatch):
    import_roll(tmp_path, rolls, officer, "riverside.csv", [(100001, "2001", 1)], date(2026, 10, 1))
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    monkeypatch.setattr("cme.cli.management.commands.match.match_run_create", _stop)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(_Stopped):
        main(["match", "run"])
    assert "Warning: 1 school rolls are older than 42 days" in out.getvalue()
    assert "Riverside Primary School (URN 100001): received 1 October 2026, 59 days old" in out.getvalue()


class _Stopped(Exception):
    pass


def _stop(**kwargs):
    raise _Stopped

"""A match run on a small synthetic borough with a known truth, through the real import service and linkage engine:
it finds the children on no roll, explains each, keeps identities stable across runs, and decides nothing."""

from datetime import date, timedelta

import pytest

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.models import Referral
from cme.demo.generator import generate_borough
from cme.demo.sources import extracts_generate, extracts_load, score
from cme.matching.enums import CandidateKind, ReviewState, RunState
from cme.matching.models import DataSource, MatchCandidate, MatchRun, SourceImport
from cme.matching.run import could_be_this_pupil, dates_could_be_one, match_run_execute, one_child
from cme.matching.services import candidate_dismiss, match_run_create, source_import_file
from cme.people.models import Child

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def borough():
    return generate_borough(seed=11, children=1200, schools=8)


@pytest.fixture(scope="module")
def extracts(borough):
    return extracts_generate(borough, seed=11)


def run_now(user, on):
    return match_run_execute(run=match_run_create(actor=user, on_date=on))


def test_a_run_made_for_the_command_line_is_created_and_audited_together(officer, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr("cme.matching.services.audit_record", refuse)
    with pytest.raises(RuntimeError):
        match_run_create(actor=officer, on_date=date(2026, 11, 16))
    assert not MatchRun.objects.exists()  # no run without its audit entry


def current(kind=CandidateKind.NOT_ON_ROLL):
    return list(MatchCandidate.objects.filter(is_current=True, kind=kind).order_by("pk"))


def test_a_run_finds_the_children_on_no_roll_explains_each_and_keeps_them_stable(
    borough, extracts, manager, officer, tmp_path
):
    extracts_load(extracts=extracts, actor=manager, folder=tmp_path, received_on=borough.today)

    run = run_now(officer, borough.today)

    assert run.state == RunState.FINISHED
    assert run.settings["dedupe_threshold"] and run.settings["on_roll_threshold"]
    assert run.model_version.startswith("dedupe cme-linkage") and "link cme-linkage" in run.model_version
    assert set(run.model_json) == {"dedupe", "link"} and run.model_json["link"]["comparisons"]
    kinds = dict(DataSource.objects.values_list("pk", "kind"))
    found = score(extracts.truth, [c.record_keys for c in current()], kinds)
    assert extracts.truth.missing, "the borough should have children on no roll"
    assert found.recall >= 0.9, found
    assert found.precision >= 0.8, found
    candidate = current()[0]
    assert candidate.reason and "matches no pupil on any school roll" in candidate.reason
    assert candidate.evidence["records"][0]["source"] and candidate.evidence["records"][0]["since"] is not None
    # Nothing is decided by the run: no referral, no child record.
    children = Child.objects.count()
    assert not Referral.objects.exists() and children == 0

    # A second run on the same extracts keeps every candidate, with the same identity.
    keys = {c.pk: c.identity_key for c in current()}
    dismissed = current()[0]
    candidate_dismiss(candidate=dismissed, actor=officer, rationale="Known to the elective home education team")
    again = run_now(officer, borough.today)
    assert again.settings["models"] == f"reused from match run {run.pk}"  # training is the slow part
    assert {c.pk: c.identity_key for c in MatchCandidate.objects.filter(pk__in=keys)} == keys
    assert again.counts["new"] == 0 if "new" in again.counts else True
    dismissed.refresh_from_db()
    assert dismissed.review_state == ReviewState.DISMISSED and not dismissed.reopened

    # New evidence about the dismissed child (a GP registration they did not have) puts them back in the queue.
    record = dismissed.evidence["records"][0]
    gp = DataSource.objects.get(kind="gp")
    path = tmp_path / "gp-new.csv"
    original = (tmp_path / "gp.csv").read_text(encoding="utf-8")
    given, *_, family = record["name"].split()
    born = date.fromisoformat(record["date_of_birth"])
    path.write_text(
        original + f"GPNEW1,,{given},,{family},{born:%Y%m%d},,{record['address'].split(', ')[0]},,Wyndley,"
        f"{record['postcode']},,,,{(borough.today - timedelta(days=30)):%Y%m%d},\n",
        encoding="utf-8",
    )
    source_import_file(actor=manager, source=gp, path=path, received_on=borough.today)
    last = run_now(officer, borough.today)
    dismissed.refresh_from_db()
    assert dismissed.review_state == ReviewState.TO_REVIEW and dismissed.reopened
    # The system undid a person's dismissal: that is on the audit trail, naming the run, like the dismissal was.
    reopened = AuditEntry.objects.get(event=AuditEvent.MATCH_CANDIDATE_REOPENED)
    assert (reopened.target_id, reopened.related_id, reopened.actor_id) == (str(dismissed.pk), str(last.pk), officer.pk)
    finished = AuditEntry.objects.filter(event=AuditEvent.MATCH_RUN_FINISHED, target_id=str(last.pk)).get()
    assert finished.payload_data["reopened"] == 1
    assert any(key.endswith(":GPNEW1") for key in dismissed.record_keys)
    assert SourceImport.objects.filter(source=gp).count() == 2


def test_dates_of_birth_that_could_be_one_date():
    assert dates_could_be_one(date(2016, 3, 4), date(2016, 4, 3))  # day and month swapped
    assert dates_could_be_one(date(2016, 3, 14), date(2016, 3, 15))  # one digit
    assert dates_could_be_one(date(2016, 3, 12), date(2016, 3, 21))  # two digits transposed
    assert dates_could_be_one(date(2016, 3, 19), date(2016, 3, 20))  # a day out
    assert not dates_could_be_one(date(2016, 3, 4), date(2013, 9, 6))  # a brother or sister
    assert dates_could_be_one(None, date(2013, 9, 6))


def test_brothers_sisters_and_twins_are_never_one_child():
    ali = {"given_name": "Ali", "date_of_birth": "2010-04-03", "middle_names": "Abdi"}
    yusuf = {"given_name": "Yusuf", "date_of_birth": "2013-10-06", "middle_names": "Abdi"}
    twin = {"given_name": "Hodan", "date_of_birth": "2010-04-03", "middle_names": "Abdi"}
    assert not one_child(ali, yusuf)
    assert not one_child(ali, twin)
    assert one_child(ali, {"given_name": "Aly", "date_of_birth": "2010-03-04"})
    assert one_child({"given_name": "William", "date_of_birth": "2010-04-03"},
                     {"given_name": "Billy", "date_of_birth": "2010-04-03"})  # fmt: skip
    assert one_child({**ali, "nhs_number": "9434765919"}, {**yusuf, "nhs_number": "9434765919"})
    # Sikh twins: the names are spelt alike, but the family names differ and the given names are not one name.
    gurpreet = {"given_name": "Gurpreet", "family_name": "Singh", "date_of_birth": "2020-01-07"}
    assert not one_child(gurpreet, {"given_name": "Harpreet", "family_name": "Kaur", "date_of_birth": "2020-01-07"})
    assert one_child(gurpreet, {"given_name": "Gurpreet", "family_name": "Kaur", "date_of_birth": "2020-01-07"})


def test_a_pupil_with_neither_name_alike_is_another_child_however_well_the_address_agrees():
    alicja = {"given_name": "Alicja", "family_name": "Krawczyk", "date_of_birth": "2013-10-04", "postcode": "ZY9 0UL"}
    hanna = {"given_name": "Hanna", "family_name": "Grabowska", "date_of_birth": "2013-10-04", "postcode": "ZY9 0UL"}
    assert not could_be_this_pupil(alicja, hanna)
    harpreet = {"given_name": "Harpreet", "family_name": "Kaur", "date_of_birth": "2020-01-07", "postcode": "ZY1 3HP"}
    assert not could_be_this_pupil({**harpreet, "given_name": "Gurpreet", "family_name": "Singh"}, harpreet)
    assert could_be_this_pupil(alicja, {**alicja, "given_name": "Ala"}) or could_be_this_pupil(
        alicja, {**alicja, "given_name": "Alicja", "family_name": "Krawczyk-Nowak"}
    )
    # A common name elsewhere in the borough with a date one digit away is another child.
    gurpreet = {"given_name": "Gurpreet", "family_name": "Singh", "date_of_birth": "2020-01-07", "postcode": "ZY1 3HP"}
    assert not could_be_this_pupil(gurpreet, {**gurpreet, "date_of_birth": "2021-01-07", "postcode": "ZY6 8FP"})
    assert could_be_this_pupil(gurpreet, {**gurpreet, "date_of_birth": "2021-01-07", "postcode": "ZY1 3HQ"})


def test_the_command_runs_the_matching_and_says_what_it_found(monkeypatch):
    import io
    from contextlib import redirect_stdout

    from cme.cli import main

    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["match", "run", "--on", "2026-11-01", "--retrain"])

    assert status == 0
    assert "Match run" in out.getvalue() and "on no school roll" in out.getvalue()
    run = MatchRun.objects.get()
    assert run.state == RunState.FINISHED and run.settings["options"] == {"retrain": True, "backend": "duckdb"}
    assert run.settings["backend"] == "duckdb"  # where the linkage ran, recorded with the run


def test_a_run_that_died_with_its_worker_does_not_block_the_next(match_run_factory, officer):
    from django.utils import timezone

    from cme.common.errors import ApplicationError
    from cme.matching.services import match_run_queue

    stuck = match_run_factory(state=RunState.RUNNING)
    with pytest.raises(ApplicationError, match="already waiting or running"):
        match_run_queue(actor=officer)
    MatchRun.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(hours=4))

    match_run_queue(actor=officer)

    stuck.refresh_from_db()
    assert stuck.state == RunState.FAILED and "Abandoned" in stuck.failure

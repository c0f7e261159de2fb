"""`cme import schools FILE`: the summary, rejected rows on stderr, and exit status 0, 1 or 2."""

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
from django.core.management import CommandError, call_command

from cme.cli import main
from cme.schools.models import School

from .gias_files import schools_snapshot, write_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    # A real `cme` run closes its database connections on exit (BaseCommand.run_from_argv); inside a test that
    # would close the connection holding the test's transaction, which PostgreSQL cannot reopen mid-transaction.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)


def run_cme(*argv: str) -> tuple[int, str, str]:
    """Run the `cme` console script as a shell would: its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit:
            status = exit.code
    return status, out.getvalue(), err.getvalue()


def test_a_clean_file_is_imported_with_a_summary_and_exit_status_0(register_file):
    status, out, err = run_cme("import", "schools", str(register_file))

    assert status == 0
    assert "Schools: 40 created, 0 updated, 0 unchanged, 0 closed, 0 rejected (40 rows)." in out
    assert err == ""
    assert School.objects.count() == 40


def test_running_the_command_twice_reports_everything_unchanged(register_file):
    call_command("import", "schools", str(register_file), stdout=io.StringIO())
    out = io.StringIO()

    call_command("import", "schools", str(register_file), stdout=out)

    assert "0 created, 0 updated, 40 unchanged" in out.getvalue()


def test_rejected_rows_go_to_stderr_by_line_the_rest_are_imported_and_the_exit_status_is_1(tmp_path, register_rows):
    register_rows[12]["URN"] = "12A456"
    register_rows[20]["StatutoryHighAge"] = "eleven"
    path = write_rows(tmp_path / "register.csv", register_rows)

    status, out, err = run_cme("import", "schools", str(path))

    assert status == 1
    assert err.splitlines() == [
        'line 14: URN "12A456" is not a 6-digit number',
        'line 22: StatutoryHighAge "eleven" is not an age in whole years',
    ]
    assert "38 created" in out and "2 rejected" in out
    assert School.objects.count() == 38


def test_call_command_raises_system_exit_1_when_rows_were_rejected(tmp_path, register_rows):
    register_rows[0]["OpenDate"] = "yesterday"
    path = write_rows(tmp_path / "register.csv", register_rows)
    err = io.StringIO()

    with pytest.raises(SystemExit) as exit:
        call_command("import", "schools", str(path), stdout=io.StringIO(), stderr=err)

    assert exit.value.code == 1
    assert 'line 2: OpenDate "yesterday" is not a date (dd-mm-yyyy or yyyy-mm-dd)' in err.getvalue()


def test_a_refused_file_names_the_problem_writes_nothing_and_exits_with_status_2(
    tmp_path, register_file, register_rows
):
    call_command("import", "schools", str(register_file), stdout=io.StringIO())
    before = schools_snapshot()
    path = write_rows(tmp_path / "trimmed.csv", register_rows, columns=["URN", "LA (code)", "LA (name)"])

    status, out, err = run_cme("import", "schools", str(path))

    assert status == 2
    assert 'no "EstablishmentName" or "EstablishmentStatus (name)" column' in err
    assert str(path) in err and out == ""
    assert schools_snapshot() == before


def test_call_command_raises_a_command_error_with_return_code_2_for_a_refused_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    with pytest.raises(CommandError, match="The file is empty") as error:
        call_command("import", "schools", str(empty))

    assert error.value.returncode == 2


def test_a_missing_file_exits_with_status_2(tmp_path):
    status, _, err = run_cme("import", "schools", str(tmp_path / "nowhere.csv"))

    assert status == 2
    assert "cannot be read" in err


def test_a_utf8_file_is_imported_with_a_note_in_the_summary(tmp_path, register_rows):
    path = write_rows(tmp_path / "resaved.csv", register_rows, encoding="utf-8-sig")

    status, out, _ = run_cme("import", "schools", str(path))

    assert status == 0
    assert "Note: The file is UTF-8" in out


def test_import_without_a_kind_is_a_usage_error_with_status_2():
    status, _, err = run_cme("import")

    assert status == 2
    assert "KIND" in err

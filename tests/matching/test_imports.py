"""Importing source extracts: records written, bad rows held back with line and reason, a receipt in the disclosure
log, and the same from the command line (exit 0, 1 or 2) and from the web (a background task)."""

import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cli import main
from cme.matching.enums import ImportState, SourceKind
from cme.matching.models import DataSource, RejectedRow, SourceImport, SourceRecord
from cme.matching.services import data_source_register, source_import_file
from cme.matching.sources import SourceFileRefused
from cme.privacy.enums import Direction
from cme.privacy.models import Disclosure
from tests.schools.returns_files import CtfPupil, make_ctf, make_upn

pytestmark = pytest.mark.django_db

HEADER = "record_id,household_id,given_name,family_name,date_of_birth,sex,address_line1,postcode,from_date\n"
GOOD = "CT-1,ACC-9,Amara,Okafor,14/05/2016,F,12 Example Road,ZY1 2AB,01/09/2025\n"
ALSO_GOOD = "CT-2,ACC-9,Chidi,Okafor,2012-02-03,M,12 Example Road,ZY1 2AB,01/09/2025\n"
BAD = "CT-3,ACC-9,Ngozi,Okafor,31/02/2016,F,12 Example Road,ZY1 2AB,\n"


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    # `cme` closes its connections on exit; in a test that would close the one holding the test's transaction.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)


@pytest.fixture
def council_tax(manager) -> DataSource:
    return data_source_register(actor=manager, name="Council tax", kind=SourceKind.COUNCIL_TAX,
                                supplier="Revenues and Benefits")  # fmt: skip


def write(tmp_path, text: str):
    path = tmp_path / "extract.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run_cme(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit:
            status = exit.code
    return status, out.getvalue(), err.getvalue()


def test_an_import_writes_records_holds_bad_rows_and_logs_its_receipt(tmp_path, council_tax, officer):
    path = write(tmp_path, HEADER + GOOD + BAD + ALSO_GOOD)
    result = source_import_file(actor=officer, source=council_tax, path=path, received_on=date(2026, 10, 30))

    assert result.state == ImportState.IMPORTED_WITH_REJECTIONS
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (3, 2, 1)
    assert sorted(SourceRecord.objects.values_list("record_ref", flat=True)) == ["CT-1", "CT-2"]
    held = RejectedRow.objects.get()
    assert held.line == 3 and "31/02/2016" in held.reasons[0] and held.values["given_name"] == "Ngozi"
    receipt = Disclosure.objects.get(pk=result.disclosure_id)
    assert receipt.direction == Direction.RECEIVED_IN
    assert receipt.organisation == "Revenues and Benefits"
    assert receipt.purpose == "identify_cme" and receipt.lawful_basis == "legal_obligation"
    assert "2 records received" in receipt.description
    assert AuditEntry.objects.filter(event=AuditEvent.SOURCE_IMPORTED, target_id=str(result.pk)).exists()


def test_a_refused_file_writes_nothing_but_keeps_the_reason(tmp_path, council_tax, officer):
    with pytest.raises(SourceFileRefused, match="no family_name, address_line1, postcode"):
        source_import_file(actor=officer, source=council_tax, path=write(tmp_path, "record_id,given_name\nA,B\n"),
                           received_on=date(2026, 10, 30))  # fmt: skip

    refused = SourceImport.objects.get()
    assert refused.state == ImportState.REFUSED and "postcode" in refused.refusal
    assert not SourceRecord.objects.exists() and not Disclosure.objects.exists()


def test_all_or_nothing_refuses_the_whole_file_for_one_bad_row_and_lists_it(tmp_path, council_tax, officer):
    with pytest.raises(SourceFileRefused, match="1 rows have problems"):
        source_import_file(actor=officer, source=council_tax, path=write(tmp_path, HEADER + GOOD + BAD),
                           received_on=date(2026, 10, 30), all_or_nothing=True)  # fmt: skip

    assert not SourceRecord.objects.exists()
    assert RejectedRow.objects.get().line == 3
    assert SourceImport.objects.get().state == ImportState.REFUSED


def test_the_command_imports_a_clean_file_with_exit_status_0(tmp_path, council_tax):
    status, out, err = run_cme("import", "source", "council-tax", str(write(tmp_path, HEADER + GOOD + ALSO_GOOD)))

    assert status == 0, err
    assert "Council tax: 2 records imported, 0 rows held back for review (2 rows)." in out
    # No --user: the receipt names the manager who registered the source.
    assert SourceImport.objects.get().imported_by == council_tax.registered_by


def test_the_command_lists_held_back_rows_by_line_and_exits_1(tmp_path, council_tax):
    status, out, err = run_cme("import", "source", "council-tax", str(write(tmp_path, HEADER + GOOD + BAD)))

    assert status == 1
    assert err.startswith("line 3: date_of_birth '31/02/2016'")
    assert "1 records imported, 1 rows held back" in out


def test_the_command_refuses_a_bad_file_with_exit_status_2(tmp_path, council_tax):
    status, _, err = run_cme("import", "source", "council-tax", str(write(tmp_path, "")))

    assert status == 2
    assert "was not imported. The file is empty" in err


def test_the_command_asks_for_a_supplier_when_no_source_is_registered(tmp_path):
    status, _, err = run_cme("import", "source", "gp", str(write(tmp_path, HEADER)))

    assert status == 2 and "--supplier" in err


def test_the_command_needs_a_named_person_to_receive_the_extract(tmp_path):
    header = "record_id,given_name,family_name,date_of_birth,address_line1,postcode\n"
    path = write(tmp_path, header + "GP-1,Amara,Okafor,2016-05-14,12 Example Road,ZY1 2AB\n")

    status, _, err = run_cme("import", "source", "gp", str(path), "--supplier", "Wyndley Primary Care Network")

    assert status == 2 and "--user USERNAME" in err
    assert not SourceRecord.objects.exists()


def test_the_command_can_register_the_source_it_imports_into(tmp_path, officer):
    header = "record_id,given_name,family_name,date_of_birth,address_line1,postcode\n"
    path = write(tmp_path, header + "GP-1,Amara,Okafor,2016-05-14,12 Example Road,ZY1 2AB\n")

    status, _, _ = run_cme(
        "import", "source", "gp", str(path), "--supplier", "Wyndley Primary Care Network", "--user", officer.username
    )

    assert status == 0
    source = DataSource.objects.get()
    assert source.kind == SourceKind.GP and source.supplier == "Wyndley Primary Care Network"


def test_an_upload_from_the_web_is_imported_by_a_background_task(
    sign_in, officer, council_tax, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.CME_IMPORT_ROOT = tmp_path
    client = sign_in(officer)
    upload = SimpleUploadedFile("council-tax.csv", (HEADER + GOOD + BAD).encode(), content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("web:matching:import-create", args=[council_tax.pk]),
            {"upload": upload, "received_on_0": "30", "received_on_1": "10", "received_on_2": "2026"},
        )

    source_import = SourceImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:matching:import",
                                                                             args=[source_import.pk])  # fmt: skip
    assert source_import.state == ImportState.IMPORTED_WITH_REJECTIONS
    assert source_import.imported_by == officer
    assert source_import.stored_path == "" and not list(tmp_path.iterdir())  # the upload is deleted once read
    page = client.get(response["Location"]).content.decode()
    assert "Rows held back" in page and "Disclosure log entry" in page
    rows = client.get(reverse("web:matching:rejected-rows", args=[source_import.pk])).content.decode()
    assert "31/02/2016" in rows
    assert AuditEntry.objects.filter(event=AuditEvent.SOURCE_REJECTIONS_VIEWED, actor_id=officer.pk).exists()


def test_an_upload_without_a_file_redisplays_with_an_error(sign_in, officer, council_tax):
    response = sign_in(officer).post(
        reverse("web:matching:import-create", args=[council_tax.pk]),
        {"received_on_0": "30", "received_on_1": "10", "received_on_2": "2026"},
    )
    assert response.status_code == 200
    assert "Choose the CSV file to import" in response.content.decode()
    assert not SourceImport.objects.exists()


def test_a_manager_registers_a_source_from_the_web(sign_in, manager):
    response = sign_in(manager).post(
        reverse("web:matching:source-create"),
        {"name": "Housing tenancies", "kind": "housing", "supplier": "Wyndley Homes", "lawful_basis": "public_task"},
    )
    assert response.status_code == 302
    source = DataSource.objects.get()
    assert (source.kind, source.lawful_basis, source.registered_by) == ("housing", "public_task", manager)
    assert AuditEntry.objects.filter(event=AuditEvent.SOURCE_REGISTERED).exists()


def test_the_templates_page_and_download_describe_each_source(sign_in, officer):
    client = sign_in(officer)
    assert "date_of_birth" in client.get(reverse("web:matching:templates")).content.decode()
    download = client.get(reverse("web:matching:template", args=["benefits"]))
    assert download["Content-Type"].startswith("text/csv")
    assert download.content.decode().startswith("record_id,household_id,given_name")


# --- School rolls as Common Transfer Files ---------------------------------------------------------------------------


@pytest.fixture
def school_roll(manager, school_factory) -> DataSource:
    school_factory(urn=100001, la_code="888", establishment_number="2001", name="Riverside Primary School")
    return data_source_register(actor=manager, name="School rolls", kind=SourceKind.SCHOOL_ROLL,
                                supplier="Riverside Primary School")  # fmt: skip


# A school's whole roll: a full CTF sent to the council (establishment LLLL).
TO_THE_COUNCIL = ("888", "LLLL")


def write_ctf(tmp_path, content: bytes):
    path = tmp_path / "roll.xml"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(("version", "tag"), [("24.0", "Gender"), ("25.0", "Sex")])
def test_a_school_roll_sent_as_a_ctf_becomes_roll_records_of_its_source_school(
    tmp_path, school_roll, officer, version, tag
):
    content = make_ctf(
        [CtfPupil(make_upn(serial=1), sex="F"), CtfPupil(make_upn(serial=2), forename="Chidi", sex="M")],
        version=version,
        sex_tag=tag,
        dest=TO_THE_COUNCIL,
    )
    result = source_import_file(
        actor=officer, source=school_roll, path=write_ctf(tmp_path, content), received_on=date(2026, 11, 2)
    )

    assert (result.state, result.rows_imported, result.rows_rejected) == (ImportState.IMPORTED, 2, 0)
    records = SourceRecord.objects.order_by("given_name")
    assert [(r.given_name, r.sex, r.school_urn, r.postcode) for r in records] == [
        ("Amara", "F", 100001, "WY1 2AB"),
        ("Chidi", "M", 100001, "WY1 2AB"),
    ]
    assert Disclosure.objects.get(pk=result.disclosure_id).direction == Direction.RECEIVED_IN


def test_a_ctf_pupil_with_a_problem_is_held_back_with_its_element_path(tmp_path, school_roll, officer):
    pupils = [CtfPupil(make_upn(serial=1)), CtfPupil(make_upn(serial=2), dob="2014-13-40"), CtfPupil("B801200005002")]
    result = source_import_file(
        actor=officer,
        source=school_roll,
        path=write_ctf(tmp_path, make_ctf(pupils, dest=TO_THE_COUNCIL)),
        received_on=date(2026, 11, 2),
    )

    assert (result.rows_imported, result.rows_rejected) == (1, 2)
    held = {row.line: row.reasons for row in RejectedRow.objects.all()}
    assert held[2] == ["/CTfile/CTFpupilData/Pupil[2]/DOB: enter the date of birth as YYYY-MM-DD, not '2014-13-40'"]
    assert held[3][0].startswith("/CTfile/CTFpupilData/Pupil[3]/UPN: ")


@pytest.mark.parametrize(
    ("ctf", "message"),
    [
        ({"dest": ("XXX", "XXXX")}, "lost-pupil file"),
        ({"dest": ("888", "2002")}, "a transfer of leavers to another school, not Riverside Primary School's whole"),
        ({"source": ("777", "1234"), "dest": TO_THE_COUNCIL}, "LA 777 establishment 1234, is not in the school"),
    ],
)
def test_a_lost_pupil_ctf_or_one_from_an_unknown_school_is_refused_as_a_roll(
    tmp_path, school_roll, officer, ctf, message
):
    path = write_ctf(tmp_path, make_ctf([CtfPupil(make_upn())], **ctf))
    with pytest.raises(SourceFileRefused, match=message):
        source_import_file(actor=officer, source=school_roll, path=path, received_on=date(2026, 11, 2))
    assert SourceRecord.objects.count() == 0


def test_the_command_imports_a_ctf_roll(tmp_path, school_roll):
    path = write_ctf(tmp_path, make_ctf([CtfPupil(make_upn(serial=1))], dest=TO_THE_COUNCIL))
    status, out, err = run_cme("import", "source", "school-roll", str(path))
    assert (status, err) == (0, "")
    assert "1 records imported" in out and SourceRecord.objects.count() == 1

"""The corpus of files laid out as real school and DfE systems write them (tests/schools/corpus, made-up pupils):
each case is fixed here, through the import a council officer would run."""

from datetime import date, datetime
from pathlib import Path

import pytest
from django.urls import reverse

from cme.matching.enums import ImportState, SourceKind
from cme.matching.models import SourceRecord
from cme.matching.services import data_source_register, source_import_file
from cme.matching.sources import SourceFileRefused
from cme.schools.ctf import ctf_read
from cme.schools.enums import ReturnChannel, ReturnKind
from cme.schools.models import ReturnImport, RollReturn
from cme.schools.returns.files import ReturnFileRejected
from cme.schools.returns.services import returns_import

from .test_import_command import keep_the_test_connection, run_cme  # noqa: F401 - the fixture is used by name

CORPUS = Path(__file__).resolve().parent / "corpus"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2026, 11, 29, 10, 0), tick=False)


@pytest.fixture
def school(school_factory):
    return school_factory(urn=100001, la_code="888", establishment_number="2001", name="Riverside Primary School")


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def import_ctf(name: str, actor=None):
    return returns_import(content=corpus(name), file_name=name, channel=ReturnChannel.CTF, actor=actor)


def test_a_sims_file_with_a_namespace_capital_v_and_dates_with_time_zones_is_read(school, officer):
    report = import_ctf("sims_leavers_namespaced.xml", actor=officer)

    assert (report.created, report.errors) == (3, [])
    zoe = RollReturn.objects.get(given_name="Zoë")
    assert (zoe.family_name, zoe.date_of_birth, zoe.event_date) == ("Ó Briain", date(2014, 5, 6), date(2026, 11, 2))
    assert RollReturn.objects.get(given_name="Tomás").date_of_birth == date(2013, 11, 13)
    assert ReturnImport.objects.get().header["version"] == "25.0"


def test_carers_phone_numbers_in_unknown_forms_are_kept_as_written_with_a_warning(school, officer):
    """A Guernsey number and one with "(work)" after it no longer refuse the whole all-or-nothing file."""
    report = import_ctf("sims_leavers_namespaced.xml", actor=officer)

    zoe = RollReturn.objects.get(given_name="Zoë")
    assert zoe.parents == [{"name": "Niamh Ó Briain", "address": "", "phone": "234981"}]
    assert [warning["where"] for warning in zoe.warnings] == ["/CTfile/CTFpupilData/Pupil[1]/Contacts"]
    assert "234981" in zoe.warnings[0]["message"] and "kept as written" in zoe.warnings[0]["message"]
    tomas = RollReturn.objects.get(given_name="Tomás")
    assert tomas.parents[0]["phone"] == "01935 839810 (work)"
    assert len(tomas.warnings) == 1
    # A number cme knows is cleaned as before, with no warning.
    amara = RollReturn.objects.get(given_name="Amara")
    assert (amara.parents[0]["phone"], amara.warnings) == ("+447700900123", [])
    assert len(report.warnings) == 2


def test_the_command_lists_the_warnings_and_exits_0(school, tmp_path):
    path = tmp_path / "sims.xml"
    path.write_bytes(corpus("sims_leavers_namespaced.xml"))

    status, out, err = run_cme("import", "ctf", str(path))

    assert (status, err) == (0, "")
    assert "Returns: 3 created" in out
    assert "2 details were kept as written for an officer to tidy" in out
    assert "/CTfile/CTFpupilData/Pupil[2]/Contacts" in out


def test_a_version_not_yet_published_is_read_as_the_newest_layout_with_a_warning(school, officer):
    report = import_ctf("version_26.xml", actor=officer)

    assert (report.created, report.errors) == (1, [])
    assert report.file_warnings == [
        "CTF version 26.0 is newer than the versions cme knows (24 and 25): it was read as CTF 25. Check the pupils' "
        "details look right."
    ]
    batch = ReturnImport.objects.get()
    assert batch.warnings == report.file_warnings
    assert batch.header["read_as"] == "25"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("giap_download.xml", "a download from the DfE's Get Information about Pupils service (source XXX/XXXX)"),
        ("mtc_results.xml", "a multiplication tables check results file: assessment results for Riverside Primary"),
    ],
)
def test_a_file_that_is_not_for_the_council_is_refused_saying_what_it_is(school, name, says):
    with pytest.raises(ReturnFileRejected, match=r"not a set of pupil returns and not a") as refused:
        import_ctf(name)
    assert says in refused.value.message
    assert RollReturn.objects.count() == 0


def test_a_file_with_no_destination_school_is_a_pupil_whose_destination_is_not_known(school, officer):
    import_ctf("no_destination.xml", actor=officer)

    pupil = RollReturn.objects.get()
    assert pupil.kind == ReturnKind.LOST_PUPIL
    assert pupil.destination_unknown
    assert pupil.ctf_destination == ""
    assert pupil.ctf_destination_label == "Not known: the file names no destination school"


def test_a_lost_pupil_file_is_shown_as_sent_to_an_unknown_school(school, officer):
    import_ctf("lost_pupil.xml", actor=officer)

    pupil = RollReturn.objects.get()
    assert (pupil.kind, pupil.ctf_destination) == (ReturnKind.LOST_PUPIL, "XXX/XXXX")
    assert pupil.ctf_destination_label == "Not known: the school sent a lost-pupil file (XXX/XXXX)"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("sims_leavers_namespaced.xml", "transfer"),
        ("version_26.xml", "transfer"),
        ("full_roll_to_council.xml", "full_roll"),
        ("partial_to_school.xml", "partial"),
        ("lost_pupil.xml", "lost_pupil"),
        ("no_destination.xml", "destination_unknown"),
    ],
)
def test_each_file_says_what_it_is(name, kind):
    parsed = ctf_read(corpus(name))
    assert parsed.header["kind"] == kind
    assert parsed.header["full_roll"] is (kind == "full_roll")


def test_a_schools_whole_roll_is_not_taken_as_returns(school):
    with pytest.raises(ReturnFileRejected, match="Riverside Primary School's whole roll"):
        import_ctf("full_roll_to_council.xml")


@pytest.fixture
def school_roll(manager, school):
    return data_source_register(actor=manager, name="School rolls", kind=SourceKind.SCHOOL_ROLL, supplier="Schools")


def import_roll(name: str, source, actor, tmp_path):
    path = tmp_path / name
    path.write_bytes(corpus(name))
    return source_import_file(actor=actor, source=source, path=path, received_on=date(2026, 11, 2))


def test_only_a_full_file_sent_to_the_council_is_taken_as_the_schools_roll(school_roll, officer, tmp_path):
    result = import_roll("full_roll_to_council.xml", school_roll, officer, tmp_path)

    assert (result.state, result.rows_imported) == (ImportState.IMPORTED, 3)
    assert set(SourceRecord.objects.values_list("school_urn", flat=True)) == {100001}


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("sims_leavers_namespaced.xml", "a transfer of leavers to another school, not Riverside Primary School's"),
        ("partial_to_school.xml", "a partial file (part of some pupils' records)"),
        ("lost_pupil.xml", "a lost-pupil file (destination XXX/XXXX)"),
        ("no_destination.xml", "a file with no destination school (destination not known)"),
        ("giap_download.xml", "Get Information about Pupils"),
        ("mtc_results.xml", "multiplication tables check"),
    ],
)
def test_leavers_partial_and_lost_pupil_files_are_never_a_roll(school_roll, officer, tmp_path, name, says):
    with pytest.raises(SourceFileRefused) as refused:
        import_roll(name, school_roll, officer, tmp_path)
    assert says in refused.value.message
    assert SourceRecord.objects.count() == 0


def test_the_officer_sees_the_details_to_tidy_on_the_return(sign_in, school, officer):
    import_ctf("sims_leavers_namespaced.xml", actor=officer)
    import_ctf("no_destination.xml", actor=officer)
    zoe = RollReturn.objects.get(given_name="Zoë")
    yusuf = RollReturn.objects.get(given_name="Yusuf")
    client = sign_in(officer)

    html = client.get(reverse("web:returns:detail", args=[zoe.pk])).content.decode()
    assert "Details to tidy" in html
    assert "the number for Niamh Ó Briain, 234981" in html
    assert "Destination: LA 888, establishment 2002" in html
    html = client.get(reverse("web:returns:detail", args=[yusuf.pk])).content.decode()
    assert "Details to tidy" not in html
    assert "Destination: Not known: the file names no destination school" in html


# --- The school register (GIAS) saved again from a spreadsheet -----------------------------------------------------


def test_a_register_extract_resaved_from_excel_keeps_the_good_telephone_numbers(school_factory, tmp_path):
    """Excel dropped the leading zeros (an LA code of 0 for 000, telephone numbers without their 0) and wrote some
    dates as ISO. The stored number of a school cme holds is kept, and each such row is reported."""
    from cme.schools.models import School
    from cme.schools.services import school_register_import

    school_factory(urn=100001, la_code="888", establishment_number="2001", telephone="01632 960123", name="Old name")
    school_factory(urn=100002, la_code="888", establishment_number="2002", telephone="01632 960456")

    report = school_register_import(source=CORPUS / "gias_resaved_from_excel.csv")

    assert (report.created, report.updated, report.rejected) == (1, 2, 0)
    riverside, hillside, offshore = School.objects.order_by("urn")
    assert (riverside.name, riverside.telephone, riverside.open_date) == (
        "Riverside Primary School", "01632 960123", date(2004, 9, 1))  # fmt: skip
    assert hillside.telephone == "01632 960456"
    assert (offshore.la_code, offshore.telephone, offshore.open_date) == ("000", "01632960789", date(2019, 9, 1))
    assert [str(warning) for warning in report.warnings] == [
        'line 2: TelephoneNum "1632 960123" has lost its leading 0 (a spreadsheet took it for a number): the stored '
        "number 01632 960123 was kept",
        'line 3: TelephoneNum "1632960456" has lost its leading 0 (a spreadsheet took it for a number): the stored '
        "number 01632 960456 was kept",
        'line 4: TelephoneNum "1632960789" has lost its leading 0 (a spreadsheet took it for a number): it was stored '
        "as 01632960789",
    ]


def test_the_register_command_reports_the_rows_it_kept_a_value_for(school_factory, tmp_path):
    school_factory(urn=100001, la_code="888", establishment_number="2001", telephone="01632 960123")

    status, out, err = run_cme("import", "schools", str(CORPUS / "gias_resaved_from_excel.csv"))

    assert (status, err) == (0, "")
    assert 'Warning: line 2: TelephoneNum "1632 960123" has lost its leading 0' in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<Header><CTFversion>25.0</CTFversion></Header>", "The root element is <Header>, not <CTfile>"),
        (b"<School><CTfile><Header/></CTfile></School>", "The root element is <School>, not <CTfile>"),
        (b'<c:CTfile xmlns:c="urn:example"/>', "The file has no /CTfile/Header"),
        (b"", "not well-formed XML"),
    ],
)
def test_a_file_that_is_not_a_ctf_says_so(content, message):
    with pytest.raises(ReturnFileRejected, match=message):
        ctf_read(content)

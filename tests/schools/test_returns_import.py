"""Importing returns from the CSV template and from Common Transfer Files: all or nothing, with every problem
located, receipts logged, and no duplicates on a second import."""

import datetime

import pytest

from cme.accounts.models import User
from cme.accounts.services import COMMAND_LINE_USERNAME
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.privacy.enums import DataCategory, Direction, LawfulBasis
from cme.privacy.models import Disclosure
from cme.schools.enums import ReturnChannel, ReturnKind
from cme.schools.models import PartTimeTimetable, ReturnImport, RollReturn
from cme.schools.returns.files import ReturnFileRejected
from cme.schools.returns.services import returns_import

from .returns_files import CtfPupil, make_csv, make_ctf, make_upn, return_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


@pytest.fixture
def school(school_factory):
    return school_factory(urn=100001, la_code="888", establishment_number="2001", name="Riverside Primary School")


def import_csv(content: bytes, actor=None, school=None):
    return returns_import(
        content=content, file_name="returns.csv", channel=ReturnChannel.CSV, actor=actor, school=school
    )


def import_ctf(content: bytes, actor=None, school=None):
    return returns_import(
        content=content, file_name="pupils.xml", channel=ReturnChannel.CTF, actor=actor, school=school
    )


# --- CSV -------------------------------------------------------------------------------------------------------------


def test_a_clean_csv_creates_one_return_per_row_with_a_receipt_each(school, officer):
    rows = [
        return_row(school_urn=school.urn, serial=1),
        return_row(
            school_urn=school.urn,
            serial=2,
            return_type="unauthorised_absence",
            school_days_absent=12,
            deletion_ground="",
        ),
    ]

    report = import_csv(make_csv(rows), actor=officer)

    assert (report.created, report.unchanged, report.errors) == (2, 0, [])
    deletion = RollReturn.objects.get(kind=ReturnKind.DELETION)
    assert deletion.upn == make_upn(serial=1)
    assert deletion.parents == [
        {"name": "Dana Barker", "address": "4 Mill Lane, Wyndley WY1 3DF", "phone": "+447700900456"}
    ]
    receipts = Disclosure.objects.filter(direction=Direction.RECEIVED_IN)
    assert receipts.count() == 2
    receipt = receipts.get(subjects__subject_id=deletion.pk)
    assert receipt.organisation == "Riverside Primary School"
    assert receipt.lawful_basis == LawfulBasis.LEGAL_OBLIGATION
    assert "School Attendance (Pupil Registration) (England) Regulations 2024" in receipt.description
    assert set(receipt.data_categories) >= {DataCategory.IDENTITY, DataCategory.FAMILY, DataCategory.EDUCATION}


def test_importing_the_same_csv_again_adds_nothing(school, officer):
    content = make_csv([return_row(school_urn=school.urn, serial=n) for n in range(1, 4)])
    import_csv(content, actor=officer)

    again = import_csv(content, actor=officer)

    assert (again.created, again.unchanged, again.already_imported) == (0, 3, True)
    assert RollReturn.objects.count() == 3
    assert Disclosure.objects.count() == 3
    assert ReturnImport.objects.count() == 1


def test_a_return_already_sent_in_another_file_is_not_added_twice(school, officer):
    import_csv(make_csv([return_row(school_urn=school.urn, serial=1)]), actor=officer)

    report = import_csv(make_csv([return_row(school_urn=school.urn, serial=n) for n in (1, 2)]), actor=officer)

    assert (report.created, report.unchanged) == (1, 1)
    assert RollReturn.objects.count() == 2


def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_imported(school, officer):
    good = return_row(school_urn=school.urn, serial=1)
    bad_upn = return_row(school_urn=school.urn, serial=2, upn="B801200005002")
    unknown_kind = return_row(school_urn=school.urn, serial=3, return_type="holiday")
    unknown_ground = return_row(school_urn=school.urn, serial=4, deletion_ground="Q")
    no_phone = return_row(school_urn=school.urn, serial=5, parent1_phone="")

    report = import_csv(make_csv([good, bad_upn, unknown_kind, unknown_ground, no_phone]), actor=officer)

    assert report.rejected
    messages = [str(error) for error in report.errors]
    assert any(m.startswith("line 3, upn: The UPN check letter is wrong") for m in messages), messages
    assert any(m.startswith("line 4, return_type: unknown return type 'holiday'") for m in messages), messages
    assert any(m.startswith("line 5, deletion_ground: unknown deletion ground 'Q'") for m in messages), messages
    assert any(
        m.startswith("line 6, parent1_name: Enter an emergency telephone number for Dana Barker") for m in messages
    ), messages
    assert RollReturn.objects.count() == 0
    assert Disclosure.objects.count() == 0
    assert ReturnImport.objects.count() == 0


def test_an_unknown_school_is_reported(school, officer):
    report = import_csv(make_csv([return_row(school_urn=999999)]), actor=officer)

    assert [str(error) for error in report.errors] == ["line 2, school_urn: no school with URN 999999 in the register"]
    assert RollReturn.objects.count() == 0


def test_a_school_user_may_only_send_their_own_schools_returns(school, school_factory, officer):
    other = school_factory(urn=100002, name="Hillside Academy")

    report = import_csv(make_csv([return_row(school_urn=other.urn)]), actor=officer, school=school)

    assert [str(error) for error in report.errors] == ["line 2: This return is for Hillside Academy, not your school"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"upn,forename\nA,B\n", "The header has no return_type, school_urn, surname, date_of_birth, event_date"),
        (b"PK\x03\x04\x00\x00binary", "not CSV text"),
    ],
)
def test_a_file_that_is_not_the_template_is_refused_whole(content, message):
    with pytest.raises(ReturnFileRejected, match=message):
        import_csv(content)


def test_a_command_line_import_names_an_account_that_cannot_sign_in(school):
    import_csv(make_csv([return_row(school_urn=school.urn)]))

    receipt = Disclosure.objects.get()
    assert receipt.recorded_by.username == COMMAND_LINE_USERNAME
    assert not receipt.recorded_by.is_active
    assert not receipt.recorded_by.has_usable_password()
    # The account was made by the accounts service, with its audit entry, once; a second import reuses it.
    import_csv(make_csv([return_row(school_urn=school.urn, forename="Other", serial=2)]))
    created = AuditEntry.objects.filter(event=AuditEvent.USER_CREATED, target_id=str(receipt.recorded_by_id))
    assert created.count() == 1 and User.objects.filter(username=COMMAND_LINE_USERNAME).count() == 1


def test_a_part_time_timetable_its_review_and_its_end_in_one_file(school, officer):
    start = return_row(
        school_urn=school.urn,
        return_type="part_time_timetable",
        deletion_ground="",
        event_date="2026-09-08",
        hours_per_week="12.5",
        timetable_reason="Medical: recovery",
        parent_agreed="yes",
        next_review_date="2026-10-06",
        planned_end_date="2026-12-18",
    )
    review = return_row(
        school_urn=school.urn,
        return_type="timetable_review",
        deletion_ground="",
        event_date="2026-10-06",
        hours_per_week="17.5",
        next_review_date="2026-11-03",
    )
    end = return_row(school_urn=school.urn, return_type="timetable_end", deletion_ground="", event_date="2026-11-20")

    report = import_csv(make_csv([start, review, end]), actor=officer)

    assert report.errors == []
    timetable = PartTimeTimetable.objects.get()
    assert timetable.hours_per_week == pytest.approx(17.5)
    assert timetable.next_review_on == datetime.date(2026, 11, 3)
    assert timetable.ended_on == datetime.date(2026, 11, 20)
    assert RollReturn.objects.filter(timetable=timetable).count() == 3


def test_a_review_of_a_timetable_nobody_sent_is_reported(school, officer):
    review = return_row(
        school_urn=school.urn,
        return_type="timetable_review",
        deletion_ground="",
        event_date="2026-10-06",
        next_review_date="2026-11-03",
    )

    report = import_csv(make_csv([review]), actor=officer)

    assert [error.where for error in report.errors] == ["line 2"]
    assert "no open part-time timetable" in report.errors[0].message


def test_absence_returns_must_meet_their_thresholds(school, officer):
    rows = [
        return_row(
            school_urn=school.urn,
            serial=1,
            return_type="unauthorised_absence",
            deletion_ground="",
            school_days_absent=9,
        ),
        return_row(school_urn=school.urn, serial=2, return_type="sickness", deletion_ground="", school_days_absent=14),
    ]

    report = import_csv(make_csv(rows), actor=officer)

    assert [str(error) for error in report.errors] == [
        "line 2, school_days_absent: A continuous unauthorised absence return is for 10 school days or more",
        "line 3, school_days_absent: A sickness return is for 15 school days or more",
    ]


# --- CTF -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "tag"), [("24.0", "Gender"), ("25.0", "Sex"), ("25.0", "Gender"), ("24.0", "Sex")])
def test_ctf_24_and_25_are_read_with_either_sex_or_gender(school, officer, version, tag):
    content = make_ctf(
        [CtfPupil(make_upn(serial=1), sex="F"), CtfPupil(make_upn(serial=2), sex="M")], version=version, sex_tag=tag
    )

    report = import_ctf(content, actor=officer)

    assert (report.created, report.errors) == (2, [])
    assert sorted(RollReturn.objects.values_list("sex", flat=True)) == ["F", "M"]
    pupil = RollReturn.objects.get(upn=make_upn(serial=1))
    assert pupil.kind == ReturnKind.CTF_PUPIL
    assert (pupil.ctf_source, pupil.ctf_destination) == ("888/2001", "888/2002")
    assert pupil.school == school
    assert pupil.address_postcode == "WY1 2AB"
    assert pupil.parents[0]["phone"] == "+447700900123"
    assert ReturnImport.objects.get().header["version"] == version


def test_a_lost_pupil_ctf_becomes_a_lost_pupil_return(school, officer):
    content = make_ctf([CtfPupil(make_upn(serial=7))], dest=("XXX", "XXXX"))

    import_ctf(content, actor=officer)

    lost = RollReturn.objects.get()
    assert lost.kind == ReturnKind.LOST_PUPIL
    assert lost.ctf_destination == "XXX/XXXX"
    assert lost.destination_unknown


def test_ctf_pupil_problems_are_reported_by_element_path_and_nothing_is_imported(school, officer):
    pupils = [
        CtfPupil(make_upn(serial=1)),
        CtfPupil("B801200005002"),
        CtfPupil(make_upn(serial=3), sex="X"),
        CtfPupil(make_upn(serial=4), dob="2014-13-40"),
    ]

    report = import_ctf(make_ctf(pupils), actor=officer)

    assert [str(error) for error in report.errors] == [
        "/CTfile/CTFpupilData/Pupil[4]/DOB: enter the date of birth as YYYY-MM-DD, not '2014-13-40'",
        "/CTfile/CTFpupilData/Pupil[2]/UPN: The UPN check letter is wrong (got B801200005002)",
    ]
    # An unknown sex code does not make the return unusable: it is a warning, not a refusal.
    assert [str(warning) for warning in report.warnings] == [
        "/CTfile/CTFpupilData/Pupil[3]/Sex: unknown code 'X': expected M, F or U; the sex was left blank"
    ]
    assert RollReturn.objects.count() == 0


def test_a_ctf_from_a_school_not_in_the_register_is_reported(school, officer):
    report = import_ctf(make_ctf([CtfPupil(make_upn())], source=("777", "1234")), actor=officer)

    assert [str(error) for error in report.errors] == [
        "/CTfile/Header/SourceSchool: no school with LA 777 and establishment 1234 in the register"
    ]


def test_importing_the_same_ctf_again_adds_nothing(school, officer):
    content = make_ctf([CtfPupil(make_upn(serial=n)) for n in range(1, 6)])
    import_ctf(content, actor=officer)

    again = import_ctf(content, actor=officer)

    assert (again.created, again.unchanged) == (0, 5)
    assert RollReturn.objects.count() == 5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<CTfile><Header>", "not well-formed XML"),
        (b"<School/>", "not a Common Transfer File"),
        (make_ctf([CtfPupil("A")], version="23.0"), "CTF version '23.0' is not read by cme"),
        (
            b"<CTfile><Header><CTFversion>25.0</CTFversion><DateTime>2026-11-02T10:00:00</DateTime><SourceSchool>"
            b"<LEA>888</LEA><Estab>2001</Estab></SourceSchool></Header></CTfile>",
            "has no pupils",
        ),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><CTfile>&x;</CTfile>', "Header"),
    ],
)
def test_a_file_that_is_not_a_ctf_24_or_25_is_refused_whole(content, message):
    with pytest.raises(ReturnFileRejected, match=message):
        import_ctf(content)


def test_the_template_shipped_in_docs_is_the_one_the_import_reads():
    from pathlib import Path

    from cme.schools.returns.csvfile import template_csv

    shipped = Path(__file__).resolve().parents[2] / "docs" / "templates" / "returns.csv"
    assert shipped.read_text() == template_csv()


def test_a_ctf_from_outside_the_register_to_a_school_in_it_is_the_destination_schools(school, officer):
    content = make_ctf([CtfPupil(make_upn(la="331", estab="4001"))], source=("331", "4001"), dest=("888", "2001"))

    report = import_ctf(content, actor=officer)

    assert report.errors == []
    assert RollReturn.objects.get().school == school

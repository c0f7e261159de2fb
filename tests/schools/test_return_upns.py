"""One UPN, one pupil: a return whose UPN another pupil holds is refused, naming the record that holds it, through
every door (question pages, API, CSV and CTF files with line and reason); the same pupil written another way is not."""

import datetime

import pytest
from django.urls import reverse

from cme.accounts.enums import Role
from cme.schools.enums import ReturnChannel
from cme.schools.models import RollReturn
from cme.schools.returns.services import returns_import
from cme.schools.returns.upn import Pupil, same_pupil

from .returns_files import CtfPupil, make_csv, make_ctf, make_upn, return_row

pytestmark = pytest.mark.django_db

UPN = make_upn(serial=7)
BORN = datetime.date(2015, 3, 14)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


@pytest.fixture
def school(school_factory):
    return school_factory(urn=100001, la_code="888", establishment_number="2001", name="Riverside Primary School")


@pytest.fixture
def teacher(user_factory, school):
    return user_factory(role=Role.SCHOOL_USER, username="upn-teacher", school=school)


@pytest.fixture
def holder(child_factory):
    """The council's record of Leona Barker, who holds the UPN."""
    return child_factory(given_name="Leona", family_name="Barker", date_of_birth=BORN, upn=UPN)


def _pupil(given: str, family: str, born=BORN, preferred: str = "") -> Pupil:
    return Pupil("schools.rollreturn", 0, given, family, born, preferred)


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (_pupil("Leona", "Barker"), True),
        (_pupil("LEONA", "Barker-Smith"), True),  # a surname changed or written another way
        (_pupil("Léona", "Barker", datetime.date(2015, 4, 14)), True),  # a date of birth mistyped
        (_pupil("Leo", "Barker", preferred="Leona"), True),  # the name she is known by
        (_pupil("Leon", "Barker"), False),  # her twin: one family name and birthday, two first names
        (_pupil("Leona", "Okafor", datetime.date(2016, 1, 2)), False),  # another girl altogether
    ],
)
def test_the_same_pupil_may_be_written_another_way_but_a_twin_is_a_different_pupil(other, same):
    assert same_pupil(_pupil("Leona", "Barker"), other) is same


# --- Files: line and reason ---------------------------------------------------------------------------------------


def _csv(*rows) -> bytes:
    return make_csv(list(rows))


def _row(school, **cells):
    return return_row(school_urn=school.urn, upn=UPN, **cells)


def test_two_pupils_with_one_upn_in_a_file_are_reported_with_both_lines_and_nothing_is_imported(school, officer):
    content = _csv(_row(school, forename="Leona"), _row(school, forename="Leon", event_date="2026-11-21"))

    report = returns_import(content=content, file_name="r.csv", channel=ReturnChannel.CSV, actor=officer)

    assert [str(error) for error in report.errors] == [
        f"line 3, upn: UPN {UPN} is also given for Leona Barker, born 14 March 2015 at line 2: a UPN belongs to one "
        "pupil. Check the UPN of each of them"
    ]
    assert not RollReturn.objects.exists()


def test_one_pupil_twice_in_a_file_is_no_conflict(school, officer):
    content = _csv(_row(school, forename="Leona"), _row(school, forename="leona", event_date="2026-11-21"))

    report = returns_import(content=content, file_name="r.csv", channel=ReturnChannel.CSV, actor=officer)

    assert not report.errors and report.created == 2


def test_a_file_line_whose_upn_a_child_record_holds_is_reported_naming_that_record(school, officer, holder):
    content = _csv(_row(school, forename="Leona"), _row(school, forename="Leon", event_date="2026-11-21"))

    report = returns_import(content=content, file_name="r.csv", channel=ReturnChannel.CSV, actor=officer)

    messages = [str(error) for error in report.errors]
    assert messages[0] == (
        f"line 3, upn: UPN {UPN} is also given for Leona Barker, born 14 March 2015 at line 2: a UPN belongs to one "
        "pupil. Check the UPN of each of them"
    )
    assert not RollReturn.objects.exists()
    alone = returns_import(
        content=_csv(_row(school, forename="Leon")), file_name="r2.csv", channel=ReturnChannel.CSV, actor=officer
    )
    assert [str(error) for error in alone.errors] == [
        f"line 2, upn: UPN {UPN} is already held by the record of Leona Barker, born 14 March 2015 (child record "
        f"{holder.pk}): a UPN belongs to one pupil. Check the UPN"
    ]


def test_a_ctf_pupil_whose_upn_a_child_holds_is_reported_at_its_element(school, officer, holder):
    content = make_ctf([CtfPupil(upn=UPN, forename="Amara", surname="Okafor")])

    report = returns_import(content=content, file_name="p.xml", channel=ReturnChannel.CTF, actor=officer)

    [error] = report.errors
    assert error.where.startswith("/CTfile/CTFpupilData/Pupil[1]") and error.where.endswith("UPN")
    assert f"child record {holder.pk}" in error.message and "Leona Barker" in error.message


def test_a_school_uploading_is_told_the_record_number_never_the_councils_child(school, teacher, holder):
    content = _csv(_row(school, forename="Leon"))

    report = returns_import(content=content, file_name="r.csv", channel=ReturnChannel.CSV, actor=teacher, school=school)

    [error] = report.errors
    assert f"a different pupil the council knows (child record {holder.pk})" in error.message
    assert "Leona" not in error.message


# --- Question pages and the API ------------------------------------------------------------------------------------


def _sickness(**changes) -> dict:
    return {
        "kind": "sickness",
        "upn": UPN,
        "given_name": "Leon",
        "family_name": "Barker",
        "date_of_birth": "2015-03-14",
        "event_date": "2026-10-01",
        "school_days_absent": 16,
        **changes,
    }


def test_the_question_page_names_the_schools_own_earlier_return_for_another_pupil(sign_in, teacher, school):
    from tests.web.test_return_pages import deletion_form

    client = sign_in(teacher)
    first = client.post(reverse("web:returns:create", args=["deletion"]), deletion_form(upn=UPN, given_name="Leona"))
    assert first.status_code == 302
    earlier = RollReturn.objects.get()

    response = client.post(reverse("web:returns:create", args=["deletion"]), deletion_form(upn=UPN))

    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html, html
    assert f"a return about Leona Barker, born 14 March 2015 (return {earlier.pk})" in html
    assert RollReturn.objects.count() == 1

"""Schools' returns through the pages: a school sends and follows its own; an officer triages in the inbox."""

import datetime
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cme.accounts.enums import Role
from cme.cases.enums import DecisionKind, ReferralSource
from cme.cases.models import Decision, Referral
from cme.privacy.enums import Direction
from cme.privacy.models import Disclosure
from cme.schools.enums import ReturnKind, TriageState
from cme.schools.models import PartTimeTimetable, RollReturn
from tests.schools.returns_files import make_csv, make_upn, return_row

from .test_case_pages import date_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


@pytest.fixture
def school(school_factory):
    return school_factory(urn=100001, name="Riverside Primary School")


@pytest.fixture
def teacher(user_factory, school):
    return user_factory(role=Role.SCHOOL_USER, username="attendance-lead", school=school)


def deletion_form(**changes) -> dict:
    form = {
        "upn": make_upn(serial=1),
        "given_name": "Leon",
        "family_name": "Barker",
        **date_fields("date_of_birth", datetime.date(2015, 3, 14)),
        "sex": "M",
        "address_line1": "4 Mill Lane",
        "address_postcode": "WY1 3DF",
        **date_fields("event_date", datetime.date(2026, 11, 20)),
        "deletion_ground": "I",
        "parent1_name": "Dana Barker",
        "parent1_phone": "07700 900 456",
        "safeguarding_concern": "",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_a_school_sends_a_deletion_return_and_sees_it_received(sign_in, teacher, school):
    client = sign_in(teacher)

    response = client.post(reverse("web:returns:create", args=["deletion"]), deletion_form())

    roll_return = RollReturn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:returns:school-detail", args=[roll_return.pk])
    assert (roll_return.school, roll_return.kind, roll_return.submitted_by) == (school, ReturnKind.DELETION, teacher)
    receipt = Disclosure.objects.get(subjects__subject_id=roll_return.pk)
    assert (receipt.direction, receipt.organisation) == (Direction.RECEIVED_IN, "Riverside Primary School")
    page = client.get(response["Location"]).content.decode()
    assert "Received" in page
    assert "Leon Barker" in page


def test_the_kind_question_leads_to_the_form_for_that_kind(sign_in, teacher):
    client = sign_in(teacher)

    response = client.post(reverse("web:returns:kind"), {"kind": "sickness"})

    assert response["Location"] == reverse("web:returns:create", args=["sickness"])
    assert client.get(reverse("web:returns:create", args=["holiday"])).status_code == 404


def test_a_deletion_without_its_statutory_details_is_redisplayed_with_an_error_summary(sign_in, teacher):
    client = sign_in(teacher)

    response = client.post(
        reverse("web:returns:create", args=["deletion"]), deletion_form(parent1_phone="", deletion_ground="")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Select the ground for deletion (A to O)" in page
    assert RollReturn.objects.count() == 0


def test_a_missing_emergency_number_is_shown_against_the_parent(sign_in, teacher):
    client = sign_in(teacher)

    response = client.post(reverse("web:returns:create", args=["deletion"]), deletion_form(parent1_phone=""))

    assert "Enter an emergency telephone number for Dana Barker" in response.content.decode()
    assert RollReturn.objects.count() == 0


def test_sending_the_same_return_twice_is_refused(sign_in, teacher):
    client = sign_in(teacher)
    client.post(reverse("web:returns:create", args=["deletion"]), deletion_form())

    response = client.post(reverse("web:returns:create", args=["deletion"]), deletion_form())

    assert "The council already has this return" in response.content.decode()
    assert RollReturn.objects.count() == 1


def test_a_school_user_sees_only_their_own_schools_returns(sign_in, teacher, school, roll_return_factory):
    own = roll_return_factory(school=school, given_name="Owena")
    other = roll_return_factory(given_name="Othello")
    client = sign_in(teacher)

    page = client.get(reverse("web:returns:school-list")).content.decode()

    assert "Owena" in page
    assert "Othello" not in page
    assert client.get(reverse("web:returns:school-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("web:returns:school-detail", args=[other.pk])).status_code == 404


def test_the_school_sees_a_summary_of_the_councils_work_and_never_its_details(
    sign_in, teacher, school, officer, roll_return_factory, child_factory
):
    roll_return = roll_return_factory(school=school)
    from cme.schools.returns.services import return_match_confirm, return_refer

    return_match_confirm(roll_return=roll_return, child=child_factory(), actor=officer, rationale="Same UPN")
    referral = return_refer(roll_return=roll_return, actor=officer, rationale="Whereabouts unknown since half-term")
    client = sign_in(teacher)

    page = client.get(reverse("web:returns:school-detail", args=[roll_return.pk])).content.decode()

    assert "Being looked into" in page
    assert "Whereabouts unknown since half-term" not in page
    assert reverse("web:referrals:detail", args=[referral.pk]) not in page


def test_an_officer_triages_a_return_match_then_refer(sign_in, officer, school, roll_return_factory, child_factory):
    child = child_factory(
        given_name="Leon", family_name="Barker", date_of_birth=datetime.date(2015, 3, 14), upn=make_upn(serial=9)
    )
    roll_return = roll_return_factory(school=school, upn=make_upn(serial=9), deletion_ground="I")
    client = sign_in(officer)

    detail = client.get(reverse("web:returns:detail", args=[roll_return.pk])).content.decode()
    match_url = reverse("web:returns:match", args=[roll_return.pk])
    match = {"child": str(child.pk), "rationale": "UPN matches"}
    # Leon is in no one's caseload: linking the return to his record asks why first, then comes back.
    asked = client.post(match_url, match)
    purpose_url = reverse("web:children:purpose", args=[child.pk])
    assert asked["Location"] == f"{purpose_url}?next={quote(match_url, safe='')}"
    assert client.post(asked["Location"], {"purpose": "identify_cme", "reason": "Deleted, ground I"})["Location"] == (
        match_url
    )
    matched = client.post(match_url, match)
    referred = client.post(reverse("web:returns:refer", args=[roll_return.pk]), {"rationale": "No destination"})

    assert "Almost certain: the UPN matches" in detail
    assert "joint reasonable enquiries" in detail
    assert matched.status_code == 302
    roll_return.refresh_from_db()
    assert roll_return.child == child
    assert roll_return.triage_state == TriageState.REFERRED
    referral = Referral.objects.get()
    assert (referral.child, referral.source) == (child, ReferralSource.SCHOOL)
    assert referred["Location"] == reverse("web:referrals:detail", args=[referral.pk])
    kinds = set(Decision.objects.filter(roll_return=roll_return).values_list("kind", flat=True))
    assert kinds == {DecisionKind.MATCH_RETURN, DecisionKind.REFER_RETURN}


def test_a_suggested_match_is_never_applied_without_the_officer(
    sign_in, officer, school, roll_return_factory, child_factory
):
    child_factory(given_name="Leon", family_name="Barker", date_of_birth=datetime.date(2015, 3, 14))
    roll_return = roll_return_factory(school=school)
    client = sign_in(officer)

    client.get(reverse("web:returns:detail", args=[roll_return.pk]))

    roll_return.refresh_from_db()
    assert roll_return.child is None
    assert roll_return.triage_state == TriageState.RECEIVED


def test_no_further_action_needs_a_reason_and_closes_the_return_for_the_school(
    sign_in, officer, teacher, school, roll_return_factory
):
    roll_return = roll_return_factory(school=school)
    client = sign_in(officer)

    refused = client.post(reverse("web:returns:no-further-action", args=[roll_return.pk]), {"rationale": ""})
    done = client.post(
        reverse("web:returns:no-further-action", args=[roll_return.pk]), {"rationale": "On roll at Hillside"}
    )

    assert "Enter the reason for your decision" in refused.content.decode()
    assert done.status_code == 302
    roll_return.refresh_from_db()
    assert roll_return.triage_state == TriageState.NO_FURTHER_ACTION
    page = sign_in(teacher).get(reverse("web:returns:school-detail", args=[roll_return.pk])).content.decode()
    assert "Closed" in page


def test_an_upload_with_bad_rows_lists_each_and_saves_nothing(sign_in, teacher, school):
    content = make_csv([return_row(school_urn=school.urn), return_row(school_urn=school.urn, serial=2, upn="X1")])
    client = sign_in(teacher)

    response = client.post(
        reverse("web:returns:upload"),
        {"file_format": "csv", "file": SimpleUploadedFile("returns.csv", content, content_type="text/csv")},
    )

    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "line 3, upn" in page
    assert RollReturn.objects.count() == 0


def test_a_good_upload_is_received(sign_in, teacher, school):
    content = make_csv([return_row(school_urn=school.urn, serial=n) for n in (1, 2)])
    client = sign_in(teacher)

    response = client.post(
        reverse("web:returns:upload"),
        {"file_format": "csv", "file": SimpleUploadedFile("returns.csv", content, content_type="text/csv")},
    )

    assert response["Location"] == reverse("web:returns:school-list")
    assert RollReturn.objects.filter(school=school).count() == 2


def test_the_template_downloads_with_its_header(sign_in, teacher):
    response = sign_in(teacher).get(reverse("web:returns:template"))

    assert response["Content-Disposition"] == 'attachment; filename="returns.csv"'
    assert response.content.decode().startswith("return_type,school_urn,upn,forename,surname,date_of_birth")


def test_a_timetable_review_through_the_page_moves_the_review_date(sign_in, teacher, school, roll_return_factory):
    start = roll_return_factory(school=school, timetable_started=True)
    client = sign_in(teacher)

    response = client.post(
        reverse("web:returns:timetable-review", args=[start.timetable_id]),
        {
            **date_fields("event_date", datetime.date(2026, 10, 6)),
            **date_fields("next_review_on", datetime.date(2026, 12, 1)),
            "hours_per_week": "20",
        },
    )

    assert response.status_code == 302
    timetable = PartTimeTimetable.objects.get()
    assert timetable.next_review_on == datetime.date(2026, 12, 1)
    assert timetable.hours_per_week == 20
    review = RollReturn.objects.get(kind=ReturnKind.TIMETABLE_REVIEW)
    assert (review.given_name, review.timetable) == (start.given_name, timetable)


def test_the_at_risk_list_shows_clocks_and_filters_by_reason_school_and_year_group(
    sign_in, officer, school, school_factory, roll_return_factory
):
    roll_return_factory(school=school, timetable_started=True, given_name="Tamsin")
    roll_return_factory(school=school, deletion_ground="G", given_name="Gideon")
    roll_return_factory(school=school, deletion_ground="A", destination_school="Hillside", given_name="Arlo")
    other = school_factory(name="Hillside Academy")
    roll_return_factory(
        school=other,
        kind=ReturnKind.SICKNESS,
        deletion_ground="",
        school_days_absent=16,
        given_name="Sienna",
        date_of_birth=datetime.date(2012, 1, 5),
    )
    client = sign_in(officer)

    everyone = client.get(reverse("web:returns:at-risk")).content.decode()
    timetables = client.get(reverse("web:returns:at-risk"), {"reason": "part_time_timetable"}).content.decode()
    hillside = client.get(reverse("web:returns:at-risk"), {"school": other.pk}).content.decode()
    year_10 = client.get(reverse("web:returns:at-risk"), {"year": "10"}).content.decode()

    assert all(name in everyone for name in ("Tamsin", "Gideon", "Sienna"))
    assert "Arlo" not in everyone  # ground A: the pupil is on another school's roll
    assert "Review overdue" in everyone
    assert "Tamsin" in timetables and "Gideon" not in timetables
    assert "Sienna" in hillside and "Tamsin" not in hillside
    assert "Sienna" in year_10 and "Tamsin" not in year_10


def test_a_timetables_planned_end_and_review_are_shown_on_the_return_the_child_and_the_at_risk_list(
    sign_in, officer, manager, school, roll_return_factory, child_factory, case_factory
):
    """Today is 29 November 2026: one timetable ran past its planned end (review still to come), one past its review
    (no end planned), one is within both; each page shows the dates and flags only what is past."""
    child = child_factory(given_name="Tamsin", family_name="Okafor")
    late_end = roll_return_factory(school=school, timetable_started=True, given_name="Tamsin", child=child)
    PartTimeTimetable.objects.filter(pk=late_end.timetable_id).update(
        planned_end_on=datetime.date(2026, 11, 20), next_review_on=datetime.date(2026, 12, 4)
    )
    roll_return_factory(school=school, timetable_started=True, given_name="Ruben")
    on_time = roll_return_factory(school=school, timetable_started=True, given_name="Orla")
    PartTimeTimetable.objects.filter(pk=on_time.timetable_id).update(
        planned_end_on=datetime.date(2027, 1, 29), next_review_on=datetime.date(2026, 12, 11)
    )
    case_factory(child=child)  # in the manager's caseload: the child's page opens without a stated purpose
    client = sign_in(manager)

    page = client.get(reverse("web:returns:detail", args=[late_end.pk])).content.decode()
    assert "20 November 2026" in page and "4 December 2026" in page
    assert "Past its planned end" in page and "Review overdue" not in page

    child_page = client.get(reverse("web:children:detail", args=[child.pk])).content.decode()
    assert "Part-time timetables" in child_page
    assert "20 November 2026" in child_page and "Past its planned end" in child_page

    rows = client.get(reverse("web:returns:at-risk"), {"reason": "part_time_timetable"}).content.decode()
    row = {name: rows.split(name, 1)[1].split("</tr>", 1)[0] for name in ("Tamsin", "Ruben", "Orla")}
    assert "planned end 20 November 2026" in row["Tamsin"] and "Past its planned end" in row["Tamsin"]
    assert "Review overdue" not in row["Tamsin"]
    assert "review due 6 October 2026; no end date" in row["Ruben"] and "Review overdue" in row["Ruben"]
    assert "planned end 29 January 2027" in row["Orla"] and "<strong" not in row["Orla"]
    assert rows.index("Orla") > max(rows.index("Tamsin"), rows.index("Ruben"))  # what is past comes first

"""Triage of a return: suggestions are shown, a person decides with a reason, and the school sees only a summary."""

import datetime
import inspect

import pytest
from django.core.exceptions import ValidationError

from cme.cases.enums import DecisionKind, ReferralStatus
from cme.cases.models import Decision
from cme.cases.services import referral_no_further_action
from cme.common.errors import ApplicationError
from cme.people.models import Child
from cme.schools.enums import ReturnChannel, ReturnKind, SchoolView, TriageState
from cme.schools.returns import services
from cme.schools.returns.selectors import return_match_suggestions, return_next_step, return_school_view
from cme.schools.returns.services import (
    return_child_create,
    return_match_confirm,
    return_no_further_action,
    return_refer,
    return_submit,
)

from .returns_files import make_upn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


TRIAGE_SERVICES = ["return_match_confirm", "return_child_create", "return_refer", "return_no_further_action"]


@pytest.mark.parametrize("name", TRIAGE_SERVICES)
def test_every_triage_service_needs_a_person_and_a_reason(name, officer, roll_return):
    parameters = inspect.signature(getattr(services, name)).parameters
    assert parameters["actor"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["rationale"].kind is inspect.Parameter.KEYWORD_ONLY
    extra = {"child": None} if name == "return_match_confirm" else {}
    with pytest.raises(ApplicationError, match="Enter the reason"):
        getattr(services, name)(roll_return=roll_return, actor=officer, rationale="  ", **extra)


def test_the_exact_upn_match_is_suggested_first_and_called_almost_certain(roll_return_factory, child_factory):
    namesake = child_factory(given_name="Leon", family_name="Barker", date_of_birth=datetime.date(2015, 3, 14))
    same_upn = child_factory(
        given_name="Leo", family_name="Barker-Hale", date_of_birth=datetime.date(2015, 3, 14), upn=make_upn(serial=5)
    )
    roll_return = roll_return_factory(upn=make_upn(serial=5))

    suggestions = return_match_suggestions(roll_return=roll_return)

    assert suggestions[0].child == same_upn
    assert suggestions[0].certainty == "Almost certain: the UPN matches"
    assert namesake in [s.child for s in suggestions]
    roll_return.refresh_from_db()
    assert roll_return.child is None  # a suggestion is never applied


def test_matching_records_the_decision_against_the_return(roll_return, child, officer):
    return_match_confirm(roll_return=roll_return, child=child, actor=officer, rationale="UPN and address agree")

    roll_return.refresh_from_db()
    assert roll_return.child == child
    decision = Decision.objects.get(roll_return=roll_return)
    assert (decision.kind, decision.decided_by, decision.details) == (
        DecisionKind.MATCH_RETURN,
        officer,
        {"child_id": child.pk},
    )


def test_a_new_child_can_be_recorded_from_the_return(roll_return_factory, officer):
    roll_return = roll_return_factory(upn=make_upn(serial=8))

    child = return_child_create(roll_return=roll_return, actor=officer, rationale="Not known to the service")

    assert (child.given_name, child.family_name, child.upn) == ("Leon", "Barker", make_upn(serial=8))
    assert child.residences.get().address.postcode == "WY1 3DF"
    roll_return.refresh_from_db()
    assert roll_return.child == child


def test_a_referral_needs_a_matched_child(roll_return, officer):
    with pytest.raises(ApplicationError, match="Match the return to a child first"):
        return_refer(roll_return=roll_return, actor=officer, rationale="Destination unknown")


def test_a_referral_from_a_return_carries_what_the_school_said(roll_return_factory, child, officer):
    roll_return = roll_return_factory(
        deletion_ground="I", safeguarding_concern=True, safeguarding_details="Older sibling reported missing"
    )
    return_match_confirm(roll_return=roll_return, child=child, actor=officer, rationale="Same UPN")

    referral = return_refer(roll_return=roll_return, actor=officer, rationale="Whereabouts unknown")

    assert referral.status == ReferralStatus.RECEIVED  # the referral is triaged as any other, by a person
    assert "Ground I" in referral.concerns
    assert "Older sibling reported missing" in referral.concerns
    roll_return.refresh_from_db()
    assert (roll_return.triage_state, roll_return.referral, roll_return.triaged_by) == (
        TriageState.REFERRED,
        referral,
        officer,
    )


def test_a_return_is_triaged_once(roll_return, officer):
    return_no_further_action(roll_return=roll_return, actor=officer, rationale="On roll at Hillside")

    with pytest.raises(ApplicationError, match="already been triaged"):
        return_no_further_action(roll_return=roll_return, actor=officer, rationale="Again")


def test_the_school_sees_received_then_looking_into_then_closed(roll_return, child, officer):
    assert return_school_view(roll_return) == SchoolView.RECEIVED
    return_match_confirm(roll_return=roll_return, child=child, actor=officer, rationale="Same UPN")
    referral = return_refer(roll_return=roll_return, actor=officer, rationale="Destination unknown")
    roll_return.refresh_from_db()
    assert return_school_view(roll_return) == SchoolView.LOOKING_INTO

    referral_no_further_action(referral=referral, actor=officer, rationale="Found on roll in Leeds")
    roll_return.refresh_from_db()

    assert return_school_view(roll_return) == SchoolView.CLOSED


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"deletion_ground": "H"}, "joint reasonable enquiries"),
        ({"deletion_ground": "I"}, "joint reasonable enquiries"),
        ({"deletion_ground": "G"}, "open CME enquiries"),
        ({"kind": ReturnKind.LOST_PUPIL, "deletion_ground": ""}, "open CME enquiries"),
        ({"deletion_ground": "A", "destination_school": "Hillside"}, "no further action may be needed"),
        ({"safeguarding_concern": True}, "children's social care"),
    ],
)
def test_the_next_step_is_suggested_from_the_return(roll_return_factory, changes, expected):
    assert expected in return_next_step(roll_return=roll_return_factory(**changes))


def test_a_timetable_past_its_review_date_suggests_chasing_the_school(roll_return_factory):
    start = roll_return_factory(timetable_started=True)

    assert "chase the school" in return_next_step(roll_return=start, today=datetime.date(2026, 10, 7))
    assert "chase the school" not in return_next_step(roll_return=start, today=datetime.date(2026, 10, 5))


def test_a_web_return_with_problems_names_each_field(school, school_user):
    values = {
        "given_name": "Leon",
        "family_name": "",
        "date_of_birth": datetime.date(2030, 1, 1),
        "event_date": datetime.date(2026, 11, 1),
        "upn": "A12",
        "parents": [],
    }

    with pytest.raises(ValidationError) as raised:
        return_submit(
            actor=school_user, school=school, kind=ReturnKind.DELETION, channel=ReturnChannel.WEB, values=values
        )

    assert set(raised.value.message_dict) == {
        "family_name",
        "date_of_birth",
        "upn",
        "deletion_ground",
        "address_line1",
        "address_postcode",
        "parents",
    }
    assert not Child.objects.exists()

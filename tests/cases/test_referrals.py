"""Referrals: recorded as reported, and triaged only by a person with a rationale."""

import datetime

import pytest

from cme.cases.enums import CaseStatus, CmeReason, DecisionKind, ReferralSource, ReferralStatus
from cme.cases.models import Case, Decision
from cme.cases.services import referral_accept, referral_create, referral_no_further_action
from cme.common.errors import ApplicationError

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 16, 10, 0), tick=False)


def test_an_anonymous_public_referral_names_nobody(officer, child):
    referral = referral_create(
        actor=officer,
        child=child,
        source=ReferralSource.PUBLIC,
        received_on=TODAY,
        concerns="Children at no 4 never go to school",
        is_anonymous=True,
    )
    assert referral.is_anonymous and referral.referrer_name == ""
    with pytest.raises(ApplicationError, match="cannot record the referrer"):
        referral_create(
            actor=officer,
            child=child,
            source=ReferralSource.PUBLIC,
            received_on=TODAY,
            concerns="…",
            is_anonymous=True,
            referrer_name="A neighbour",
        )
    with pytest.raises(ApplicationError, match="Only a member of the public"):
        referral_create(
            actor=officer, child=child, source=ReferralSource.SCHOOL, received_on=TODAY, concerns="…", is_anonymous=True
        )


def test_a_referral_cannot_be_dated_in_the_future(officer, child):
    with pytest.raises(ApplicationError, match="future"):
        referral_create(
            actor=officer,
            child=child,
            source=ReferralSource.SCHOOL,
            received_on=TODAY + datetime.timedelta(days=1),
            concerns="…",
        )


def test_accepting_a_referral_opens_a_case_allocated_to_the_officer_with_a_due_date(officer, referral_factory):
    referral = referral_factory(recorded_by=officer)
    case = referral_accept(
        referral=referral,
        actor=officer,
        rationale="Not on any roll since May",
        primary_reason=CmeReason.MOVED_DESTINATION_UNKNOWN,
        became_cme_on=datetime.date(2026, 11, 2),
    )
    referral.refresh_from_db()
    assert case.child == referral.child and case.officer == officer and case.team == officer.team
    assert case.status == CaseStatus.OPEN and case.due_on > TODAY
    assert referral.status == ReferralStatus.ACCEPTED and referral.case == case and referral.triaged_by == officer
    decision = Decision.objects.get(referral=referral)
    assert decision.kind == DecisionKind.ACCEPT_REFERRAL and decision.decided_by == officer
    assert decision.rationale == "Not on any roll since May" and decision.details == {"new_case": True}


def test_a_referral_can_join_an_open_case_about_the_same_child_only(officer, case, referral_factory, child_factory):
    same = referral_factory(child=case.child)
    assert referral_accept(referral=same, actor=officer, rationale="Same child", case=case) == case
    other = referral_factory(child=child_factory())
    with pytest.raises(ApplicationError, match="different child"):
        referral_accept(referral=other, actor=officer, rationale="Wrong", case=case)


def test_triage_needs_a_rationale_and_happens_once(officer, referral):
    with pytest.raises(ApplicationError, match="reason for your decision"):
        referral_no_further_action(referral=referral, actor=officer, rationale="  ")
    referral_no_further_action(referral=referral, actor=officer, rationale="On roll at Larkfield since 3 Nov")
    with pytest.raises(ApplicationError, match="already been triaged"):
        referral_accept(
            referral=referral, actor=officer, rationale="x", primary_reason=CmeReason.OTHER, became_cme_on=TODAY
        )
    assert not Case.objects.exists()


def test_a_new_case_needs_its_reason_and_date(officer, referral):
    with pytest.raises(ApplicationError, match="main reason"):
        referral_accept(referral=referral, actor=officer, rationale="x", became_cme_on=TODAY)
    with pytest.raises(ApplicationError, match="date the child became"):
        referral_accept(referral=referral, actor=officer, rationale="x", primary_reason=CmeReason.OTHER)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED

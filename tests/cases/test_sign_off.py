"""Manager sign-off before a case closes (issue 12 point 2), and closing well (point 7)."""

import datetime

import pytest

from cme.accounts.enums import Role
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, DecisionKind, Outcome, SignOffState
from cme.cases.selectors import sign_offs_waiting
from cme.cases.services import (
    Destination,
    case_close,
    case_close_or_ask,
    closure_destination,
    sign_off_approve,
    sign_off_reasons,
    sign_off_send_back,
)
from cme.common.errors import ApplicationError
from cme.council.services import council_settings_update
from cme.schools.enums import EnrolmentSource

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


def ask(case, officer, outcome=Outcome.DIED, **kwargs):
    return case_close_or_ask(
        case=case, actor=officer, outcome=outcome, rationale="Death certificate seen", expected_version=1, **kwargs
    )


def test_by_default_the_listed_outcomes_need_sign_off_and_others_do_not(case):
    for outcome in (
        "whereabouts_unknown",
        "moved_abroad_confirmed",
        "moved_abroad_unconfirmed",
        "died",
        "ehe_suitable",
    ):
        assert sign_off_reasons(case=case, outcome=outcome), outcome
    assert sign_off_reasons(case=case, outcome=Outcome.ON_ROLL_THIS_LA) == []


def test_nothing_closes_without_sign_off(case, officer):
    with pytest.raises(ApplicationError, match="sign-off"):
        case_close(case=case, actor=officer, outcome=Outcome.DIED, rationale="Seen", expected_version=1)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not case.decisions.exists()


def test_asking_leaves_the_case_open_and_records_the_request_as_a_decision(case, officer, manager):
    result = ask(case, officer)
    case.refresh_from_db()
    assert result.awaiting_sign_off and case.status == CaseStatus.OPEN and case.outcome == ""
    request = result.sign_off
    assert (request.state, request.outcome, request.requested_by) == (SignOffState.WAITING, "died", officer)
    assert request.needed_because == ["The outcome is “Died”"]
    (decision,) = case.decisions.all()
    assert decision.kind == DecisionKind.REQUEST_SIGN_OFF and decision.decided_by == officer
    assert list(sign_offs_waiting(user=manager)) == [request]
    assert list(sign_offs_waiting(user=officer)) == []
    with pytest.raises(ApplicationError, match="already waiting"):
        ask(case, officer)
    with pytest.raises(ApplicationError, match="already waiting"):  # not even with an outcome needing no sign-off
        ask(case, officer, outcome=Outcome.END_OF_COMPULSORY_AGE)


def test_a_manager_approves_and_the_case_closes_as_the_officer_asked(case, officer, manager):
    request = ask(
        case, officer, outcome=Outcome.MOVED_ABROAD_CONFIRMED, destination=Destination(country="Poland")
    ).sign_off
    closed = sign_off_approve(request=request, actor=manager, rationale="Father's email and flight booking seen")

    assert (closed.status, closed.outcome, closed.destination_country) == ("closed", "moved_abroad_confirmed", "Poland")
    assert closed.due_on is None and closed.closed_on == datetime.date(2026, 11, 29)
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (SignOffState.APPROVED, manager)
    kinds = {d.kind: d for d in case.decisions.all()}
    assert set(kinds) == {DecisionKind.REQUEST_SIGN_OFF, DecisionKind.APPROVE_SIGN_OFF, DecisionKind.CLOSE_CASE}
    assert kinds[DecisionKind.APPROVE_SIGN_OFF].decided_by == manager
    close = kinds[DecisionKind.CLOSE_CASE]
    assert close.decided_by == officer and close.details["signed_off_by"] == manager.pk
    assert AuditEntry.objects.filter(event=AuditEvent.CASE_CLOSED, actor_id=manager.pk, target_id=str(case.pk)).exists()
    assert list(sign_offs_waiting(user=manager)) == []


def test_a_manager_sends_it_back_with_a_reason_and_the_officer_sees_it(case, officer, manager):
    request = ask(case, officer).sign_off
    with pytest.raises(ApplicationError, match="why you are sending it back"):
        sign_off_send_back(request=request, actor=manager, reason=" ")
    sign_off_send_back(request=request, actor=manager, reason="Get the death certificate first")

    case.refresh_from_db()
    request.refresh_from_db()
    assert case.status == CaseStatus.OPEN and request.state == SignOffState.SENT_BACK
    assert request.decision_reason == "Get the death certificate first"
    assert case.decisions.filter(kind=DecisionKind.SEND_BACK_SIGN_OFF, decided_by=manager).exists()
    assert list(sign_offs_waiting(user=officer)) == [request]
    with pytest.raises(ApplicationError, match="already been decided"):
        sign_off_approve(request=request, actor=manager, rationale="Changed my mind")
    again = case_close_or_ask(
        case=case, actor=officer, outcome=Outcome.DIED, rationale="Certificate now seen", expected_version=case.version
    )
    assert again.awaiting_sign_off and list(sign_offs_waiting(user=officer)) == []


def test_only_another_manager_may_sign_off(case, officer, manager, user_factory):
    request = ask(case, manager).sign_off
    with pytest.raises(ApplicationError, match="another manager"):
        sign_off_approve(request=request, actor=manager, rationale="Mine")
    with pytest.raises(ApplicationError, match="Only a CME manager"):
        sign_off_approve(request=request, actor=officer, rationale="Not mine to approve")
    assert list(sign_offs_waiting(user=manager)) == []  # a manager's own request is not in their queue
    other = user_factory(role=Role.CME_MANAGER)
    assert sign_off_approve(request=request, actor=other, rationale="Agreed").status == CaseStatus.CLOSED


def test_a_case_open_longer_than_the_set_school_days_needs_sign_off_whatever_the_outcome(case_factory, sysadmin):
    long_open = case_factory(opened_on=datetime.date(2026, 6, 1))
    reasons = sign_off_reasons(case=long_open, outcome=Outcome.ON_ROLL_THIS_LA)
    assert reasons and "longer than 60" in reasons[0]
    council_settings_update(actor=sysadmin, sign_off_open_school_days=None, sign_off_outcomes=[])
    assert sign_off_reasons(case=long_open, outcome=Outcome.DIED) == []


def test_without_sign_off_closing_works_as_before(case, officer, sysadmin):
    council_settings_update(actor=sysadmin, sign_off_outcomes=[])
    result = ask(case, officer)
    assert not result.awaiting_sign_off and result.case.status == CaseStatus.CLOSED


def test_closing_as_found_on_a_roll_records_the_school_and_puts_the_child_on_it(case, officer, school_factory):
    school = school_factory()
    destination = closure_destination(outcome=Outcome.ON_ROLL_THIS_LA, school=school, on=datetime.date(2026, 11, 23))
    result = ask(case, officer, outcome=Outcome.ON_ROLL_THIS_LA, destination=destination)
    assert result.case.destination_school == school and result.case.destination_on == datetime.date(2026, 11, 23)
    enrolment = case.child.enrolments.get()
    assert (enrolment.school, enrolment.start_date, enrolment.source) == (
        school,
        datetime.date(2026, 11, 23),
        EnrolmentSource.CASE_CLOSURE,
    )


def test_the_closing_page_asks_for_what_each_outcome_needs(school_factory):
    with pytest.raises(ApplicationError, match="Choose the school"):
        closure_destination(outcome=Outcome.ON_ROLL_THIS_LA, on=datetime.date(2026, 11, 2))
    with pytest.raises(ApplicationError, match="started at the school"):
        closure_destination(outcome=Outcome.ON_ROLL_THIS_LA, school=school_factory())
    with pytest.raises(ApplicationError, match="council the child moved to"):
        closure_destination(outcome=Outcome.WALES_SCOTLAND_NI)
    with pytest.raises(ApplicationError, match="country"):
        closure_destination(outcome=Outcome.MOVED_ABROAD_UNCONFIRMED)
    with pytest.raises(ApplicationError, match="today or in the past"):
        closure_destination(outcome=Outcome.MOVED_ABROAD_UNCONFIRMED, country="Spain", on=datetime.date(2027, 1, 1))
    other = closure_destination(
        outcome=Outcome.ON_ROLL_OTHER_LA,
        other_school_name="Harbour View Academy",
        other_school_urn="145678",
        council="Northshire",
        on=datetime.date(2026, 11, 9),
    )
    assert (other.school.name, other.school.urn, other.council) == ("Harbour View Academy", 145678, "Northshire")
    # The API's older clients send none of it: nothing is required there.
    assert closure_destination(outcome=Outcome.ON_ROLL_THIS_LA, required=False) == Destination()


def test_reopening_clears_the_destination_and_keeps_it_in_the_decision(case, officer, school_factory):
    from cme.cases.services import case_reopen

    destination = closure_destination(
        outcome=Outcome.ON_ROLL_THIS_LA, school=school_factory(urn=123456), on=datetime.date(2026, 11, 2)
    )
    ask(case, officer, outcome=Outcome.ON_ROLL_THIS_LA, destination=destination)
    case_reopen(case=case, actor=officer, rationale="Never arrived", expected_version=2)
    assert case.destination_school is None and case.destination_on is None
    reopen = case.decisions.get(kind=DecisionKind.REOPEN_CASE)
    assert reopen.details["previous_destination"]["school_urn"] == 123456

"""Case lifecycle: every change is a person's decision with a rationale; stale edits are refused."""

import pytest

from cme.accounts.enums import Role
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, DecisionKind, Outcome, RiskLevel
from cme.cases.models import Case
from cme.cases.services import (
    case_close,
    case_escalate,
    case_reallocate,
    case_reopen,
    case_set_risk,
    case_status_change,
)
from cme.common.errors import ApplicationError
from cme.common.writes import VersionConflictError
from cme.privacy.enums import Direction, Purpose
from cme.privacy.models import Disclosure

pytestmark = pytest.mark.django_db


def test_status_moves_are_decisions(officer, case):
    case_status_change(
        case=case, actor=officer, status=CaseStatus.ENQUIRIES, rationale="Starting checks", expected_version=1
    )
    case_status_change(
        case=case, actor=officer, status=CaseStatus.LOCATED, rationale="Found at aunt's address", expected_version=2
    )
    assert case.status == CaseStatus.LOCATED and case.version == 3
    kinds = list(case.decisions.order_by("pk").values_list("kind", "details"))
    assert kinds == [
        (DecisionKind.CHANGE_STATUS, {"from": "open", "to": "enquiries"}),
        (DecisionKind.CHANGE_STATUS, {"from": "enquiries", "to": "located"}),
    ]


def test_a_status_move_outside_the_lifecycle_is_refused(officer, case):
    with pytest.raises(ApplicationError, match="cannot move from Open to Closed"):
        case_status_change(case=case, actor=officer, status=CaseStatus.CLOSED, rationale="x", expected_version=1)


def test_a_change_without_a_rationale_changes_nothing(officer, case):
    with pytest.raises(ApplicationError, match="reason for your decision"):
        case_set_risk(case=case, actor=officer, risk_level=RiskLevel.HIGH, rationale="", expected_version=1)
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.NOT_ASSESSED and not case.decisions.exists()


def test_the_second_of_two_simultaneous_edits_is_refused_and_overwrites_nothing(officer, manager, case):
    read_by_officer = case.version
    read_by_manager = case.version
    case_set_risk(
        case=case,
        actor=officer,
        risk_level=RiskLevel.HIGH,
        rationale="Known to police",
        expected_version=read_by_officer,
    )
    with pytest.raises(VersionConflictError, match="Someone else changed this record"):
        case_set_risk(
            case=case, actor=manager, risk_level=RiskLevel.LOW, rationale="Seems fine", expected_version=read_by_manager
        )
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.HIGH and case.decisions.count() == 1


def test_closing_needs_an_outcome_and_reopening_clears_it(officer, case):
    case_close(
        case=case,
        actor=officer,
        outcome=Outcome.ON_ROLL_OTHER_LA,
        rationale="Confirmed by Leeds CME",
        expected_version=1,
    )
    assert case.status == CaseStatus.CLOSED and case.closed_on is not None
    with pytest.raises(ApplicationError, match="closed"):
        case_set_risk(case=case, actor=officer, risk_level=RiskLevel.HIGH, rationale="x", expected_version=2)
    case_reopen(case=case, actor=officer, rationale="Leeds say the child never arrived", expected_version=2)
    assert case.status == CaseStatus.ENQUIRIES and case.outcome == "" and case.closed_on is None


def test_an_escalation_is_a_decision_and_a_disclosure(officer, case):
    decision = case_escalate(
        case=case,
        actor=officer,
        kind=DecisionKind.ESCALATE_SOCIAL_CARE,
        recipient="Wyndley MASH",
        rationale="Child on a CP plan and missing",
    )
    disclosure = Disclosure.objects.get()
    assert disclosure.direction == Direction.SHARED_OUT and disclosure.organisation == "Wyndley MASH"
    assert disclosure.purpose == Purpose.SAFEGUARDING and disclosure.recorded_by == officer
    assert [(s.subject_type.model, s.subject_id) for s in disclosure.subjects.all()] == [("child", case.child_id)]
    assert disclosure.cause_id == decision.pk
    # The disclosure writes its own audit entry, about the child, so the child's audit history shows the sharing.
    entry = AuditEntry.objects.get(event=AuditEvent.DISCLOSURE_RECORDED)
    assert (entry.target_id, entry.subject_child_id) == (str(disclosure.pk), case.child_id)
    assert "identity" in disclosure.data_categories
    assert case.status == CaseStatus.OPEN  # the CME duty continues


def test_cases_can_only_be_given_to_caseworkers(officer, manager, case, user_factory):
    case_reallocate(case=case, actor=manager, officer=manager, rationale="Balancing caseloads", expected_version=1)
    assert case.officer == manager
    analyst = user_factory(role=Role.ANALYST)
    with pytest.raises(ApplicationError, match="active CME officer"):
        case_reallocate(case=case, actor=manager, officer=analyst, rationale="x", expected_version=2)


def test_one_rule_says_who_may_be_given_a_case_for_the_form_the_service_and_a_new_case(
    officer, manager, analyst, case, user_factory, referral_factory
):
    from cme.cases.selectors import officer_list_allocatable
    from cme.cases.services import referral_accept
    from cme.web.cases.forms import CaseReallocateForm

    leaver = user_factory(role=Role.CME_OFFICER, is_active=False)
    offered = set(CaseReallocateForm().fields["officer"].queryset)
    assert offered == set(officer_list_allocatable()) and {officer, manager} <= offered
    assert not {leaver, analyst} & offered
    with pytest.raises(ApplicationError, match="active CME officer"):
        case_reallocate(case=case, actor=manager, officer=leaver, rationale="x", expected_version=1)
    with pytest.raises(ApplicationError, match="active CME officer or manager can accept"):
        referral_accept(
            referral=referral_factory(), actor=analyst, rationale="x", primary_reason="other",
            became_cme_on=case.became_cme_on,
        )  # fmt: skip
    assert not Case.objects.exclude(pk=case.pk).exists()

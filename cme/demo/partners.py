"""Demo partner work: enquiries sent to Wyndley Children's Social Care's inbox in cme (some waiting, one overdue and
chased, one answered and not yet read by the officer) and escalations that arrived there as referrals, so that the
demo partner sign-in (`partner`) has an inbox and the officers see what is waiting on partners."""

from datetime import date, timedelta

from django.utils import timezone

from cme.accounts.enums import OrganisationKind, Role
from cme.accounts.models import Organisation, User
from cme.cases.enums import CaseStatus, DecisionKind, EnquiryAgency, EnquiryResult
from cme.cases.models import Case, Decision, PartnerReferral
from cme.cases.partner_sharing import DEFAULT_SHARED, shared_details
from cme.cases.services import enquiry_request
from cme.cases.services.partners import enquiry_partner_answer

# (days ago it was sent, reply within days, what it shares, answered by the partner)
DEMO_ENQUIRIES = (
    (2, 10, list(DEFAULT_SHARED), False),
    (6, 10, ["name", "date_of_birth", "address"], False),
    (15, 10, ["name", "date_of_birth", "carers"], False),  # overdue: the worker's daily run chases it
    (4, 5, list(DEFAULT_SHARED), True),
)
MAX_REFERRALS = 3


def demo_partner_work_load(*, today: date | None = None) -> dict:
    """Enquiries and referrals for the demo's social care organisation; returns the counts made."""
    today = today or timezone.localdate()
    organisation = Organisation.objects.filter(kind=OrganisationKind.CHILDRENS_SOCIAL_CARE).order_by("pk").first()
    partner = User.objects.filter(role=Role.PARTNER_USER, organisation=organisation, is_active=True).first()
    if organisation is None or partner is None:
        return {"partner_enquiries": 0, "partner_referrals": 0}
    officer = User.objects.get(username="officer")
    cases = list(
        Case.objects.filter(officer=officer, status=CaseStatus.ENQUIRIES).order_by("pk")[: len(DEMO_ENQUIRIES)]
    )
    made = 0
    for case, (days_ago, reply_days, shared, answered) in zip(cases, DEMO_ENQUIRIES, strict=False):
        enquiry = enquiry_request(
            case=case,
            actor=officer,
            agency=EnquiryAgency.CHILDRENS_SOCIAL_CARE,
            requested_on=today - timedelta(days=days_ago),
            organisation=organisation,
            shared=shared,
            reply_within_days=reply_days,
        )
        if answered:
            enquiry_partner_answer(
                enquiry=enquiry,
                actor=partner,
                result=EnquiryResult.INFORMATION_FOUND,
                findings="Known to the family support team; the family moved to a relative's address last month.",
                expected_version=enquiry.version,
            )
        made += 1
    referrals = _referrals_from_escalations(organisation)
    return {"partner_enquiries": made, "partner_referrals": referrals}


def _referrals_from_escalations(organisation: Organisation) -> int:
    """The demo's escalations to social care on open cases arrive in its inbox (the first few, one accepted)."""
    escalations = (
        Decision.objects.filter(
            kind=DecisionKind.ESCALATE_SOCIAL_CARE, case__isnull=False, partner_referral__isnull=True
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case__child")
        .order_by("pk")[:MAX_REFERRALS]
    )
    made = 0
    for decision in escalations:
        PartnerReferral.objects.create(
            case=decision.case,
            decision=decision,
            organisation=organisation,
            shared=shared_details(child=decision.case.child, details=["name", "date_of_birth", "address"]),
            reason=decision.rationale,
            sent_by=decision.decided_by,
        )
        made += 1
    return made

"""Reads for partner agencies' work: a partner organisation's inbox, and the officers' "waiting on partners" list.

A partner's inbox holds only what was sent to their organisation, and of it only what the partner pages show (the
enquiry's own fields and the copy of the child's details it shares): `only()` keeps the case and the child out of
the query. The officers' list is cut to their caseload like every case list (case_list_for_user).
"""

from datetime import date

from django.db.models import QuerySet

from cme.accounts.enums import Role
from cme.accounts.models import Organisation, User

from .enums import EnquiryResult
from .models import Enquiry, PartnerReferral
from .selectors import case_list_for_user

# The fields of an enquiry a partner's pages may read: never the case, the findings of other enquiries, the
# officer's contact notes about the agency, nor the evidence.
PARTNER_ENQUIRY_FIELDS = (
    "pk",
    "case_id",  # needed by Django to build the row; never shown
    "agency",
    "organisation_id",
    "shared",
    "requested_on",
    "response_due_on",
    "reply_within_days",
    "result",
    "findings",
    "responded_on",
    "answered_by",
    "answered_at",
    "first_opened_at",
    "version",
    "recorded_by",
)
PARTNER_REFERRAL_FIELDS = (
    "pk",
    "case_id",
    "organisation_id",
    "shared",
    "reason",
    "sent_by",
    "created_at",
    "first_opened_at",
    "accepted_by",
    "accepted_at",
    "partner_response",
)


def _organisation_id(user: User) -> int | None:
    if not user.is_authenticated or not user.is_active or user.role != Role.PARTNER_USER:
        return None
    return user.organisation_id


def partner_enquiries_for_user(*, user: User) -> QuerySet[Enquiry]:
    """The enquiries sent to `user`'s organisation (none for anyone who is not a partner agency user)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Enquiry.objects.none()
    return (
        Enquiry.objects.filter(organisation_id=organisation_id)
        .only(*PARTNER_ENQUIRY_FIELDS)
        .select_related("answered_by", "recorded_by")
        .order_by("-requested_on", "-pk")
    )


def partner_referrals_for_user(*, user: User) -> QuerySet[PartnerReferral]:
    """The referrals sent to `user`'s organisation (none for anyone who is not a partner agency user)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return PartnerReferral.objects.none()
    return (
        PartnerReferral.objects.filter(organisation_id=organisation_id)
        .only(*PARTNER_REFERRAL_FIELDS)
        .select_related("sent_by", "accepted_by")
        .order_by("-created_at", "-pk")
    )


def enquiries_waiting_on_partners(*, user: User, organisation_id: int | None = None) -> QuerySet[Enquiry]:
    """Unanswered enquiries sent to partner agencies on cases in `user`'s caseload, the longest waiting first."""
    enquiries = (
        Enquiry.objects.filter(
            organisation__isnull=False,
            result=EnquiryResult.AWAITING,
            case__in=case_list_for_user(user=user).exclude(status="closed").values("pk"),
        )
        .select_related("organisation", "case", "case__officer")
        .defer("case__child")
        .order_by("response_due_on", "pk")
    )
    if organisation_id:
        enquiries = enquiries.filter(organisation_id=organisation_id)
    return enquiries


def organisations_waited_on(*, user: User) -> list[tuple[Organisation, int]]:
    """Each partner organisation with unanswered enquiries in `user`'s caseload, and how many."""
    counts: dict[int, int] = {}
    for organisation_id in enquiries_waiting_on_partners(user=user).values_list("organisation_id", flat=True):
        counts[organisation_id] = counts.get(organisation_id, 0) + 1
    organisations = Organisation.objects.filter(pk__in=counts).order_by("name")
    return [(o, counts[o.pk]) for o in organisations]


def enquiry_partner_state(enquiry: Enquiry, today: date) -> str:
    """Where a partner enquiry stands, in words, for the officer's pages."""
    if not enquiry.is_to_partner:
        return ""
    if enquiry.answered_at:
        return "Answered" if enquiry.answer_read_at else "Answered: not yet read"
    if enquiry.is_answered:
        return "Recorded by the officer"
    overdue = enquiry.response_due_on is not None and enquiry.response_due_on < today
    seen = "opened" if enquiry.first_opened_at else "not opened yet"
    return f"{'Overdue' if overdue else 'Waiting'}: {seen}"

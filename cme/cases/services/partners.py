"""Partner agencies working in cme: answering enquiries, accepting referrals, and the chasers for late answers.

A partner agency user (Role.PARTNER_USER) belongs to one accounts.Organisation. What an officer sends that
organisation (an enquiry, or an escalation to children's social care) arrives in its inbox holding only the child's
details the officer chose to share (cme.cases.partner_sharing); the partner never sees the case. Every write here
checks that the person belongs to the organisation the record was sent to, whatever the page did first.
"""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from cme.accounts.enums import OrganisationKind, Role
from cme.accounts.models import Organisation, User
from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.common.writes import update_at_version
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.restriction import refused_while_restricted
from cme.privacy.services import disclosure_record

from ..enums import CaseStatus, EnquiryResult
from ..models import Case, Decision, Enquiry, EnquiryChase, PartnerReferral
from ..partner_sharing import DEFAULT_SHARED, shared_categories, shared_details
from .enquiries import ENQUIRY_RECEIVED_EXTRA, _enquiry_disclosure

logger = logging.getLogger(__name__)

ERROR_NOT_YOURS = "This was not sent to your organisation"
ERROR_ALREADY_ANSWERED = "This enquiry has already been answered"
ERROR_RESULT_NEEDED = "Choose what your organisation found"
ERROR_FINDINGS_NEEDED = "Enter what your organisation knows about where the child is"
ERROR_ALREADY_ACCEPTED = "This referral has already been accepted"
ERROR_NOT_A_PARTNER_ANSWER = "This enquiry was not answered by a partner agency in cme"
ERROR_NOTHING_SHARED = "Choose at least one detail to share, so the agency can find the child"
ERROR_NOT_SOCIAL_CARE = "Choose a children's social care organisation"

# What a partner may answer: everything but "awaiting" and "no response" (which only the officer can conclude).
PARTNER_RESULTS = [EnquiryResult.NO_TRACE, EnquiryResult.INFORMATION_FOUND, EnquiryResult.CHILD_LOCATED]


def _require_member(actor: User, organisation_id: int | None) -> None:
    if actor.role != Role.PARTNER_USER or organisation_id is None or actor.organisation_id != organisation_id:
        raise ApplicationError(ERROR_NOT_YOURS)


@refused_while_restricted("enquiry_partner_answer", lambda kw: [kw["enquiry"].case.child_id])
@transaction.atomic
def enquiry_partner_answer(
    *, enquiry: Enquiry, actor: User, result: EnquiryResult, findings: str, expected_version: int
) -> Enquiry:
    """A partner's answer, given in cme: it becomes the enquiry's result on the case, with who and when.

    The officer is told by a task ("Answers from partner agencies to read", cme.tasks.sources) until they read it.
    """
    _require_member(actor, enquiry.organisation_id)
    if enquiry.is_answered:
        raise ApplicationError(ERROR_ALREADY_ANSWERED)
    if result not in PARTNER_RESULTS:
        raise ApplicationError(ERROR_RESULT_NEEDED, field="result")
    if result != EnquiryResult.NO_TRACE and not findings.strip():
        raise ApplicationError(ERROR_FINDINGS_NEEDED, field="findings")
    now = timezone.now()
    update_at_version(
        enquiry,
        expected_version=expected_version,
        result=result,
        findings=findings.strip(),
        responded_on=max(timezone.localdate(now), enquiry.requested_on),
        answered_by=actor,
        answered_at=now,
    )
    audit_record(
        actor=actor,
        event=AuditEvent.ENQUIRY_ANSWERED,
        target=enquiry,
        related=("cases.case", enquiry.case_id),
        subject_child_id=enquiry.case.child_id,
        fields=["result", "findings"],
        payload={"organisation": enquiry.organisation_id, "result": str(result)},
    )
    if result != EnquiryResult.NO_TRACE:
        received = shared_categories(enquiry.shared) + ENQUIRY_RECEIVED_EXTRA.get(enquiry.agency, [])
        _enquiry_disclosure(
            enquiry, actor=actor, direction=Direction.RECEIVED_IN, categories=list(dict.fromkeys(received))
        )
    return enquiry


@transaction.atomic
def enquiry_answer_mark_read(*, enquiry: Enquiry, actor: User) -> Enquiry:
    """The officer has read a partner's answer: its task leaves their list. Reading it twice changes nothing."""
    if enquiry.answered_at is None:
        raise ApplicationError(ERROR_NOT_A_PARTNER_ANSWER)
    if enquiry.answer_read_at is None:
        Enquiry.objects.filter(pk=enquiry.pk, answer_read_at__isnull=True).update(answer_read_at=timezone.now())
        enquiry.refresh_from_db()
        audit_record(
            actor=actor,
            event=AuditEvent.ENQUIRY_ANSWER_READ,
            target=enquiry,
            related=("cases.case", enquiry.case_id),
            subject_child_id=enquiry.case.child_id,
        )
    return enquiry


def enquiry_first_opened(*, enquiry: Enquiry) -> None:
    """Note when the partner first opened the enquiry, so the officer sees it has been seen (the read is audited
    by the access function that opened it)."""
    if enquiry.first_opened_at is None:
        Enquiry.objects.filter(pk=enquiry.pk, first_opened_at__isnull=True).update(first_opened_at=timezone.now())


def partner_referral_first_opened(*, referral: PartnerReferral) -> None:
    if referral.first_opened_at is None:
        PartnerReferral.objects.filter(pk=referral.pk, first_opened_at__isnull=True).update(
            first_opened_at=timezone.now()
        )


def partner_referral_send(
    *,
    case: Case,
    decision: Decision,
    actor: User,
    organisation: Organisation,
    shared: list[str] | None,
    reason: str,
    lawful_basis: LawfulBasis,
) -> PartnerReferral:
    """Send an escalation to children's social care to that organisation's inbox in cme (inside case_escalate's
    transaction): a copy of the chosen details and the officer's reason, and the disclosure it makes."""
    if organisation.kind != OrganisationKind.CHILDRENS_SOCIAL_CARE:
        raise ApplicationError(ERROR_NOT_SOCIAL_CARE, field="organisation")
    if shared is not None and not shared:
        raise ApplicationError(ERROR_NOTHING_SHARED, field="shared")
    referral = PartnerReferral.objects.create(
        case=case,
        decision=decision,
        organisation=organisation,
        shared=shared_details(child=case.child, details=list(DEFAULT_SHARED if shared is None else shared)),
        reason=reason.strip(),
        sent_by=actor,
    )
    audit_record(
        actor=actor,
        event=AuditEvent.PARTNER_REFERRAL_SENT,
        target=referral,
        related=case,
        subject_child_id=case.child_id,
        payload={"organisation": organisation.pk},
    )
    disclosure_record(
        actor=actor,
        direction=Direction.SHARED_OUT,
        organisation=organisation.name,
        data_categories=[*shared_categories(referral.shared), DataCategory.CASEWORK],  # with the officer's reason
        purpose=Purpose.SAFEGUARDING,
        lawful_basis=lawful_basis,
        subject=case.child,
        cause=referral,
        description="Referral to children's social care, sent to their inbox in cme",
    )
    return referral


@refused_while_restricted("partner_referral_accept", lambda kw: [kw["referral"].case.child_id])
@transaction.atomic
def partner_referral_accept(*, referral: PartnerReferral, actor: User, response: str = "") -> PartnerReferral:
    """Children's social care acknowledges and accepts the referral: who and when, audited, shown on the case."""
    _require_member(actor, referral.organisation_id)
    now = timezone.now()
    if not PartnerReferral.objects.filter(pk=referral.pk, accepted_at__isnull=True).update(
        accepted_at=now, accepted_by=actor, partner_response=response.strip(), updated_at=now
    ):
        raise ApplicationError(ERROR_ALREADY_ACCEPTED)
    referral.refresh_from_db()
    audit_record(
        actor=actor,
        event=AuditEvent.PARTNER_REFERRAL_ACCEPTED,
        target=referral,
        related=("cases.case", referral.case_id),
        subject_child_id=referral.case.child_id,
        payload={"organisation": referral.organisation_id},
    )
    return referral


# ---------------------------------------------------------------------------------------------------------------
# Chasers


def chase_interval(enquiry: Enquiry, today: date) -> int:
    """Which reply period has run out by `today`: 0 while the first is running, 1 after it, 2 after the next …"""
    if not enquiry.reply_within_days:
        return 0
    return max((today - enquiry.requested_on).days // enquiry.reply_within_days, 0)


def enquiries_to_chase(*, today: date):
    """Enquiries sent to a partner, unanswered, on an open case, whose current reply period has run out and has
    not been chased yet."""
    awaiting = (
        Enquiry.objects.filter(organisation__isnull=False, result=EnquiryResult.AWAITING)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("organisation")
        .order_by("pk")
    )
    chased = {}
    for enquiry_id, interval in EnquiryChase.objects.filter(enquiry__in=awaiting).values_list("enquiry_id", "interval"):
        chased.setdefault(enquiry_id, set()).add(interval)
    for enquiry in awaiting:
        interval = chase_interval(enquiry, today)
        if interval >= 1 and interval not in chased.get(enquiry.pk, set()):
            yield enquiry, interval


def chase_recipients(organisation: Organisation) -> list[str]:
    """Where a chaser goes: the organisation's shared mailbox, or failing that its active users' work addresses."""
    if organisation.email:
        return [organisation.email]
    return sorted(
        set(
            organisation.users.filter(is_active=True, role=Role.PARTNER_USER)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def enquiry_chasers_send(*, today: date) -> int:
    """Email each partner whose enquiry is overdue a reminder (a link, never the child's details), once per reply
    period; each chase is recorded and audited. Returns how many enquiries were chased."""
    from cme.tasks.email import send

    from ..partner_email import chaser_message

    chased = 0
    for enquiry, interval in list(enquiries_to_chase(today=today)):
        recipients = chase_recipients(enquiry.organisation)
        if not recipients:
            logger.warning("Enquiry %s cannot be chased: its organisation has no email address.", enquiry.pk)
            continue
        try:
            with transaction.atomic():
                # The row first: a second worker chasing the same period at the same moment fails here, not by email.
                EnquiryChase.objects.create(enquiry=enquiry, interval=interval, sent_to=recipients[0])
                audit_record(
                    actor=None,
                    event=AuditEvent.ENQUIRY_CHASED,
                    target=enquiry,
                    related=("cases.case", enquiry.case_id),
                    payload={
                        "organisation": enquiry.organisation_id,
                        "interval": interval,
                        "recipients": len(recipients),
                    },
                )
                for to in recipients:
                    send(chaser_message(to=to, enquiry=enquiry, interval=interval))
        except IntegrityError:
            continue  # chased already for this period
        except Exception:
            logger.exception("The reminder about enquiry %s could not be sent; it will be tried again.", enquiry.pk)
            continue
        chased += 1
    return chased

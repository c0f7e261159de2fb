"""Letters: the council's templates saved (checked in the sandbox), letters generated as PDF documents on a case,
and letters marked as sent, which records the disclosure."""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cme.accounts.models import User
from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.council.selectors import council_settings_get
from cme.people.models import Carer
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.services import disclosure_record

from ..enums import CaseStatus, DocumentKind, LetterKind
from ..letters import (
    AGENCY_LETTERS,
    CARER_LETTERS,
    DEFAULT_TEMPLATES,
    LEGAL_LETTERS,
    format_day,
    letter_content,
    letter_html,
    one_line,
    pdf_from_html,
    template_check,
)
from ..models import AttendanceOrderStep, Case, Document, Enquiry, Letter, LetterTemplate

ERROR_CLOSED = "This case is closed. Reopen it before producing letters."
ERROR_NO_CARER = "Select the parent or carer the letter is to"
ERROR_NOT_THIS_CHILD = "Select a parent or carer of this child"
ERROR_NO_ENQUIRY = "Select the enquiry the letter is for"
ERROR_ALREADY_SENT = "This letter is already recorded as sent"
ERROR_SENT_FUTURE = "The date the letter was sent must be today or in the past"
ERROR_STALE = "Someone else changed this template while you were editing it. Reload the page and make your change again"

# What a letter to a parent, an agency or the council's legal service carries about the child and family.
LETTER_CATEGORIES = [DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.EDUCATION, DataCategory.CASEWORK]
LEGAL_SERVICE = "The council's legal service"


@dataclass(frozen=True)
class TemplateText:
    kind: LetterKind
    subject: str
    body: str
    version: int  # 0: cme's default wording

    @property
    def is_default(self) -> bool:
        return self.version == 0


def letter_template_get(kind: LetterKind | str) -> TemplateText:
    """The council's wording for `kind`, or cme's default until the council saves its own."""
    kind = LetterKind(kind)
    row = LetterTemplate.objects.filter(kind=kind).first()
    if row is None:
        subject, body = DEFAULT_TEMPLATES[kind]
        return TemplateText(kind, subject, body, 0)
    return TemplateText(kind, row.subject, row.body, row.version)


@transaction.atomic
def letter_template_save(
    *, actor: User, kind: LetterKind | str, subject: str, body: str, expected_version: int
) -> LetterTemplate:
    """Save the council's wording for `kind` after checking both parts in the sandbox (TemplateRefused names the
    unknown merge field or the refused tag). `expected_version` is the version the editor started from."""
    kind = LetterKind(kind)
    template_check(subject, part="subject")
    template_check(body, part="body")
    row = LetterTemplate.objects.select_for_update().filter(kind=kind).first()
    current = row.version if row else 0
    if current != expected_version:
        raise ApplicationError(ERROR_STALE)
    if row is None:
        row = LetterTemplate(kind=kind, version=0)
    row.subject, row.body, row.updated_by, row.version = subject.strip(), body.strip(), actor, current + 1
    row.save()
    audit_record(
        actor=actor,
        event=AuditEvent.LETTER_TEMPLATE_CHANGED,
        target=row,
        payload={"kind": str(kind), "version": row.version},
    )
    return row


@transaction.atomic
def letter_template_reset(*, actor: User, kind: LetterKind | str) -> None:
    """Go back to cme's default wording for `kind`."""
    kind = LetterKind(kind)
    deleted, _ = LetterTemplate.objects.filter(kind=kind).delete()
    if deleted:
        audit_record(
            actor=actor,
            event=AuditEvent.LETTER_TEMPLATE_CHANGED,
            target_type="cases.lettertemplate",
            target_id=str(kind),
            payload={"kind": str(kind), "version": 0},
        )


# --- Merge values ---------------------------------------------------------------------------------------------------


def _current_address(residences) -> str:
    today = timezone.localdate()
    current = [r for r in residences if r.valid_to is None or r.valid_to >= today]
    chosen = sorted(current, key=lambda r: r.valid_from or date.min, reverse=True)
    return str(chosen[0].address) if chosen else ""


def _carer_name(carer: Carer) -> str:
    title = carer.get_title_display() if carer.title else ""
    return " ".join(part for part in (title, carer.given_name, carer.family_name) if part)


def merge_values(
    *,
    case: Case,
    actor: User,
    carer: Carer | None = None,
    enquiry: Enquiry | None = None,
    step: AttendanceOrderStep | None = None,
    today: date | None = None,
) -> dict[str, str]:
    """Every merge field's value for a letter on `case`, as plain strings."""
    from ..attendance_orders import next_step_from, rule_for

    today = today or timezone.localdate()
    council = council_settings_get()
    child = case.child
    officer = case.officer or actor
    child_address = _current_address(child.residences.select_related("address"))
    values = {
        "letter.date": format_day(today),
        "case.reference": case.reference,
        "child.full_name": " ".join(p for p in (child.given_name, child.middle_names, child.family_name) if p),
        "child.given_name": child.preferred_name or child.given_name,
        "child.date_of_birth": format_day(child.date_of_birth),
        "child.address": child_address,
        "recipient.name": "",
        "recipient.address": "",
        "officer.name": officer.display_name,
        "officer.job_title": officer.job_title,
        "officer.email": officer.email or council.service_email,
        "council.name": council.council_name,
        "council.address": one_line(council.letterhead_address),
        "council.email": council.service_email,
        "council.phone": council.service_phone,
        "enquiry.agency": "",
        "enquiry.contact_name": "",
        "order.section": "",
        "order.served_on": "",
        "order.period_days": "",
        "order.period_ends_on": "",
        "order.next_step_from": "",
        "order.school_name": "",
    }
    if carer is not None:
        values["recipient.name"] = _carer_name(carer)
        values["recipient.address"] = _current_address(carer.residences.select_related("address")) or child_address
    if enquiry is not None:
        values["enquiry.agency"] = enquiry.get_agency_display()
        values["enquiry.contact_name"] = enquiry.contact_name
        values["recipient.name"] = enquiry.contact_name or enquiry.get_agency_display()
        values["recipient.address"] = enquiry.contact_details
    if step is not None:
        order = step.order
        values["order.section"] = rule_for(order.regime, step.stage).section
        values["order.served_on"] = format_day(step.occurred_on)
        values["order.school_name"] = order.school_name
        if step.period_days:
            values["order.period_days"] = str(step.period_days)
            values["order.period_ends_on"] = format_day(step.period_ends_on)
            values["order.next_step_from"] = format_day(next_step_from(step.occurred_on, step.period_days))
    return values


# --- Generating and sending -----------------------------------------------------------------------------------------


def _recipient(kind: LetterKind, case: Case, carer: Carer | None, enquiry: Enquiry | None):
    if kind in CARER_LETTERS:
        if carer is None:
            raise ApplicationError(ERROR_NO_CARER, field="carer")
        if not case.child.carer_relationships.filter(carer=carer).exists():
            raise ApplicationError(ERROR_NOT_THIS_CHILD, field="carer")
        return carer, None
    if kind in AGENCY_LETTERS:
        if enquiry is None or enquiry.case_id != case.pk:
            raise ApplicationError(ERROR_NO_ENQUIRY, field="enquiry")
        return None, enquiry
    return None, None


def letter_render_pdf(*, kind: LetterKind, values: dict[str, str], recipient_name: str, recipient_address: str):
    """(subject, PDF bytes) for a letter of `kind` with these merge values, on the council's letterhead."""
    council = council_settings_get()
    text = letter_template_get(kind)
    content = letter_content(subject=text.subject, body=text.body, values=values)
    contact = council.letterhead_contact or f"{council.service_email}  {council.service_phone}".strip()
    document_html = letter_html(
        content=content,
        values=values,
        recipient_name=recipient_name,
        recipient_address=recipient_address.replace(", ", "\n"),
        council_address=council.letterhead_address,
        contact=contact,
        marking=council.protective_marking,
    )
    return content.subject, pdf_from_html(document_html), text.version


@transaction.atomic
def letter_generate(
    *,
    case: Case,
    actor: User,
    kind: LetterKind | str,
    carer: Carer | None = None,
    enquiry: Enquiry | None = None,
    step: AttendanceOrderStep | None = None,
) -> Letter:
    """Produce the letter as a PDF on the council's letterhead and keep it as a document on the case (audited).

    Nothing is sent: `letter_mark_sent` records that, with the disclosure.
    """
    kind = LetterKind(kind)
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(ERROR_CLOSED)
    carer, enquiry = _recipient(kind, case, carer, enquiry)
    values = merge_values(case=case, actor=actor, carer=carer, enquiry=enquiry, step=step)
    if kind in LEGAL_LETTERS:
        values["recipient.name"] = LEGAL_SERVICE
        values["recipient.address"] = ""
    subject, pdf, version = letter_render_pdf(
        kind=kind, values=values, recipient_name=values["recipient.name"], recipient_address=values["recipient.address"]
    )
    document = Document(
        case=case,
        kind=DocumentKind.LETTER,
        title=subject[:200],
        original_name=f"{case.reference}-{kind.value}.pdf",
        content_type="application/pdf",
        size_bytes=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_by=actor,
    )
    document.file.save("letter", ContentFile(pdf), save=False)
    document.save()
    letter = Letter.objects.create(
        case=case,
        kind=kind,
        document=document,
        carer=carer,
        enquiry=enquiry,
        attendance_order_step=step,
        recipient_name=values["recipient.name"][:200],
        recipient_address=values["recipient.address"],
        template_version=version,
        generated_by=actor,
    )
    audit_record(
        actor=actor,
        event=AuditEvent.LETTER_GENERATED,
        target=letter,
        related=case,
        subject_child_id=case.child_id,
        payload={"kind": kind.value, "document": document.pk, "template_version": version},
    )
    return letter


@transaction.atomic
def letter_mark_sent(*, letter: Letter, actor: User, sent_on: date) -> Letter:
    """Record that the letter went out: a disclosure naming the recipient, the child and the carer it is about."""
    letter = Letter.objects.select_for_update().select_related("case__child").get(pk=letter.pk)
    if letter.sent_on is not None:
        raise ApplicationError(ERROR_ALREADY_SENT)
    if sent_on > timezone.localdate():
        raise ApplicationError(ERROR_SENT_FUTURE, field="sent_on")
    kind = LetterKind(letter.kind)
    case = letter.case
    subjects = [case.child] + ([letter.carer] if letter.carer_id else [])
    if kind in AGENCY_LETTERS:
        organisation, purpose = letter.recipient_name, Purpose.LOCATE
    elif kind in LEGAL_LETTERS:
        organisation, purpose = LEGAL_SERVICE, Purpose.SAFEGUARDING
    else:
        organisation = "Parent or carer (letter to the family)"
        purpose = Purpose.SAFEGUARDING if kind != LetterKind.FIND_CHILD else Purpose.LOCATE
    disclosure = disclosure_record(
        actor=actor,
        direction=Direction.SHARED_OUT,
        organisation=organisation[:200],
        data_categories=LETTER_CATEGORIES,
        purpose=purpose,
        # Notices under ss437-443 are the council's legal obligation; finding a child is its s436A duty, a public task.
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION if letter.attendance_order_step_id else LawfulBasis.PUBLIC_TASK,
        subjects=subjects,
        cause=letter,
        description=f"Letter sent on {format_day(sent_on)}: {kind.label}",
    )
    letter.sent_on, letter.sent_by, letter.disclosure = sent_on, actor, disclosure
    letter.save(update_fields=["sent_on", "sent_by", "disclosure"])
    audit_record(
        actor=actor,
        event=AuditEvent.LETTER_SENT,
        target=letter,
        related=case,
        subject_child_id=case.child_id,
        payload={"kind": kind.value, "disclosure": disclosure.pk},
    )
    return letter

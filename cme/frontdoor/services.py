"""Writes for the front door: a report arriving (no sign-in), and an officer's decision about it.

A report arrives with its audit entry and its receipt in the disclosure log, in one transaction. It is about a person
cme may or may not hold: an officer says which child (the duplicate check, `report_possible_duplicates`, shows the
children it may be; a new record is made only after it), and it then becomes a referral from a member of the public
or a professional through `cme.cases` services, with its safeguarding flag, or joins the child's open case as
evidence (one child, one open case). Its receipt then names the child as well, so subject access finds it.
"""

import re
import secrets
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from cme.accounts.enums import Role
from cme.accounts.models import User
from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.cases.enums import EnquiryAgency, ReferralSource
from cme.cases.models import Case, Referral
from cme.cases.selectors import open_case_for_child
from cme.cases.services import case_evidence_add, referral_create
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale
from cme.people.models import Child
from cme.people.selectors import PossibleDuplicate, child_possible_duplicates
from cme.people.services import child_create_after_review
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.services import disclosure_record, disclosure_subject_add

from .enums import ReportKind, ReportState, SharingBasis
from .models import FrontDoorReport

FRONT_DOOR_USERNAME = "cme-front-door"
# No 0/O, 1/I/L: a reference read over the telephone is read right.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
ERROR_ALREADY_DECIDED = "An officer has already decided what to do with this report."
ERROR_NO_CHILD_DETAILS = "Enter the child's first name, last name and date of birth to record a new child"
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2})\b", re.IGNORECASE)

ANSWER_FIELDS = (
    "child_given_name",
    "child_family_name",
    "child_date_of_birth",
    "child_age",
    "child_address",
    "child_school",
    "concerns",
    "safeguarding_concern",
    "safeguarding_details",
    "is_anonymous",
    "reporter_name",
    "reporter_relationship",
    "reporter_organisation",
    "reporter_phone",
    "reporter_email",
    "sharing_basis",
)


@transaction.atomic
def front_door_user_get() -> User:
    """The account the front door's receipts are recorded under, created (and audited) the first time it is needed.

    Every receipt names who recorded it (Disclosure.recorded_by); a report from the public has no user, so its
    receipt names this account, as `cme import` names the command-line one. It cannot sign in (inactive, no password).
    """
    user, created = User.objects.get_or_create(
        username=FRONT_DOOR_USERNAME,
        defaults={"role": Role.SYSADMIN, "is_active": False, "first_name": "Online form", "last_name": "(front door)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(
            actor=None, event=AuditEvent.USER_CREATED, target=user, payload={"role": str(user.role), "active": False}
        )
    return user


def _reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def report_submit(*, kind: ReportKind, answers: dict, language: str = "en-gb") -> FrontDoorReport:
    """Keep what the reporter sent (`answers`, keyed as ANSWER_FIELDS), audit its arrival and log its receipt.

    An anonymous report names nobody (the reporter's name, telephone and email are dropped); a professional's names
    the lawful basis they share on. Returns the report, whose `reference` the reporter is shown."""
    values = {name: answers.get(name) for name in ANSWER_FIELDS if answers.get(name) not in (None, "")}
    if kind == ReportKind.PUBLIC:
        values.pop("sharing_basis", None)
        values.pop("reporter_organisation", None)
    else:
        values["is_anonymous"] = False
    if values.get("is_anonymous"):
        for name in ("reporter_name", "reporter_phone", "reporter_email", "reporter_relationship"):
            values.pop(name, None)
    if not values.get("safeguarding_concern"):
        values.pop("safeguarding_details", None)
    for _attempt in range(5):  # a clash of references is a one-in-a-trillion chance; try again if it happens
        try:
            with transaction.atomic():
                return _report_create(kind, values, language)
        except IntegrityError:
            if _attempt == 4:
                raise
    raise AssertionError("unreachable")


def _report_create(kind: ReportKind, values: dict, language: str) -> FrontDoorReport:
    report = FrontDoorReport(kind=kind, reference=_reference(), received_at=timezone.now(), language=language[:10],
                             **values)  # fmt: skip
    report.full_clean(exclude=["reference"])
    if FrontDoorReport.objects.filter(reference=report.reference).exists():
        raise IntegrityError("reference taken")
    report.save()
    audit_record(
        actor=None,
        event=AuditEvent.FRONT_DOOR_REPORT_RECEIVED,
        target=report,
        payload={"kind": str(kind), "safeguarding": report.safeguarding_concern, "anonymous": report.is_anonymous},
    )
    _receipt(report)
    return report


def _receipt(report: FrontDoorReport):
    """The disclosure log's receipt: what came in, from whom, on which basis, naming the person as the report does."""
    categories = [DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.EDUCATION]
    if report.safeguarding_concern:
        categories.append(DataCategory.STATUTORY_SERVICES)
    if report.kind == ReportKind.PROFESSIONAL:
        organisation = report.reporter_organisation or "A professional"
        basis = LawfulBasis(report.sharing_basis) if report.sharing_basis else LawfulBasis.PUBLIC_TASK
        who = f"a professional ({report.reporter_relationship or 'role not given'})"
    else:
        organisation, basis = "A member of the public", LawfulBasis.LEGAL_OBLIGATION
        who = "a member of the public, anonymously" if report.is_anonymous else "a member of the public"
    return disclosure_record(
        actor=front_door_user_get(),
        direction=Direction.RECEIVED_IN,
        organisation=organisation[:200],
        data_categories=categories,
        purpose=Purpose.IDENTIFY_CME,
        lawful_basis=basis,
        subject=report,
        cause=report,
        description=f"Report {report.reference} about a child who may be missing education, sent through the "
        f"council's online form by {who}.",
    )


def refusal_record(*, reason: str) -> None:
    """Audit a report the front door refused (too many from one address, or a form only a robot fills in)."""
    audit_record(actor=None, event=AuditEvent.FRONT_DOOR_REPORT_REFUSED, target_type="frontdoor.frontdoorreport",
                 target_id=0, payload={"why": reason})  # fmt: skip


def report_postcode(report: FrontDoorReport) -> str:
    match = _POSTCODE.search(report.child_address or "")
    return match.group(1).upper() if match else ""


def report_possible_duplicates(report: FrontDoorReport) -> list[PossibleDuplicate]:
    """The children cme holds who may be the one reported (the same check as every new record: name, known-as and
    other names, date of birth, postcode). A report with no name at all has none to compare."""
    if not (report.child_given_name or report.child_family_name):
        return []
    return child_possible_duplicates(
        given_name=report.child_given_name,
        family_name=report.child_family_name,
        date_of_birth=report.child_date_of_birth,
        postcode=report_postcode(report),
    )


def report_summary(report: FrontDoorReport) -> str:
    """What the reporter told us, as the referral's concerns (staff pages are in English)."""
    lines = [f"Reported through the online form ({report.reference}) by {report.get_kind_display().lower()}."]
    if report.child_date_of_birth:
        lines.append(f"Date of birth given: {report.child_date_of_birth.day} {report.child_date_of_birth:%B %Y}.")
    if report.child_age:
        lines.append(f"Age given: {report.child_age}.")
    lines.append(f"Address or area: {report.child_address}")
    if report.child_school:
        lines.append(f"School last attended: {report.child_school}")
    lines += ["", report.concerns]
    if report.safeguarding_concern:
        lines += ["", f"Worried about the child's safety: {report.safeguarding_details or 'no details given'}"]
    if report.sharing_basis:
        lines += ["", f"Shared on the basis: {SharingBasis(report.sharing_basis).label}"]
    return "\n".join(lines)


def _locked_received(report: FrontDoorReport) -> FrontDoorReport:
    report = FrontDoorReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.RECEIVED:
        raise ApplicationError(ERROR_ALREADY_DECIDED)
    return report


@transaction.atomic
def report_refer(
    *,
    report: FrontDoorReport,
    actor,
    rationale: str,
    child: Child | None = None,
    shown_children=(),
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
) -> Referral | Case:
    """The officer's decision: the report is about `child` (one cme holds) or a new child (the names and date of
    birth given; made only if every possible duplicate was among `shown_children`, else PossibleDuplicatesError).

    It becomes a referral from a member of the public or a professional, flagged when the reporter was worried,
    unless the child already has an open case: then its evidence joins that case instead. Returns the referral or
    the case."""
    rationale = require_rationale(rationale)
    report = _locked_received(report)
    if child is None:
        if not (given_name.strip() and family_name.strip() and date_of_birth):
            raise ApplicationError(ERROR_NO_CHILD_DETAILS, field="given_name")
        child = child_create_after_review(
            actor=actor,
            shown_children=shown_children,
            reason=rationale,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
        )
    received_on = timezone.localdate(report.received_at)
    open_case = open_case_for_child(child_id=child.pk)
    referral, case = None, None
    if open_case is not None:
        case_evidence_add(
            case=open_case,
            actor=actor,
            source=f"report {report.reference} from {report.get_kind_display().lower()}",
            summary=report_summary(report),
            agency=_agency(report),
            received_on=received_on,
            rationale=rationale,
            source_kind="front_door",
        )
        case, state = open_case, ReportState.ADDED_TO_CASE
    else:
        source = ReferralSource.PUBLIC if report.kind == ReportKind.PUBLIC else ReferralSource.PROFESSIONAL
        referral = referral_create(
            actor=actor,
            child=child,
            source=source,
            received_on=received_on,
            concerns=report_summary(report),
            is_anonymous=report.is_anonymous,
            referrer_name=report.reporter_name,
            referrer_role=report.reporter_relationship,
            referrer_organisation=report.reporter_organisation,
            referrer_phone=report.reporter_phone[:16],
            referrer_email=report.reporter_email,
            safeguarding_concern=report.safeguarding_concern,
        )
        state = ReportState.REFERRED
    _decided(report, actor=actor, state=state, rationale=rationale, child=child, referral=referral, case=case)
    disclosure_subject_add(actor=actor, named=report, person=child)
    return referral or case


def _agency(report: FrontDoorReport) -> EnquiryAgency:
    """The enquiry a report answers when it joins an open case: the nearest agency on the checklist."""
    words = f"{report.reporter_organisation} {report.reporter_relationship}".lower()
    for needles, agency in (
        (("police", "constab"), EnquiryAgency.POLICE),
        (("gp", "health", "nhs", "surgery", "nurse", "visitor"), EnquiryAgency.GP_HEALTH),
        (("council",), EnquiryAgency.OTHER_COUNCIL),
        (("social care", "social work"), EnquiryAgency.CHILDRENS_SOCIAL_CARE),
    ):
        if report.kind == ReportKind.PROFESSIONAL and any(needle in words for needle in needles):
            return agency
    return EnquiryAgency.HOME_VISIT if report.kind == ReportKind.PUBLIC else EnquiryAgency.EARLY_HELP


@transaction.atomic
def report_no_further_action(*, report: FrontDoorReport, actor, rationale: str) -> FrontDoorReport:
    """Close the report without a referral, for the reason given (a duplicate of another report, not about a child)."""
    rationale = require_rationale(rationale)
    report = _locked_received(report)
    _decided(report, actor=actor, state=ReportState.NO_FURTHER_ACTION, rationale=rationale, child=None,
             referral=None, case=None)  # fmt: skip
    return report


def _decided(report, *, actor, state, rationale, child, referral, case) -> None:
    report.state, report.child, report.referral, report.case = state, child, referral, case
    report.triaged_by, report.triaged_at, report.triage_rationale = actor, timezone.now(), rationale
    report.save(update_fields=["state", "child", "referral", "case", "triaged_by", "triaged_at", "triage_rationale",
                               "updated_at"])  # fmt: skip
    audit_record(
        actor=actor,
        event=AuditEvent.FRONT_DOOR_REPORT_TRIAGED,
        target=report,
        related=referral or case,
        subject_child_id=child.pk if child else None,
        payload={"state": str(state)},
    )

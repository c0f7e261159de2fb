"""Writes for schools' returns: receiving them (one at a time, or a file of them) and an officer's triage.

Every return received is a receipt of personal data, so each is logged as a Disclosure (received in, from the
school, lawful basis legal obligation under the School Attendance (Pupil Registration) (England) Regulations 2024)
in the same transaction that stores it. Triage is always a person's decision with a rationale: the system suggests
a child and a next step (see selectors) but never links, refers or closes a return by itself.
"""

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cme.accounts.enums import Role
from cme.accounts.services import command_line_user_get
from cme.cases.enums import DecisionKind, EnquiryAgency, ReferralSource
from cme.cases.models import Case, Referral
from cme.cases.selectors import open_case_for_child
from cme.cases.services import case_evidence_add, referral_create
from cme.cases.services.common import decision_record
from cme.common.bulk import insert_many
from cme.common.errors import ApplicationError
from cme.common.pause import pause_point
from cme.common.writes import require_rationale
from cme.people.enums import Sex
from cme.people.models import Child
from cme.people.services import address_record, child_create_after_review
from cme.people.services_intake import carers_join_from_source
from cme.privacy.catalogue import STATUTES
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.services import disclosure_record, disclosure_record_many, disclosure_subject_add
from cme.tasks.jobs import safeguarding_alert_on_commit

from ..enrolments import return_enrolment_apply
from ..enums import ReturnChannel, ReturnKind, TriageState
from ..models import PartTimeTimetable, ReturnImport, RollReturn, School
from .checks import return_check, return_dedupe_key
from .csvfile import csv_returns_read
from .files import ParsedFile, ReturnError, ReturnFileRejected
from .upn import (
    ERROR_IN_FILE,
    Pupil,
    pupil_of,
    return_upn_check,
    same_pupil,
    upn_conflict,
    upn_held_message,
    upn_holders,
)

if TYPE_CHECKING:
    from cme.accounts.models import User

STATUTE = STATUTES["registration_regs_2024"]
RECEIPT_DESCRIPTION = f"A school's return under the {STATUTE.title} (regulation 13)."

ERROR_DUPLICATE = "The council already has this return: it was sent before"
ERROR_NOT_YOUR_SCHOOL = "This return is for {school}, not your school"
ERROR_NO_TIMETABLE = "There is no open part-time timetable for this pupil at this school: send the timetable first"
ERROR_TIMETABLE_ENDED = "This part-time timetable has already ended"
ERROR_ALREADY_TRIAGED = "This return has already been triaged."
ERROR_NO_CHILD = "Match the return to a child first: a referral is about a child the service holds"
ERROR_UNKNOWN_SCHOOL_URN = "no school with URN {urn} in the register"
ERROR_UNKNOWN_SCHOOL_LAESTAB = "no school with LA {lea} and establishment {estab} in the register"
ERROR_CTF_UPN = "a pupil in a CTF must have a UPN"
ERROR_CTF_ROLL = (
    "This CTF is {school}'s whole roll (a full file sent to the council), not a set of pupil returns. Import it as a "
    "school roll for data matching: `cme import source school-roll FILE`, or Data matching, Data sources."
)


def _data_categories(roll_return: RollReturn) -> list[DataCategory]:
    """What a return tells the council: the pupil's identity and schooling, and address and family when given."""
    categories = {DataCategory.IDENTITY, DataCategory.EDUCATION}
    if roll_return.address_line1 or roll_return.address_postcode or roll_return.future_address:
        categories.add(DataCategory.CONTACT)
    if roll_return.parents:
        categories |= {DataCategory.FAMILY, DataCategory.CONTACT}
    if roll_return.safeguarding_concern:
        categories.add(DataCategory.STATUTORY_SERVICES)
    return sorted(categories)


# ---------------------------------------------------------------------------------------------------------------
# Receiving one return (question pages, API)


@transaction.atomic
def return_submit(
    *, actor: "User", school: School, kind: ReturnKind, channel: ReturnChannel, values: dict[str, Any]
) -> RollReturn:
    """Store one return from `school` and log its receipt. Raises ValidationError naming each field that is wrong,
    or ApplicationError when the council already has the same return or a timetable it names is not open."""
    values = {**values, "kind": kind}
    problems = return_check(values, today=timezone.localdate())
    if problems:
        raise ValidationError(problems)
    return_upn_check(values, school_id=school.pk, for_school=getattr(actor, "role", "") == Role.SCHOOL_USER)
    timetable = values.pop("timetable", None)
    key = return_dedupe_key(values, school_id=school.pk)
    if RollReturn.objects.filter(dedupe_key=key).exists():
        raise ApplicationError(ERROR_DUPLICATE)
    roll_return = RollReturn(
        school=school, channel=channel, submitted_by=actor, received_on=timezone.localdate(), dedupe_key=key, **values
    )
    _timetable_apply(roll_return, timetable)
    roll_return.full_clean(exclude=["dedupe_key"])
    roll_return.save()
    disclosure_record(
        actor=actor,
        direction=Direction.RECEIVED_IN,
        organisation=school.name,
        data_categories=_data_categories(roll_return),
        purpose=Purpose.IDENTIFY_CME,
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        subject=roll_return,
        cause=roll_return,
        description=RECEIPT_DESCRIPTION,
    )
    if roll_return.safeguarding_concern:
        safeguarding_alert_on_commit()  # emailed at once to those who asked: no child named
    return roll_return


def _timetable_apply(roll_return: RollReturn, timetable: PartTimeTimetable | None) -> None:
    """Start, review or end the part-time timetable the return is about (before the return is saved)."""
    kind = roll_return.kind
    if kind == ReturnKind.PART_TIME_TIMETABLE:
        roll_return.timetable = PartTimeTimetable.objects.create(
            school=roll_return.school,
            started_on=roll_return.event_date,
            planned_end_on=roll_return.planned_end_on,
            hours_per_week=roll_return.hours_per_week,
            reason=roll_return.timetable_reason,
            parent_agreed=bool(roll_return.parent_agreed),
            next_review_on=roll_return.next_review_on,
        )
        return
    if kind not in (ReturnKind.TIMETABLE_REVIEW, ReturnKind.TIMETABLE_END):
        return
    if timetable is None or timetable.school_id != roll_return.school_id:
        raise ApplicationError(ERROR_NO_TIMETABLE, field="timetable")
    if not timetable.is_open:
        raise ApplicationError(ERROR_TIMETABLE_ENDED, field="timetable")
    changes = {}
    if kind == ReturnKind.TIMETABLE_END:
        changes["ended_on"] = max(roll_return.event_date, timetable.started_on)
    else:
        changes["next_review_on"] = roll_return.next_review_on
        if roll_return.hours_per_week is not None:
            changes["hours_per_week"] = roll_return.hours_per_week
    PartTimeTimetable.objects.filter(pk=timetable.pk).update(**changes, updated_at=timezone.now())
    roll_return.timetable = timetable


def timetable_pupil_values(timetable: PartTimeTimetable) -> dict[str, Any]:
    """The pupil fields of the return that started `timetable`, for a review or ending to repeat."""
    start = timetable.returns.filter(kind=ReturnKind.PART_TIME_TIMETABLE).order_by("pk").first()
    names = ("upn", "given_name", "family_name", "date_of_birth", "sex", "address_line1", "address_postcode")
    return {name: getattr(start, name) for name in names} if start else {}


# ---------------------------------------------------------------------------------------------------------------
# Receiving a file of returns (CSV template, CTF)


@dataclass
class ReturnsImportReport:
    """What a file import did. When `errors` is not empty nothing was written: the file must be corrected."""

    created: int = 0
    unchanged: int = 0
    errors: list[ReturnError] = field(default_factory=list)
    # Details kept as written with a warning on their return (they do not stop the import), and notes on the file.
    warnings: list[ReturnError] = field(default_factory=list)
    file_warnings: list[str] = field(default_factory=list)
    already_imported: bool = False
    batch: ReturnImport | None = None

    @property
    def rejected(self) -> bool:
        return bool(self.errors)


def returns_import(
    *, content: bytes, file_name: str, channel: ReturnChannel, actor: "User | None", school: School | None = None
) -> ReturnsImportReport:
    """Import a CSV of returns or a CTF, all or nothing, and log a receipt for each return created.

    `school` limits the file to one school's returns (a school user's upload). Raises ReturnFileRejected when the
    file cannot be read at all. When any return is wrong, every problem is reported (line and column, or element
    path) and nothing is written. Returns the council already has (same file, or the same return sent before) are
    counted as unchanged and not added again.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    parsed = _parsed(content, channel)
    report = ReturnsImportReport(errors=list(parsed.errors), file_warnings=list(parsed.warnings))
    if ReturnImport.objects.filter(sha256=sha256).exists():
        report.already_imported = True
    today = timezone.localdate()
    schools = _schools_for(parsed, report)
    rows: list[RollReturn] = []
    seen: set[str] = set()
    for item in parsed.returns:
        school_of_row = schools.get(item.school_urn or item.school_laestab)
        if school_of_row is None:
            continue
        if school is not None and school_of_row.pk != school.pk:
            report.errors.append(ReturnError(item.where, ERROR_NOT_YOUR_SCHOOL.format(school=school_of_row.name)))
            continue
        values = {**item.values}
        soft: dict[str, str] = {}
        problems = return_check(values, today=today, warnings=soft)
        if channel == ReturnChannel.CTF and not values.get("upn") and "upn" not in problems:
            problems["upn"] = ERROR_CTF_UPN
        report.errors.extend(ReturnError(item.locate(name), message) for name, message in problems.items())
        if problems:
            continue
        key = return_dedupe_key(values, school_id=school_of_row.pk)
        if key in seen:
            report.unchanged += 1
            continue
        seen.add(key)
        warnings = [*item.warnings, *(ReturnError(item.locate(name), message) for name, message in soft.items())]
        report.warnings.extend(warnings)
        values["warnings"] = [{"where": warning.where, "message": warning.message} for warning in warnings]
        rows.append(RollReturn(school=school_of_row, channel=channel, received_on=today, dedupe_key=key, **values))
        rows[-1]._where = item.where
        rows[-1]._upn_where = item.locate("upn")
    _upns_check(rows, report, school=school)
    if report.errors:
        return report
    existing = _existing_keys([row.dedupe_key for row in rows])
    new = [row for row in rows if row.dedupe_key not in existing]
    report.unchanged += len(rows) - len(new)
    _timetables_link(new, report)
    if report.errors or not new:
        return report
    actor = actor or command_line_user_get()
    with transaction.atomic():
        report.batch = _batch_store(
            new,
            sha256=sha256,
            file_name=file_name,
            channel=channel,
            actor=actor,
            school=school,
            header=parsed.header,
            warnings=parsed.warnings,
        )
        pause_point("returns-import.batch-stored")
    report.created = len(new)
    return report


def _upns_check(rows: list[RollReturn], report: ReturnsImportReport, *, school: School | None) -> None:
    """One UPN, one pupil (cme.schools.returns.upn): two pupils in the file with one UPN, or a pupil whose UPN a
    different pupil already holds, are reported with their line and what holds the UPN."""
    holders = upn_holders({row.upn for row in rows})
    first_in_file: dict[str, tuple[Pupil, str]] = {}
    for row in rows:
        if not row.upn:
            continue
        pupil = pupil_of(vars(row), school_id=row.school_id)
        if row.upn in first_in_file:
            other, where = first_in_file[row.upn]
            if not same_pupil(pupil, other):
                message = ERROR_IN_FILE.format(upn=row.upn, other=other.named(), where=where.split(",")[0])
                report.errors.append(ReturnError(row._upn_where, message))
                continue
        else:
            first_in_file[row.upn] = (pupil, row._where)
        holder = upn_conflict(row.upn, pupil, holders)
        if holder is not None:
            message = upn_held_message(row.upn, holder, school_id=school.pk if school is not None else None)
            report.errors.append(ReturnError(row._upn_where, message))


def _parsed(content: bytes, channel: ReturnChannel) -> ParsedFile:
    if channel == ReturnChannel.CTF:
        from ..ctf import ctf_read

        parsed = ctf_read(content)
        if parsed.header.get("full_roll"):
            school = parsed.header["source_name"] or "the school"
            raise ReturnFileRejected(ERROR_CTF_ROLL.format(school=school))
        return parsed
    if channel == ReturnChannel.CSV:
        return csv_returns_read(content)
    raise ReturnFileRejected(f"Files come as CSV or CTF, not {channel}.")


def _schools_for(parsed: ParsedFile, report: ReturnsImportReport) -> dict:
    """The schools the file names, keyed as it names them (URN, or (LA, establishment)); unknown ones reported.

    A CTF is the source school's; one from a school outside the register to a school in it is the destination's.
    """
    urns = {item.school_urn for item in parsed.returns if item.school_urn is not None}
    laestabs = {ref for item in parsed.returns for ref in (item.school_laestab, item.fallback_laestab) if ref}
    found: dict = {school.urn: school for school in School.objects.filter(urn__in=urns)}
    for lea, estab in laestabs:
        school = School.objects.filter(la_code=lea, establishment_number=estab).order_by("-status", "pk").first()
        if school is not None:
            found[(lea, estab)] = school
    reported: set = set()
    for item in parsed.returns:
        ref = item.school_urn or item.school_laestab
        if ref not in found and item.fallback_laestab in found:
            found[ref] = found[item.fallback_laestab]
        if ref in found or ref in reported:
            continue
        reported.add(ref)
        if item.school_urn is not None:
            report.errors.append(
                ReturnError(f"{item.where}, school_urn", ERROR_UNKNOWN_SCHOOL_URN.format(urn=item.school_urn))
            )
        else:
            lea, estab = item.school_laestab
            report.errors.append(
                ReturnError("/CTfile/Header/SourceSchool", ERROR_UNKNOWN_SCHOOL_LAESTAB.format(lea=lea, estab=estab))
            )
    return found


def _existing_keys(keys: list[str]) -> set[str]:
    existing: set[str] = set()
    for start in range(0, len(keys), 900):  # SQLite allows 999 parameters in one statement
        chunk = keys[start : start + 900]
        existing |= set(RollReturn.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True))
    return existing


def _timetables_link(rows: list[RollReturn], report: ReturnsImportReport) -> None:
    """Reviews and endings in a file name their timetable by the pupil: find it among open ones, or earlier rows."""
    wanted = [row for row in rows if row.kind in (ReturnKind.TIMETABLE_REVIEW, ReturnKind.TIMETABLE_END)]
    if not wanted:
        return
    starts_in_file = {_pupil_key(row): row for row in rows if row.kind == ReturnKind.PART_TIME_TIMETABLE}
    open_starts = RollReturn.objects.filter(
        kind=ReturnKind.PART_TIME_TIMETABLE,
        school__in={row.school_id for row in wanted},
        timetable__ended_on__isnull=True,
    ).select_related("timetable")
    open_by_pupil = {_pupil_key(start): start.timetable for start in open_starts}
    for row in wanted:
        key = _pupil_key(row)
        if key in open_by_pupil:
            row.timetable = open_by_pupil[key]
        elif key in starts_in_file:
            row._start_in_file = starts_in_file[key]
        else:
            report.errors.append(ReturnError(row._where, ERROR_NO_TIMETABLE))


def _pupil_key(row: RollReturn) -> tuple:
    return (row.school_id, row.upn or (row.given_name.lower(), row.family_name.lower(), row.date_of_birth))


def _batch_store(rows, *, sha256, file_name, channel, actor, school, header, warnings) -> ReturnImport:
    """Write the file's new returns, their timetables and receipts, and one audit entry for the file."""
    header = {key: str(value) for key, value in header.items()}
    batch, _ = ReturnImport.objects.get_or_create(
        sha256=sha256,
        defaults={
            "file_name": file_name[:255],
            "channel": channel,
            "school": school,
            "imported_by": actor,
            "header": header,
            "warnings": list(warnings),
        },
    )
    for row in rows:
        row.batch, row.submitted_by = batch, actor
        if row.kind == ReturnKind.PART_TIME_TIMETABLE:
            _timetable_apply(row, None)
    insert_many(RollReturn, rows)
    # insert_many does not read keys back: each new return is found again by its unique dedupe key.
    keys = dict(RollReturn.objects.filter(batch=batch).values_list("dedupe_key", "pk").iterator(chunk_size=5000))
    for row in rows:
        row.pk = keys[row.dedupe_key]
        row._state.adding, row._state.db = False, RollReturn.objects.db
    for row in rows:
        start = getattr(row, "_start_in_file", None)
        if start is not None:
            row.timetable = start.timetable
        if row.kind in (ReturnKind.TIMETABLE_REVIEW, ReturnKind.TIMETABLE_END) and row.timetable is not None:
            _timetable_follow(row)
    ReturnImport.objects.filter(pk=batch.pk).update(created_count=batch.created_count + len(rows))
    disclosure_record_many(
        actor=actor,
        direction=Direction.RECEIVED_IN,
        purpose=Purpose.IDENTIFY_CME,
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        received=[(row.school.name, _data_categories(row), row) for row in rows],
        cause=batch,
        description=RECEIPT_DESCRIPTION,
    )
    if any(row.safeguarding_concern for row in rows):
        safeguarding_alert_on_commit()  # one alert for the file, naming no child
    return batch


def _timetable_follow(row: RollReturn) -> None:
    timetable = row.timetable
    if row.kind == ReturnKind.TIMETABLE_END:
        timetable.ended_on = max(row.event_date, timetable.started_on)
    else:
        timetable.next_review_on = row.next_review_on or timetable.next_review_on
        if row.hours_per_week is not None:
            timetable.hours_per_week = row.hours_per_week
    timetable.save()
    RollReturn.objects.filter(pk=row.pk).update(timetable=timetable)


# ---------------------------------------------------------------------------------------------------------------
# Triage: an officer's decisions about a return


def _locked_untriaged(roll_return: RollReturn) -> RollReturn:
    roll_return = RollReturn.objects.select_for_update().select_related("school").get(pk=roll_return.pk)
    if roll_return.triage_state != TriageState.RECEIVED:
        raise ApplicationError(ERROR_ALREADY_TRIAGED)
    return roll_return


@transaction.atomic
def return_match_confirm(*, roll_return: RollReturn, child: Child, actor: "User", rationale: str) -> RollReturn:
    """An officer confirms the return is about `child` (a suggestion is never applied by itself)."""
    rationale = require_rationale(rationale)
    roll_return = _locked_untriaged(roll_return)
    RollReturn.objects.filter(pk=roll_return.pk).update(child=child, updated_at=timezone.now())
    roll_return.child = child
    disclosure_subject_add(actor=actor, named=roll_return, person=child)  # the receipt is now found from the child
    decision_record(
        actor=actor,
        kind=DecisionKind.MATCH_RETURN,
        rationale=rationale,
        roll_return=roll_return,
        details={"child_id": child.pk},
    )
    return roll_return


@transaction.atomic
def return_child_create(
    *, roll_return: RollReturn, actor: "User", rationale: str, shown_children: Collection[int] = ()
) -> Child:
    """Record a new child from the return's details (no existing child matched) and link the return to them.

    No silent duplicates: a child already held who may be this pupil and was not among `shown_children` (the
    suggestions the officer saw) stops it with PossibleDuplicatesError; the rationale is the reason recorded."""
    rationale = require_rationale(rationale)
    roll_return = _locked_untriaged(roll_return)
    child = child_create_after_review(
        actor=actor,
        shown_children=shown_children,
        reason=rationale,
        given_name=roll_return.given_name,
        family_name=roll_return.family_name,
        date_of_birth=roll_return.date_of_birth,
        sex=roll_return.sex if roll_return.sex in Sex.values else Sex.UNKNOWN,
        upn=roll_return.upn,
    )
    if roll_return.address_line1 and roll_return.address_postcode:
        address_record(
            actor=actor,
            person=child,
            line1=roll_return.address_line1,
            line2=roll_return.address_line2,
            town=roll_return.address_town,
            postcode=roll_return.address_postcode,
            valid_from=roll_return.event_date,
        )
    return_match_confirm(roll_return=roll_return, child=child, actor=actor, rationale=rationale)
    return child


def return_summary(roll_return: RollReturn) -> str:
    """What the school told us, in a paragraph, as the concerns of the referral it becomes."""
    parts = [f"{roll_return.get_kind_display()} from {roll_return.school.name}."]
    parts.append(f"{roll_return.event_date_label}: {roll_return.event_date:%d %B %Y}.")
    if roll_return.deletion_ground:
        parts.append(f"Ground {roll_return.get_deletion_ground_display()}.")
    if roll_return.school_days_absent:
        parts.append(f"{roll_return.school_days_absent} school days absent.")
    if roll_return.destination_unknown:
        parts.append("The school does not know where the pupil has gone.")
    if roll_return.info_not_obtained:
        parts.append(f"Not obtained: {roll_return.info_not_obtained_details}")
    if roll_return.safeguarding_concern:
        parts.append(f"Safeguarding concern: {roll_return.safeguarding_details}")
    if roll_return.further_information:
        parts.append(roll_return.further_information)
    return " ".join(parts)


@transaction.atomic
def return_refer(*, roll_return: RollReturn, actor: "User", rationale: str) -> Referral | Case:
    """Turn the return into a referral from the school, for the usual referral triage (accept into a case or not).

    A child who already has an open case gets no second referral: the return's evidence joins that case (a file note
    and an answered enquiry from the school, `case_evidence_add`), the return is marked so, and the case is returned.
    Either way the parents the return names join the child's carers, with the return as their source.
    """
    rationale = require_rationale(rationale)
    roll_return = _locked_untriaged(roll_return)
    if roll_return.child_id is None:
        raise ApplicationError(ERROR_NO_CHILD)
    return_carers_join(roll_return=roll_return, actor=actor)
    open_case = open_case_for_child(child_id=roll_return.child_id)
    if open_case is not None:
        return _return_evidence_join(roll_return, case=open_case, actor=actor, rationale=rationale)
    referral = referral_create(
        actor=actor,
        child=roll_return.child,
        source=ReferralSource.SCHOOL,
        received_on=roll_return.received_on,
        concerns=return_summary(roll_return),
        referrer_organisation=roll_return.school.name,
        safeguarding_concern=roll_return.safeguarding_concern,
    )
    _triaged(roll_return, actor=actor, state=TriageState.REFERRED, rationale=rationale, referral=referral)
    return_enrolment_apply(roll_return=roll_return, actor=actor)  # on or off the school's roll (cme.schools.enrolments)
    decision_record(
        actor=actor,
        kind=DecisionKind.REFER_RETURN,
        rationale=rationale,
        roll_return=roll_return,
        details={"referral_id": referral.pk},
    )
    return referral


def return_source_label(roll_return: RollReturn) -> str:
    """Where the return came from, in words, as a carer's or a note's source."""
    return f"return {roll_return.pk} ({roll_return.get_kind_display().lower()}) from {roll_return.school.name}, " \
        f"received {roll_return.received_on:%-d %B %Y}"  # fmt: skip


def return_carers_join(*, roll_return: RollReturn, actor: "User") -> list:
    """The parents the return names join the child's carers, with the return as their source (at triage only)."""
    if roll_return.child_id is None or not roll_return.parents:
        return []
    return carers_join_from_source(
        actor=actor,
        child=roll_return.child,
        carers=[{**parent, "lives_with": True} for parent in roll_return.parents],
        source=f"School's {return_source_label(roll_return)}",
        valid_from=roll_return.received_on,
    )


def _return_evidence_join(roll_return: RollReturn, *, case: Case, actor: "User", rationale: str) -> Case:
    case_evidence_add(
        case=case,
        actor=actor,
        source=f"the school's {return_source_label(roll_return)}",
        summary=return_summary(roll_return),
        agency=EnquiryAgency.SCHOOL,
        received_on=roll_return.received_on,
        rationale=rationale,
        source_kind="return",
    )
    _triaged(roll_return, actor=actor, state=TriageState.ADDED_TO_CASE, rationale=rationale, referral=None)
    RollReturn.objects.filter(pk=roll_return.pk).update(case=case)
    roll_return.case = case
    return_enrolment_apply(roll_return=roll_return, actor=actor)  # on or off the school's roll (cme.schools.enrolments)
    decision_record(
        actor=actor,
        kind=DecisionKind.ADD_TO_OPEN_CASE,
        rationale=rationale,
        roll_return=roll_return,
        details={"case_id": case.pk},
    )
    return case


@transaction.atomic
def return_no_further_action(*, roll_return: RollReturn, actor: "User", rationale: str) -> RollReturn:
    """Close the return without a referral, for the stated reason (e.g. the pupil is on roll at another school)."""
    rationale = require_rationale(rationale)
    roll_return = _locked_untriaged(roll_return)
    _triaged(roll_return, actor=actor, state=TriageState.NO_FURTHER_ACTION, rationale=rationale, referral=None)
    return_enrolment_apply(roll_return=roll_return, actor=actor)  # on or off the school's roll (cme.schools.enrolments)
    decision_record(
        actor=actor, kind=DecisionKind.RETURN_NO_FURTHER_ACTION, rationale=rationale, roll_return=roll_return
    )
    return roll_return


def _triaged(roll_return: RollReturn, *, actor, state: TriageState, rationale: str, referral) -> None:
    now = timezone.now()
    RollReturn.objects.filter(pk=roll_return.pk).update(
        triage_state=state,
        triaged_by=actor,
        triaged_at=now,
        triage_rationale=rationale,
        referral=referral,
        updated_at=now,
    )
    roll_return.refresh_from_db()

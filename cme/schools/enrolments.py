"""Writes to children's enrolments: on a school's roll from triage or a case's closure, off it from a deletion return.

Until issue 12 only the demo loader made enrolments. Now:

- triaging a **new-pupil return** puts the child on that school's roll from the starting day the school gave;
- triaging a **CTF pupil** puts the child on the destination school's roll (when the file names a school in the
  register) from the file's date, and ends a current enrolment at the school that sent it;
- triaging a **deletion return** ends the child's current enrolment at that school with the ground and the date;
- closing a case as found on a school's roll records that school and the start date (cme.cases.services.cases).

Each enrolment remembers its source and the return that started or ended it, so the child's page can show the school
history and say where each line came from. Every change is audited against the child.
"""

from datetime import date
from typing import TYPE_CHECKING

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError

from .enums import EnrolmentSource, ReturnKind
from .models import Enrolment, RollReturn, School
from .selectors import school_urn_for_laestab

if TYPE_CHECKING:
    from cme.accounts.models import User
    from cme.people.models import Child

ERROR_SCHOOL_NAME = "Enter the school's name"
ERROR_SCHOOL_URN = "Enter the school's URN, 6 digits like 100150"
ERROR_URN_IS_ANOTHER_SCHOOL = "URN {urn} is {name} in the register: choose it from the list, or check the URN"
OUTSIDE_REGISTER_STATUS = "Recorded by the council (not in the register extract)"


def return_enrolment_apply(*, roll_return: RollReturn, actor: "User") -> Enrolment | None:
    """The enrolment step of triage: what a triaged return says about the child's place on a school's roll.

    Called by the triage services (refer, no further action) once the return is linked to a child; does nothing for
    a return without a child or of a kind that says nothing about the roll. Safe to call twice: a current enrolment
    already at the school is kept, and one already ended is not ended again. Returns the enrolment made or ended.
    """
    child = roll_return.child
    if child is None:
        return None
    if roll_return.kind == ReturnKind.NEW_PUPIL:
        return _enrol(
            child=child,
            school=roll_return.school,
            start_date=roll_return.event_date,
            source=EnrolmentSource.NEW_PUPIL_RETURN,
            roll_return=roll_return,
            actor=actor,
        )
    if roll_return.kind == ReturnKind.DELETION:
        return _end(
            child=child,
            school=roll_return.school,
            leave_date=roll_return.event_date,
            ground=roll_return.deletion_ground,
            roll_return=roll_return,
            actor=actor,
        )
    if roll_return.kind == ReturnKind.CTF_PUPIL:
        # A file to a school in the register from outside it is stored as the destination school's own return.
        destination = roll_return.school if _ctf_is_to_school(roll_return) else _ctf_destination(roll_return)
        if destination is not None and destination != roll_return.school:
            _end(
                child=child,
                school=roll_return.school,
                leave_date=roll_return.event_date,
                ground="",
                roll_return=roll_return,
                actor=actor,
            )
        if destination is None:
            return None
        return _enrol(
            child=child,
            school=destination,
            start_date=roll_return.event_date,
            source=EnrolmentSource.CTF,
            roll_return=roll_return,
            actor=actor,
        )
    return None


def enrolment_from_case_closure(*, child: "Child", school: School, start_date: date, actor: "User") -> Enrolment:
    """Closing a case as "found on a school roll": the child is on `school`'s roll from `start_date`."""
    return _enrol(
        child=child,
        school=school,
        start_date=start_date,
        source=EnrolmentSource.CASE_CLOSURE,
        roll_return=None,
        actor=actor,
    )


def school_outside_register(*, name: str, urn: str | int) -> School:
    """Another council's school the register extract does not hold, by name and URN, for an enrolment to name.

    A school row is made with what the officer knows; the next register import fills in the rest (it matches on URN).
    A URN the register already holds must be chosen from the register instead (so a typo cannot rename a school).
    """
    name = (name or "").strip()
    if not name:
        raise ApplicationError(ERROR_SCHOOL_NAME, field="other_school_name")
    urn_text = str(urn or "").strip()
    if not (urn_text.isdigit() and len(urn_text) == 6):
        raise ApplicationError(ERROR_SCHOOL_URN, field="other_school_urn")
    existing = School.objects.filter(urn=int(urn_text)).first()
    if existing is not None:
        if existing.status == OUTSIDE_REGISTER_STATUS:
            return existing
        raise ApplicationError(
            ERROR_URN_IS_ANOTHER_SCHOOL.format(urn=urn_text, name=existing.name), field="other_school_urn"
        )
    # `status` here is the register's open/closed column, not a decision about a child.
    register_entry = {"la_code": "", "la_name": "Another council", "status": OUTSIDE_REGISTER_STATUS}
    return School.objects.create(urn=int(urn_text), name=name[:200], **register_entry)


def _ctf_destination(roll_return: RollReturn) -> School | None:
    lea, _, estab = (roll_return.ctf_destination or "").partition("/")
    if not lea or not estab or lea.upper() == "XXX":
        return None
    urn = school_urn_for_laestab(la_code=lea, establishment_number=estab)
    return School.objects.filter(urn=urn).first() if urn else None


def _ctf_is_to_school(roll_return: RollReturn) -> bool:
    """The file's destination is the school the return is stored against (it came from outside the register)."""
    lea, _, estab = (roll_return.ctf_destination or "").partition("/")
    school = roll_return.school
    return bool(lea and estab) and (lea, estab) == (school.la_code, school.establishment_number)


def _enrol(*, child, school: School, start_date: date, source: str, roll_return: RollReturn | None, actor) -> Enrolment:
    current = Enrolment.objects.filter(child=child, school=school, leave_date__isnull=True).first()
    if current is not None:
        return current
    enrolment = Enrolment(child=child, school=school, start_date=start_date, source=source, started_by=roll_return)
    enrolment.full_clean()
    enrolment.save()
    audit_record(
        actor=actor,
        event=AuditEvent.CHILD_CHANGED,
        target=child,
        related=enrolment,
        fields=["enrolments"],
        payload={"enrolment": "started", "school_urn": school.urn, "source": source},
    )
    return enrolment


def _end(*, child, school: School, leave_date: date, ground: str, roll_return: RollReturn, actor) -> Enrolment | None:
    current = (
        Enrolment.objects.select_for_update()
        .filter(child=child, school=school, leave_date__isnull=True)
        .order_by("-start_date")
        .first()
    )
    if current is None:
        return None
    # A deletion dated before the enrolment's start (a late or corrected return) ends it on its first day.
    current.leave_date = max(leave_date, current.start_date)
    current.deletion_ground = ground or current.deletion_ground
    current.ended_by = roll_return
    current.full_clean()
    current.save()
    audit_record(
        actor=actor,
        event=AuditEvent.CHILD_CHANGED,
        target=child,
        related=current,
        fields=["enrolments"],
        payload={"enrolment": "ended", "school_urn": school.urn, "ground": ground},
    )
    return current

"""One UPN, one pupil: a return whose UPN another pupil already holds is refused, naming the record that holds it.

A UPN (unique pupil number) is the DfE's identifier for one pupil for their whole school life, so two pupils with one
UPN is a typing slip (a twin's UPN copied onto the other, a line pasted twice) that would join two children's
returns into one. It is refused whichever door the return came through: the question pages and the API
(`return_submit`), and a CSV or CTF (`returns_import`, every such line reported with its line and reason, and nothing
written). Everything else about the pupil is taken liberally: the same pupil may come with their name written another
way, a surname changed or a date of birth mistyped, and that is no conflict.

Who is told what: a school is named its own returns (the pupil as the school sent them) but never a child the
council holds or another school's pupil, only that record's number for the CME team to look up; council staff are
named the other record.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from cme.people.errors import UpnTakenError
from cme.people.models import Child
from cme.people.names import forename_canonical

from ..models import RollReturn

CHILD_TYPE, RETURN_TYPE = "people.child", "schools.rollreturn"
CHUNK = 900  # SQLite allows 999 parameters in one statement

ERROR_IN_FILE = (
    "UPN {upn} is also given for {other} at {where}: a UPN belongs to one pupil. Check the UPN of each of them"
)
ERROR_HELD = "UPN {upn} is already held by {other}: a UPN belongs to one pupil. Check the UPN"
ERROR_HELD_FOR_SCHOOL = (
    "UPN {upn} is already held by a different pupil the council knows ({record}): a UPN belongs to one pupil. "
    "Check the UPN, or ask the council's children missing education team"
)


@dataclass(frozen=True)
class Pupil:
    """Who holds a UPN: a child's record or a return (the pupil as a school sent them)."""

    record_type: str
    record_id: int
    given_name: str
    family_name: str
    date_of_birth: date | None
    preferred_name: str = ""
    school_id: int | None = None

    def named(self) -> str:
        born = f", born {self.date_of_birth.day} {self.date_of_birth:%B %Y}" if self.date_of_birth else ""
        return f"{self.given_name} {self.family_name}{born}"

    def reference(self) -> str:
        return f"child record {self.record_id}" if self.record_type == CHILD_TYPE else f"return {self.record_id}"


def _loose(name: str) -> str:
    """A name compared loosely: its first word, without accents, case or punctuation."""
    folded = unicodedata.normalize("NFKD", name or "").casefold()
    words = "".join(c if c.isalnum() else " " for c in folded if not unicodedata.combining(c)).split()
    return words[0] if words else ""


def _given_names_agree(first: Pupil, second: Pupil) -> bool:
    names = {_loose(first.given_name), _loose(first.preferred_name)} - {""}
    others = {_loose(second.given_name), _loose(second.preferred_name)} - {""}
    if names & others:
        return True
    # A nickname and its formal name (Bill, William) are one name; sounding alike (Leon, Leona) is not enough.
    formal = {_loose(forename_canonical(first.given_name)), _loose(forename_canonical(first.preferred_name))} - {""}
    return bool(formal & ({_loose(forename_canonical(n)) for n in (second.given_name, second.preferred_name)} - {""}))


def same_pupil(first: Pupil, second: Pupil) -> bool:
    """Whether two records with one UPN may be the same pupil: a given name that agrees (loosely, or the name they are
    known by), and either the date of birth or the family name too. Twins (one family name and birthday, two first
    names) are two pupils; a changed surname or a mistyped date of birth is not a second pupil."""
    if not _given_names_agree(first, second):
        return False
    same_birthday = first.date_of_birth is not None and first.date_of_birth == second.date_of_birth
    return same_birthday or _loose(first.family_name) == _loose(second.family_name)


def pupil_of(values: dict[str, Any], *, record_id: int = 0, school_id: int | None = None) -> Pupil:
    return Pupil(
        RETURN_TYPE,
        record_id,
        values.get("given_name") or "",
        values.get("family_name") or "",
        values.get("date_of_birth"),
        school_id=school_id,
    )


def upn_holders(upns: set[str]) -> dict[str, list[Pupil]]:
    """Every child's record and return already holding one of `upns`, by UPN: two queries per 900 UPNs."""
    holders: dict[str, list[Pupil]] = {}
    upns = sorted(upn for upn in upns if upn)
    for start in range(0, len(upns), CHUNK):
        chunk = upns[start : start + CHUNK]
        children = Child.objects.filter(upn__in=chunk).values_list(
            "pk", "upn", "given_name", "family_name", "date_of_birth", "preferred_name"
        )
        for pk, upn, given, family, born, preferred in children:
            holders.setdefault(upn, []).append(Pupil(CHILD_TYPE, pk, given, family, born, preferred))
        returns = (
            RollReturn.objects.filter(upn__in=chunk)
            .order_by("pk")
            .values_list("pk", "upn", "given_name", "family_name", "date_of_birth", "school_id")
        )
        for pk, upn, given, family, born, school_id in returns:
            holders.setdefault(upn, []).append(Pupil(RETURN_TYPE, pk, given, family, born, school_id=school_id))
    return holders


def upn_conflict(upn: str, pupil: Pupil, holders: dict[str, list[Pupil]]) -> Pupil | None:
    """The first record holding `upn` that is not `pupil`: a child's record before a return."""
    for holder in holders.get(upn, ()):
        if not same_pupil(pupil, holder):
            return holder
    return None


def upn_held_message(upn: str, holder: Pupil, *, school_id: int | None) -> str:
    """The refusal, in words for who sent the return: a school (`school_id`) is named only its own returns."""
    if school_id is not None and not (holder.record_type == RETURN_TYPE and holder.school_id == school_id):
        return ERROR_HELD_FOR_SCHOOL.format(upn=upn, record=holder.reference())
    what = "the record of" if holder.record_type == CHILD_TYPE else "a return about"
    return ERROR_HELD.format(upn=upn, other=f"{what} {holder.named()} ({holder.reference()})")


def upn_taken_error(upn: str, holder: Pupil, *, school_id: int | None) -> UpnTakenError:
    message = upn_held_message(upn, holder, school_id=school_id)
    return UpnTakenError(message, record_type=holder.record_type, record_id=holder.record_id)


def return_upn_check(values: dict[str, Any], *, school_id: int, for_school: bool) -> None:
    """Raise UpnTakenError if the return's (clean) UPN is held by a different pupil; a return about the same pupil,
    or one without a UPN, passes."""
    upn = values.get("upn") or ""
    if not upn:
        return
    holder = upn_conflict(upn, pupil_of(values, school_id=school_id), upn_holders({upn}))
    if holder is not None:
        raise upn_taken_error(upn, holder, school_id=school_id if for_school else None)

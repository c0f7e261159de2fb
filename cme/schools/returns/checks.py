"""The rules a return must meet, whichever door it came through (question pages, API, CSV, CTF).

`return_check(values)` takes the RollReturn field values (already typed: dates as dates, flags as booleans) and
returns the problems as {field: message}, in GOV.UK error wording. It cleans identifiers in place (UPN in capitals,
postcode spaced, phones in E.164) so that what is stored is what was checked. Nothing here touches the database.
"""

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from cme.cases.clocks import CONTINUOUS_ABSENCE_RETURN_DAYS, SICKNESS_RETURN_DAYS
from cme.people.ages import national_curriculum_year
from cme.people.identifiers import phone_to_e164, postcode_clean, upn_clean

from ..enums import DeletionGround, ReturnKind

# Reg 13 (SI 2024/208): continuous unauthorised absence of 10 school days, sickness of 15, must be reported. The
# limits are the statutory clocks' own (cme.cases.clocks), so that the clocks and the returns' checks cannot differ.
UNAUTHORISED_ABSENCE_DAYS = CONTINUOUS_ABSENCE_RETURN_DAYS
SICKNESS_DAYS = SICKNESS_RETURN_DAYS
# A week has at most 32.5 hours of a usual school timetable; more than a full week is a typing slip.
MAX_HOURS_PER_WEEK = Decimal("40")
SEXES = {"M", "F", "U"}

ERROR_REQUIRED = "Enter the {what}"
ERROR_FUTURE = "The {what} cannot be in the future"
ERROR_GROUND = "Select the ground for deletion (A to O)"
ERROR_SEX = "Sex must be M, F or U, not {value}"
ERROR_PARENT = "Give the name and at least one emergency telephone number of each parent the pupil lives with"
ERROR_PARENT_PHONE = "Enter an emergency telephone number for {name}"
ERROR_NO_PARENT = "Give at least one parent the pupil normally lives with, or say you could not obtain the information"
ERROR_ABSENCE_DAYS = "A {what} return is for {days} school days or more"
ERROR_HOURS = "Enter the hours per week, a number between 0 and 40"
ERROR_BEFORE_START = "The {what} must be on or after the date the timetable started"
ERROR_AGREED = "Say whether the parent agreed to the part-time timetable"
ERROR_REASON = "Enter the reason for the part-time timetable"
ERROR_DETAILS = "Say what the school could not obtain"
ERROR_SAFEGUARDING = "Describe the safeguarding concern"

_PUPIL_LABELS = {
    "given_name": "pupil's first name",
    "family_name": "pupil's last name",
    "date_of_birth": "pupil's date of birth",
    "event_date": "date",
}


def return_check(values: dict[str, Any], *, today: date, warnings: dict[str, str] | None = None) -> dict[str, str]:
    """Problems with one return as {field: message}; empty when it may be stored. Cleans identifiers in place.

    With `warnings` (a file of returns), details not needed to identify or safeguard the child (`WARN_FIELDS`: a
    parent's telephone number, the postcode, the sex code) that are in a form cme does not know are kept as written
    and reported there instead of refusing the return; the officer tidies them.
    """
    problems: dict[str, str] = {}
    _pupil_check(values, problems, today=today)
    kind = values.get("kind")
    if kind == ReturnKind.DELETION:
        _deletion_check(values, problems)
    else:
        _parents_check(values, problems, required=False)
    if warnings is not None:
        _soften(values, problems, warnings)
    values.pop("_written_postcode", None)
    if kind == ReturnKind.UNAUTHORISED_ABSENCE:
        _absence_check(values, problems, what="continuous unauthorised absence", days=UNAUTHORISED_ABSENCE_DAYS)
    elif kind == ReturnKind.SICKNESS:
        _absence_check(values, problems, what="sickness", days=SICKNESS_DAYS)
    elif kind == ReturnKind.PART_TIME_TIMETABLE:
        _timetable_check(values, problems)
    elif kind == ReturnKind.TIMETABLE_REVIEW:
        _review_check(values, problems)
    if values.get("date_of_birth") and values.get("event_date") and "date_of_birth" not in problems:
        values["year_group"] = national_curriculum_year(values["date_of_birth"], values["event_date"])
    return problems


# Details that do not identify the child or make the return unusable: kept as written, with a warning, in a file.
WARN_FIELDS = ("parents", "address_postcode", "sex")
WARNING_KEPT = "{message}: kept as written for an officer to tidy"
_POSTCODE_LENGTH = 8


def _soften(values: dict[str, Any], problems: dict[str, str], warnings: dict[str, str]) -> None:
    """Move the problems in WARN_FIELDS to `warnings`, keeping the value as the school wrote it."""
    for name in WARN_FIELDS:
        message = problems.pop(name, None)
        if message is None:
            continue
        if name == "parents" and values.get("kind") == ReturnKind.DELETION and _parents_required(values, message):
            problems[name] = message  # a deletion must name each parent and give a telephone number: reg 13
            continue
        warnings[name] = WARNING_KEPT.format(message=message)
        if name == "address_postcode":
            written = values.get("_written_postcode", "")
            values[name] = written if len(written) <= _POSTCODE_LENGTH else ""
        elif name == "sex":
            values[name] = ""


def _parents_required(values: dict[str, Any], message: str) -> bool:
    """Whether a deletion's parent problem is a missing detail (refused) rather than one in an unknown form."""
    return message in (ERROR_PARENT, ERROR_NO_PARENT) or message.startswith("Enter an emergency telephone number")


def return_dedupe_key(values: dict[str, Any], *, school_id: int) -> str:
    """The same return sent twice (by any route) has the same key: school, kind, pupil, date and what changed."""
    pupil = values.get("upn") or f"{values.get('given_name', '').lower()}|{values.get('family_name', '').lower()}"
    parts = [
        school_id,
        values.get("kind"),
        pupil,
        values.get("date_of_birth"),
        values.get("event_date"),
        values.get("deletion_ground", ""),
        values.get("next_review_on"),
        values.get("ctf_destination", ""),
    ]
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


def _pupil_check(values: dict[str, Any], problems: dict[str, str], *, today: date) -> None:
    for name, what in _PUPIL_LABELS.items():
        value = values.get(name)
        if value in (None, ""):
            problems[name] = ERROR_REQUIRED.format(what=what)
        elif isinstance(value, date) and value > today and not _may_be_ahead(values, name):
            problems[name] = ERROR_FUTURE.format(what=what)
    for name in ("given_name", "family_name"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    _clean(values, problems, "upn", upn_clean)
    values["_written_postcode"] = (values.get("address_postcode") or "").strip()
    _clean(values, problems, "address_postcode", postcode_clean)
    sex = (values.get("sex") or "").strip().upper()
    if sex and sex not in SEXES:
        problems["sex"] = ERROR_SEX.format(value=sex)
    values["sex"] = sex


def _may_be_ahead(values: dict[str, Any], name: str) -> bool:
    # A school may tell the council that a pupil is not expected to take up a place from a start date still to come.
    return name == "event_date" and values.get("kind") in {ReturnKind.PLACE_NOT_TAKEN_UP}


def _clean(values: dict[str, Any], problems: dict[str, str], name: str, cleaner) -> None:
    value = (values.get(name) or "").strip()
    if not value:
        values[name] = ""
        return
    try:
        values[name] = cleaner(value)
    except ValidationError as error:
        problems[name] = f"{error.messages[0]} (got {value})"


def _deletion_check(values: dict[str, Any], problems: dict[str, str]) -> None:
    if values.get("deletion_ground") not in DeletionGround.values:
        problems["deletion_ground"] = ERROR_GROUND
    not_obtained = bool(values.get("info_not_obtained"))
    if not not_obtained:
        if not values.get("address_line1"):
            problems["address_line1"] = ERROR_REQUIRED.format(what="pupil's address")
        if not values.get("address_postcode") and "address_postcode" not in problems:
            problems["address_postcode"] = ERROR_REQUIRED.format(what="pupil's postcode")
    _parents_check(values, problems, required=not not_obtained)
    if not_obtained and not (values.get("info_not_obtained_details") or "").strip():
        problems["info_not_obtained_details"] = ERROR_DETAILS
    if values.get("safeguarding_concern") and not (values.get("safeguarding_details") or "").strip():
        problems["safeguarding_details"] = ERROR_SAFEGUARDING


def _parents_check(values: dict[str, Any], problems: dict[str, str], *, required: bool) -> None:
    """Each parent the pupil lives with needs a name and an emergency phone (reg 13 deletion return (c) and (d))."""
    parents = [parent for parent in values.get("parents") or [] if any((v or "").strip() for v in parent.values())]
    cleaned = []
    for parent in parents:
        name = (parent.get("name") or "").strip()
        phone = (parent.get("phone") or "").strip()
        if not name:
            problems["parents"] = ERROR_PARENT
            continue
        if not phone:
            if required:
                problems["parents"] = ERROR_PARENT_PHONE.format(name=name)
        else:
            try:
                phone = phone_to_e164(phone)
            except ValidationError as error:
                # Kept as written: when the problem becomes a warning (a file), the school's number is what is stored.
                problems["parents"] = f"{error.messages[0]} (the number for {name}, {phone})"
        cleaned.append({"name": name, "address": (parent.get("address") or "").strip(), "phone": phone})
    if required and not cleaned and "parents" not in problems:
        problems["parents"] = ERROR_NO_PARENT
    values["parents"] = cleaned


def _absence_check(values: dict[str, Any], problems: dict[str, str], *, what: str, days: int) -> None:
    absent = values.get("school_days_absent")
    if absent is None:
        problems["school_days_absent"] = ERROR_REQUIRED.format(what="number of school days absent")
    elif absent < days:
        problems["school_days_absent"] = ERROR_ABSENCE_DAYS.format(what=what, days=days)


def _timetable_check(values: dict[str, Any], problems: dict[str, str]) -> None:
    _hours_check(values, problems, required=True)
    if not (values.get("timetable_reason") or "").strip():
        problems["timetable_reason"] = ERROR_REASON
    if values.get("parent_agreed") is None:
        problems["parent_agreed"] = ERROR_AGREED
    start = values.get("event_date")
    if not values.get("next_review_on"):
        problems["next_review_on"] = ERROR_REQUIRED.format(what="date of the next review")
    for name, what in (("next_review_on", "next review"), ("planned_end_on", "planned end")):
        if start and values.get(name) and values[name] < start:
            problems[name] = ERROR_BEFORE_START.format(what=what)


def _review_check(values: dict[str, Any], problems: dict[str, str]) -> None:
    _hours_check(values, problems, required=False)
    if values.get("next_review_on") and values.get("event_date") and values["next_review_on"] < values["event_date"]:
        problems["next_review_on"] = "The next review must be on or after this review"


def _hours_check(values: dict[str, Any], problems: dict[str, str], *, required: bool) -> None:
    hours = values.get("hours_per_week")
    if hours is None:
        if required:
            problems["hours_per_week"] = ERROR_HOURS
        return
    if not Decimal(0) <= Decimal(hours) <= MAX_HOURS_PER_WEEK:
        problems["hours_per_week"] = ERROR_HOURS

"""Finding what a subject access pack must withhold, and why: other people's information (DPA 2018 Sch. 2 para 16).

Two passes over a gathered pack (cme.privacy.sar.gather), both pure (no database):

- structurally, from the data model: the carers other than the person asking, the person who made a referral (a
  member of the public, named or not; a professional's name and direct contact details), and the staff of other
  agencies an officer spoke to. Other children (brothers and sisters) are never gathered at all: gathering follows
  links from this child only.
- in free text (the fields the catalogue marks `free_text`): the names of the people linked to the child, and
  telephone numbers, email addresses, unique pupil numbers and NHS numbers that are not the child's own.

Each redaction names its reason (RedactionReason). A person reviews them all before anything is released.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from cme.privacy.models import RedactionOrigin, RedactionReason

R = RedactionReason

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# UK numbers as people write them: 07700 900123, 020 7946 0018, (0117) 496 0123, +44 7700 900123, 01632-960-001.
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s\-()]?\d){8,9}(?![\w])")
# An NHS number: ten digits, often written 3-3-4; confirmed by its check digit (so a phone number is not one).
NHS = re.compile(r"(?<![\w+])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\w)")
# A unique pupil number: a check letter, the LA and school numbers, year and serial (no I, O or S).
UPN = re.compile(r"\b[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]\b", re.IGNORECASE)
MIN_NAME = 2


@dataclass(frozen=True)
class Found:
    item: str
    field: str
    start: int | None
    end: int | None
    reason: str
    origin: str

    def as_dict(self) -> dict:
        return asdict(self)


def digits(value: str) -> str:
    """The digits of a telephone number in national form: "+44 7700 900123" -> "07700900123"."""
    number = re.sub(r"\D", "", value)
    if value.strip().startswith("+44"):
        number = "0" + number[2:]
        if number.startswith("00"):  # +44 (0) 20 …
            number = number[1:]
    return number


def nhs_number_valid(number: str) -> bool:
    """The NHS number check digit (modulus 11)."""
    if len(number) != 10 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


# ---------------------------------------------------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------------------------------------------------

REFERRER_FIELDS = ("referrer_name", "referrer_role", "referrer_organisation", "referrer_phone", "referrer_email")
REFERRER_DIRECT = ("referrer_name", "referrer_phone", "referrer_email")
AGENCY_CONTACT_FIELDS = ("contact_name", "contact_details")


def _value(item: dict, name: str):
    for field in item["fields"]:
        if field["name"] == name:
            return field
    return None


def structural(content: dict, *, requester_carer_id: int | None) -> list[Found]:
    found: list[Found] = []
    for section in content["sections"]:
        model = section["model"]
        for item in section["items"]:
            key = item["key"]
            if model == "people.Carer":
                if int(key.rsplit(":", 1)[1]) != requester_carer_id:
                    found.append(Found(key, "", None, None, R.OTHER_CARER, RedactionOrigin.STRUCTURE))
            elif model == "cases.Referral":
                found += _referrer(item)
            elif model == "cases.Enquiry":
                for name in AGENCY_CONTACT_FIELDS:
                    field = _value(item, name)
                    if field is not None and field["value"]:
                        found.append(Found(key, name, None, None, R.AGENCY_STAFF, RedactionOrigin.STRUCTURE))
    return found


def _referrer(item: dict) -> list[Found]:
    anonymous = (_value(item, "is_anonymous") or {}).get("code") is True
    source = (_value(item, "source") or {}).get("code", "")
    if anonymous:
        reason, fields = R.REFERRER_ANONYMOUS, REFERRER_FIELDS
    elif source == "public":
        reason, fields = R.REFERRER_PUBLIC, REFERRER_FIELDS
    elif source in ("school", "professional", "other_council"):
        reason, fields = R.AGENCY_STAFF, REFERRER_DIRECT  # their role and organisation stay
    else:
        reason, fields = R.REFERRER, REFERRER_FIELDS
    found = []
    for name in fields:
        field = _value(item, name)
        if field is not None and field["value"]:
            found.append(Found(item["key"], name, None, None, reason, RedactionOrigin.STRUCTURE))
    return found


# ---------------------------------------------------------------------------------------------------------------------
# Free text
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextRules:
    """What the free-text pass looks for, built once per pack from the people linked to the child."""

    names: re.Pattern | None
    name_reasons: dict[str, str]
    own_phones: frozenset[str]
    own_emails: frozenset[str]
    own_upns: frozenset[str]
    own_nhs: frozenset[str]


def text_rules(people: dict, *, requester_carer_id: int | None) -> TextRules:
    own = people["own"]
    own_name_words = {name.casefold() for name in own["names"] for name in name.split()}
    allowed_phones = {digits(value) for value in own["contacts"] if "@" not in value}
    allowed_emails = {value.casefold() for value in own["contacts"] if "@" in value}
    reasons: dict[str, str] = {}

    def add(words: Iterable[str], full_name: str, reason: str) -> None:
        if full_name and len(full_name) >= MIN_NAME:
            reasons.setdefault(full_name.casefold(), reason)
        for word in words:
            for part in word.split():
                part = part.strip(".,;:'\"()")
                if len(part) >= MIN_NAME and part.casefold() not in own_name_words:
                    reasons.setdefault(part.casefold(), reason)

    for carer in people["carers"]:
        if carer["id"] == requester_carer_id:
            allowed_phones |= {digits(value) for value in carer.get("contacts", []) if "@" not in value}
            allowed_emails |= {value.casefold() for value in carer.get("contacts", []) if "@" in value}
            continue
        add(carer["names"], carer["full_name"], R.OTHER_CARER)
    for sibling in people["siblings"]:
        add(sibling["names"], sibling["full_name"], R.SIBLING)
    for person in people.get("referrers", []):
        add(person["names"], person["full_name"], R.REFERRER)
    for person in people.get("agency_staff", []):
        add(person["names"], person["full_name"], R.AGENCY_STAFF)
    # A requester's own name never needs withholding from them.
    for carer in people["carers"]:
        if carer["id"] == requester_carer_id:
            for word in [carer["full_name"], *carer["names"]]:
                reasons.pop(word.casefold(), None)
    pattern = None
    if reasons:
        alternatives = sorted(reasons, key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in alternatives) + r")(?!\w)", re.I)
    return TextRules(
        names=pattern,
        name_reasons=reasons,
        own_phones=frozenset(allowed_phones),
        own_emails=frozenset(allowed_emails),
        own_upns=frozenset(upn.upper() for upn in own["upns"]),
        own_nhs=frozenset(re.sub(r"\D", "", number) for number in own["nhs_numbers"]),
    )


def find_in_text(text: str, rules: TextRules) -> list[tuple[int, int, str]]:
    """(start, end, reason) for each part of `text` that is another person's; no two overlap."""
    spans: list[tuple[int, int, str]] = []
    for match in EMAIL.finditer(text):
        if match.group().casefold() not in rules.own_emails:
            spans.append((match.start(), match.end(), R.EMAIL))
    for match in UPN.finditer(text):
        if match.group().upper() not in rules.own_upns:
            spans.append((match.start(), match.end(), R.UPN))
    for match in NHS.finditer(text):
        number = re.sub(r"\D", "", match.group())
        if nhs_number_valid(number) and number not in rules.own_nhs:
            spans.append((match.start(), match.end(), R.NHS_NUMBER))
    for match in PHONE.finditer(text):
        if digits(match.group()) not in rules.own_phones and not _is_own_nhs(match.group(), rules):
            spans.append((match.start(), match.end(), R.PHONE))
    if rules.names is not None:
        for match in rules.names.finditer(text):
            spans.append((match.start(), match.end(), rules.name_reasons[match.group().casefold()]))
    return _without_overlaps(spans)


def _is_own_nhs(value: str, rules: TextRules) -> bool:
    number = re.sub(r"\D", "", value)
    return number in rules.own_nhs


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the earliest span of overlapping ones (the longest when they start together)."""
    kept: list[tuple[int, int, str]] = []
    for start, end, reason in sorted(spans, key=lambda span: (span[0], -(span[1] - span[0]))):
        if kept and start < kept[-1][1]:
            if end > kept[-1][1]:
                kept[-1] = (kept[-1][0], end, kept[-1][2])
            continue
        kept.append((start, end, reason))
    return kept


def free_text(content: dict, *, requester_carer_id: int | None) -> list[Found]:
    rules = text_rules(content["people"], requester_carer_id=requester_carer_id)
    found = []
    for section in content["sections"]:
        for item in section["items"]:
            for field in item["fields"]:
                if not field.get("free_text") or not field["value"]:
                    continue
                for start, end, reason in find_in_text(field["value"], rules):
                    found.append(Found(item["key"], field["name"], start, end, reason, RedactionOrigin.FREE_TEXT))
    return found


def redactions_for(content: dict, *, requester_carer_id: int | None = None) -> list[Found]:
    """Every redaction the two passes find in a gathered pack."""
    return [
        *structural(content, requester_carer_id=requester_carer_id),
        *free_text(content, requester_carer_id=requester_carer_id),
    ]

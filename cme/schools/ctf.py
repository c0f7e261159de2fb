"""Reading Common Transfer Files (CTF) with lxml into returns, one per pupil, as a stream.

What schools' and the DfE's software really writes, all read the same way:

- a namespace on the root element (`<CTfile xmlns="…">`) or none: elements are matched by their local name;
- `<CTFversion>` or `<CTFVersion>` (some suppliers' documents spell it with a capital V): header elements are
  matched whatever their case;
- dates as `2008-11-13`, or with a time zone (`2008-11-13Z`, `2008-11-13+01:00`), which are valid XML dates;
- CTF 24 and 25, and a version the DfE has not yet published (26.0 for 2026/27), which is read as the newest layout
  cme knows with a warning on the file, not refused; `<Sex>` (CTF 25) and `<Gender>` (24 and earlier) both read.

What the file is comes from its header (`ctf_kind`): source and destination (`<SourceSchool>`, `<DestSchool>`,
`<LEA>`, `<Estab>`), `<DocumentQualifier>` (full or partial) and `<SupplierID>`. A file that is not for the council
is refused with a sentence saying what it is: a download from the DfE's Get Information about Pupils service
(source `XXX`/`XXXX`), or a multiplication tables check results file (source and destination the same school,
carrying assessment results). A destination of `XXX`/`XXXX` is a lost-pupil file; no `<DestSchool>` at all means the
destination is not known; both become LOST_PUPIL returns. Only a full file sent by a school to its council (or to
itself) is the school's whole roll (`FULL_ROLL`); a transfer of leavers or a partial file never is.

Problems are reported with the element path, such as `/CTfile/CTFpupilData/Pupil[3]/UPN`. The parser refuses DTDs
and entities and never reads the network (XML bombs and external entities). It reads the file as a stream
(`iterparse`), clearing each pupil once read, so a 20,000-pupil file needs little more memory than its returns.
Nothing here touches the database.
"""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from lxml import etree

from .enums import ReturnKind
from .returns.files import ParsedFile, ParsedReturn, ReturnError, ReturnFileRejected

SUPPORTED_VERSIONS = (24, 25)
NEWEST_VERSION = max(SUPPORTED_VERSIONS)
LOST_LA, LOST_ESTAB = "XXX", "XXXX"
# A CTF sent to a local authority rather than a school names the establishment LLLL.
COUNCIL_ESTAB = "LLLL"
_SEXES = {"M": "M", "F": "F", "U": "U", "MALE": "M", "FEMALE": "F"}
# Elements that carry assessment results: a multiplication tables check file is made of these.
_ASSESSMENT_ELEMENTS = {"stageassessments", "keystage", "assessments", "mtc"}
_XML_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$")

ERROR_NOT_XML = "The file is not well-formed XML: {problem}."
ERROR_NOT_CTF = "The root element is <{root}>, not <CTfile>: this is not a Common Transfer File."
ERROR_NO_HEADER = "The file has no /CTfile/Header, which a CTF must have."
ERROR_VERSION = "CTF version {version!r} is not read by cme: it reads versions 24 and 25 (and newer ones)."
ERROR_NO_PUPILS = "The file has no pupils (/CTfile/CTFpupilData/Pupil)."
ERROR_GIAP = (
    "This file is a download from the DfE's Get Information about Pupils service (source XXX/XXXX), not a file from "
    "a school: it is not a set of pupil returns and not a school roll, so cme does not import it."
)
ERROR_MTC = (
    "This file is a multiplication tables check results file: assessment results for {school}'s own pupils (its "
    "source and destination are the same school). It is not a set of pupil returns and not a roll, so cme does not "
    "import it."
)
WARNING_NEWER_VERSION = (
    "CTF version {version} is newer than the versions cme knows (24 and 25): it was read as CTF {newest}. Check the "
    "pupils' details look right."
)
WARNING_SEX = "unknown code {value!r}: expected M, F or U; the sex was left blank"


class CtfKind(StrEnum):
    """What a CTF is, from its header."""

    TRANSFER = "transfer", "a transfer of leavers to another school"
    FULL_ROLL = "full_roll", "the school's whole roll"
    PARTIAL = "partial", "a partial file (part of some pupils' records)"
    LOST_PUPIL = "lost_pupil", "a lost-pupil file (destination XXX/XXXX)"
    DESTINATION_UNKNOWN = "destination_unknown", "a file with no destination school (destination not known)"

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


@dataclass(frozen=True)
class CtfHeader:
    version: str
    major: int
    sent_on: date
    qualifier: str
    supplier: str
    source_lea: str
    source_estab: str
    source_name: str
    dest_lea: str
    dest_estab: str
    has_destination: bool

    @property
    def is_giap(self) -> bool:
        source = (self.source_lea.upper(), self.source_estab.upper())
        return source == (LOST_LA, LOST_ESTAB) or self.supplier.strip().upper() == "GIAP"

    @property
    def same_school(self) -> bool:
        return self.has_destination and (self.source_lea, self.source_estab) == (self.dest_lea, self.dest_estab)

    def kind(self) -> CtfKind:
        if not self.has_destination:
            return CtfKind.DESTINATION_UNKNOWN
        if (self.dest_lea.upper(), self.dest_estab.upper()) == (LOST_LA, LOST_ESTAB):
            return CtfKind.LOST_PUPIL
        if self.qualifier.lower() != "full":
            return CtfKind.PARTIAL
        if self.dest_estab.upper() == COUNCIL_ESTAB or self.same_school:
            return CtfKind.FULL_ROLL
        return CtfKind.TRANSFER


def ctf_read(content: bytes) -> ParsedFile:
    """Parse a CTF. Raises ReturnFileRejected for a file that is not a CTF cme reads (or not one for the council);
    pupil problems are in `errors`, details kept with a warning in each return's `warnings`."""
    parsed = ParsedFile()
    context: _PupilContext | None = None
    number = 0
    events = etree.iterparse(
        io.BytesIO(content),
        events=("start", "end"),
        tag=("{*}CTfile", "{*}Header", "{*}Pupil"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root = None
    try:
        for event, element in events:
            name = _local(element)
            if root is None:
                outer = element.getroottree().getroot()
                if element is not outer or name != "CTfile":  # a <CTfile> inside another document, or no <CTfile>
                    raise ReturnFileRejected(ERROR_NOT_CTF.format(root=_local(outer)))
                root = element
                continue
            if event != "end":
                continue
            if name == "Header" and element.getparent() is root:
                context = _header_read(element, parsed)
            elif name == "Pupil":
                if context is None:
                    raise ReturnFileRejected(ERROR_NO_HEADER)
                number += 1
                if number == 1 and context.header.same_school and _has_assessments(element):
                    raise ReturnFileRejected(ERROR_MTC.format(school=_school_named(context.header)))
                _pupil_add(parsed, context, element, number)
                element.clear(keep_tail=False)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        raise ReturnFileRejected(ERROR_NOT_XML.format(problem=error.msg or error)) from None
    if root is None:
        raise ReturnFileRejected(ERROR_NOT_CTF.format(root=_local(events.root) if events.root is not None else ""))
    if context is None:
        raise ReturnFileRejected(ERROR_NO_HEADER)
    if number == 0:
        raise ReturnFileRejected(ERROR_NO_PUPILS)
    return parsed


def _local(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _school_named(header: CtfHeader) -> str:
    return header.source_name or f"LA {header.source_lea} establishment {header.source_estab}"


def _has_assessments(pupil) -> bool:
    return any(_local(child).lower() in _ASSESSMENT_ELEMENTS for child in pupil)


# RollReturn field -> the element it is read from, for messages about a value that parsed but broke a rule.
_PATHS = {
    "upn": "UPN",
    "given_name": "Forename",
    "family_name": "Surname",
    "date_of_birth": "DOB",
    "sex": "Sex",
    "address_postcode": "Address/PostCode",
    "address_line1": "Address",
    "parents": "Contacts",
    "event_date": "/CTfile/Header/DateTime",
}


def _children(element) -> dict[str, object]:
    """An element's children by lower-case local name (the first of each), so `CTFVersion` finds `CTFversion`."""
    found: dict[str, object] = {}
    for child in element:
        found.setdefault(_local(child).lower(), child)
    return found


def _header_text(children: dict, *path: str) -> str:
    element = None
    for part in path:
        element = children.get(part.lower())
        if element is None:
            return ""
        children = _children(element)
    return (element.text or "").strip() if element is not None else ""


def _header_read(element, parsed: ParsedFile) -> "_PupilContext":
    children = _children(element)
    version_text = _header_text(children, "CTFversion")
    try:
        major = int(float(version_text))
    except ValueError:
        raise ReturnFileRejected(ERROR_VERSION.format(version=version_text)) from None
    if major < min(SUPPORTED_VERSIONS):
        raise ReturnFileRejected(ERROR_VERSION.format(version=version_text))
    stamp = _header_text(children, "DateTime")
    sent_on = _datetime_date(stamp)
    if sent_on is None:
        raise ReturnFileRejected(f"/CTfile/Header/DateTime: enter the date and time of the file, not {stamp!r}.")
    header = CtfHeader(
        version=version_text,
        major=major,
        sent_on=sent_on,
        qualifier=_header_text(children, "DocumentQualifier"),
        supplier=_header_text(children, "SupplierID"),
        source_lea=_header_text(children, "SourceSchool", "LEA"),
        source_estab=_header_text(children, "SourceSchool", "Estab"),
        source_name=_header_text(children, "SourceSchool", "SchoolName"),
        dest_lea=_header_text(children, "DestSchool", "LEA"),
        dest_estab=_header_text(children, "DestSchool", "Estab"),
        has_destination=bool(
            _header_text(children, "DestSchool", "LEA") or _header_text(children, "DestSchool", "Estab")
        ),
    )
    if header.is_giap:
        raise ReturnFileRejected(ERROR_GIAP)
    for part, digits in (("source_lea", 3), ("source_estab", 4)):
        value = getattr(header, part)
        if not (value.isdigit() and len(value) == digits):
            element = "/CTfile/Header/SourceSchool/" + ("LEA" if part == "source_lea" else "Estab")
            raise ReturnFileRejected(f"{element}: expected {digits} digits, got {value!r}.")
    return _header_apply(parsed, header)


def _header_apply(parsed: ParsedFile, header: CtfHeader) -> "_PupilContext":
    kind = header.kind()
    parsed.header = {
        "version": header.version,
        "read_as": str(min(header.major, NEWEST_VERSION)),
        "sent_on": header.sent_on,
        "qualifier": header.qualifier,
        "supplier": header.supplier,
        "source_lea": header.source_lea,
        "source_estab": header.source_estab,
        "source_name": header.source_name,
        "dest_lea": header.dest_lea,
        "dest_estab": header.dest_estab,
        "kind": str(kind),
        "lost_pupil": kind in (CtfKind.LOST_PUPIL, CtfKind.DESTINATION_UNKNOWN),
        "full_roll": kind == CtfKind.FULL_ROLL,
    }
    if header.major > NEWEST_VERSION:
        parsed.warnings.append(WARNING_NEWER_VERSION.format(version=header.version, newest=NEWEST_VERSION))
    return _PupilContext(header=header, kind=kind)


@dataclass(frozen=True)
class _PupilContext:
    header: CtfHeader
    kind: CtfKind

    def values(self) -> dict:
        header = self.header
        lost = self.kind in (CtfKind.LOST_PUPIL, CtfKind.DESTINATION_UNKNOWN)
        destination = f"{header.dest_lea}/{header.dest_estab}" if header.has_destination else ""
        return {
            "kind": ReturnKind.LOST_PUPIL if lost else ReturnKind.CTF_PUPIL,
            "event_date": header.sent_on,
            "ctf_source": f"{header.source_lea}/{header.source_estab}",
            "ctf_destination": destination,
        }


def _pupil_add(parsed: ParsedFile, context: "_PupilContext", pupil, number: int) -> None:
    header = context.header
    if "}" in pupil.tag:
        for element in pupil.iter():
            if isinstance(element.tag, str):
                element.tag = element.tag.rpartition("}")[2]
    where = f"/CTfile/CTFpupilData/Pupil[{number}]"
    values, problems, warnings = _pupil_read(pupil, where)
    if problems:
        parsed.errors.extend(problems)
        return
    values |= context.values()
    lost = context.kind in (CtfKind.LOST_PUPIL, CtfKind.DESTINATION_UNKNOWN)
    parsed.returns.append(
        ParsedReturn(
            where=where,
            values=values,
            school_laestab=(header.source_lea, header.source_estab),
            fallback_laestab=None if lost else (header.dest_lea, header.dest_estab),
            columns=_PATHS,
            warnings=warnings,
        )
    )


def _datetime_date(stamp: str) -> date | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp).date()
    except ValueError:
        return _xml_date(stamp)


def _xml_date(text: str) -> date | None:
    """An xs:date, with or without a time zone (`2008-11-13`, `2008-11-13Z`, `2008-11-13+01:00`); None if not one."""
    match = _XML_DATE.match(text)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _pupil_read(pupil, where: str) -> tuple[dict, list[ReturnError], list[ReturnError]]:
    problems: list[ReturnError] = []
    warnings: list[ReturnError] = []
    # The pupil's elements in one pass (a 20,000-pupil file makes many lookups); BasicDetails is read when present.
    kids: dict[str, object] = {}
    for child in pupil:
        kids.setdefault(child.tag, child)
    basic = kids.get("BasicDetails")
    if basic is not None:
        for child in basic:
            kids.setdefault(child.tag, child)

    def text(name: str) -> str:
        found = kids.get(name)
        return (found.text or "").strip() if found is not None else ""

    values = {
        "upn": text("UPN"),
        "given_name": text("Forename") or text("LegalForename"),
        "family_name": text("Surname") or text("LegalSurname"),
    }
    dob_text = text("DOB")
    values["date_of_birth"] = _xml_date(dob_text) if dob_text else None
    if dob_text and values["date_of_birth"] is None:
        problems.append(ReturnError(f"{where}/DOB", f"enter the date of birth as YYYY-MM-DD, not {dob_text!r}"))
    # CTF 25 uses <Sex>; CTF 24 and earlier <Gender>. Read whichever is there.
    sex_element = "Sex" if "Sex" in kids else "Gender"
    sex_text = text(sex_element)
    if sex_text and sex_text.upper() not in _SEXES:
        warnings.append(ReturnError(f"{where}/{sex_element}", WARNING_SEX.format(value=sex_text)))
    values["sex"] = _SEXES.get(sex_text.upper(), "")
    address = kids.get("Address")
    values |= _address_read(address) if address is not None else {}
    contacts = kids.get("Contacts")
    values["parents"] = _contacts_read(contacts) if contacts is not None else []
    return values, problems, warnings


def _address_read(address) -> dict:
    parts = _texts(address)
    bs7666 = address.find("BS7666Address")
    if bs7666 is not None:
        street = _texts(bs7666)
        line1 = " ".join(part for part in (street.get("SAON"), street.get("PAON"), street.get("Street")) if part)
        line2, town = street.get("Locality", ""), street.get("Town") or street.get("PostTown", "")
    else:
        lines_element = address.find("AddressLines")
        numbered = _texts(lines_element) if lines_element is not None else {}
        lines = [numbered.get(f"AddressLine{n}", "") for n in range(1, 6)]
        lines = [line for line in lines if line]
        line1, line2, town = [*lines, ""][0], " ".join(lines[1:-1]), lines[-1] if len(lines) > 1 else ""
    return {
        "address_line1": line1[:150],
        "address_line2": line2[:150],
        "address_town": town[:100],
        "address_postcode": parts.get("PostCode", ""),
    }


def _contacts_read(contacts) -> list[dict]:
    """Contacts with parental responsibility, as the parents the pupil lives with (a CTF does not say more)."""
    parents = []
    for contact in contacts.iterchildren("Contact"):
        details = _texts(contact)
        if details.get("Responsibility", "").lower() not in {"true", "1", "y", "yes"}:
            continue
        name = " ".join(part for part in (details.get("Forename"), details.get("Surname")) if part)
        phone = _text(contact, "Phones/Phone/PhoneNo")
        parents.append({"name": name, "address": "", "phone": phone})
    return parents[:2]


def _texts(element) -> dict[str, str]:
    """The text of each child element by name (the first of each name), stripped."""
    found: dict[str, str] = {}
    for child in element:
        if isinstance(child.tag, str) and child.tag not in found:
            found[child.tag] = (child.text or "").strip()
    return found


def _text(element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""

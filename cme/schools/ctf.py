"""Reading Common Transfer Files (CTF 24 and 25) with lxml into returns, one per pupil.

CTF 25 carries a pupil's sex as `<Sex>`, CTF 24 and earlier as `<Gender>`; both are read, whatever the version says,
because schools' systems were slow to switch. The header names the source and destination LA and establishment; a
destination of `XXX`/`XXXX` marks a lost-pupil file (the school does not know where the pupil went), which becomes a
LOST_PUPIL return for CME enquiries. Problems are reported with the element path, such as
`/CTfile/CTFpupilData/Pupil[3]/UPN`. Nothing here touches the database.

The parser refuses DTDs and entities and never reads the network (XML bombs and external entities), and reads the
file in one pass: a 2,000-pupil file of a few megabytes parses in well under a second.
"""

from datetime import date, datetime

from lxml import etree

from .enums import ReturnKind
from .returns.files import ParsedFile, ParsedReturn, ReturnError, ReturnFileRejected

SUPPORTED_VERSIONS = (24, 25)
LOST_LA, LOST_ESTAB = "XXX", "XXXX"
_SEXES = {"M": "M", "F": "F", "U": "U", "MALE": "M", "FEMALE": "F"}

ERROR_NOT_XML = "The file is not well-formed XML: {problem}."
ERROR_NOT_CTF = "The root element is <{root}>, not <CTfile>: this is not a Common Transfer File."
ERROR_NO_HEADER = "The file has no /CTfile/Header, which a CTF must have."
ERROR_VERSION = "CTF version {version!r} is not read by cme: it reads versions 24 and 25."
ERROR_NO_PUPILS = "The file has no pupils (/CTfile/CTFpupilData/Pupil)."


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
    )


def ctf_read(content: bytes) -> ParsedFile:
    """Parse a CTF. Raises ReturnFileRejected for a file that is not a CTF 24/25; pupil problems are in `errors`."""
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise ReturnFileRejected(ERROR_NOT_XML.format(problem=error.msg or error)) from None
    if etree.QName(root).localname != "CTfile":
        raise ReturnFileRejected(ERROR_NOT_CTF.format(root=etree.QName(root).localname))
    header = root.find("Header")
    if header is None:
        raise ReturnFileRejected(ERROR_NO_HEADER)
    parsed = ParsedFile(header=_header_read(header))
    pupils = root.findall("CTFpupilData/Pupil")
    if not pupils:
        raise ReturnFileRejected(ERROR_NO_PUPILS)
    sent_on = parsed.header["sent_on"]
    source = f"{parsed.header['source_lea']}/{parsed.header['source_estab']}"
    destination = f"{parsed.header['dest_lea']}/{parsed.header['dest_estab']}"
    kind = ReturnKind.LOST_PUPIL if parsed.header["lost_pupil"] else ReturnKind.CTF_PUPIL
    laestab = (parsed.header["source_lea"], parsed.header["source_estab"])
    fallback = None if parsed.header["lost_pupil"] else (parsed.header["dest_lea"], parsed.header["dest_estab"])
    for number, pupil in enumerate(pupils, start=1):
        where = f"/CTfile/CTFpupilData/Pupil[{number}]"
        values, problems = _pupil_read(pupil, where)
        if problems:
            parsed.errors.extend(problems)
            continue
        values |= {"kind": kind, "event_date": sent_on, "ctf_source": source, "ctf_destination": destination}
        parsed.returns.append(
            ParsedReturn(where=where, values=values, school_laestab=laestab, fallback_laestab=fallback, columns=_PATHS)
        )
    return parsed


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


def _header_read(header: etree._Element) -> dict:
    version_text = _text(header, "CTFversion")
    try:
        major = int(float(version_text))
    except ValueError:
        raise ReturnFileRejected(ERROR_VERSION.format(version=version_text)) from None
    if major not in SUPPORTED_VERSIONS:
        raise ReturnFileRejected(ERROR_VERSION.format(version=version_text))
    stamp = _text(header, "DateTime")
    try:
        sent_on = datetime.fromisoformat(stamp).date() if stamp else None
    except ValueError:
        sent_on = None
    if sent_on is None:
        raise ReturnFileRejected(f"/CTfile/Header/DateTime: enter the date and time of the file, not {stamp!r}.")
    values = {
        "version": version_text,
        "sent_on": sent_on,
        "qualifier": _text(header, "DocumentQualifier"),
        "source_lea": _text(header, "SourceSchool/LEA"),
        "source_estab": _text(header, "SourceSchool/Estab"),
        "source_name": _text(header, "SourceSchool/SchoolName"),
        "dest_lea": _text(header, "DestSchool/LEA"),
        "dest_estab": _text(header, "DestSchool/Estab"),
    }
    for part, digits in (("source_lea", 3), ("source_estab", 4)):
        if not (values[part].isdigit() and len(values[part]) == digits):
            element = "/CTfile/Header/SourceSchool/" + ("LEA" if part == "source_lea" else "Estab")
            raise ReturnFileRejected(f"{element}: expected {digits} digits, got {values[part]!r}.")
    values["lost_pupil"] = (values["dest_lea"].upper(), values["dest_estab"].upper()) == (LOST_LA, LOST_ESTAB)
    return values


def _pupil_read(pupil: etree._Element, where: str) -> tuple[dict, list[ReturnError]]:
    problems: list[ReturnError] = []
    values = {
        "upn": _text(pupil, "UPN"),
        "given_name": _text(pupil, "Forename") or _text(pupil, "BasicDetails/LegalForename"),
        "family_name": _text(pupil, "Surname") or _text(pupil, "BasicDetails/LegalSurname"),
    }
    dob_text = _text(pupil, "DOB")
    try:
        values["date_of_birth"] = date.fromisoformat(dob_text) if dob_text else None
    except ValueError:
        problems.append(ReturnError(f"{where}/DOB", f"enter the date of birth as YYYY-MM-DD, not {dob_text!r}"))
    # CTF 25 uses <Sex>; CTF 24 and earlier <Gender>. Read whichever is there.
    sex_element = "Sex" if pupil.find("Sex") is not None else "Gender"
    sex_text = _text(pupil, sex_element) or _text(pupil, f"BasicDetails/{sex_element}")
    if sex_text and sex_text.upper() not in _SEXES:
        problems.append(ReturnError(f"{where}/{sex_element}", f"unknown code {sex_text!r}: expected M, F or U"))
    values["sex"] = _SEXES.get(sex_text.upper(), "")
    values |= _address_read(pupil)
    values["parents"] = _contacts_read(pupil)
    return values, problems


def _address_read(pupil: etree._Element) -> dict:
    address = pupil.find("Address")
    if address is None:
        return {}
    bs7666 = address.find("BS7666Address")
    if bs7666 is not None:
        line1 = " ".join(
            part for part in (_text(bs7666, "SAON"), _text(bs7666, "PAON"), _text(bs7666, "Street")) if part
        )
        line2, town = _text(bs7666, "Locality"), _text(bs7666, "Town") or _text(bs7666, "PostTown")
    else:
        lines = [_text(address, f"AddressLines/AddressLine{n}") for n in range(1, 6)]
        lines = [line for line in lines if line]
        line1, line2, town = [*lines, ""][0], " ".join(lines[1:-1]), lines[-1] if len(lines) > 1 else ""
    return {
        "address_line1": line1[:150],
        "address_line2": line2[:150],
        "address_town": town[:100],
        "address_postcode": _text(address, "PostCode"),
    }


def _contacts_read(pupil: etree._Element) -> list[dict]:
    """Contacts with parental responsibility, as the parents the pupil lives with (a CTF does not say more)."""
    parents = []
    for contact in pupil.findall("Contacts/Contact"):
        if _text(contact, "Responsibility").lower() not in {"true", "1", "y", "yes"}:
            continue
        name = " ".join(part for part in (_text(contact, "Forename"), _text(contact, "Surname")) if part)
        phone = _text(contact, "Phones/Phone/PhoneNo")
        parents.append({"name": name, "address": "", "phone": phone})
    return parents[:2]


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""

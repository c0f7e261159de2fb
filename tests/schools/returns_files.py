"""Common Transfer Files and CSV returns made in code, with synthetic pupils only."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from lxml import etree
from stdnum.gb import upn as stdnum_upn

from cme.schools.returns.csvfile import TEMPLATE_COLUMNS


def make_upn(la: str = "888", estab: str = "2001", year: str = "19", serial: int = 1) -> str:
    """A valid permanent UPN (check letter computed) for a made-up pupil."""
    body = f"{la}{estab}{year}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


@dataclass
class CtfPupil:
    upn: str
    forename: str = "Amara"
    surname: str = "Okafor"
    dob: str = "2014-05-06"
    sex: str = "F"
    postcode: str = "WY1 2AB"
    contacts: list[tuple[str, str, str]] = field(default_factory=lambda: [("Grace", "Okafor", "07700 900 123")])


def make_ctf(
    pupils: list[CtfPupil],
    *,
    version: str = "25.0",
    sex_tag: str | None = None,
    source: tuple[str, str] = ("888", "2001"),
    dest: tuple[str, str] = ("888", "2002"),
    stamp: str = "2026-11-02T10:30:00",
) -> bytes:
    """A CTF: version 25 writes <Sex>, 24 writes <Gender>, unless `sex_tag` says which."""
    sex_tag = sex_tag or ("Sex" if version.startswith("25") else "Gender")
    root = etree.Element("CTfile")
    header = etree.SubElement(root, "Header")
    for name, value in (
        ("DocumentName", "Common Transfer File"),
        ("CTFversion", version),
        ("DateTime", stamp),
        ("DocumentQualifier", "full"),
        ("SupplierID", "Synthetic MIS"),
    ):
        etree.SubElement(header, name).text = value
    source_school = etree.SubElement(header, "SourceSchool")
    etree.SubElement(source_school, "LEA").text = source[0]
    etree.SubElement(source_school, "Estab").text = source[1]
    etree.SubElement(source_school, "SchoolName").text = "Riverside Primary School"
    etree.SubElement(source_school, "AcademicYear").text = "2026"
    dest_school = etree.SubElement(header, "DestSchool")
    etree.SubElement(dest_school, "LEA").text = dest[0]
    etree.SubElement(dest_school, "Estab").text = dest[1]
    data = etree.SubElement(root, "CTFpupilData")
    for pupil in pupils:
        element = etree.SubElement(data, "Pupil")
        etree.SubElement(element, "UPN").text = pupil.upn
        etree.SubElement(element, "Surname").text = pupil.surname
        etree.SubElement(element, "Forename").text = pupil.forename
        etree.SubElement(element, "DOB").text = pupil.dob
        etree.SubElement(element, sex_tag).text = pupil.sex
        address = etree.SubElement(element, "Address")
        bs7666 = etree.SubElement(address, "BS7666Address")
        etree.SubElement(bs7666, "PAON").text = "12"
        etree.SubElement(bs7666, "Street").text = "Canal Street"
        etree.SubElement(bs7666, "Town").text = "Wyndley"
        etree.SubElement(address, "PostCode").text = pupil.postcode
        contacts = etree.SubElement(element, "Contacts")
        for order, (forename, surname, phone) in enumerate(pupil.contacts, start=1):
            contact = etree.SubElement(contacts, "Contact")
            etree.SubElement(contact, "Order").text = str(order)
            etree.SubElement(contact, "Surname").text = surname
            etree.SubElement(contact, "Forename").text = forename
            etree.SubElement(contact, "Relationship").text = "PAR"
            etree.SubElement(contact, "Responsibility").text = "true"
            phones = etree.SubElement(contact, "Phones")
            phone_element = etree.SubElement(phones, "Phone")
            etree.SubElement(phone_element, "TelephoneType").text = "M"
            etree.SubElement(phone_element, "PhoneNo").text = phone
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def return_row(**cells) -> dict[str, str]:
    """One CSV row in the template: a deletion under ground G by default, with every statutory field filled."""
    row = {
        "return_type": "deletion",
        "upn": make_upn(serial=cells.pop("serial", 1)),
        "forename": "Leon",
        "surname": "Barker",
        "date_of_birth": "2015-03-14",
        "sex": "M",
        "address_line1": "4 Mill Lane",
        "town": "Wyndley",
        "postcode": "WY1 3DF",
        "parent1_name": "Dana Barker",
        "parent1_address": "4 Mill Lane, Wyndley WY1 3DF",
        "parent1_phone": "07700 900 456",
        "event_date": "2026-10-20",
        "deletion_ground": "G",
        "future_address": "Somewhere in Leeds",
        "info_not_obtained": "no",
        "safeguarding_concern": "no",
    }
    row.update({key: str(value) for key, value in cells.items()})
    return row


def make_csv(rows: list[dict[str, str]], *, columns: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or TEMPLATE_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


TODAY = date(2026, 11, 29)

"""Writes schools as the national school register's CSV extract (GIAS "edubasealldata"): Windows-1252, dd-mm-yyyy."""

import csv
import io
import unicodedata
from collections.abc import Iterable
from datetime import date
from os import PathLike
from typing import BinaryIO

from .generator import SchoolRecord

# The real GIAS column names, spelt as in the download and in its order; a subset of its ~140 columns.
GIAS_COLUMNS: tuple[str, ...] = (
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "OpenDate",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Boarders (code)",
    "Boarders (name)",
    "NurseryProvision (name)",
    "OfficialSixthForm (code)",
    "OfficialSixthForm (name)",
    "Gender (code)",
    "Gender (name)",
    "ReligiousCharacter (name)",
    "SchoolCapacity",
    "NumberOfPupils",
    "Trusts (name)",
    "UKPRN",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    *(f"SEN{n} (name)" for n in range(1, 14)),
    "DistrictAdministrative (code)",
    "DistrictAdministrative (name)",
    "Easting",
    "Northing",
    "UPRN",
    "MSOA (code)",
    "LSOA (code)",
)

_GENDER_CODES = {"Boys": 1, "Girls": 2, "Mixed": 3}
# The needs a special school or unit is organised for, in GIAS wording.
_SEN_TYPES = {
    "Special schools": (
        "ASD - Autistic Spectrum Disorder",
        "SLD - Severe Learning Difficulty",
        "SLCN - Speech, language and Communication",
    ),
    "Pupil referral unit": ("SEMH - Social, Emotional and Mental Health",),
}


def gias_date(day: date | None) -> str:
    """GIAS writes dates as dd-mm-yyyy and leaves missing ones blank."""
    return day.strftime("%d-%m-%Y") if day else ""


def gias_row(school: SchoolRecord) -> dict[str, str]:
    """One school as a GIAS row: every column of GIAS_COLUMNS, blank where the register has nothing."""
    row = dict.fromkeys(GIAS_COLUMNS, "")
    has_sixth_form_phase = school.phase_name in ("Secondary", "All-through") or school.type_group == "Special schools"
    if has_sixth_form_phase:
        sixth_form = (1, "Has a sixth form") if school.sixth_form else (2, "Does not have a sixth form")
    else:
        sixth_form = (0, "Not applicable")
    if school.nursery_provision:
        nursery = "Has Nursery Classes"
    elif school.phase_name in ("Primary", "All-through"):
        nursery = "No Nursery Classes"
    else:
        nursery = "Not applicable"
    row.update(
        {
            "URN": school.urn,
            "LA (code)": school.la_code,
            "LA (name)": school.la_name,
            "EstablishmentNumber": school.establishment_number,
            "EstablishmentName": school.name,
            "TypeOfEstablishment (code)": str(school.type_code),
            "TypeOfEstablishment (name)": school.type_name,
            "EstablishmentTypeGroup (code)": str(school.type_group_code),
            "EstablishmentTypeGroup (name)": school.type_group,
            "EstablishmentStatus (code)": str(school.status_code),
            "EstablishmentStatus (name)": school.status,
            "OpenDate": gias_date(school.open_date),
            "CloseDate": gias_date(school.close_date),
            "PhaseOfEducation (code)": str(school.phase_code),
            "PhaseOfEducation (name)": school.phase_name,
            "StatutoryLowAge": str(school.statutory_low_age),
            "StatutoryHighAge": str(school.statutory_high_age),
            "Boarders (code)": "1",
            "Boarders (name)": "No boarders",
            "NurseryProvision (name)": nursery,
            "OfficialSixthForm (code)": str(sixth_form[0]),
            "OfficialSixthForm (name)": sixth_form[1],
            "Gender (code)": str(_GENDER_CODES.get(school.gender, 0)),
            "Gender (name)": school.gender,
            "ReligiousCharacter (name)": school.religious_character,
            "SchoolCapacity": str(school.capacity) if school.capacity else "",
            # A closed school has no pupils to count: GIAS leaves the column blank rather than writing 0.
            "NumberOfPupils": str(school.number_of_pupils) if school.is_open else "",
            "Trusts (name)": school.trust_name,
            "UKPRN": school.ukprn,
            "Street": school.street,
            "Locality": school.locality,
            "Address3": school.address3,
            "Town": school.town,
            "Postcode": school.postcode,
            "SchoolWebsite": school.website,
            "TelephoneNum": school.telephone.replace(" ", ""),  # GIAS holds numbers without spaces
            "HeadTitle (name)": school.head_title if school.head_last_name else "",
            "HeadFirstName": school.head_first_name,
            "HeadLastName": school.head_last_name,
            "DistrictAdministrative (name)": school.la_name,
            "UPRN": school.uprn,
        }
    )
    group = "Pupil referral unit" if school.type_name == "Pupil referral unit" else school.type_group
    for number, need in enumerate(_SEN_TYPES.get(group, ()), start=1):
        row[f"SEN{number} (name)"] = need
    return row


def _windows_1252(text: str) -> str:
    """Text that Windows-1252 can hold: letters it lacks (Ł, ș) lose their diacritic rather than failing the file."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    kept = []
    for char in text:
        try:
            char.encode("cp1252")
            kept.append(char)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            kept.append(base if base and base.isascii() else {"Ł": "L", "ł": "l", "ı": "i"}.get(char, "?"))
    return "".join(kept)


def write_gias_csv(schools: Iterable[SchoolRecord], target: str | PathLike | BinaryIO) -> int:
    """Write `schools` to `target` (a path, or a binary file) as a GIAS extract; return the number of rows written.

    The file is Windows-1252 like the real download, so importers are exercised on its encoding: a typographic
    apostrophe (U+2019) becomes the single byte 0x92, which is not valid UTF-8.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(GIAS_COLUMNS)
    rows = 0
    for school in schools:
        row = gias_row(school)
        writer.writerow(_windows_1252(row[column]) for column in GIAS_COLUMNS)
        rows += 1
    data = buffer.getvalue().encode("cp1252")
    if isinstance(target, str | PathLike):
        with open(target, "wb") as stream:
            stream.write(data)
    else:
        target.write(data)
    return rows

"""How characteristics are grouped for reports: CBDS ethnicity main groups, SEN provision, sex, year group, time
missing education. Pure functions: one place decides every grouping a report uses."""

from datetime import date

from cme.people.ages import school_year_start, year_group_label
from cme.people.enums import SenProvision, Sex

NOT_KNOWN = "Not known"

# The CBDS main ethnic groups. Every code, main (WBRI) or extended (WENG, APKA ...), starts with its group's letter,
# so an extended code rolls up to its group without a list of every extension; REFU and NOBT are "not given".
ETHNIC_GROUPS = {
    "W": "White",
    "M": "Mixed or multiple ethnic groups",
    "A": "Asian or Asian British",
    "B": "Black, Black British, Caribbean or African",
    "C": "Chinese",
    "O": "Any other ethnic group",
}
ETHNICITY_NOT_GIVEN = "Refused or not yet obtained"
ETHNIC_GROUP_ORDER = [*ETHNIC_GROUPS.values(), ETHNICITY_NOT_GIVEN, NOT_KNOWN]


def ethnic_group(code: str | None) -> str:
    """The CBDS main group of an ethnicity code, main or extended; NOT_KNOWN when nothing is recorded."""
    code = (code or "").strip().upper()
    if not code:
        return NOT_KNOWN
    if code in ("REFU", "NOBT"):
        return ETHNICITY_NOT_GIVEN
    return ETHNIC_GROUPS.get(code[0], NOT_KNOWN)


SEN_ORDER = [label for _, label in SenProvision.choices] + [NOT_KNOWN]


def sen_group(code: str | None) -> str:
    try:
        return SenProvision(code).label
    except ValueError:
        return NOT_KNOWN


SEX_ORDER = [Sex.FEMALE.label, Sex.MALE.label, Sex.UNKNOWN.label]


def sex_group(code: str | None) -> str:
    try:
        return Sex(code).label
    except ValueError:
        return Sex.UNKNOWN.label


# Compulsory school age is Reception (for some) to Year 11.
YEAR_GROUPS = list(range(0, 12))
YEAR_GROUP_ORDER = [year_group_label(year) for year in YEAR_GROUPS] + ["Outside compulsory school age", NOT_KNOWN]


def year_group_for_cohort(cohort: int | None, on: date) -> str:
    """The year group on `on` of children whose school year of birth (`school_year_start` of their birthday) is
    `cohort`: what the database can group by without reading anyone's date of birth out."""
    if cohort is None:
        return NOT_KNOWN
    year = school_year_start(on) - cohort - 5
    return year_group_label(year) if 0 <= year <= 11 else "Outside compulsory school age"


def year_group(date_of_birth: date | None, on: date) -> str:
    if date_of_birth is None:
        return NOT_KNOWN
    return year_group_for_cohort(school_year_start(date_of_birth), on)


# Length of time missing education: the DfE's bands (domain.md section 7), in days from the day the child became
# missing education to the census date. Each band is [from, to) in days.
TIME_BANDS = [
    ("Under 2 weeks", 0, 14),
    ("2 to 4 weeks", 14, 28),
    ("4 to 8 weeks", 28, 56),
    ("8 to 12 weeks", 56, 84),
    ("12 to 26 weeks", 84, 182),
    ("26 to 52 weeks", 182, 364),
    ("Over 52 weeks", 364, None),
]
TIME_UNKNOWN = "Unknown"
TIME_BAND_ORDER = [label for label, _, _ in TIME_BANDS] + [TIME_UNKNOWN]


def time_band(became_cme_on: date | None, on: date) -> str:
    if became_cme_on is None or became_cme_on > on:
        return TIME_UNKNOWN
    days = (on - became_cme_on).days
    for label, start, end in TIME_BANDS:
        if days >= start and (end is None or days < end):
            return label
    return TIME_UNKNOWN


def postcode_district(postcode: str | None) -> str:
    """The outward code of a postcode ("ZY1 2AB" -> "ZY1"): an area of several thousand addresses."""
    postcode = (postcode or "").strip().upper()
    if not postcode:
        return NOT_KNOWN
    if " " in postcode:
        return postcode.split(" ", 1)[0]
    return postcode[:-3] if len(postcode) > 4 else postcode

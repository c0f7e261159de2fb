"""The DfE's termly collection on children missing education (domain.md section 7), in the column layout of the
DfE's published statistics (explore-education-statistics, "Children missing education at census date", 2025/26):

    time_period, time_identifier, geographic_level, country_code, country_name, region_code, region_name,
    old_la_code, new_la_code, la_name, breakdown_topic, breakdown, child_count, child_percent, rate_per_100

The return carries exact counts (it goes to the DfE). `published=True` applies the DfE's publication conventions for
the council's own website: counts rounded to the nearest 10, "low" for a count that rounds to 0 but is not 0,
percentages worked out from the rounded counts, "x" where a figure is unavailable and "z" where not applicable.

Which children count: a child is missing education at the census date when a case of theirs had begun (the day
they became missing education and the day the case was opened are on or before it) and was not closed before it.
Cases whose main reason is a part-time timetable are children *at risk*: they are on a school roll, so they are not
missing education and are left out (the validation summary says how many).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from cme.cases.enums import CaseStatus, CmeReason
from cme.cases.models import Case
from cme.people.ages import school_year_start

from . import disclosure, groups

COLUMNS = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "breakdown_topic",
    "breakdown",
    "child_count",
    "child_percent",
    "rate_per_100",
]
UNAVAILABLE = "x"
NOT_APPLICABLE = "z"
PUBLISHED_ROUNDING = 10  # local authority figures, as the DfE publishes them

# The DfE's primary reasons for CME as published for 2025/26 (domain.md section 7).
DFE_REASONS = [
    "Believed moved to another country",
    "Believed moved to another LA",
    "Challenging school attendance order",
    "Did not apply for a school place at compulsory school age",
    "Did not get school preference",
    "Difficulty accessing a suitable school place",
    "Mental health",
    "Moved in from another country",
    "Moved in from another LA",
    "Not recorded",
    "Offered a school place but not yet accepted",
    "Other",
    "Parental decision not to register at school",
    "Physical health",
    "School application awaiting outcome",
    "School dissatisfaction SEND",
    "School dissatisfaction general",
    "Unknown",
    "Unsuitable EHE",
    "Waiting school start",
]
NOT_RECORDED = "Not recorded"

# The one place a case's main reason becomes the DfE's category. None: not a child missing education (at risk).
# The service's reasons are coarser than the DfE's: where one could be several DfE categories, the nearest general
# one is used; a council that records the DfE category on the case can make this mapping exact.
REASON_TO_DFE: dict[str, str | None] = {
    CmeReason.WHEREABOUTS_UNKNOWN: "Unknown",
    CmeReason.MOVED_DESTINATION_UNKNOWN: "Believed moved to another LA",
    CmeReason.NEW_TO_AREA: "Moved in from another LA",
    CmeReason.PLACE_NOT_TAKEN_UP: "Offered a school place but not yet accepted",
    CmeReason.REMOVED_FROM_ROLL: "Unknown",
    CmeReason.EXCLUDED_NO_PROVISION: "Difficulty accessing a suitable school place",
    CmeReason.UNSUITABLE_HOME_EDUCATION: "Unsuitable EHE",
    CmeReason.REDUCED_TIMETABLE: None,
    CmeReason.OTHER: "Other",
}
assert set(REASON_TO_DFE) == set(CmeReason.values), "every case reason must map to a DfE category or to None"
assert {value for value in REASON_TO_DFE.values() if value} <= set(DFE_REASONS)

SEX_LABELS = {"F": "Female", "M": "Male"}  # anything else is "Unknown", as the DfE publishes it
DFE_SEX_ORDER = ["Female", "Male", "Unknown"]
DFE_YEAR_GROUPS = ["Reception", *[f"Year {year}" for year in range(1, 12)]]
YEAR_NOT_COMPULSORY = "Not of compulsory school age"


def dfe_reason(reason: str) -> str | None:
    """The DfE's primary reason for a case's main reason (None: not missing education, at risk)."""
    return REASON_TO_DFE.get(reason, NOT_RECORDED)


def term_of(census: date) -> str:
    """The term a census date falls in, as the DfE names it."""
    if census.month >= 9:
        return "Autumn term"
    if census.month <= 3:
        return "Spring term"
    return "Summer term"


def time_period_of(day: date) -> str:
    """The academic year, as the DfE writes it: 2025/26 is 202526."""
    start = school_year_start(day)
    return f"{start}{(start + 1) % 100:02d}"


@dataclass
class Problem:
    """A record the return needs something from: the case reference and what is missing or wrong."""

    reference: str
    case_id: int
    message: str


@dataclass
class DfeReturn:
    census_date: date
    la_name: str
    new_la_code: str
    old_la_code: str
    total: int
    breakdowns: dict[str, list[tuple[str, int]]]
    ever_in_year: int
    ever_period: str
    at_risk_left_out: int
    problems: list[Problem] = field(default_factory=list)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return all(ok for _, ok, _ in self.checks)


def _missing_at(day: date) -> Q:
    return (
        Q(became_cme_on__lte=day, opened_on__lte=day)
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        & ~Q(primary_reason=CmeReason.REDUCED_TIMETABLE)
    )


def dfe_return_build(
    *, census_date: date, la_name: str = "", new_la_code: str = "", old_la_code: str = ""
) -> DfeReturn:
    """The return for `census_date`: each child missing education on that day counted once (their case open
    longest), by sex, year group, length of time missing education and primary reason; and the number missing
    education at any time in the previous academic year."""
    rows = (
        Case.objects.filter(_missing_at(census_date))
        .order_by("child_id", "became_cme_on", "pk")
        .values_list("pk", "child_id", "child__sex", "child__date_of_birth", "became_cme_on", "primary_reason")
    )
    seen: set[int] = set()
    sex: dict[str, int] = {}
    year: dict[str, int] = {}
    length: dict[str, int] = {}
    reason: dict[str, int] = {}
    problems: list[Problem] = []
    for case_id, child_id, child_sex, date_of_birth, became_cme_on, primary_reason in rows:
        if child_id in seen:
            continue
        seen.add(child_id)
        reference = f"CME-{case_id:06d}"
        sex_label = SEX_LABELS.get(child_sex, "Unknown")
        if sex_label == "Unknown":
            problems.append(Problem(reference, case_id, "Sex is not recorded: the child is counted as Unknown"))
        sex[sex_label] = sex.get(sex_label, 0) + 1
        year_label = groups.year_group(date_of_birth, census_date)
        if year_label not in DFE_YEAR_GROUPS:
            problems.append(
                Problem(reference, case_id, "The date of birth puts the child outside Reception to Year 11: check it")
            )
            year_label = YEAR_NOT_COMPULSORY
        year[year_label] = year.get(year_label, 0) + 1
        band = groups.time_band(became_cme_on, census_date)
        length[band] = length.get(band, 0) + 1
        category = dfe_reason(primary_reason) or NOT_RECORDED
        if category == NOT_RECORDED:
            problems.append(Problem(reference, case_id, "The main reason has no DfE category"))
        reason[category] = reason.get(category, 0) + 1
    total = len(seen)

    year_start = date(school_year_start(census_date) - 1, 9, 1)
    year_end = date(school_year_start(census_date), 8, 31)
    ever = (
        Case.objects.filter(became_cme_on__lte=year_end, opened_on__lte=year_end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=year_start))
        .exclude(primary_reason=CmeReason.REDUCED_TIMETABLE)
        .values("child_id")
        .distinct()
        .count()
    )
    at_risk = (
        Case.objects.filter(Q(became_cme_on__lte=census_date, opened_on__lte=census_date))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=census_date))
        .filter(primary_reason=CmeReason.REDUCED_TIMETABLE)
        .exclude(status=CaseStatus.CLOSED, closed_on__lte=census_date)
        .count()
    )
    breakdowns = {
        "Sex": [(label, sex.get(label, 0)) for label in DFE_SEX_ORDER],
        "Year group": [(label, year.get(label, 0)) for label in DFE_YEAR_GROUPS]
        + ([(YEAR_NOT_COMPULSORY, year[YEAR_NOT_COMPULSORY])] if year.get(YEAR_NOT_COMPULSORY) else []),
        "Length of time missing education": [(label, length.get(label, 0)) for label in groups.TIME_BAND_ORDER],
        "Primary reason for CME": [(label, reason.get(label, 0)) for label in DFE_REASONS],
    }
    result = DfeReturn(
        census_date=census_date,
        la_name=la_name,
        new_la_code=new_la_code,
        old_la_code=old_la_code,
        total=total,
        breakdowns=breakdowns,
        ever_in_year=ever,
        ever_period=time_period_of(year_start),
        at_risk_left_out=at_risk,
        problems=problems,
    )
    result.checks = validate(result)
    return result


def validate(result: DfeReturn) -> list[tuple[str, bool, str]]:
    """The validation rules the return must pass (our reading of the DfE's 2025-26 guide): (rule, passed, detail)."""
    checks = []
    for topic, rows in result.breakdowns.items():
        counted = sum(count for _, count in rows)
        checks.append(
            (f"{topic} adds up to the total", counted == result.total, f"{counted:,} counted, total {result.total:,}")
        )
    checks.append(
        (
            "Children missing education at any time in the previous year is given",
            result.ever_in_year >= 0,
            f"{result.ever_in_year:,} in {result.ever_period[:4]}/{result.ever_period[4:]}",
        )
    )
    outside = dict(result.breakdowns["Year group"]).get(YEAR_NOT_COMPULSORY, 0)
    checks.append(
        ("Every child is of compulsory school age (Reception to Year 11)", outside == 0, f"{outside:,} outside")
    )
    unknown_sex = dict(result.breakdowns["Sex"]).get("Unknown", 0)
    checks.append(("Every child's sex is recorded", unknown_sex == 0, f"{unknown_sex:,} not recorded"))
    not_recorded = dict(result.breakdowns["Primary reason for CME"]).get(NOT_RECORDED, 0)
    checks.append(("Every child has a primary reason", not_recorded == 0, f"{not_recorded:,} not recorded"))
    unknown_length = dict(result.breakdowns["Length of time missing education"]).get(groups.TIME_UNKNOWN, 0)
    checks.append(
        ("Every child has a date they became missing education", unknown_length == 0, f"{unknown_length:,} unknown")
    )
    checks.append(
        (
            "The local authority is named",
            bool(result.la_name and result.new_la_code),
            result.la_name or "no name or code in the council's settings",
        )
    )
    return checks


def dfe_rows(result: DfeReturn, *, published: bool = False) -> list[list[str]]:
    """The return as rows in the DfE's column layout (header first)."""
    place = [
        "Local authority",
        "E92000001",
        "England",
        "",
        "",
        result.old_la_code,
        result.new_la_code,
        result.la_name,
    ]

    def count(value: int) -> str:
        return str(disclosure.round_to_base(value, PUBLISHED_ROUNDING) if published else value)

    def percent(value: int) -> str:
        if published:
            shown, total = (
                disclosure.round_to_base(value, PUBLISHED_ROUNDING),
                disclosure.round_to_base(result.total, PUBLISHED_ROUNDING),
            )
            if shown == disclosure.LOW:
                return disclosure.LOW
            return f"{100 * int(shown) / int(total):.0f}" if total not in (0, disclosure.LOW) else NOT_APPLICABLE
        return f"{100 * value / result.total:.1f}" if result.total else NOT_APPLICABLE

    period, term = time_period_of(result.census_date), term_of(result.census_date)
    rows = [COLUMNS, [period, term, *place, "Total", "Total", count(result.total), percent(result.total), UNAVAILABLE]]
    for topic, breakdown in result.breakdowns.items():
        for label, value in breakdown:
            rows.append([period, term, *place, topic, label, count(value), percent(value), UNAVAILABLE])
    rows.append(
        [
            result.ever_period,
            "Academic year",
            *place,
            "At any time in the year",
            "Total",
            count(result.ever_in_year),
            NOT_APPLICABLE,
            UNAVAILABLE,
        ]
    )
    return rows


def dfe_csv(result: DfeReturn, *, published: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(dfe_rows(result, published=published))
    return buffer.getvalue()

"""Reads for reports. Figures are counted in the database (GROUP BY), never by loading children's records; the few
figures that need an encrypted value (ethnicity, SEN provision) open those columns in one bulk read, in memory,
and keep nothing (see equalities.py). Nothing here is disclosure-controlled yet: presentation.py does that."""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Case as When_
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Left, StrIndex

from cme.cases.enums import CaseStatus, CmeReason, DecisionKind, Outcome, ReferralSource
from cme.cases.models import Case, Decision, Referral
from cme.people.models import Residence
from cme.schools.models import Enrolment

from . import groups

OTHER_SCHOOLS = "Other schools"
TOP_SCHOOLS = 12
NO_SCHOOL = "No school on record"
NO_OFFICER = "Not allocated"


@dataclass
class Breakdown:
    """One chart's figures: counts by category, in display order, and their total."""

    key: str
    title: str
    description: str
    category_heading: str
    labels: list[str]
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Durations:
    """Days from referral to the child being located, for cases located in the period."""

    count: int
    median: float | None
    p90: float | None


@dataclass
class Dashboard:
    today: date
    since: date
    until: date
    breakdowns: list[Breakdown] = field(default_factory=list)
    to_located: Durations | None = None


def _ordered(counts: dict[str, int], order: list[str], *, keep_zero: bool = True) -> tuple[list[str], list[int]]:
    labels = [label for label in order if keep_zero or counts.get(label)]
    labels += sorted(label for label in counts if label not in order)
    return labels, [counts.get(label, 0) for label in labels]


def _by_choice(rows, field_name: str, choices) -> dict[str, int]:
    labels = dict(choices)
    found: dict[str, int] = {}
    for row in rows:
        label = labels.get(row[field_name], row[field_name] or groups.NOT_KNOWN)
        found[label] = found.get(label, 0) + row["n"]
    return found


def school_year_of_birth(path: str):
    """SQL for the school year a date of birth falls in (1 September to 31 August), so that the database groups
    children by year group without their dates of birth leaving it."""
    return ExtractYear(path) - When_(When(**{f"{path}__month__lt": 9}, then=Value(1)), default=Value(0))


def _open_cases():
    return Case.objects.exclude(status=CaseStatus.CLOSED)


def dashboard_build(*, since: date, until: date, today: date) -> Dashboard:
    """Every figure of the managers' dashboard: open cases (today) by reason, time missing education, year group,
    school of last roll and area; referrals, children located and outcomes in the period `since`..`until`."""
    board = Dashboard(today=today, since=since, until=until)
    open_cases = _open_cases()

    # One pass over the open cases: counted by reason, time band and school year of birth together, then summed
    # for each chart.
    band = When_(
        When(became_cme_on__gt=today, then=Value(groups.TIME_UNKNOWN)),
        *[
            When(became_cme_on__gt=today - timedelta(days=end), then=Value(label))
            for label, _, end in groups.TIME_BANDS
            if end is not None
        ],
        default=Value(groups.TIME_BANDS[-1][0]),
    )
    rows = (
        open_cases.annotate(band=band, cohort=school_year_of_birth("child__date_of_birth"))
        .values("primary_reason", "band", "cohort")
        .annotate(n=Count("id"))
    )
    reason_labels = dict(CmeReason.choices)
    by_reason: dict[str, int] = {}
    by_band: dict[str, int] = dict.fromkeys(groups.TIME_BAND_ORDER, 0)
    by_year: dict[str, int] = {}
    for row in rows:
        reason = reason_labels.get(row["primary_reason"], row["primary_reason"] or groups.NOT_KNOWN)
        by_reason[reason] = by_reason.get(reason, 0) + row["n"]
        by_band[row["band"]] = by_band.get(row["band"], 0) + row["n"]
        year = groups.year_group_for_cohort(row["cohort"], today)
        by_year[year] = by_year.get(year, 0) + row["n"]
    labels, counts = _ordered(by_reason, [c.label for c in CmeReason])
    board.breakdowns.append(
        Breakdown(
            "reason",
            "Open cases by main reason",
            "Cases open today, by the case's main reason.",
            "Main reason",
            labels,
            counts,
        )
    )
    board.breakdowns.append(
        Breakdown(
            "time-missing",
            "Open cases by time missing education",
            "Cases open today, by how long since the child became missing education.",
            "Time missing education",
            list(by_band),
            list(by_band.values()),
        )
    )
    labels, counts = _ordered(by_year, groups.YEAR_GROUP_ORDER[:-1])
    board.breakdowns.append(
        Breakdown(
            "year-group",
            "Open cases by year group",
            "Cases open today, by the child's year group for their age.",
            "Year group",
            labels,
            counts,
        )
    )

    # Children with an open case, each once. The latest enrolment and the current address are picked by an anti-join
    # ("no later one exists"), which the database answers for all of them at once.
    open_children = open_cases.values("child_id")
    children_open = open_cases.values("child_id").distinct().count()
    later_enrolment = Enrolment.objects.filter(child=OuterRef("child_id")).filter(
        Q(start_date__gt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk"))
    )
    rows = (
        Enrolment.objects.filter(child__in=open_children)
        .exclude(Exists(later_enrolment))
        .values("school__name")
        .annotate(n=Count("child_id", distinct=True))
        .order_by("-n", "school__name")
    )
    by_school: dict[str, int] = {}
    for index, row in enumerate(rows):
        label = row["school__name"] if index < TOP_SCHOOLS else OTHER_SCHOOLS
        by_school[label] = by_school.get(label, 0) + row["n"]
    if unknown := children_open - sum(by_school.values()):
        by_school[NO_SCHOOL] = unknown
    board.breakdowns.append(
        Breakdown(
            "school",
            "Open cases by school of last roll",
            f"Children with a case open today, by the school they were last on the roll of (the {TOP_SCHOOLS} with "
            "most by name).",
            "School",
            list(by_school),
            list(by_school.values()),
        )
    )

    newer_home = Residence.objects.filter(child=OuterRef("child_id"), valid_to__isnull=True).filter(
        Q(valid_from__gt=OuterRef("valid_from")) | Q(valid_from=OuterRef("valid_from"), pk__gt=OuterRef("pk"))
    )
    postcode = F("address__postcode")
    rows = (
        Residence.objects.filter(child__in=open_children, valid_to__isnull=True)
        .exclude(Exists(newer_home))
        .annotate(district=Left(postcode, Coalesce(StrIndex(postcode, Value(" ")), Value(1)) - Value(1)))
        .values("district")
        .annotate(n=Count("child_id", distinct=True))
        .order_by("district")
    )
    by_area: dict[str, int] = {}
    for row in rows:
        label = row["district"] or groups.NOT_KNOWN
        by_area[label] = by_area.get(label, 0) + row["n"]
    if unknown := children_open - sum(by_area.values()):
        by_area[groups.NOT_KNOWN] = by_area.get(groups.NOT_KNOWN, 0) + unknown
    board.breakdowns.append(
        Breakdown(
            "area",
            "Open cases by area",
            "Children with a case open today, by the postcode district of their current address.",
            "Postcode district",
            list(by_area),
            list(by_area.values()),
        )
    )

    rows = (
        Referral.objects.filter(received_on__gte=since, received_on__lte=until).values("source").annotate(n=Count("id"))
    )
    labels, counts = _ordered(_by_choice(rows, "source", ReferralSource.choices), [c.label for c in ReferralSource])
    board.breakdowns.append(
        Breakdown(
            "referrals",
            "Referrals received, by source",
            "Referrals received in the period, by who made them.",
            "Source",
            labels,
            counts,
        )
    )

    rows = (
        Case.objects.filter(status=CaseStatus.CLOSED, closed_on__gte=since, closed_on__lte=until)
        .values("outcome")
        .annotate(n=Count("id"))
    )
    labels, counts = _ordered(_by_choice(rows, "outcome", Outcome.choices), [c.label for c in Outcome])
    board.breakdowns.append(
        Breakdown(
            "outcomes", "Outcomes of cases closed", "Cases closed in the period, by outcome.", "Outcome", labels, counts
        )
    )

    rows = (
        open_cases.filter(due_on__lt=today)
        .values("officer_id", "officer__first_name", "officer__last_name")
        .annotate(n=Count("id"))
        .order_by("officer__last_name", "officer__first_name", "officer_id")
    )
    by_officer = {}
    for row in rows:
        name = " ".join(filter(None, [row["officer__first_name"], row["officer__last_name"]])) or NO_OFFICER
        if row["officer_id"] is None:
            name = NO_OFFICER
        by_officer[name] = by_officer.get(name, 0) + row["n"]
    board.breakdowns.append(
        Breakdown(
            "overdue",
            "Overdue work by officer",
            "Open cases whose current stage was due before today, by the officer allocated.",
            "Officer",
            list(by_officer),
            list(by_officer.values()),
        )
    )
    board.to_located = time_to_located(since=since, until=until)
    return board


def time_to_located(*, since: date, until: date) -> Durations:
    """Days from the first referral (or the case's opening) to the first decision in the period that the child was
    located: the database works out each case's two dates from the decisions; only the day counts leave it."""
    rows = (
        Decision.objects.filter(
            kind=DecisionKind.CHANGE_STATUS,
            details__to=CaseStatus.LOCATED,
            decided_at__date__gte=since,
            decided_at__date__lte=until,
        )
        .values("case_id")
        .annotate(
            located_at=Min("decided_at"),
            referred_on=Coalesce(Min("case__referrals__received_on"), Min("case__opened_on")),
        )
        .values_list("referred_on", "located_at")
    )
    days = sorted(max(0, (located_at.date() - referred_on).days) for referred_on, located_at in rows)
    if not days:
        return Durations(count=0, median=None, p90=None)
    p90 = statistics.quantiles(days, n=10, method="inclusive")[-1] if len(days) > 1 else float(days[0])
    return Durations(count=len(days), median=float(statistics.median(days)), p90=float(p90))


def extract_list():
    from .models import StudyExtract

    return StudyExtract.objects.select_related("approved_by", "created_by")


def extract_get(*, extract_id: int):
    return extract_list().filter(pk=extract_id).first()


FIGURES_SECONDS = 120  # how long built figures are kept: a dashboard up to two minutes old is fine for oversight


def cached_figures(name: str, build, **parameters):
    """`build(**parameters)`, kept in the cache for FIGURES_SECONDS under the report's name and its parameters.

    Only aggregates are kept (counts by group, day counts), never a row about a child; figures are made safe for
    the person looking when they are shown, not here, so managers and analysts share one cached build."""
    key = "reports:" + name + ":" + ":".join(f"{k}={v}" for k, v in sorted(parameters.items()))
    figures = cache.get(key)
    if figures is None:
        figures = build(**parameters)
        cache.set(key, figures, FIGURES_SECONDS)
    return figures

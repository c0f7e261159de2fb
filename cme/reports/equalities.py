"""Equal-opportunities monitoring: children missing education, children at risk, and data-matching candidates, by
sex, ethnic group (CBDS main groups), SEN provision and year group, against the school population.

Ethnicity and SEN provision are sealed at rest (cme.common.crypto) and the database cannot group by them. So each
figure reads the rows it needs in one query, the sealed columns are opened in this process, counted, and dropped:
nothing decrypted is stored or logged. The school population (50,000 children) is the costly part, so its group
counts are kept per day in PopulationBaseline (aggregates only), refreshed daily and on first use for a day.
"""

import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cme.cases.enums import CmeReason
from cme.cases.models import Case
from cme.matching.enums import ReviewState
from cme.matching.models import MatchCandidate
from cme.people.models import Child
from cme.schools.enums import ReturnKind
from cme.schools.models import Enrolment, RollReturn

from . import groups
from .models import PopulationBaseline

DIMENSIONS = {
    "sex": ("Sex", groups.SEX_ORDER),
    "ethnicity": ("Ethnic group", groups.ETHNIC_GROUP_ORDER),
    "sen": ("Special educational needs provision", groups.SEN_ORDER),
    "year_group": ("Year group", groups.YEAR_GROUP_ORDER),
}
AT_RISK_RETURNS = [
    ReturnKind.UNAUTHORISED_ABSENCE,
    ReturnKind.SICKNESS,
    ReturnKind.PART_TIME_TIMETABLE,
    ReturnKind.PLACE_NOT_TAKEN_UP,
]


def _profile(sex, date_of_birth, ethnicity, sen, on: date) -> dict[str, str]:
    return {
        "sex": groups.sex_group(sex),
        "ethnicity": groups.ethnic_group(ethnicity),
        "sen": groups.sen_group(sen),
        "year_group": groups.year_group(date_of_birth, on),
    }


def _count(rows, on: date) -> dict[str, Counter]:
    """Count rows of (sex, date of birth, ethnicity, SEN) by each dimension; the values are dropped as counted."""
    counts = {dimension: Counter() for dimension in DIMENSIONS}
    for sex, date_of_birth, ethnicity, sen in rows:
        for dimension, group in _profile(sex, date_of_birth, ethnicity, sen, on).items():
            counts[dimension][group] += 1
    return counts


CHARACTERISTICS = ("sex", "date_of_birth", "ethnicity", "sen_provision")


def on_roll(day: date):
    """Children on a school roll on `day`: the school population."""
    enrolled = Enrolment.objects.filter(child=OuterRef("pk"), start_date__lte=day).filter(
        Q(leave_date__isnull=True) | Q(leave_date__gt=day)
    )
    return Child.objects.filter(Exists(enrolled))


def population_baseline_refresh(*, on_date: date) -> PopulationBaseline:
    """Work out (again) the school population's group counts for `on_date` and keep them."""
    started = time.perf_counter()
    rows = on_roll(on_date).values_list(*CHARACTERISTICS).iterator(chunk_size=5000)
    counts = _count(rows, on_date)
    children = sum(counts["sex"].values())
    baseline, _ = PopulationBaseline.objects.update_or_create(
        on_date=on_date,
        defaults={
            "children": children,
            "figures": {dimension: dict(counter) for dimension, counter in counts.items()},
            "seconds": time.perf_counter() - started,
        },
    )
    return baseline


def population_baseline(*, on_date: date) -> PopulationBaseline:
    return PopulationBaseline.objects.filter(on_date=on_date).first() or population_baseline_refresh(on_date=on_date)


@dataclass
class GroupRow:
    group: str
    counts: dict[str, int]  # column -> count


@dataclass
class EqualityTable:
    dimension: str
    title: str
    columns: list[str]
    rows: list[GroupRow]

    def column(self, name: str) -> list[int]:
        return [row.counts[name] for row in self.rows]


@dataclass
class Equalities:
    since: date
    until: date
    population_on: date
    casework: list[EqualityTable]
    matching: list[EqualityTable]


CASEWORK_COLUMNS = ["population", "missing", "at_risk"]
MATCHING_COLUMNS = ["population", "found", "confirmed", "dismissed"]
COLUMN_LABELS = {
    "population": "School population",
    "missing": "Missing education",
    "at_risk": "At risk",
    "found": "Candidates found",
    "confirmed": "Confirmed",
    "dismissed": "Dismissed",
}


def _in_period(since: date, until: date) -> Q:
    return Q(became_cme_on__lte=until, opened_on__lte=until) & (Q(closed_on__isnull=True) | Q(closed_on__gte=since))


def _tables(columns: list[str], counted: dict[str, dict[str, Counter | dict]]) -> list[EqualityTable]:
    tables = []
    for dimension, (title, order) in DIMENSIONS.items():
        seen = set().union(*(counted[column][dimension] for column in columns))
        labels = [label for label in order if label in seen or label != groups.NOT_KNOWN]
        labels += sorted(label for label in seen if label not in labels)
        rows = [GroupRow(label, {c: int(counted[c][dimension].get(label, 0)) for c in columns}) for label in labels]
        tables.append(EqualityTable(dimension, title, columns, rows))
    return tables


def equalities_build(*, since: date, until: date) -> Equalities:
    """Every equal-opportunities figure for the period: children missing education or at risk at any time in it,
    and match candidates found in it and how they were decided, against the school population on `until`."""
    baseline = population_baseline(on_date=until)
    population = baseline.figures
    cases = Case.objects.filter(_in_period(since, until))
    # pk__in over subqueries (hashed by the database), not a correlated EXISTS per child.
    missing_children = Child.objects.filter(
        pk__in=cases.exclude(primary_reason=CmeReason.REDUCED_TIMETABLE).values("child_id")
    )
    at_risk_children = Child.objects.filter(
        Q(pk__in=cases.filter(primary_reason=CmeReason.REDUCED_TIMETABLE).values("child_id"))
        | Q(
            pk__in=RollReturn.objects.filter(
                child__isnull=False, kind__in=AT_RISK_RETURNS, received_on__gte=since, received_on__lte=until
            ).values("child_id")
        )
    )
    missing = _count(missing_children.values_list(*CHARACTERISTICS).iterator(chunk_size=5000), until)
    at_risk = _count(at_risk_children.values_list(*CHARACTERISTICS).iterator(chunk_size=5000), until)
    casework = _tables(CASEWORK_COLUMNS, {"population": population, "missing": missing, "at_risk": at_risk})

    candidates = MatchCandidate.objects.filter(created_at__date__gte=since, created_at__date__lte=until)
    found = {dimension: Counter() for dimension in DIMENSIONS}
    confirmed = {dimension: Counter() for dimension in DIMENSIONS}
    dismissed = {dimension: Counter() for dimension in DIMENSIONS}
    rows = candidates.values_list(
        "review_state", "sex", "date_of_birth", "child__ethnicity", "child__sen_provision"
    ).iterator(chunk_size=5000)
    for state, sex, date_of_birth, ethnicity, sen in rows:
        for dimension, group in _profile(sex, date_of_birth, ethnicity, sen, until).items():
            found[dimension][group] += 1
            if state == ReviewState.CONFIRMED:
                confirmed[dimension][group] += 1
            elif state == ReviewState.DISMISSED:
                dismissed[dimension][group] += 1
    matching = _tables(
        MATCHING_COLUMNS,
        {"population": population, "found": found, "confirmed": confirmed, "dismissed": dismissed},
    )
    return Equalities(since, until, baseline.on_date, casework, matching)


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=365), today

"""Reads for data matching: sources and their imports, runs, and the review queue. No side effects."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cme.cases.priority import child_flag, flagged_first

from .enums import ImportState, MatchDecisionKind, ReviewState, RunState, SourceKind
from .models import DataSource, MatchCandidate, MatchDecision, MatchRun, RejectedRow, SourceImport, SourceRecord

QUEUE_FILTERS = {
    "to_review": Q(review_state=ReviewState.TO_REVIEW, is_current=True),
    "confirmed": Q(review_state=ReviewState.CONFIRMED),
    "dismissed": Q(review_state=ReviewState.DISMISSED),
    "no_longer_found": Q(review_state=ReviewState.TO_REVIEW, is_current=False),
}


def data_source_list() -> QuerySet[DataSource]:
    return DataSource.objects.annotate(import_count=Count("imports")).order_by("kind", "name")


def source_import_list(*, source: DataSource | None = None) -> QuerySet[SourceImport]:
    imports = SourceImport.objects.select_related("source", "imported_by")
    return imports.filter(source=source) if source is not None else imports


def rejected_rows_for(*, source_import: SourceImport) -> QuerySet[RejectedRow]:
    return source_import.rejected_rows.order_by("line")


def match_run_list() -> QuerySet[MatchRun]:
    return MatchRun.objects.select_related("started_by").order_by("-pk")


def match_run_latest_finished() -> MatchRun | None:
    return MatchRun.objects.filter(state=RunState.FINISHED).order_by("-pk").first()


def candidate_queue(*, view: str = "to_review", kind: str = "") -> QuerySet[MatchCandidate]:
    """Candidates in one view of the queue (`QUEUE_FILTERS`), those waiting longest first."""
    candidates = MatchCandidate.objects.filter(QUEUE_FILTERS.get(view, QUEUE_FILTERS["to_review"]))
    if kind:
        candidates = candidates.filter(kind=kind)
    candidates = candidates.select_related("first_run", "last_run")
    # Safeguarding first: a candidate about a child already known to be at risk (issue 11 point 4).
    return flagged_first(candidates, child_flag("child"), "first_run_id", "family_name", "pk")


def candidate_queue_counts() -> dict[str, int]:
    return {name: MatchCandidate.objects.filter(condition).count() for name, condition in QUEUE_FILTERS.items()}


@dataclass(frozen=True)
class RollInUse:
    """One school's roll as the next match run will use it: the latest import that holds pupils of that school."""

    school_urn: int
    school_name: str
    source_import: SourceImport
    pupils: int
    age_days: int
    is_stale: bool
    # Children cme has put on this school's roll since the roll was received (from triaged new-pupil returns and CTFs,
    # or a case closed as found on the roll): a match run reads them as on roll even though the roll predates them.
    joined_since: int = 0

    @property
    def received_on(self) -> date:
        return self.source_import.received_on


def school_rolls_in_use(*, on: date | None = None) -> list[RollInUse]:
    """Each school's latest roll among the imports of active school-roll sources, oldest first.

    Rolls are per school: an import holding one school's pupils replaces that school's earlier roll and no other, so
    a roll from one school never hides another school's pupils from a match run. A roll is stale when it was received
    longer ago than the council's setting (`CouncilSettings.roll_max_age_days`) before `on` (default today).
    """
    from cme.council.selectors import council_settings_get
    from cme.schools.models import Enrolment, School

    on = on or timezone.localdate()
    finished = [ImportState.IMPORTED, ImportState.IMPORTED_WITH_REJECTIONS]
    counts = (
        SourceRecord.objects.filter(
            kind=SourceKind.SCHOOL_ROLL,
            source_import__source__is_active=True,
            source_import__state__in=finished,
            school_urn__isnull=False,
        )
        .values_list("school_urn", "source_import_id")
        .annotate(pupils=Count("pk"))
        .order_by()
    )
    by_school: dict[int, list[tuple[int, int]]] = {}
    for urn, import_id, pupils in counts:
        by_school.setdefault(urn, []).append((import_id, pupils))
    imports = SourceImport.objects.select_related("source").in_bulk(
        {import_id for rolls in by_school.values() for import_id, _ in rolls}
    )
    names = dict(School.objects.filter(urn__in=list(by_school)).values_list("urn", "name"))
    joiners = list(
        Enrolment.objects.filter(school__urn__in=list(by_school), leave_date__isnull=True, start_date__lte=on)
        .exclude(source="")
        .values_list("school__urn", "start_date")
    )
    max_age = council_settings_get().roll_max_age_days
    in_use = []
    for urn, rolls in by_school.items():
        import_id, pupils = max(rolls, key=lambda roll: (imports[roll[0]].received_on, roll[0]))
        source_import = imports[import_id]
        age = (on - source_import.received_on).days
        in_use.append(
            RollInUse(
                school_urn=urn,
                school_name=names.get(urn, f"URN {urn}"),
                source_import=source_import,
                pupils=pupils,
                age_days=age,
                is_stale=age > max_age,
                joined_since=sum(
                    1 for school_urn, start in joiners if school_urn == urn and start > source_import.received_on
                ),
            )
        )
    return sorted(in_use, key=lambda roll: (roll.received_on, roll.school_name))


_DETAIL_FIELDS = ("given_name", "middle_names", "known_as", "family_name", "date_of_birth", "sex", "address_line1",
                  "address_line2", "town", "postcode", "uprn", "upn", "nhs_number")  # fmt: skip


def candidate_record_details(*, candidate: MatchCandidate) -> dict[str, dict]:
    """The details of the source records behind an opened candidate, by record key (`source id:reference`), as the
    run read them: the import received on the evidence's date, at its line. For the values in the candidate page's
    field-by-field tables; read only after `access_candidate` has opened (and audited) the candidate."""
    wanted = Q(pk__in=[])
    keys: dict[tuple[int, str, int], str] = {}
    for record in (candidate.evidence or {}).get("records", []):
        source_id, _, reference = str(record.get("key", "")).partition(":")
        if not source_id.isdigit() or not reference or not isinstance(record.get("line"), int):
            continue
        try:
            received_on = date.fromisoformat(str(record.get("received_on", ""))[:10])
        except ValueError:
            continue
        keys[(int(source_id), reference, record["line"])] = record["key"]
        wanted |= Q(source_import__source_id=int(source_id), record_ref=reference, line=record["line"],
                    source_import__received_on=received_on)  # fmt: skip
    if not keys:
        return {}
    rows = SourceRecord.objects.filter(wanted).order_by("pk").values("source_import__source_id", "record_ref", "line",
                                                                       *_DETAIL_FIELDS)  # fmt: skip
    details: dict[str, dict] = {}
    for row in rows:  # the newest import of that day wins
        key = keys.get((row["source_import__source_id"], row["record_ref"], row["line"]))
        if key:
            details[key] = {name: row[name] for name in _DETAIL_FIELDS}
    return details


# ---------------------------------------------------------------------------------------------------------------
# The model over time: how each run's candidates were decided, by how sure the run was


# How sure a run was that a candidate is right (cme.matching.evidence.candidate_confidence), in bands.
CONFIDENCE_BANDS = (
    (0.0, 0.5, "Under 50%"),
    (0.5, 0.8, "50% to 80%"),
    (0.8, 0.95, "80% to 95%"),
    (0.95, 0.99, "95% to 99%"),
    (0.99, 1.0, "99% or more"),
)


def confidence_band(confidence: float | None) -> int:
    """The index of the band `confidence` falls in (the last band includes 1)."""
    value = 1.0 if confidence is None else confidence
    for index, (low, high, _label) in enumerate(CONFIDENCE_BANDS):
        if low <= value < high:
            return index
    return len(CONFIDENCE_BANDS) - 1 if value >= 1.0 else 0


@dataclass
class BandTally:
    """One band of one run: its candidates, and how officers decided them."""

    label: str
    confirmed: int = 0
    dismissed: int = 0
    still_open: int = 0
    not_found_again: int = 0
    confidence_sum: float = 0.0  # of the decided ones, for the average

    @property
    def decided(self) -> int:
        return self.confirmed + self.dismissed

    @property
    def candidates(self) -> int:
        return self.decided + self.still_open + self.not_found_again

    @property
    def share_confirmed(self) -> float | None:
        return self.confirmed / self.decided if self.decided else None


@dataclass
class RunAgreement:
    """How well one run's scores agreed with the officers' decisions on its candidates."""

    run: MatchRun
    bands: list[BandTally]
    threshold: float  # the lowest confidence the run raises a candidate at, from its on-roll threshold

    def _sum(self, name: str, bands=None) -> int:
        return sum(getattr(band, name) for band in (self.bands if bands is None else bands))

    @property
    def candidates(self) -> int:
        return self._sum("candidates")

    @property
    def confirmed(self) -> int:
        return self._sum("confirmed")

    @property
    def dismissed(self) -> int:
        return self._sum("dismissed")

    @property
    def decided(self) -> int:
        return self._sum("decided")

    @property
    def still_open(self) -> int:
        return self._sum("still_open") + self._sum("not_found_again")

    @property
    def share_confirmed(self) -> float | None:
        """Precision as officers judged it: of the candidates decided, the share confirmed."""
        return self.confirmed / self.decided if self.decided else None

    @property
    def precision_at_threshold(self) -> float | None:
        """Of the decided candidates the run was at least as sure of as its threshold, the share confirmed."""
        above = [band for band, (low, _h, _l) in zip(self.bands, CONFIDENCE_BANDS, strict=True)
                 if low >= self.threshold - 1e-9]  # fmt: skip
        decided = self._sum("decided", above)
        return self._sum("confirmed", above) / decided if decided else None

    @property
    def average_confidence(self) -> float | None:
        """How sure the run was, on average, of the candidates officers decided."""
        return sum(band.confidence_sum for band in self.bands) / self.decided if self.decided else None

    @property
    def gap(self) -> float | None:
        """How much surer the run was than the officers' decisions bore out (positive: too sure), 0 to 1."""
        if self.average_confidence is None or self.share_confirmed is None:
            return None
        return self.average_confidence - self.share_confirmed


def model_agreement(*, limit: int = 24) -> list[RunAgreement]:
    """For each of the latest `limit` finished runs, newest first: its candidates by confidence band, and how
    officers decided them.

    A decision counts for the run whose proposal was decided, with the confidence that run had: both are kept on the
    decision (`MatchDecision.run`, `.confidence`) when it is made, so a later run reopening or rescoring the
    candidate never changes an earlier run's tally; a reopened candidate decided again counts again, for the later
    run. A candidate still waiting counts, as open, for the latest run that proposed it (or, if no run finds it any
    more, as not found again), with that run's confidence.
    """
    from .evidence import candidate_confidence

    runs = list(MatchRun.objects.filter(state=RunState.FINISHED).select_related("started_by").order_by("-pk")[:limit])
    if not runs:
        return []
    tallies = {run.pk: [BandTally(label) for _low, _high, label in CONFIDENCE_BANDS] for run in runs}
    decisions = MatchDecision.objects.filter(run__in=runs).values_list("run_id", "kind", "confidence")
    for run_id, kind, confidence in decisions:
        band = tallies[run_id][confidence_band(confidence)]
        if kind == MatchDecisionKind.CONFIRM:
            band.confirmed += 1
        else:
            band.dismissed += 1
        band.confidence_sum += 1.0 if confidence is None else confidence
    waiting = MatchCandidate.objects.filter(review_state=ReviewState.TO_REVIEW, last_run__in=runs).values_list(
        "last_run_id", "is_current", "kind", "score", "evidence__closest_roll_entry__probability",
        "evidence__roll_entry__probability",
    )  # fmt: skip
    for run_id, is_current, kind, score, closest, linked in waiting:
        evidence = {"closest_roll_entry": {"probability": closest}, "roll_entry": {"probability": linked}}
        band = tallies[run_id][confidence_band(candidate_confidence(kind=kind, score=score, evidence=evidence))]
        if is_current:
            band.still_open += 1
        else:
            band.not_found_again += 1
    agreements = []
    for run in runs:
        on_roll = float((run.settings or {}).get("on_roll_threshold") or 0.5)
        agreements.append(RunAgreement(run=run, bands=tallies[run.pk], threshold=1.0 - on_roll))
    return agreements

"""Reads for data matching: sources and their imports, runs, and the review queue. No side effects."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cme.cases.priority import child_flag, flagged_first

from .enums import ImportState, ReviewState, RunState, SourceKind
from .models import DataSource, MatchCandidate, MatchRun, RejectedRow, SourceImport, SourceRecord

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

"""Reads for data matching: sources and their imports, runs, and the review queue. No side effects."""

from django.db.models import Count, Q, QuerySet

from .enums import ReviewState, RunState
from .models import DataSource, MatchCandidate, MatchRun, RejectedRow, SourceImport

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
    return candidates.select_related("first_run", "last_run").order_by("first_run_id", "family_name", "pk")


def candidate_queue_counts() -> dict[str, int]:
    return {name: MatchCandidate.objects.filter(condition).count() for name, condition in QUEUE_FILTERS.items()}

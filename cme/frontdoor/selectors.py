"""Reads for the front door's staff pages."""

from django.db.models import QuerySet

from .enums import ReportState
from .models import FrontDoorReport


def reports_waiting() -> QuerySet[FrontDoorReport]:
    """Reports no officer has decided yet: a safeguarding concern first, then the oldest first."""
    return FrontDoorReport.objects.filter(state=ReportState.RECEIVED).order_by(
        "-safeguarding_concern", "received_at", "pk"
    )


def reports_decided(limit: int = 50) -> QuerySet[FrontDoorReport]:
    return (
        FrontDoorReport.objects.exclude(state=ReportState.RECEIVED)
        .select_related("triaged_by")
        .order_by("-triaged_at", "-pk")[:limit]
    )

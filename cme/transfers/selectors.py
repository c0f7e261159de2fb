"""Reads for transfers: the register of councils, the transfers made from a case, the transfers received."""

from django.db.models import Q, QuerySet

from .enums import IncomingState
from .models import Council, IncomingTransfer, OutgoingTransfer


def council_list(*, active_only: bool = True) -> QuerySet[Council]:
    councils = Council.objects.order_by("name")
    return councils.filter(is_active=True) if active_only else councils


def council_find(words: str) -> Council | None:
    """The active council with this code, or else this name (either case)."""
    words = (words or "").strip()
    if not words:
        return None
    return council_list().filter(Q(code=words) | Q(name__iexact=words)).order_by("code").first()


def transfers_of_case(*, case) -> QuerySet[OutgoingTransfer]:
    return OutgoingTransfer.objects.filter(case=case).select_related("council", "made_by").order_by("-made_at", "-pk")


def outgoing_get(*, case, transfer_id: int) -> OutgoingTransfer | None:
    return transfers_of_case(case=case).filter(pk=transfer_id).first()


def incoming_list() -> QuerySet[IncomingTransfer]:
    """Transfers received, those waiting for an officer first. Names no child: the referral page does."""
    return IncomingTransfer.objects.select_related("council", "referral").order_by("state", "-imported_at", "-pk")


def incoming_waiting() -> QuerySet[IncomingTransfer]:
    return incoming_list().filter(state=IncomingState.WAITING)


def incoming_get(*, transfer_id: int) -> IncomingTransfer | None:
    return incoming_list().filter(pk=transfer_id).first()

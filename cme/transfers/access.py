"""Checked reads of transfers: what a waiting package says about its child, with the children it may be."""

from dataclasses import dataclass

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record_read
from cme.common.access import refuse_not_found
from cme.people.access import audit_possible_duplicates_shown
from cme.people.selectors import PossibleDuplicate, child_possible_duplicates

from . import package
from .enums import IncomingState
from .models import IncomingTransfer
from .selectors import incoming_get
from .services import opened_waiting


@dataclass(frozen=True)
class WaitingTransfer:
    incoming: IncomingTransfer
    child: dict
    duplicates: list[PossibleDuplicate]


def access_incoming_transfer(*, user, transfer_id: int) -> IncomingTransfer:
    """A transfer another council sent, for a caseworker who takes in transfers: the read is audited (with the child
    it became, once received); RecordNotFound (audited) for anyone else or no such transfer."""
    incoming = incoming_get(transfer_id=transfer_id) if user.has_perm("transfers.receive_transfer") else None
    if incoming is None:
        raise refuse_not_found(user=user, target_type="transfers.incomingtransfer", target_id=transfer_id)
    referral = getattr(incoming, "referral", None)
    audit_record_read(
        actor=user,
        target=incoming,
        event=AuditEvent.TRANSFER_VIEWED,
        subject_child_id=referral.child_id if referral is not None else None,
    )
    return incoming


def access_waiting_transfer(*, user, transfer_id: int) -> WaitingTransfer:
    """A package waiting for an officer to say which child it is about: who it names (name and date of birth only)
    and the children already held who may be them. The possible duplicates shown are audited as a search.
    RecordNotFound (audited) for a transfer that is not waiting or does not exist; TransferRefused if the package no
    longer opens (this council's keys changed)."""
    incoming = access_incoming_transfer(user=user, transfer_id=transfer_id)
    if incoming.state != IncomingState.WAITING:
        raise refuse_not_found(user=user, target_type="transfers.incomingtransfer", target_id=transfer_id)
    payload = opened_waiting(actor=user, incoming=incoming)
    details = package.child_details(payload)
    duplicates = child_possible_duplicates(
        **{k: details[k] for k in ("given_name", "family_name", "preferred_name", "date_of_birth", "upn")},
        nhs_number=details["nhs_number"],
        postcode=package.child_postcode(payload),
    )
    audit_possible_duplicates_shown(user=user, duplicates=duplicates, related=incoming)
    child = {k: details[k] for k in ("given_name", "family_name", "preferred_name", "date_of_birth")}
    return WaitingTransfer(incoming=incoming, child=child, duplicates=duplicates)

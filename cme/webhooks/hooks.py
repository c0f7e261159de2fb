"""From the audit trail to webhooks: the audit events that are also outbound events, and what each message carries.

Every referral received, case opened or closed and return received is audited in the transaction that makes it,
whichever service (or front door) made it; so listening here covers them all. The deliveries are made only once that
transaction has committed: a rolled-back referral tells nobody anything.
"""

import json
import logging

from django.db import transaction

from cme.audit.events import AuditEvent

from .enums import WebhookEvent

logger = logging.getLogger(__name__)

RETURN_TYPE = "schools.rollreturn"
RETURN_FILE_TYPE = "schools.returnimport"


def webhook_event_for(entry) -> tuple[WebhookEvent, dict] | None:
    """The outbound event an audit entry stands for, with the ids the message carries; None for every other entry."""
    event = entry.event
    if event == AuditEvent.REFERRAL_CREATED:
        return WebhookEvent.REFERRAL_RECEIVED, {"referral_id": int(entry.target_id)}
    if event == AuditEvent.CASE_OPENED:
        data = {"case_id": int(entry.target_id)}
        if entry.related_type == "cases.referral" and entry.related_id:
            data["referral_id"] = int(entry.related_id)
        return WebhookEvent.CASE_OPENED, data
    if event == AuditEvent.CASE_CLOSED:
        return WebhookEvent.CASE_CLOSED, {"case_id": int(entry.target_id)}
    if event == AuditEvent.DISCLOSURE_RECORDED:
        # A school's return is received with a receipt in the disclosure log; one entry for a return, one for a file.
        payload = json.loads(entry.payload or "{}")
        if payload.get("direction") != "in":  # Direction.RECEIVED_IN
            return None
        if entry.related_type == RETURN_TYPE and entry.related_id:
            return WebhookEvent.RETURN_RECEIVED, {"return_id": int(entry.related_id)}
        if entry.target_type == RETURN_FILE_TYPE and entry.target_id:
            return WebhookEvent.RETURN_RECEIVED, {
                "return_file_id": int(entry.target_id),
                "returns": payload.get("disclosures", 0),
            }
    return None


def audit_entry_recorded(sender, *, entry, using, **kwargs) -> None:
    found = webhook_event_for(entry)
    if found is None:
        return
    event, data = found
    data = {key: value for key, value in data.items() if value is not None}

    def deliver() -> None:
        from .services import webhook_deliveries_create

        webhook_deliveries_create(event=event, data=data)

    # robust: a failure to queue a webhook is logged, never turned into an error on the officer's page.
    transaction.on_commit(deliver, using=using, robust=True)

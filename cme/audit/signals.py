"""Told after an entry is written to the chain, inside the writer's transaction; the entry is rolled back with it.

Receivers that act on the outside world must wait for the commit (`transaction.on_commit`): cme.webhooks does.
"""

from django.dispatch import Signal

# Sent with `entry` (the AuditEntry just written) and `using` (its database alias).
entry_recorded = Signal()

"""Outbound events (issue 18, point 5): signed webhooks that tell a council's other systems what happened in cme.

A system administrator registers an endpoint (an https address and the events it wants); cme gives it a secret once.
When a referral is received, a case opened or closed, or a school's return received, cme posts a small JSON message
to every endpoint that chose that event: ids and links, never a name, date of birth or address. Each message is
signed with HMAC-SHA256 over the timestamp and the body, delivered by the task worker, retried with exponential
back-off, and every attempt is kept in the delivery log. How to verify a message: docs/operating.md.

The events are read from the audit trail (`cme.audit.signals.entry_recorded`), after the transaction commits: any
service that records one of those audit events is covered, whoever wrote it.
"""

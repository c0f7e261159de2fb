"""The audit vocabulary is closed and covers what issue 4 names."""

from cme.audit.events import READ_EVENTS, AuditEvent

REQUIRED = [
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "locked_out",
    "child_viewed",
    "child_created",
    "child_changed",
    "carer_created",
    "carer_changed",
    "case_viewed",
    "case_opened",
    "case_changed",
    "case_closed",
    "case_reopened",
    "referral_created",
    "referral_triaged",
    "enquiry_recorded",
    "note_added",
    "note_corrected",
    "document_uploaded",
    "document_downloaded",
    "decision_recorded",
    "search",
    "export",
    "disclosure_recorded",
    "user_created",
    "user_changed",
    "settings_changed",
    "audit_exported",
    "purpose_stated",
]


def test_every_event_the_issue_names_is_in_the_vocabulary():
    assert set(REQUIRED) <= set(AuditEvent.values)


def test_codes_fit_the_column_and_read_events_are_events():
    assert all(len(code) <= 40 for code in AuditEvent.values)
    assert set(AuditEvent) >= READ_EVENTS

"""The audit trail's closed vocabulary: every kind of thing an entry can record, and its plain-English label.

Codes are stored in the chained entries and hashed, so a code is never renamed or reused; add new ones instead.
"""

from django.db import models


class AuditEvent(models.TextChoices):
    # Signing in and out (a failed sign-in has no actor: the username tried is kept in the erasable detail).
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out after repeated failed sign-ins"

    # People.
    CHILD_VIEWED = "child_viewed", "Child's record viewed"
    CHILD_CREATED = "child_created", "Child's record created"
    CHILD_CHANGED = "child_changed", "Child's record changed"
    CHILD_DELETED = "child_deleted", "Child's record deleted"
    CHILD_MERGE_PROPOSED = "child_merge_proposed", "Children's records proposed for merging"
    CHILD_MERGE_DECLINED = "child_merge_declined", "Children's records not merged"
    CHILDREN_MERGED = "children_merged", "Children's records merged"
    CHILD_MERGE_UNDONE = "child_merge_undone", "Merge of children's records undone"
    CARER_VIEWED = "carer_viewed", "Carer's record viewed"
    CARER_CREATED = "carer_created", "Carer's record created"
    CARER_CHANGED = "carer_changed", "Carer's record changed"
    CARER_DELETED = "carer_deleted", "Carer's record deleted"
    RETURN_VIEWED = "return_viewed", "School's return viewed"

    # Casework.
    CASE_VIEWED = "case_viewed", "Case viewed"
    CASE_OPENED = "case_opened", "Case opened"
    CASE_CHANGED = "case_changed", "Case changed"
    CASE_EVIDENCE_ADDED = "case_evidence_added", "Evidence added to an open case (instead of a second referral)"
    CASE_CLOSED = "case_closed", "Case closed"
    CASE_REOPENED = "case_reopened", "Case reopened"
    REFERRAL_VIEWED = "referral_viewed", "Referral viewed"
    REFERRAL_CREATED = "referral_created", "Referral received"
    REFERRAL_TRIAGED = "referral_triaged", "Referral triaged"
    FRONT_DOOR_REPORT_RECEIVED = "front_door_report_received", "Report received through the online form"
    FRONT_DOOR_REPORT_REFUSED = "front_door_report_refused", "Report refused by the online form (flood or robot)"
    FRONT_DOOR_REPORT_VIEWED = "front_door_report_viewed", "Report from the online form viewed"
    FRONT_DOOR_REPORT_TRIAGED = "front_door_report_triaged", "Report from the online form decided"
    ENQUIRY_RECORDED = "enquiry_recorded", "Enquiry recorded"
    # Partner agencies working in cme (cme.cases.services.partners): their inbox, answers, referrals, chasers.
    ENQUIRY_VIEWED = "enquiry_viewed", "Enquiry opened by a partner agency"
    ENQUIRY_ANSWERED = "enquiry_answered", "Enquiry answered by a partner agency"
    ENQUIRY_ANSWER_READ = "enquiry_answer_read", "Partner agency's answer read by the officer"
    ENQUIRY_CHASED = "enquiry_chased", "Partner agency reminded of an unanswered enquiry"
    PARTNER_REFERRAL_SENT = "partner_referral_sent", "Referral sent to a partner agency"
    PARTNER_REFERRAL_VIEWED = "partner_referral_viewed", "Referral opened by a partner agency"
    PARTNER_REFERRAL_ACCEPTED = "partner_referral_accepted", "Referral accepted by a partner agency"
    NOTE_ADDED = "note_added", "File note added"
    NOTE_CORRECTED = "note_corrected", "File note corrected"
    DOCUMENT_UPLOADED = "document_uploaded", "Document uploaded"
    DOCUMENT_DOWNLOADED = "document_downloaded", "Document downloaded"
    DOCUMENT_DELETED = "document_deleted", "Document deleted"
    DECISION_RECORDED = "decision_recorded", "Decision recorded"
    LETTER_GENERATED = "letter_generated", "Letter generated"
    LETTER_SENT = "letter_sent", "Letter marked as sent"
    LETTER_TEMPLATE_CHANGED = "letter_template_changed", "Letter template changed"
    ATTENDANCE_ORDER_STEP = "attendance_order_step", "School attendance order step recorded"

    # Data matching (cme.matching): sources received, runs, and a person's review of each candidate.
    SOURCE_REGISTERED = "source_registered", "Data source registered"
    SOURCE_IMPORTED = "source_imported", "Data source extract imported"
    SOURCE_REJECTIONS_VIEWED = "source_rejections_viewed", "Rows held back from an import viewed"
    MATCH_RUN_STARTED = "match_run_started", "Match run started"
    MATCH_RUN_FINISHED = "match_run_finished", "Match run finished"
    MATCH_CANDIDATE_REOPENED = "match_candidate_reopened", "Match candidate reopened by a match run"
    MATCH_CANDIDATE_NO_LONGER_FOUND = "match_candidate_no_longer_found", "Match candidate no longer found"
    MATCH_CANDIDATE_VIEWED = "match_candidate_viewed", "Match candidate viewed"
    MATCH_CONFIRMED = "match_confirmed", "Match confirmed"
    MATCH_DISMISSED = "match_dismissed", "Match dismissed"

    # Finding, sharing and taking data out.
    SEARCH = "search", "Search"
    LIST_VIEWED = "list_viewed", "List of records viewed"
    EXPORT = "export", "Export"
    DISCLOSURE_RECORDED = "disclosure_recorded", "Disclosure recorded"
    PURPOSE_STATED = "purpose_stated", "Purpose stated for opening a record"

    # Refusals (cme.common.access): a record refused as not found or not permitted, a record outside the caseload
    # refused until a purpose is stated, an API token rejected.
    ACCESS_REFUSED = "access_refused", "Record refused: not found or not permitted"
    PURPOSE_REQUIRED = "purpose_required", "Record refused until a purpose is stated"
    TOKEN_REJECTED = "token_rejected", "API token rejected"

    # Administration.
    USER_CREATED = "user_created", "User created"
    USER_CHANGED = "user_changed", "User changed"
    USER_DEACTIVATED = "user_deactivated", "User deactivated"
    SETTINGS_CHANGED = "settings_changed", "Settings changed"
    AUDIT_EXPORTED = "audit_exported", "Audit trail exported"
    AUDIT_DETAILS_ERASED = "audit_details_erased", "Audit details erased under the retention rules"
    BACKUP_WRITTEN = "backup_written", "Backup written"
    BACKUP_RESTORED = "backup_restored", "Backup restored"

    # The audit trail's own protection, and role grants that need a second person (issue 10, points 3 and 4).
    AUDIT_CHAIN_KEYED = "audit_chain_keyed", "Audit trail keyed from here on"
    AUDIT_VERIFICATION_STARTED = "audit_verification_started", "Audit trail check started"
    ROLE_GRANT_REQUESTED = "role_grant_requested", "Role grant requested"
    ROLE_GRANT_APPROVED = "role_grant_approved", "Role grant approved"
    ROLE_GRANT_REFUSED = "role_grant_refused", "Role grant refused"
    # Retention (cme.privacy.retention): legal holds, disposal batches and what they deleted.
    LEGAL_HOLD_PLACED = "legal_hold_placed", "Legal hold placed"
    LEGAL_HOLD_RELEASED = "legal_hold_released", "Legal hold released"
    DISPOSAL_PROPOSED = "disposal_proposed", "Disposal batch proposed"
    DISPOSAL_BATCH_VIEWED = "disposal_batch_viewed", "Disposal batch viewed"
    DISPOSAL_APPROVED = "disposal_approved", "Disposal batch approved"
    DISPOSAL_EXCLUDED = "disposal_excluded", "Record kept out of a disposal batch"
    RECORDS_DISPOSED = "records_disposed", "Records disposed of under the retention rules"
    HOUSEKEEPING_DONE = "housekeeping_done", "Expired sessions, tokens, sign-in logs and finished jobs deleted"
    TRAINING_SITE_MADE = "training_site_made", "Training site made from the synthetic borough"
    TRAINING_RESET = "training_reset", "Trainee's exercises put back as they were"
    # Subject access (cme.privacy.sar): the pack gathered, reviewed, approved and released.
    SUBJECT_ACCESS_PACK_CREATED = "sar_pack_created", "Subject access pack gathered"
    SUBJECT_ACCESS_PACK_VIEWED = "sar_pack_viewed", "Subject access pack viewed"
    SUBJECT_ACCESS_REDACTION_ADDED = "sar_redaction_added", "Redaction added to a subject access pack"
    SUBJECT_ACCESS_REDACTION_LIFTED = "sar_redaction_lifted", "Redaction lifted from a subject access pack"
    SUBJECT_ACCESS_PACK_APPROVED = "sar_pack_approved", "Subject access pack approved"
    SUBJECT_ACCESS_PACK_RELEASED = "sar_pack_released", "Subject access pack released"
    # The privacy notice as a versioned document (cme.privacy.versions).
    NOTICE_DRAFTED = "notice_drafted", "Privacy notice draft made from a catalogue change"
    NOTICE_PUBLISHED = "notice_published", "Privacy notice version published"

    # Rights requests (cme.rights) and restriction of processing (cme.privacy.restriction).
    RIGHTS_REQUEST_RECORDED = "rights_request_recorded", "Rights request or complaint recorded"
    RIGHTS_REQUEST_VIEWED = "rights_request_viewed", "Rights request viewed"
    RIGHTS_REQUEST_CHANGED = "rights_request_changed", "Rights request updated (subject, clock, extension, complaint)"
    RIGHTS_REQUEST_CLOSED = "rights_request_closed", "Rights request answered and closed"
    RECTIFICATION_APPLIED = "rectification_applied", "Correction made on a rights request"
    ERASURE_DECIDED = "erasure_decided", "Erasure request decided"
    OBJECTION_DECIDED = "objection_decided", "Objection decided"
    RESTRICTION_PLACED = "restriction_placed", "Use of a child's records restricted"
    RESTRICTION_LIFTED = "restriction_lifted", "Restriction lifted"
    RESTRICTION_REFUSED = "restriction_refused", "Change or sharing refused: the child's records are restricted"
    # Moving a case to another council (cme.transfers).
    TRANSFER_COUNCIL_ADDED = "transfer_council_added", "Council added to the register for case transfers"
    TRANSFER_COUNCIL_DEACTIVATED = "transfer_council_deactivated", "Council taken out of the transfer register"
    TRANSFER_MADE = "transfer_made", "Case transfer package made for another council"
    TRANSFER_PACKAGE_DOWNLOADED = "transfer_package_downloaded", "Case transfer package downloaded"
    TRANSFER_VIEWED = "transfer_viewed", "Case transfer from another council viewed"
    TRANSFER_IMPORTED = "transfer_imported", "Case transfer package from another council opened"
    TRANSFER_RECEIVED = "transfer_received", "Case transfer from another council received as a referral"
    TRANSFER_RECEIPT_DOWNLOADED = "transfer_receipt_downloaded", "Receipt for a case transfer downloaded"
    TRANSFER_RECEIPT_RECORDED = "transfer_receipt_recorded", "Receiving council's receipt for a transfer recorded"
    TRANSFER_REFUSED = "transfer_refused", "Case transfer file refused"


# Events that record a read of a record rather than a change to it: `audit_record_read` accepts only these.
READ_EVENTS = frozenset(
    {
        AuditEvent.CHILD_VIEWED,
        AuditEvent.CARER_VIEWED,
        AuditEvent.RETURN_VIEWED,
        AuditEvent.CASE_VIEWED,
        AuditEvent.REFERRAL_VIEWED,
        AuditEvent.ENQUIRY_VIEWED,
        AuditEvent.PARTNER_REFERRAL_VIEWED,
        AuditEvent.FRONT_DOOR_REPORT_VIEWED,
        AuditEvent.TRANSFER_VIEWED,
        AuditEvent.DOCUMENT_DOWNLOADED,
        AuditEvent.SEARCH,
        AuditEvent.LIST_VIEWED,
        AuditEvent.EXPORT,
        AuditEvent.AUDIT_EXPORTED,
        AuditEvent.SOURCE_REJECTIONS_VIEWED,
        AuditEvent.MATCH_CANDIDATE_VIEWED,
        AuditEvent.DISPOSAL_BATCH_VIEWED,
        AuditEvent.RIGHTS_REQUEST_VIEWED,
        AuditEvent.SUBJECT_ACCESS_PACK_VIEWED,
    }
)

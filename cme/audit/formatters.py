"""Audit entries in plain English, for the DPO's screens, exports and subject access packs: one table keyed by event.

Entries hold codes and ids; the sentence is made here, when it is read, so wording can improve without touching
the chain. The audit app imports no other app, so names of people come in from the caller (`actor_name`).
"""

from collections.abc import Mapping

from .events import AuditEvent
from .models import AuditEntry

# What each event says; {actor} is who acted, {target} and {related} the objects, payload keys are available too.
SENTENCES: dict[str, str] = {
    AuditEvent.SIGN_IN: "{actor} signed in",
    AuditEvent.SIGN_IN_FAILED: "{actor} failed to sign in",
    AuditEvent.SIGN_OUT: "{actor} signed out",
    AuditEvent.LOCKED_OUT: "{actor} was locked out after repeated failed sign-ins",
    AuditEvent.CHILD_VIEWED: "{actor} viewed the record of {target}",
    AuditEvent.CHILD_CREATED: "{actor} created the record of {target}",
    AuditEvent.CHILD_CHANGED: "{actor} changed the record of {target}",
    AuditEvent.CHILD_DELETED: "{actor} deleted the record of {target}",
    AuditEvent.CHILD_MERGE_PROPOSED: "{actor} proposed merging another record into the record of {target}",
    AuditEvent.CHILD_MERGE_DECLINED: "{actor} decided not to merge another record into the record of {target}",
    AuditEvent.CHILDREN_MERGED: "{actor} merged two records of one child, one of them the record of {target}",
    AuditEvent.CHILD_MERGE_UNDONE: "{actor} undid a merge of two records, one of them the record of {target}",
    AuditEvent.CARER_VIEWED: "{actor} viewed the record of {target}",
    AuditEvent.CARER_CREATED: "{actor} created the record of {target}",
    AuditEvent.CARER_CHANGED: "{actor} changed the record of {target}",
    AuditEvent.CARER_DELETED: "{actor} deleted the record of {target}",
    AuditEvent.RETURN_VIEWED: "{actor} viewed {target}",
    AuditEvent.CASE_VIEWED: "{actor} viewed {target}",
    AuditEvent.CASE_OPENED: "{actor} opened {target}",
    AuditEvent.CASE_CHANGED: "{actor} changed {target}",
    AuditEvent.CASE_CLOSED: "{actor} closed {target}",
    AuditEvent.CASE_REOPENED: "{actor} reopened {target}",
    AuditEvent.REFERRAL_VIEWED: "{actor} viewed {target}",
    AuditEvent.REFERRAL_CREATED: "{actor} recorded {target}",
    AuditEvent.REFERRAL_TRIAGED: "{actor} triaged {target}",
    AuditEvent.FRONT_DOOR_REPORT_RECEIVED: "{target} arrived through the online form",
    AuditEvent.FRONT_DOOR_REPORT_REFUSED: "The online form refused a report ({why})",
    AuditEvent.FRONT_DOOR_REPORT_VIEWED: "{actor} viewed {target}",
    AuditEvent.FRONT_DOOR_REPORT_TRIAGED: "{actor} decided what to do with {target}",
    AuditEvent.ENQUIRY_RECORDED: "{actor} recorded {target}",
    AuditEvent.ENQUIRY_VIEWED: "{actor}, at a partner agency, opened {target}",
    AuditEvent.ENQUIRY_ANSWERED: "{actor}, at a partner agency, answered {target}",
    AuditEvent.ENQUIRY_ANSWER_READ: "{actor} read a partner agency's answer to {target}",
    AuditEvent.ENQUIRY_CHASED: "A reminder about {target} was emailed to the partner agency",
    AuditEvent.PARTNER_REFERRAL_SENT: "{actor} sent {target} to a partner agency",
    AuditEvent.PARTNER_REFERRAL_VIEWED: "{actor}, at a partner agency, opened {target}",
    AuditEvent.PARTNER_REFERRAL_ACCEPTED: "{actor}, at a partner agency, accepted {target}",
    AuditEvent.NOTE_ADDED: "{actor} added {target}",
    AuditEvent.NOTE_CORRECTED: "{actor} corrected {target}",
    AuditEvent.DOCUMENT_UPLOADED: "{actor} uploaded {target}",
    AuditEvent.DOCUMENT_DOWNLOADED: "{actor} downloaded {target}",
    AuditEvent.DOCUMENT_DELETED: "{actor} deleted {target}",
    AuditEvent.DECISION_RECORDED: "{actor} recorded {target}",
    AuditEvent.SOURCE_REGISTERED: "{actor} registered {target}",
    AuditEvent.SOURCE_IMPORTED: "{actor} imported {target}",
    AuditEvent.SOURCE_REJECTIONS_VIEWED: "{actor} viewed the rows held back from {target}",
    AuditEvent.MATCH_RUN_STARTED: "{actor} started {target}",
    AuditEvent.MATCH_RUN_FINISHED: "{actor}'s {target} finished",
    AuditEvent.MATCH_CANDIDATE_REOPENED: "A match run reopened {target} for review: it found new records",
    AuditEvent.MATCH_CANDIDATE_NO_LONGER_FOUND: "A match run no longer found {target}, so it left the review queue",
    AuditEvent.MATCH_CANDIDATE_VIEWED: "{actor} viewed {target}",
    AuditEvent.MATCH_CONFIRMED: "{actor} confirmed {target} and made a referral",
    AuditEvent.MATCH_DISMISSED: "{actor} dismissed {target}",
    AuditEvent.SEARCH: "{actor} searched",
    AuditEvent.LIST_VIEWED: "{actor} viewed a list of {results} records ({target} …)",
    AuditEvent.EXPORT: "{actor} exported {target}",
    AuditEvent.DISCLOSURE_RECORDED: "{actor} recorded {target}",
    AuditEvent.PURPOSE_STATED: "{actor} stated a purpose for opening the record of {target}",
    AuditEvent.ACCESS_REFUSED: "{actor} was refused {target}",
    AuditEvent.PURPOSE_REQUIRED: "{actor} was asked why before opening the record of {target}",
    AuditEvent.TOKEN_REJECTED: "{actor} was refused with an API token",
    AuditEvent.USER_CREATED: "{actor} created {target}",
    AuditEvent.USER_CHANGED: "{actor} changed {target}",
    AuditEvent.USER_DEACTIVATED: "{actor} deactivated {target}",
    AuditEvent.SETTINGS_CHANGED: "{actor} changed the settings",
    AuditEvent.AUDIT_EXPORTED: "{actor} exported the audit trail",
    AuditEvent.AUDIT_DETAILS_ERASED: "{actor} erased the personal details of {count} audit entries",
    AuditEvent.BACKUP_WRITTEN: "{actor} wrote a backup of the service",
    AuditEvent.BACKUP_RESTORED: "{actor} restored the service from a backup",
    AuditEvent.AUDIT_CHAIN_KEYED: "The audit trail is keyed from this entry on",
    AuditEvent.AUDIT_VERIFICATION_STARTED: "{actor} started a check of the audit trail",
    AuditEvent.ROLE_GRANT_REQUESTED: "{actor} asked for {target} to be given a role that reads children's records",
    AuditEvent.ROLE_GRANT_APPROVED: "{actor} approved a role for {target}",
    AuditEvent.ROLE_GRANT_REFUSED: "{actor} refused a role for {target}",
    AuditEvent.LEGAL_HOLD_PLACED: "{actor} placed a legal hold on {target}",
    AuditEvent.LEGAL_HOLD_RELEASED: "{actor} released a legal hold on {target}",
    AuditEvent.DISPOSAL_PROPOSED: "{actor} proposed disposal batch {batch} of {count} records",
    AuditEvent.DISPOSAL_BATCH_VIEWED: "{actor} viewed disposal batch {batch}",
    AuditEvent.DISPOSAL_APPROVED: "{actor} approved disposal batch {batch}",
    AuditEvent.DISPOSAL_EXCLUDED: "{actor} kept {target} out of disposal batch {batch}",
    AuditEvent.RECORDS_DISPOSED: "{actor} disposed of {count} records in disposal batch {batch}",
    AuditEvent.HOUSEKEEPING_DONE: "{actor} deleted {count} expired sessions, tokens, sign-in logs and finished jobs",
    AuditEvent.RIGHTS_REQUEST_RECORDED: "{actor} recorded {target}",
    AuditEvent.RIGHTS_REQUEST_VIEWED: "{actor} viewed {target}",
    AuditEvent.RIGHTS_REQUEST_CHANGED: "{actor} updated {target}",
    AuditEvent.RIGHTS_REQUEST_CLOSED: "{actor} answered and closed {target}",
    AuditEvent.RECTIFICATION_APPLIED: "{actor} made a correction asked for in {related}",
    AuditEvent.ERASURE_DECIDED: "{actor} decided {target}",
    AuditEvent.OBJECTION_DECIDED: "{actor} decided {target}",
    AuditEvent.RESTRICTION_PLACED: "{actor} restricted the use of a child's records ({target})",
    AuditEvent.RESTRICTION_LIFTED: "{actor} lifted {target}",
    AuditEvent.RESTRICTION_REFUSED: "{actor} was refused a change or sharing about {target}: restricted",
    AuditEvent.CASE_EVIDENCE_ADDED: "{actor} added evidence from another source to {target}",
    AuditEvent.LETTER_GENERATED: "{actor} produced a letter on {target}",
    AuditEvent.LETTER_SENT: "{actor} recorded a letter on {target} as sent",
    AuditEvent.LETTER_TEMPLATE_CHANGED: "{actor} changed a letter template",
    AuditEvent.ATTENDANCE_ORDER_STEP: "{actor} recorded a school attendance order step on {target}",
    AuditEvent.SUBJECT_ACCESS_PACK_CREATED: "{actor} gathered a subject access pack ({target})",
    AuditEvent.SUBJECT_ACCESS_PACK_VIEWED: "{actor} viewed a subject access pack ({target})",
    AuditEvent.SUBJECT_ACCESS_REDACTION_ADDED: "{actor} withheld part of a subject access pack ({target})",
    AuditEvent.SUBJECT_ACCESS_REDACTION_LIFTED: "{actor} lifted a redaction from a subject access pack ({target})",
    AuditEvent.SUBJECT_ACCESS_PACK_APPROVED: "{actor} approved a subject access pack for release ({target})",
    AuditEvent.SUBJECT_ACCESS_PACK_RELEASED: "{actor} released a subject access pack ({target})",
    AuditEvent.NOTICE_DRAFTED: "A draft of the privacy notice was made from a change to the data catalogue",
    AuditEvent.NOTICE_PUBLISHED: "{actor} published a version of the privacy notice",
    AuditEvent.TRAINING_SITE_MADE: "The training site's database was made from the synthetic borough",
    AuditEvent.TRAINING_RESET: "{actor} put a trainee's exercises back as they were ({target})",
    AuditEvent.TRANSFER_COUNCIL_ADDED: "{actor} added {target} to the register of councils for case transfers",
    AuditEvent.TRANSFER_COUNCIL_DEACTIVATED: "{actor} took {target} out of the register of councils",
    AuditEvent.TRANSFER_MADE: "{actor} made {target} for another council from {related}",
    AuditEvent.TRANSFER_PACKAGE_DOWNLOADED: "{actor} downloaded the package of {target}",
    AuditEvent.TRANSFER_VIEWED: "{actor} viewed {target} from another council",
    AuditEvent.TRANSFER_IMPORTED: "{actor} opened {target} from another council",
    AuditEvent.TRANSFER_RECEIVED: "{actor} received {target} from another council as {related}",
    AuditEvent.TRANSFER_RECEIPT_DOWNLOADED: "{actor} downloaded the receipt for {target}",
    AuditEvent.TRANSFER_RECEIPT_RECORDED: "{actor} recorded the receiving council's receipt for {target}",
    AuditEvent.TRANSFER_REFUSED: "{actor} was refused a transfer file ({refusal}) said to be from {target}",
}

# How an object type reads in a sentence: "child 123", "case 45". Others read as their model name.
OBJECT_NOUNS: dict[str, str] = {
    "people.child": "child",
    "people.carer": "carer",
    "cases.case": "case",
    "cases.referral": "referral",
    "cases.enquiry": "enquiry",
    "cases.note": "file note",
    "cases.document": "document",
    "cases.decision": "decision",
    "accounts.user": "user",
    "privacy.disclosure": "disclosure",
    "privacy.accesspurpose": "stated purpose",
    "schools.rollreturn": "school return",
    "schools.returnimport": "file of returns",
    "matching.datasource": "data source",
    "matching.sourceimport": "source import",
    "matching.matchrun": "match run",
    "matching.matchcandidate": "match candidate",
    "transfers.council": "council",
    "transfers.outgoingtransfer": "case transfer",
    "transfers.incomingtransfer": "case transfer received",
}

# The privacy notice's purposes (cme.privacy.enums.Purpose codes; a test keeps the two in step) as the end of a
# sentence: "… viewed the record of child 123 to find where the child is".
PURPOSE_PHRASES: dict[str, str] = {
    "administer_service": "to administer the service",
    "support_decisions": "to make decisions about support",
    "identify_cme": "to identify children missing education",
    "locate": "to find where the child is",
    "staff_training": "for staff training",
    "safeguarding": "to safeguard a child or use legal powers",
    "analytics": "for analysis to plan support",
    "equal_opportunities": "for equal opportunities monitoring",
}


def object_phrase(object_type: str, object_id: str) -> str:
    """'child 123' for ("people.child", "123"); '' when there is no object."""
    if not object_type:
        return ""
    noun = OBJECT_NOUNS.get(object_type, object_type.partition(".")[2].replace("_", " "))
    return f"{noun} {object_id}".strip()


def audit_sentence(
    entry: AuditEntry, *, actor_name: str | None = None, purpose_phrases: Mapping[str, str] | None = None
) -> str:
    """One plain-English sentence for `entry`, e.g. 'Olivia Okafor viewed the record of child 123 to find where the
    child is: “school says the family moved” (fields: address, date of birth).'

    `actor_name` replaces the username the entry holds (pass the person's display name when you have it). Personal
    detail comes from the entry's detail row when it is still held; when retention has erased it, the sentence says
    so. Read `entry.detail` through `select_related("detail")` to avoid a query per entry.
    """
    detail = entry.detail_or_none
    detail_data = detail.data_dict if detail is not None else {}
    payload = entry.payload_data
    actor = actor_name or entry.actor_username or ""
    if not actor:
        tried = detail_data.get("username")
        actor = f"Someone signing in as “{tried}”" if tried else "Someone"
    values = {
        **{key: value for key, value in payload.items() if isinstance(key, str)},
        "actor": actor,
        "target": object_phrase(entry.target_type, entry.target_id) or "a record",
    }
    values.setdefault("count", "some")
    sentence = SENTENCES.get(entry.event, "{actor}: " + entry.event).format_map(_Blank(values))

    related = object_phrase(entry.related_type, entry.related_id)
    if related and related != values["target"]:
        sentence += f" (on {related})"
    if entry.event == AuditEvent.SEARCH and "results" in payload:
        sentence += f" and saw {payload['results']} results"
    if detail is not None:
        phrases = PURPOSE_PHRASES if purpose_phrases is None else purpose_phrases
        if detail.purpose:
            sentence += " " + phrases.get(detail.purpose, f"for the purpose “{detail.purpose}”")
        if detail.purpose_text:
            sentence += f": “{detail.purpose_text}”"
        if detail.fields:
            sentence += " (fields: " + ", ".join(name.replace("_", " ") for name in detail.fields) + ")"
        if detail_data.get("method") == "single sign-on" and detail_data.get("reason"):
            sentence += f" with single sign-on: “{detail_data['reason'].rstrip('.')}”"
    elif entry.detail_hash:
        sentence += " (details erased under the retention rules)"
    return sentence + "."


class _Blank(dict):
    """A format map that leaves a missing key blank rather than failing: an old entry may lack a newer payload key."""

    def __missing__(self, key: str) -> str:
        return ""

"""Writes for casework. Callers write `from cme.cases.services import case_close`."""

from .cases import (
    case_close,
    case_details_correct,
    case_escalate,
    case_reallocate,
    case_reopen,
    case_set_risk,
    case_start_sao,
    case_status_change,
)
from .documents import DocumentRefused, document_download_open, document_upload
from .enquiries import enquiry_record_response, enquiry_request
from .evidence import case_evidence_add
from .notes import note_add, note_correct
from .referrals import referral_accept, referral_create, referral_no_further_action

__all__ = [
    "DocumentRefused",
    "case_close",
    "case_details_correct",
    "case_escalate",
    "case_evidence_add",
    "case_reallocate",
    "case_reopen",
    "case_set_risk",
    "case_start_sao",
    "case_status_change",
    "document_download_open",
    "document_upload",
    "enquiry_record_response",
    "enquiry_request",
    "note_add",
    "note_correct",
    "referral_accept",
    "referral_create",
    "referral_no_further_action",
]

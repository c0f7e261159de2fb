"""Writes for casework. Callers write `from cme.cases.services import case_close`."""

from .attendance_orders import attendance_order_start, attendance_order_step_record
from .cases import (
    Destination,
    case_close,
    case_details_correct,
    case_escalate,
    case_reallocate,
    case_reopen,
    case_set_risk,
    case_start_sao,
    case_status_change,
    closure_destination,
)
from .documents import DocumentRefused, document_download_open, document_upload
from .enquiries import enquiry_record_response, enquiry_request
from .evidence import case_evidence_add
from .letters import (
    letter_generate,
    letter_mark_sent,
    letter_template_get,
    letter_template_reset,
    letter_template_save,
)
from .notes import note_add, note_correct
from .referrals import referral_accept, referral_create, referral_no_further_action
from .signoff import CloseResult, case_close_or_ask, sign_off_approve, sign_off_reasons, sign_off_send_back

__all__ = [
    "CloseResult",
    "Destination",
    "DocumentRefused",
    "attendance_order_start",
    "attendance_order_step_record",
    "case_close",
    "case_close_or_ask",
    "case_details_correct",
    "case_escalate",
    "case_evidence_add",
    "case_reallocate",
    "case_reopen",
    "case_set_risk",
    "case_start_sao",
    "case_status_change",
    "closure_destination",
    "document_download_open",
    "document_upload",
    "enquiry_record_response",
    "enquiry_request",
    "letter_generate",
    "letter_mark_sent",
    "letter_template_get",
    "letter_template_reset",
    "letter_template_save",
    "note_add",
    "note_correct",
    "referral_accept",
    "referral_create",
    "referral_no_further_action",
    "sign_off_approve",
    "sign_off_reasons",
    "sign_off_send_back",
]

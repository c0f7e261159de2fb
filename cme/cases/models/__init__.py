"""Casework models; import them from here (`from cme.cases.models import Case`)."""

from .attendance_order import AttendanceOrder, AttendanceOrderStep
from .case import Case
from .decision import Decision
from .document import Document, DocumentDownload
from .enquiry import Enquiry, EnquiryChase
from .letter import Letter, LetterTemplate
from .note import Note
from .partner_referral import PartnerReferral
from .referral import Referral
from .signoff import SignOffRequest

__all__ = [
    "AttendanceOrder",
    "AttendanceOrderStep",
    "Case",
    "Decision",
    "Document",
    "DocumentDownload",
    "Enquiry",
    "EnquiryChase",
    "Letter",
    "LetterTemplate",
    "Note",
    "PartnerReferral",
    "Referral",
    "SignOffRequest",
]

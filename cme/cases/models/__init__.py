"""Casework models; import them from here (`from cme.cases.models import Case`)."""

from .case import Case
from .decision import Decision
from .document import Document, DocumentDownload
from .enquiry import Enquiry
from .note import Note
from .referral import Referral
from .signoff import SignOffRequest

__all__ = ["Case", "Decision", "Document", "DocumentDownload", "Enquiry", "Note", "Referral", "SignOffRequest"]

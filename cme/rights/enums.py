"""Codes for rights requests: the kinds of request, where they came from, how identity was checked, how they ended."""

from django.db import models


class RequestKind(models.TextChoices):
    """The rights the privacy notice names (UK GDPR Arts. 15-18 and 21) and a complaint (DPA 2018 s.164A)."""

    ACCESS = "access", "Access to their information"
    RECTIFICATION = "rectification", "Correction of their information"
    ERASURE = "erasure", "Erasure of their information"
    RESTRICTION = "restriction", "Restriction of the use of their information"
    OBJECTION = "objection", "Objection to the use of their information"
    COMPLAINT = "complaint", "Complaint about how their information is handled"


class Channel(models.TextChoices):
    RECORDED = "recorded", "Recorded by the council (letter, email, phone, in person)"
    PUBLIC_FORM = "public_form", "The \u201ctell us something is wrong\u201d form"


class RequesterRole(models.TextChoices):
    SELF = "self", "The person the information is about"
    PARENT = "parent", "A parent or carer of the child"
    REPRESENTATIVE = "representative", "Someone acting for them (a solicitor, an advocate)"
    OTHER = "other", "Someone else"


class IdentityCheck(models.TextChoices):
    NOT_CHECKED = "not_checked", "Not checked yet"
    KNOWN = "known", "Already known to the service (matches what we hold)"
    DOCUMENTS = "documents", "Documents seen"
    NOT_NEEDED = "not_needed", "Not needed for this request"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAUSED = "paused", "Clock stopped"
    CLOSED = "closed", "Closed"


class PauseReason(models.TextChoices):
    IDENTITY = "identity", "Waiting for proof of identity"
    CLARIFICATION = "clarification", "Waiting for clarification of the request"


class Outcome(models.TextChoices):
    GRANTED = "granted", "Granted"
    PARTLY = "partly", "Granted in part"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn by the requester"
    UPHELD = "upheld", "Complaint upheld"
    NOT_UPHELD = "not_upheld", "Complaint not upheld"


COMPLAINT_OUTCOMES = (Outcome.UPHELD, Outcome.PARTLY, Outcome.NOT_UPHELD, Outcome.WITHDRAWN)
REQUEST_OUTCOMES = (Outcome.GRANTED, Outcome.PARTLY, Outcome.REFUSED, Outcome.WITHDRAWN)


class IcoStage(models.TextChoices):
    NONE = "", "Not taken to the ICO"
    TOLD = "told", "Told of the right to complain to the ICO"
    REFERRED = "referred", "Complained to the ICO"
    CLOSED = "closed", "The ICO has decided"

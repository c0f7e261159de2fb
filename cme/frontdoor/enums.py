"""Code sets for the front door."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    PUBLIC = "public", "A member of the public"
    PROFESSIONAL = "professional", "A professional"


class ReportState(models.TextChoices):
    RECEIVED = "received", "Waiting for an officer"
    REFERRED = "referred", "Became a referral"
    ADDED_TO_CASE = "added_to_case", "Added to the child's open case"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class SharingBasis(models.TextChoices):
    """The lawful basis on which a professional shares what they know with the council (UK GDPR Art. 6, domain.md
    13.1): the privacy catalogue's bases (cme.privacy.enums.LawfulBasis), in words a professional would choose from."""

    PUBLIC_TASK = "public_task", _("Public task (UK GDPR Article 6(1)(e)): my organisation's public functions")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (UK GDPR Article 6(1)(c)): a duty in law to share")
    VITAL_INTERESTS = "vital_interests", _("Vital interests (UK GDPR Article 6(1)(d)): to protect the child's life")

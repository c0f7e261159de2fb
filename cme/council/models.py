"""The council's settings, one row, editable by the system administrator."""

from django.conf import settings
from django.db import models

from cme.common.models import TimestampedModel


def default_council_name() -> str:
    return settings.CME_COUNCIL_NAME


class CouncilSettings(TimestampedModel):
    """What the public pages and the privacy notice say about the council. Always the row with pk 1."""

    council_name = models.CharField(max_length=150, default=default_council_name)
    service_email = models.EmailField(default="cme@example.org", help_text="The service's shared mailbox.")
    service_phone = models.CharField(max_length=30, blank=True, default="0113 496 0000")
    dpo_name = models.CharField("Data protection officer", max_length=150, default="Data Protection Officer")
    dpo_email = models.EmailField("Data protection officer's email", default="dpo@example.org")
    dpo_address = models.TextField("Data protection officer's postal address", blank=True)
    complaints_url = models.URLField("Where to complain", blank=True)
    accessibility_contact_email = models.EmailField(default="accessibility@example.org")

    class Meta:
        verbose_name_plural = "council settings"

    def __str__(self) -> str:
        return self.council_name

"""Accounting for personal data: the data catalogue, the notice and the record of processing, disclosures."""

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "cme.privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

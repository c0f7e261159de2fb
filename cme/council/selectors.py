"""Reads of the council's settings."""

from .models import CouncilSettings


def council_settings_get() -> CouncilSettings:
    """The settings row, created with defaults on first use."""
    council, _ = CouncilSettings.objects.get_or_create(pk=1)
    return council

"""Writes to the council's settings."""

from django.db import transaction

from cme.accounts.models import User

from .models import CouncilSettings
from .selectors import council_settings_get

EDITABLE_FIELDS = (
    "council_name",
    "service_email",
    "service_phone",
    "dpo_name",
    "dpo_email",
    "dpo_address",
    "complaints_url",
    "accessibility_contact_email",
)


@transaction.atomic
def council_settings_update(*, actor: User, **changes: str) -> CouncilSettings:
    """Change the named settings (any of EDITABLE_FIELDS); unknown names are a programming error."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not council settings: {sorted(unknown)}")
    council = council_settings_get()
    for name, value in changes.items():
        setattr(council, name, value)
    council.full_clean()
    council.save()
    return council

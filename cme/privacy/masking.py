"""Masking special-category and criminal-offence data for roles not cleared to see it (UK GDPR Art. 9 and 10).

Which fields are special or criminal is the catalogue's answer, not a list kept here, so a field added to the
catalogue as special is masked everywhere this is used. Who is cleared is the `privacy.view_special_category`
permission (cme/privacy/policies.py). Today only caseworkers open a child's record at all, and they are cleared;
masking is the second lock for every list, export and API response that carries such fields, so that a role given
read access later (a report, a partner view) sees that a value is withheld rather than the value.
"""

from collections.abc import Mapping

from . import catalogue

VIEW_SPECIAL_CATEGORY = "privacy.view_special_category"


def sensitive_field_names(model) -> frozenset[str]:
    """Names of `model`'s fields the catalogue marks special-category or criminal-offence."""
    return frozenset(
        entry.field for entry in catalogue.entries_for_model(model) if entry.is_special or entry.is_criminal
    )


def may_see_sensitive(user) -> bool:
    return bool(user and user.has_perm(VIEW_SPECIAL_CATEGORY))


def mask_sensitive(data: Mapping, *, model, user) -> dict:
    """`data` (one record as a mapping of field name to value) with sensitive values replaced by None for `user`
    unless they are cleared. Keys stay, so a reader can tell "withheld" from "not asked"."""
    if may_see_sensitive(user):
        return dict(data)
    hidden = sensitive_field_names(model)
    return {name: (None if name in hidden else value) for name, value in data.items()}

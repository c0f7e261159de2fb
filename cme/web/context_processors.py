"""Template context every page needs: the council, the service name, the navigation and demo mode."""

from django.conf import settings
from django.utils import timezone

from cme.council.selectors import council_settings_get

from .navigation import navigation_for


def service(request) -> dict:
    return {
        "council": council_settings_get(),
        "service_name": settings.CME_SERVICE_NAME,
        "navigation": navigation_for(request),
        "demo_mode": settings.CME_DEMO,
        "training_mode": settings.CME_TRAINING,
        "today": timezone.localdate(),
    }


# URL keywords that name a child's record, or a record that belongs to one child (cme.common.access).
_CHILD_OF = {
    "child_id": lambda value: value,
    "case_id": lambda value: (
        _model("cases", "Case").objects.filter(pk=value).values_list("child_id", flat=True).first()
    ),
    "carer_id": lambda value: list(
        _model("people", "CarerRelationship").objects.filter(carer_id=value).values_list("child_id", flat=True)
    ),
}


def _model(app_label: str, name: str):
    from django.apps import apps

    return apps.get_model(app_label, name)


def restriction(request) -> dict:
    """`restricted_record`: true on any page whose URL names a child whose records are restricted (UK GDPR Art. 18),
    or their case or carer, so that base.html shows the banner. One small query, and more only while a restriction
    is in force somewhere."""
    match = getattr(request, "resolver_match", None)
    if match is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    named = [(key, value) for key, value in match.kwargs.items() if key in _CHILD_OF]
    if not named:
        return {}
    from cme.privacy.restriction import restrictions_in_force

    in_force = restrictions_in_force()
    if not in_force:
        return {}
    children: set[int] = set()
    for key, value in named:
        found = _CHILD_OF[key](value)
        children |= set(found) if isinstance(found, list) else {found}
    return {"restricted_record": bool(children & in_force)}

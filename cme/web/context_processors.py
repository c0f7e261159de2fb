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

"""The cookies the service sets: all strictly necessary, named from settings so the page cannot drift from them."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def necessary_cookies() -> list[Cookie]:
    idle_minutes = settings.SESSION_COOKIE_AGE // 60
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            "Keeps you signed in as you move between pages.",
            f"When you close your browser, or after {idle_minutes} minutes without using the service",
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            "Stops other websites sending forms to this service in your name.",
            f"After {settings.CSRF_COOKIE_AGE // (24 * 3600)} days",
        ),
    ]

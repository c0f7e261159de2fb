"""What the home page shows each role: counts only, never a child's details."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

from cme.accounts.enums import COUNCIL_ROLES, Role
from cme.accounts.models import User
from cme.accounts.selectors import user_counts
from cme.people.selectors import child_count
from cme.schools.selectors import school_counts


@dataclass(frozen=True)
class Figure:
    label: str
    value: int


# The figures are counts over whole tables, the same for everyone who sees them, and a minute out of date is no
# loss on a home page: each server process counts at most once a minute instead of on every visit.
SUMMARY_CACHE_SECONDS = 60


def _counted(key: str, count: Callable[[], object]):
    value = cache.get(key)
    if value is None:
        value = count()
        cache.set(key, value, SUMMARY_CACHE_SECONDS)
    return value


def _register_figures() -> list[Figure]:
    schools = school_counts()
    return [
        Figure("Open schools", schools["open"]),
        Figure("Pupils on roll", schools["on_roll"]),
        Figure("Children known to the service", child_count()),
    ]


def home_summary_for(*, user: User) -> list[Figure]:
    """Aggregate figures suited to the user's role: the register for council staff, accounts for administrators."""
    figures: list[Figure] = []
    if user.role in COUNCIL_ROLES - {Role.SYSADMIN}:
        figures += _counted("cme:home:register-figures", _register_figures)
    if user.role == Role.SYSADMIN:
        users = user_counts()
        figures += [
            Figure("Active users", users["active"]),
            Figure("Deactivated users", users["inactive"]),
            Figure("Users without two-factor sign-in", users["without_two_factor"]),
        ]
    return figures

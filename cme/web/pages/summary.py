"""What the home page shows each role: counts only, never a child's details."""

from dataclasses import dataclass

from cme.accounts.enums import COUNCIL_ROLES, Role
from cme.accounts.models import User
from cme.accounts.selectors import user_counts
from cme.people.selectors import child_count
from cme.schools.selectors import school_counts


@dataclass(frozen=True)
class Figure:
    label: str
    value: int


def home_summary_for(*, user: User) -> list[Figure]:
    """Aggregate figures suited to the user's role: the register for council staff, accounts for administrators."""
    figures: list[Figure] = []
    if user.role in COUNCIL_ROLES - {Role.SYSADMIN}:
        schools = school_counts()
        figures += [Figure("Open schools", schools["open"]), Figure("Pupils on roll", schools["on_roll"])]
        figures.append(Figure("Children known to the service", child_count()))
    if user.role == Role.SYSADMIN:
        users = user_counts()
        figures += [
            Figure("Active users", users["active"]),
            Figure("Deactivated users", users["inactive"]),
            Figure("Users without two-factor sign-in", users["without_two_factor"]),
        ]
    return figures

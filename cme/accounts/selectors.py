"""Reads of accounts: pure queries, no side effects."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from .models import Organisation, Team, User


def user_list(*, search: str = "", role: str = "") -> QuerySet[User]:
    """Users for the administrator's list, with their team, school and organisation loaded in the same query."""
    users = User.objects.select_related("team", "school", "organisation")
    if role:
        users = users.filter(role=role)
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    return users


def team_list() -> QuerySet[Team]:
    return Team.objects.all()


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.all()


def user_counts() -> dict[str, int]:
    """How many users are active, deactivated, and active without a confirmed authenticator."""
    has_device = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    counts = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    counts["without_two_factor"] = User.objects.filter(is_active=True).exclude(has_device).count()
    return counts


def api_token_list(*, user: User) -> QuerySet[AuthToken]:
    """`user`'s API tokens, newest first: their id (the token's first characters), when made, when they expire."""
    return AuthToken.objects.filter(user=user).order_by("-created")

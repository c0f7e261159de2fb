"""Sign-in lockout (django-axes, AXES_HANDLER): failures counted per username and per address together.

Three locks, each lasting AXES_COOLOFF_TIME from the last failure that counts towards it:

- **this account from this address**: AXES_FAILURE_LIMIT failures for one username from one address. Someone
  guessing at an account from one machine is stopped, and the account's owner, elsewhere, can still sign in;
- **this account**: CME_LOCKOUT_ACCOUNT_FAILURES failures for one username from all addresses together, each
  address counting at most AXES_FAILURE_LIMIT. One account cannot be guessed at from many addresses, and one
  address alone can never lock an account for everyone (its share stops below the account's limit);
- **this address**: CME_LOCKOUT_ADDRESS_FAILURES failures from one address over all usernames, each username
  counting at most AXES_FAILURE_LIMIT. One machine cannot try password after password across every account.

Usernames are compared without regard to case, so "Officer" and "officer" count as one.
"""

from collections import defaultdict
from enum import StrEnum

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q


class Lock(StrEnum):
    ACCOUNT_FROM_ADDRESS = "account_from_address"
    ACCOUNT = "account"
    ADDRESS = "address"


def _capped_total(rows, key: str, cap: int) -> int:
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row[key]] += row["failures_since_start"]
    return sum(min(total, cap) for total in totals.values())


def lock_for(*, username: str | None, ip_address: str | None, since, limit: int) -> Lock | None:
    """Which lock, if any, failures since `since` put on `username` signing in from `ip_address`."""
    account_limit = max(settings.CME_LOCKOUT_ACCOUNT_FAILURES, limit + 1)
    address_limit = max(settings.CME_LOCKOUT_ADDRESS_FAILURES, limit + 1)
    wanted = Q(username__iexact=username) if username else Q(pk__in=[])
    if ip_address:
        wanted |= Q(ip_address=ip_address)
    rows = list(
        AccessAttempt.objects.filter(wanted, attempt_time__gte=since).values(
            "username", "ip_address", "failures_since_start"
        )
    )
    for row in rows:
        row["username"] = (row["username"] or "").lower()
    name = (username or "").lower()
    mine = [row for row in rows if username and row["username"] == name]
    if sum(row["failures_since_start"] for row in mine if row["ip_address"] == ip_address) >= limit:
        return Lock.ACCOUNT_FROM_ADDRESS
    if _capped_total(mine, "ip_address", limit) >= account_limit:
        return Lock.ACCOUNT
    from_address = [row for row in rows if ip_address and row["ip_address"] == ip_address]
    if _capped_total(from_address, "username", limit) >= address_limit:
        return Lock.ADDRESS
    return None


class LockoutHandler(AxesDatabaseHandler):
    """django-axes's database handler with the three locks above; the lock found is left on `request.cme_lock`."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        lock = lock_for(
            username=get_client_username(request, credentials),
            ip_address=getattr(request, "axes_ip_address", None),
            since=get_cool_off_threshold(request),
            limit=limit,
        )
        request.cme_lock = lock
        # axes compares this number with AXES_FAILURE_LIMIT: at the limit means locked.
        return limit if lock else 0

"""Flood limits for forms anyone may send without signing in (the front door, "tell us something is wrong").

Counts are kept in Django's configured cache (settings.CACHES, from CME_CACHE_URL), so that they hold across every
gunicorn worker when the cache is shared (Redis, or the database cache); with the default local-memory cache each
worker process counts on its own, so the limit an address meets is at most the limit times the workers
(docs/security.md, "The public forms"). No CAPTCHA: it would shut out people who use assistive technology.
"""

from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def flood_count(*, form: str, address: str, window: int = WINDOW_SECONDS) -> int:
    """Count one more sending of `form` from `address` in the current window, and return the count so far.

    `cache.add` starts the window only if no count exists (atomic on Redis, Memcached and the database cache), and
    `cache.incr` is atomic where the backend's is."""
    key = f"cme:flood:{form}:{address}"
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # the count expired between add and incr: start again
        cache.add(key, 1, window)
        return 1


def flood_seen(*, form: str, address: str) -> int:
    """How many sendings of `form` from `address` are counted in the current window (without counting one)."""
    return int(cache.get(f"cme:flood:{form}:{address}") or 0)

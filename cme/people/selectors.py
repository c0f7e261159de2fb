"""Reads of people: pure queries, no side effects."""

from .models import Child


def child_count() -> int:
    """How many children the service holds a record for (a number, never a list)."""
    return Child.objects.count()

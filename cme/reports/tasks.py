"""Daily work for reports: the school population's group counts for today, so that the first equal-opportunities
page of the day does not wait for 50,000 sealed values to be opened."""

from django.utils import timezone
from django_tasks import task


@task()
def population_baseline_daily() -> int:
    """Work out today's school population baseline; returns how many children it counts."""
    from .equalities import population_baseline_refresh

    return population_baseline_refresh(on_date=timezone.localdate()).children

"""Abstract base models shared by the domain apps."""

from django.db import models


class TimestampedModel(models.Model):
    """Adds `created_at` and `updated_at`, set by the database layer on insert and save."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class DailyTaskRun(models.Model):
    """One row per daily background task (`CME_DAILY_TASKS`): the day it was last enqueued.

    Every worker checks the list now and then; whichever first moves a task's `last_run_on` to today (one
    conditional UPDATE, atomic on any database) enqueues it, so each runs once a day however many workers there are.
    """

    task_path = models.CharField(max_length=200, unique=True, help_text="Dotted path of the django-tasks task.")
    last_run_on = models.DateField(null=True, blank=True, help_text="The council's local date it last ran.")
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.task_path}: last run {self.last_run_on}"

"""What reports keep: the school population's group counts for a day (so that equal-opportunities figures need not
open 50,000 children's sealed values on every page view), and the register of pseudonymised extracts."""

from django.conf import settings
from django.db import models


class PopulationBaseline(models.Model):
    """Counts of the children on a school roll on `on_date`, by sex, ethnic group, SEN provision and year group.

    Aggregates only: no child's value is kept. Worked out by `population_baseline_refresh` (daily, and on first
    use for a day) from one bulk read that opens the sealed columns in memory."""

    on_date = models.DateField(unique=True)
    children = models.PositiveIntegerField()
    figures = models.JSONField(help_text="{dimension: {group: count}}")
    computed_at = models.DateTimeField(auto_now=True)
    seconds = models.FloatField(help_text="How long working it out took.")

    class Meta:
        ordering = ["-on_date"]

    def __str__(self) -> str:
        return f"School population on {self.on_date}: {self.children}"


class StudyExtract(models.Model):
    """A pseudonymised extract written for an approved study: who approved it, for what, what it holds and where."""

    study = models.CharField(max_length=200, help_text="The study's name.")
    recipient = models.CharField(max_length=200, help_text="Who receives the extract (team or organisation).")
    purpose = models.TextField(help_text="What the study is for, as approved.")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    directory = models.CharField(max_length=500, help_text="Where the files were written.")
    children = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(default=0)
    files = models.JSONField(default=dict, help_text="{file name: SHA-256}")
    key_id = models.CharField(max_length=16, help_text="Fingerprint of the pseudonym key (not the key).")
    seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Extract {self.pk} for {self.study}"

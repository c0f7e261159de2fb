"""Abstract base models shared by the domain apps."""

from django.db import models


class TimestampedModel(models.Model):
    """Adds `created_at` and `updated_at`, set by the database layer on insert and save."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

"""The training site's marker, and each trainee's copy of the scenario records."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TrainingSite(models.Model):
    """Written once, by `cme training setup`, on an empty database it has filled with the synthetic borough.

    Its presence is what lets a training installation (CME_TRAINING=1) start: a database that holds real records
    was never made by the setup, so it has no marker and the training site refuses it. `templates` keeps what the
    scenarios copy for each trainee (a match candidate as the demo match run proposed it), as it was at setup.
    """

    made_at = models.DateTimeField(auto_now_add=True)
    seed = models.IntegerField(help_text="The seed the synthetic borough was generated from.")
    children = models.PositiveIntegerField(help_text="How many made-up children the borough holds.")
    templates = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(name="one_training_site_marker", condition=Q(pk=1))]

    def __str__(self) -> str:
        return f"Training site made {self.made_at:%d %B %Y}"


class TraineeScenario(models.Model):
    """A trainee's own copy of the scenario records: which rows were made for them, to check and to put back."""

    trainee = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    made_at = models.DateTimeField(help_text="When this copy was made (or last put back).")
    records = models.JSONField(
        default=dict, help_text="Ids of the rows made for the trainee: children, returns and the match candidate."
    )
    resets = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Training scenarios of user {self.trainee_id}"

"""Which database a training installation may serve, checked before gunicorn or the worker serves anything."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

NOT_A_TRAINING_DATABASE = (
    "CME_TRAINING=1, but this database was not made by `cme training setup`, so it may hold real records: the "
    "training site refuses to start on it. Give the training site a database of its own and run `cme training setup`."
)
A_TRAINING_DATABASE = (
    "This database was made by `cme training setup` and holds only made-up records: a live installation refuses to "
    "start on it. Set CME_TRAINING=1 to serve it as the training site, or point DATABASE_URL at the live database."
)


def is_training_database() -> bool:
    from .models import TrainingSite

    try:
        return TrainingSite.objects.filter(pk=1).exists()
    except DatabaseError:  # not migrated yet: no marker
        return False


def training_database_check() -> None:
    """Raise ImproperlyConfigured when the installation and the database disagree about being a training site."""
    marked = is_training_database()
    if settings.CME_TRAINING and not marked:
        raise ImproperlyConfigured(NOT_A_TRAINING_DATABASE)
    if marked and not settings.CME_TRAINING:
        raise ImproperlyConfigured(A_TRAINING_DATABASE)

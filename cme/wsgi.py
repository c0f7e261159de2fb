"""WSGI entry point for gunicorn: `gunicorn cme.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
application = get_wsgi_application()

# A training installation serves only a database made for training, and a live one never serves that database:
# each gunicorn worker checks before it answers anything (it fails to boot otherwise, and gunicorn stops).
from cme.training.guard import training_database_check  # noqa: E402 - needs the settings loaded above

training_database_check()
connections.close_all()

"""Test settings: cme's own settings in their development posture, with fast hashing and tasks run at once."""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("CME_VAR_DIR", tempfile.mkdtemp(prefix="cme-test-var-"))

from cme.settings import *  # noqa: F403

# Hashing passwords with Argon2 in every test would dominate the run; test_sign_in checks production uses Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A real OpenID Connect provider for the single sign-on tests (tests/accounts/oidc_provider.py mounts its URLs in a
# test URLconf only). It is never installed in production: django-oauth-toolkit is a dev extra.
INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider"]  # noqa: F405

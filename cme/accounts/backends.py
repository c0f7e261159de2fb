"""Signing in with a username and password, without Django's permission tables.

Every permission in cme comes from the user's role through `rules` (each app's policies.py). Django's ModelBackend
would also look up per-user and group permissions, two queries on the first permission check of every request,
for tables cme never fills (users have no groups or direct permissions). This backend authenticates exactly as
ModelBackend does and grants nothing.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.CME_PASSWORD_SIGN_IN:
            return None  # single sign-on only (CME_PASSWORD_SIGN_IN=0)
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

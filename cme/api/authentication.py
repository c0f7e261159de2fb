"""Token authentication (django-rest-knox), refusing a malformed token before it reaches the database.

knox decodes the token as UTF-8 and looks its first characters up: a header with a byte that is not UTF-8, or a NUL
(which PostgreSQL refuses in any text), answered 500. A knox token is hexadecimal, after an optional prefix; anything
else is answered like any other wrong token: 401.
"""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

TOKEN_SHAPE = re.compile(rb"[A-Za-z0-9_-]{1,256}")


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        if not TOKEN_SHAPE.fullmatch(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme for this class, as drf-spectacular describes knox's own (`knoxApiToken`)."""

    target_class = "cme.api.authentication.TokenAuthentication"

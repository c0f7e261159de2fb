"""Token authentication for /api/v1/: knox's, refusing a malformed token before it reaches the database, with every
rejected token written to the audit trail.

knox decodes the token as UTF-8 and looks its first characters up: a header with a byte that is not UTF-8, or a NUL
(which PostgreSQL refuses in any text), answered 500. A knox token is hexadecimal, after an optional prefix; anything
else is answered like any other wrong token: 401.
"""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record

TOKEN_SHAPE = re.compile(rb"[A-Za-z0-9_-]{1,256}")
# How much of a rejected token the audit detail keeps: enough for the DPO to tell tokens apart (knox looks tokens up
# by their first 15 characters, which it stores in the clear), never enough to sign in with.
TOKEN_PREFIX_KEPT = 8


class AuditedTokenAuthentication(KnoxTokenAuthentication):
    """Knox's `Authorization: Token …` check. A token that is refused (unknown, expired, malformed, or its user
    deactivated) answers 401 as before, and leaves a `token_rejected` entry: the user when the token names one, and
    in the erasable detail the token's first characters, the path asked for and why it was refused."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as refusal:
            _audit_rejection(request, refusal)
            raise

    def authenticate_credentials(self, token: bytes):
        if not TOKEN_SHAPE.fullmatch(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)


class AuditedTokenScheme(KnoxTokenScheme):
    """The schema describes it as knox's token scheme, which it is."""

    target_class = "cme.api.authentication.AuditedTokenAuthentication"


def _printable(text: str) -> str:
    """What may go into the audit detail: no NUL (PostgreSQL refuses it in text and JSON), no other control."""
    return "".join(character for character in text if character.isprintable())


def _audit_rejection(request, refusal: exceptions.AuthenticationFailed) -> None:
    parts = get_authorization_header(request).split()
    raw = parts[1] if len(parts) == 2 else b""
    token = _printable(raw.decode("utf-8", errors="replace"))
    actor = None
    if raw and TOKEN_SHAPE.fullmatch(raw):
        from knox.models import get_token_model

        # A token of a deactivated user is still stored: name whose it was. (Expired ones knox has just deleted.)
        found = get_token_model().objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]).first()
        actor = found.user if found is not None else None
    audit_record(
        actor=actor,
        event=AuditEvent.TOKEN_REJECTED,
        detail={
            "token_start": token[:TOKEN_PREFIX_KEPT],
            "path": _printable(request.path)[:200],
            "why": str(refusal.detail),
        },
    )

"""Token authentication for /api/v1/: knox's, with every rejected token written to the audit trail."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record

# How much of a rejected token the audit detail keeps: enough for the DPO to tell tokens apart (knox looks tokens up
# by their first 15 characters, which it stores in the clear), never enough to sign in with.
TOKEN_PREFIX_KEPT = 8


class AuditedTokenAuthentication(TokenAuthentication):
    """Knox's `Authorization: Token …` check. A token that is refused (unknown, expired, malformed, or its user
    deactivated) answers 401 as before, and leaves a `token_rejected` entry: the user when the token names one, and
    in the erasable detail the token's first characters, the path asked for and why it was refused."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as refusal:
            _audit_rejection(request, refusal)
            raise


class AuditedTokenScheme(KnoxTokenScheme):
    """The schema describes it as knox's token scheme, which it is."""

    target_class = "cme.api.authentication.AuditedTokenAuthentication"


def _audit_rejection(request, refusal: exceptions.AuthenticationFailed) -> None:
    parts = get_authorization_header(request).split()
    token = parts[1].decode("utf-8", errors="replace") if len(parts) == 2 else ""
    actor = None
    if token:
        from knox.models import get_token_model

        # A token of a deactivated user is still stored: name whose it was. (Expired ones knox has just deleted.)
        found = get_token_model().objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]).first()
        actor = found.user if found is not None else None
    audit_record(
        actor=actor,
        event=AuditEvent.TOKEN_REJECTED,
        detail={"token_start": token[:TOKEN_PREFIX_KEPT], "path": request.path[:200], "why": str(refusal.detail)},
    )

"""Single sign-on with the council's identity provider over OpenID Connect (mozilla-django-oidc).

The identity provider says who someone is; cme decides whether they may come in and what they may do:

- the account is found by the email the provider vouches for (`CME_OIDC_EMAIL_CLAIM`), case-insensitively, and must
  already exist in cme: nobody is created from a token;
- an account that is deactivated, or whose role is waiting for a second person's approval, is refused;
- nothing in the token changes the account: its role, team, school and organisation stay as cme holds them;
- the ID token must come from `CME_OIDC_ISSUER`, for this client, signed with a key from the provider's JWKS, with
  the nonce cme sent (mozilla-django-oidc checks the signature, the nonce and the state; this module the issuer).

A refusal is recorded by the failed-sign-in audit entry (cme.accounts.signals), with the reason put on the request
here. Whether the provider's own MFA stands in for cme's TOTP step is read from the ID token's `amr` claim.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .enums import GrantDecision
from .models import User

logger = logging.getLogger(__name__)

REFUSAL_ATTRIBUTE = "cme_sign_in_refusal"
MFA_ATTRIBUTE = "cme_sso_mfa"
SSO_MFA_SESSION_KEY = "_cme_sso_mfa"

# Shown on the refusal page and kept in the audit entry's erasable detail.
REFUSED_NO_EMAIL = "Your council account did not share an email address with this service."
REFUSED_UNKNOWN = "There is no account in this service for your email address. Ask your system administrator for one."
REFUSED_AMBIGUOUS = "More than one account in this service has your email address. Ask your system administrator."
REFUSED_INACTIVE = "Your account in this service has been deactivated. Ask your system administrator."
REFUSED_PENDING = (
    "Your role in this service is waiting for approval by a second person. You can sign in once it is approved."
)
REFUSED_RESPONSE = "The sign-in could not be completed. Start again from the sign-in page."


def refuse(request, reason: str, *, email: str = "", user: User | None = None, check: str = "") -> None:
    """Note why a single sign-on was refused, for the audit entry and the refusal page."""
    setattr(request, REFUSAL_ATTRIBUTE, {"reason": reason, "email": email, "user": user, "check": check})
    request.session["_cme_sso_refusal"] = reason


def amr_shows_mfa(payload: dict) -> bool:
    amr = payload.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(set(amr) & set(settings.CME_OIDC_MFA_AMR))


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    """Signs in an existing, active cme account whose email the council's identity provider vouches for."""

    def authenticate(self, request, **kwargs):
        if not settings.CME_OIDC_ENABLED or request is None:
            return None
        if not (request.GET.get("code") and request.GET.get("state")):
            return None  # a password sign-in: not ours
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            # The provider refused the code (used already, expired) or could not be reached.
            logger.warning("single sign-on: the identity provider's token or userinfo call failed: %s", error)
            refuse(request, REFUSED_RESPONSE, check="token exchange failed")
        except (SuspiciousOperation, jwt.InvalidTokenError) as error:
            # A bad signature, a wrong nonce, issuer or audience, an expired ID token.
            logger.warning("single sign-on: the ID token failed its checks: %s", error)
            refuse(request, REFUSED_RESPONSE, check=f"ID token refused: {error}")
        return None

    # Every permission comes from the role through `rules`, as for password sign-ins (cme.accounts.backends).
    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)  # signature (JWKS), nonce
        if payload.get("iss") != settings.CME_OIDC_ISSUER:
            raise SuspiciousOperation("The ID token was not issued by the configured identity provider.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was not issued for this service.")
        setattr(self.request, MFA_ATTRIBUTE, amr_shows_mfa(payload))
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**self.get_userinfo(access_token, id_token, payload), **payload}
        email = str(claims.get(settings.CME_OIDC_EMAIL_CLAIM) or "").strip()
        if not email:
            refuse(self.request, REFUSED_NO_EMAIL)
            return None
        users = list(User.objects.filter(email__iexact=email)[:2])
        if not users:
            refuse(self.request, REFUSED_UNKNOWN, email=email)
            return None
        if len(users) > 1:
            refuse(self.request, REFUSED_AMBIGUOUS, email=email)
            return None
        user = users[0]
        if not user.is_active:
            refuse(self.request, REFUSED_INACTIVE, email=email, user=user)
            return None
        if user.role_grants.filter(decision=GrantDecision.PENDING).exists():
            refuse(self.request, REFUSED_PENDING, email=email, user=user)
            return None
        return user

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id, is_active=True).first()

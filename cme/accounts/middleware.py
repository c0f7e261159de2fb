"""Sign-in and two-factor gates applied to every request before any view runs (deny by default)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .oidc import SSO_MFA_SESSION_KEY


def is_api_view(view_func) -> bool:
    """DRF views authenticate with tokens and answer 401/403 themselves; a redirect would be wrong for a client."""
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view is marked `login_not_required` (public pages)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_api_view(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class TwoFactorRequiredMiddleware:
    """A signed-in user must also pass a TOTP check (or set one up) before reaching any page but the 2FA ones.

    Demo mode (CME_DEMO=1, refused by production settings) skips the check so the demo can be tried at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.CME_DEMO or is_api_view(view_func):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        if request.session.get(SSO_MFA_SESSION_KEY):
            return None  # signed in through the council's identity provider, which showed its own MFA (amr)
        if not getattr(view_func, "login_required", True) or getattr(view_func, "two_factor_exempt", False):
            return None
        target = "web:two-factor-verify" if user_has_device(user, confirmed=True) else "web:two-factor-setup"
        return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))


SESSION_RENEWED_AT = "_cme_renewed_at"


class SessionIdleRenewalMiddleware:
    """Renews a signed-in session's 30-minute idle expiry, writing the session at most once a minute.

    Saving the session on every request (Django's SESSION_SAVE_EVERY_REQUEST) would be a database write and commit on
    every page view. Renewing only when the last renewal is older than SESSION_RENEW_SECONDS keeps the idle limit
    within that many seconds of exact (a user idle for 29 minutes and a few seconds may be signed out) at a fraction
    of the writes. Sits after SessionMiddleware and AuthenticationMiddleware, so it runs before the session is saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - session.get(SESSION_RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
            session[SESSION_RENEWED_AT] = now  # marks the session modified: SessionMiddleware saves it
        return response

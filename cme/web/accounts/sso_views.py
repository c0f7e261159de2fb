"""Single sign-on pages: start at the council's identity provider, come back with a code, or be told why not.

mozilla-django-oidc does the protocol (state, nonce, PKCE, the code exchange, the ID token's signature); cme decides
who may come in (cme.accounts.oidc). The pages answer "not found" while single sign-on is not configured. Nothing
here runs script in the browser: the flow is plain redirects.
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from cme.accounts.oidc import MFA_ATTRIBUTE, REFUSED_RESPONSE, SSO_MFA_SESSION_KEY, refuse
from cme.web.mixins import PublicPageMixin

REFUSAL_SESSION_KEY = "_cme_sso_refusal"


class _SingleSignOnMixin(PublicPageMixin):
    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)

        def guarded(request, *args, **kwargs):
            # mozilla-django-oidc reads its settings when the view is made: refuse before that when it is off.
            if not settings.CME_OIDC_ENABLED:
                raise Http404("Single sign-on is not set up")
            return view(request, *args, **kwargs)

        guarded.__dict__.update(view.__dict__)
        return guarded


class SingleSignOnStartView(_SingleSignOnMixin, OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider with a fresh state, nonce and PKCE challenge."""

    def get(self, request):
        request.session.pop(REFUSAL_SESSION_KEY, None)
        return super().get(request)


class SingleSignOnCallbackView(_SingleSignOnMixin, OIDCAuthenticationCallbackView):
    """The identity provider sends the browser back here with a code (or an error) and the state cme sent."""

    def get(self, request):
        state = request.GET.get("state", "")
        if request.GET.get("code") and state not in request.session.get("oidc_states", {}):
            # Replayed, forged or from another browser: no sign-in started here with this state.
            return self._refuse_response(REFUSED_RESPONSE, detail="state not issued to this session")
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A state that does not match, or an ID token whose nonce, issuer or audience is wrong.
            return self._refuse_response(REFUSED_RESPONSE, detail="response failed its checks")

    @property
    def failure_url(self):
        return reverse(settings.LOGIN_REDIRECT_URL_FAILURE)

    def _refuse_response(self, reason: str, *, detail: str):
        refuse(self.request, reason, check=detail)
        user_login_failed.send(sender=__name__, credentials={}, request=self.request)
        return self.login_failure()

    def login_failure(self):
        if not getattr(self.request, "cme_sign_in_refusal", None) and self.request.GET.get("error"):
            # The provider answered with an error (the person cancelled, or it refused them).
            refuse(self.request, REFUSED_RESPONSE, check="the identity provider answered with an error")
            user_login_failed.send(sender=__name__, credentials={}, request=self.request)
        return super().login_failure()

    def login_success(self):
        response = super().login_success()  # django.contrib.auth.login: the session key changes here
        if getattr(self.request, MFA_ATTRIBUTE, False):
            self.request.session[SSO_MFA_SESSION_KEY] = True
        return response


class SingleSignOnRefusedView(PublicPageMixin, TemplateView):
    """Why a single sign-on did not let someone in (the reason is the one the audit entry records)."""

    template_name = "accounts/sso_refused.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reason=self.request.session.get(REFUSAL_SESSION_KEY, ""),
            provider_name=settings.CME_OIDC_PROVIDER_NAME,
            **kwargs,
        )

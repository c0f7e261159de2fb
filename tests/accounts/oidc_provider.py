"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in OIDC mode, standing in for
the council's Entra ID.

Mounted only in this test URLconf (cme's own URLs plus the provider's under /idp/), never in cme.urls. The provider's
people are rows of the same user table (django-oauth-toolkit needs AUTH_USER_MODEL), but with no email of their own:
the email, and the `amr` claim, that the provider vouches for come from DIRECTORY, the provider's own directory. So
cme matches its accounts only by the email in the token, as it would against Entra ID.
"""

from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import URLPattern, include, path
from django.utils.html import escape
from oauth2_provider import urls as provider_urls
from oauth2_provider import views as provider_views
from oauth2_provider.oauth2_validators import OAuth2Validator

import cme.urls

LOGIN_PATH = "/idp/login/"

# The provider's directory: its username -> the claims it vouches for ({"email": …, "amr": [...]}).
DIRECTORY: dict[str, dict] = {}


class DirectoryValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid"}

    def get_additional_claims(self, request):
        return DIRECTORY.get(request.user.username, {})


def _provider_view(view):
    """The provider's pages are outside cme: neither cme's sign-in nor its two-factor step guards them."""
    view = login_not_required(view)
    view.two_factor_exempt = True
    return view


class ProviderAuthorizationView(provider_views.AuthorizationView):
    login_url = LOGIN_PATH


@login_not_required
def provider_login(request):
    """The provider's own sign-in form (username and password), then on to the authorization request."""
    next_url = request.GET.get("next") or request.POST.get("next") or "/"
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
        if user is not None:
            login(request, user)
            return HttpResponseRedirect(next_url)
    return HttpResponse(
        f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}">'
        '<input name="username"><input name="password" type="password">'
        f'<input name="next" value="{escape(next_url)}"></form>'
    )


provider_login.two_factor_exempt = True

idp_patterns = [
    path("login/", provider_login, name="idp-login"),
    path("authorize/", _provider_view(ProviderAuthorizationView.as_view()), name="authorize"),
]
# The rest of django-oauth-toolkit's endpoints as it ships them: token, userinfo, JWKS, discovery.
for pattern in provider_urls.urlpatterns:
    if pattern.name in {"token", "user-info", "jwks-info", "oidc-connect-discovery-info"}:
        idp_patterns.append(URLPattern(pattern.pattern, _provider_view(pattern.callback), name=pattern.name))

urlpatterns = [
    path("idp/", include((idp_patterns, "oauth2_provider"))),
    *cme.urls.urlpatterns,
]

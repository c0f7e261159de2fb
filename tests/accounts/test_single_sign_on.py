"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit, tests/accounts/oidc_provider.py).

The whole authorization-code flow runs over HTTP against a live server: cme's endpoints are configured from the
provider's discovery document; the browser (a requests session) follows cme's redirect to the provider's
authorization endpoint, signs in there, and comes back with a code; cme exchanges it at the token endpoint over HTTP,
checks the ID token's signature against the provider's JWKS (an RSA key generated here), its nonce, issuer and
audience, and signs in the existing account the email belongs to. The provider is on "localhost" and cme on
"127.0.0.1" of the same server, so that each keeps its own session cookie, as two sites would.
"""

import json
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import clear_url_caches
from oauth2_provider.models import Application

from cme.accounts.enums import Role
from cme.accounts.grants import role_grant_request
from cme.accounts.oidc import REFUSED_INACTIVE, REFUSED_PENDING, REFUSED_RESPONSE, REFUSED_UNKNOWN
from cme.audit.events import AuditEvent
from cme.audit.formatters import audit_sentence
from cme.audit.models import AuditEntry
from tests.accounts import oidc_provider
from tests.factories.accounts import PASSWORD

CLIENT_ID = "cme-wyndley"
CLIENT_SECRET = "test-only-client-secret-2026"


@pytest.fixture
def provider(live_server, settings):
    """The provider's keys and client registration, and cme configured for it from its discovery document."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        "SCOPES": {"openid": "Sign in", "email": "Email address", "profile": "Name"},
        "OAUTH2_VALIDATOR_CLASS": "tests.accounts.oidc_provider.DirectoryValidator",
        "PKCE_REQUIRED": True,
    }
    settings.ROOT_URLCONF = "tests.accounts.oidc_provider"
    clear_url_caches()
    idp = f"{live_server.url}/idp"
    rp = live_server.url.replace("localhost", "127.0.0.1")
    Application.objects.create(
        name="cme",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{rp}/sign-in/sso/callback/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    discovery = requests.get(f"{idp}/.well-known/openid-configuration", timeout=10).json()
    settings.CME_OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "cme.accounts.oidc.CouncilOIDCBackend"]
    settings.CME_OIDC_PROVIDER_NAME = "Wyndley Borough Council account"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.CME_OIDC_ISSUER = discovery["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    oidc_provider.DIRECTORY.clear()
    # The live server's threads close their database connection after each request, so that one left waiting on a
    # kept-alive connection holds none when the test database is emptied.
    max_age = connections.settings[DEFAULT_DB_ALIAS]["CONN_MAX_AGE"]
    connections.settings[DEFAULT_DB_ALIAS]["CONN_MAX_AGE"] = 0
    yield {"idp": idp, "rp": rp}
    connections.settings[DEFAULT_DB_ALIAS]["CONN_MAX_AGE"] = max_age
    oidc_provider.DIRECTORY.clear()
    clear_url_caches()


@pytest.fixture
def new_browser():
    """A browser (its own cookies for each host), closed at the end of the test."""
    opened = []

    def _open() -> requests.Session:
        opened.append(requests.Session())
        return opened[-1]

    yield _open
    for browser in opened:
        browser.close()


@pytest.fixture
def directory(user_factory):
    """Add someone to the provider's directory: its own account there, vouching for `email` (and MFA or not)."""

    def _add(email: str, *, mfa: bool = True) -> str:
        idp_user = user_factory(email="", role=Role.ANALYST)
        idp_user.set_password(PASSWORD)
        idp_user.save()
        oidc_provider.DIRECTORY[idp_user.username] = {
            "email": email,
            "amr": ["pwd", "mfa"] if mfa else ["pwd"],
            "name": "A Name From The Provider",
        }
        return idp_user.username

    return _add


def start_and_sign_in_at_provider(browser: requests.Session, provider, idp_username: str) -> str:
    """Start single sign-on at cme, sign in at the provider, and return the callback URL the provider sends back."""
    response = browser.get(f"{provider['rp']}/sign-in/sso/", allow_redirects=False)
    assert response.status_code == 302
    authorize = response.headers["Location"]
    assert authorize.startswith(f"{provider['idp']}/authorize/")
    query = parse_qs(urlsplit(authorize).query)
    assert query["response_type"] == ["code"] and "openid" in query["scope"][0]
    assert query["state"] and query["nonce"] and query["code_challenge_method"] == ["S256"]

    response = browser.get(authorize, allow_redirects=False)  # not signed in at the provider yet
    login_url = urljoin(authorize, response.headers["Location"])
    assert urlsplit(login_url).path == oidc_provider.LOGIN_PATH
    form = browser.get(login_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    response = browser.post(
        login_url,
        data={"csrfmiddlewaretoken": token, "username": idp_username, "password": PASSWORD, "next": next_url},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    response = browser.get(urljoin(login_url, response.headers["Location"]), allow_redirects=False)
    assert response.status_code == 302
    callback = response.headers["Location"]
    assert callback.startswith(f"{provider['rp']}/sign-in/sso/callback/?")
    assert "code" in parse_qs(urlsplit(callback).query)
    return callback


def sso_sign_in(browser, provider, idp_username) -> tuple[str, requests.Response]:
    callback = start_and_sign_in_at_provider(browser, provider, idp_username)
    return callback, browser.get(callback, allow_redirects=False)


def refusals():
    entries = AuditEntry.objects.filter(event=AuditEvent.SIGN_IN_FAILED).select_related("detail").order_by("sequence")
    return [(entry, json.loads(entry.detail.data)) for entry in entries]


@pytest.mark.django_db(transaction=True)
def test_a_known_email_signs_in_with_its_cme_role_and_the_providers_mfa(provider, new_browser, directory, user_factory):
    user = user_factory(email="Sam.Okafor@wyndley.example", role=Role.CME_MANAGER, first_name="Sam")
    idp_username = directory("sam.okafor@wyndley.example")  # the provider's case differs: matched regardless
    browser = new_browser()

    _, response = sso_sign_in(browser, provider, idp_username)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = browser.get(f"{provider['rp']}/", allow_redirects=False)
    assert home.status_code == 200  # the provider's MFA (amr) stands in for cme's TOTP step
    account = browser.get(f"{provider['rp']}/account/")
    assert account.status_code == 200
    assert "CME manager" in account.text
    user.refresh_from_db()
    assert (user.role, user.first_name) == (Role.CME_MANAGER, "Sam")  # nothing from the token changes the account
    assert AuditEntry.objects.filter(event=AuditEvent.SIGN_IN, actor_id=user.pk).exists()
    assert not refusals()


@pytest.mark.django_db(transaction=True)
def test_without_mfa_at_the_provider_cme_asks_for_its_own_two_factor_step(
    provider, new_browser, directory, user_factory
):
    user_factory(email="pat.lee@wyndley.example", role=Role.CME_OFFICER)
    browser = new_browser()

    _, response = sso_sign_in(browser, provider, directory("pat.lee@wyndley.example", mfa=False))

    assert response.status_code == 302
    home = browser.get(f"{provider['rp']}/", allow_redirects=False)
    assert home.status_code == 302
    assert home.headers["Location"].startswith("/account/two-factor/set-up/")


@pytest.mark.django_db(transaction=True)
def test_an_unknown_email_is_refused_with_a_clear_page_and_audited(provider, new_browser, directory, user_factory):
    user_factory(email="someone.else@wyndley.example")
    browser = new_browser()

    _, response = sso_sign_in(browser, provider, directory("new.starter@wyndley.example"))

    assert response.headers["Location"] == "/sign-in/sso/refused/"
    page = browser.get(f"{provider['rp']}/sign-in/sso/refused/")
    assert "There is no account in this service for your email address" in page.text
    assert browser.get(f"{provider['rp']}/account/", allow_redirects=False).headers["Location"].startswith("/sign-in/")
    [(entry, detail)] = refusals()
    assert entry.actor_id is None and entry.target_id == ""
    assert detail == {"method": "single sign-on", "username": "new.starter@wyndley.example", "reason": REFUSED_UNKNOWN}
    assert audit_sentence(entry) == (
        "Someone signing in as “new.starter@wyndley.example” failed to sign in with single sign-on: "
        f"“{REFUSED_UNKNOWN.rstrip('.')}”."
    )


@pytest.mark.django_db(transaction=True)
def test_an_inactive_account_is_refused(provider, new_browser, directory, user_factory):
    user = user_factory(email="left.council@wyndley.example", is_active=False)
    browser = new_browser()

    _, response = sso_sign_in(browser, provider, directory("left.council@wyndley.example"))

    assert response.headers["Location"] == "/sign-in/sso/refused/"
    assert "has been deactivated" in browser.get(f"{provider['rp']}/sign-in/sso/refused/").text
    assert browser.get(f"{provider['rp']}/account/", allow_redirects=False).status_code == 302
    [(entry, detail)] = refusals()
    assert entry.target_id == str(user.pk)
    assert detail["reason"] == REFUSED_INACTIVE


@pytest.mark.django_db(transaction=True)
def test_an_account_whose_role_waits_for_approval_is_refused(provider, new_browser, directory, user_factory, sysadmin):
    user = user_factory(email="moving.role@wyndley.example", role=Role.ANALYST)
    role_grant_request(actor=sysadmin, user=user, role=Role.CME_OFFICER)
    browser = new_browser()

    _, response = sso_sign_in(browser, provider, directory("moving.role@wyndley.example"))

    assert response.headers["Location"] == "/sign-in/sso/refused/"
    [(entry, detail)] = refusals()
    assert detail["reason"] == REFUSED_PENDING
    assert entry.target_id == str(user.pk)


@pytest.mark.django_db(transaction=True)
def test_a_replayed_callback_is_refused(provider, new_browser, directory, user_factory):
    user = user_factory(email="jo.smith@wyndley.example")
    callback, response = sso_sign_in(new_browser(), provider, directory("jo.smith@wyndley.example"))
    assert response.headers["Location"] == "/"

    # Someone who copied the callback URL (browser history, a proxy log) replays it in their own browser.
    attacker = new_browser()
    replay = attacker.get(callback, allow_redirects=False)

    assert replay.headers["Location"] == "/sign-in/sso/refused/"
    assert REFUSED_RESPONSE in attacker.get(f"{provider['rp']}/sign-in/sso/refused/").text
    assert attacker.get(f"{provider['rp']}/account/", allow_redirects=False).status_code == 302
    [(_, detail)] = refusals()
    assert detail["check"] == "state not issued to this session"
    assert AuditEntry.objects.filter(event=AuditEvent.SIGN_IN, actor_id=user.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_code_meant_for_another_sign_in_is_refused(provider, new_browser, directory, user_factory):
    """The attacker's own started sign-in (its state, nonce and PKCE verifier) with the victim's code."""
    user_factory(email="victim@wyndley.example")
    victim_callback = start_and_sign_in_at_provider(new_browser(), provider, directory("victim@wyndley.example"))
    attacker = new_browser()
    attacker_callback = start_and_sign_in_at_provider(attacker, provider, directory("victim@wyndley.example"))
    victim_code = parse_qs(urlsplit(victim_callback).query)["code"][0]
    attacker_state = parse_qs(urlsplit(attacker_callback).query)["state"][0]

    response = attacker.get(
        f"{provider['rp']}/sign-in/sso/callback/?code={victim_code}&state={attacker_state}", allow_redirects=False
    )

    assert response.headers["Location"] == "/sign-in/sso/refused/"
    assert attacker.get(f"{provider['rp']}/account/", allow_redirects=False).status_code == 302
    [(_, detail)] = refusals()
    assert detail["check"] == "token exchange failed"


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_councils_provider_beside_the_password_form(client, settings):
    settings.CME_OIDC_ENABLED = True
    settings.CME_OIDC_PROVIDER_NAME = "Wyndley Borough Council account"
    page = client.get("/sign-in/?next=/cases/").content.decode()
    assert "Sign in with Wyndley Borough Council account" in page
    assert 'href="/sign-in/sso/?next=/cases/"' in page
    assert 'name="password"' in page
    assert "script-src 'self' 'nonce-" in client.get("/sign-in/")["Content-Security-Policy"]  # the button is a link

    settings.CME_PASSWORD_SIGN_IN = False
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with Wyndley Borough Council account" in page
    assert 'name="password"' not in page


@pytest.mark.django_db
def test_passwords_can_be_turned_off_when_single_sign_on_is_on(client, settings, user_factory):
    user = user_factory()
    user.set_password(PASSWORD)
    user.save()
    settings.CME_OIDC_ENABLED = True
    settings.CME_PASSWORD_SIGN_IN = False
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_single_sign_on_pages_are_not_found_when_it_is_not_configured(client):
    assert client.get("/sign-in/sso/").status_code == 404
    assert client.get("/sign-in/sso/callback/?code=x&state=y").status_code == 404
    assert "/sign-in/sso/" not in client.get("/sign-in/").content.decode()

"""Every answer cme gives carries a Content-Security-Policy with no inline script but by nonce, and every page and API
answer (any of which may carry personal data) `Cache-Control: no-store`. Walks every URL in the project, as a visitor
and as a role that may open it, so that a new URL cannot forget."""

import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from tests.web.test_url_permissions import (  # noqa: F401 - `world` is a fixture
    MATRIX,
    ROLES,
    _api_client_for,
    url_for,
    world,
)

ROOT = Path(__file__).resolve().parent.parent.parent


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_safe_headers(response, url: str) -> None:
    directives = policy(response)
    assert directives, f"{url}: no Content-Security-Policy"
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, f"{url}: {directives}"
    assert "'unsafe-inline'" not in directives.get("style-src", directives["default-src"]), url
    assert directives["default-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"], url
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"], url
    assert "no-store" in response.headers.get("Cache-Control", ""), f"{url}: {response.headers.get('Cache-Control')}"
    if response.headers.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        allowed = {token[len("'nonce-") : -1] for token in scripts if token.startswith("'nonce-")}
        for tag in re.findall(r"<script\b[^>]*>", html):
            nonce = re.search(r'nonce="([^"]+)"', tag)
            assert "src=" in tag or (nonce and nonce.group(1) in allowed), f"{url}: a script the policy refuses: {tag}"
        assert not re.search(r"<[^>]+\sstyle\s*=", html), f"{url}: a style attribute the policy refuses"
        assert "<style" not in html, f"{url}: a style element the policy refuses"


@pytest.mark.django_db
def test_every_url_answers_a_visitor_with_the_policy_and_no_store(client, world):  # noqa: F811
    for name in MATRIX:
        url = url_for(name, world)
        assert_safe_headers(client.get(url), url)


@pytest.mark.django_db
def test_every_url_answers_a_role_that_may_open_it_with_the_policy_and_no_store(request, sign_in, world):  # noqa: F811
    by_role = defaultdict(list)
    for name, (kind, statuses) in MATRIX.items():
        role = next((role for role in ROLES if statuses[role] not in (403, 404)), "manager")
        by_role[role].append((name, kind, statuses[role]))
    for role, names in by_role.items():
        user = request.getfixturevalue(role)
        if role == "officer":
            user.team = world.team
            user.save()
        client, api_client = sign_in(user), _api_client_for(user)
        for name, kind, status in names:
            url = url_for(name, world)
            response = api_client.get(url) if kind == "api" else client.get(url)
            assert response.status_code == status, url  # the answer itself, not a refusal
            assert_safe_headers(response, url)


def test_no_template_has_an_inline_script_without_a_nonce_or_a_style_attribute():
    for template in (ROOT / "cme").rglob("templates/**/*.html"):
        if template.name.endswith("_pdf.html"):
            continue  # rendered by WeasyPrint into a PDF, never sent to a browser: no policy applies to it
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "nonce=" in tag or "src=" in tag, f"{template}: {tag}"
        assert not re.search(r"<[^>]+\sstyle\s*=", text), template
        assert "<style" not in text, template


def test_the_policy_names_a_nonce_for_scripts_and_no_unsafe_source():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    flat = [source for sources in directives.values() for source in sources]
    assert not any("unsafe" in str(source) for source in flat)
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE

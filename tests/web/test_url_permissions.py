"""Deny by default: every URL in the project, what an anonymous visitor gets, and what each role gets.

The matrix below must name every URL pattern; adding a URL without deciding who may open it fails
`test_every_url_pattern_has_an_entry_in_the_matrix`.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLE_FIXTURES

ROLES = tuple(ROLE_FIXTURES)
COUNCIL_STAFF = ("officer", "manager", "dpo", "analyst", "sysadmin")


def only(*allowed: str, granted: int = 200, refused: int = 403) -> dict[str, int]:
    return {role: granted if role in allowed else refused for role in ROLES}


def everyone(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


# url name -> (kind, {role: status for a signed-in, two-factor-verified user}).
# kind: "public" (anyone, 200 anonymous), "page" (anonymous -> sign-in), "api" (anonymous -> 401).
MATRIX = {
    "web:home": ("page", everyone()),
    "web:privacy": ("public", everyone()),
    "web:cookies": ("public", everyone()),
    "web:accessibility": ("public", everyone()),
    "web:health": ("public", everyone()),
    "web:sign-in": ("public", everyone(302)),  # a signed-in user is sent on to the home page
    "web:signed-out": ("public", everyone()),
    "web:sign-out": ("page", everyone(405)),  # sign-out is POST only
    "web:account": ("page", everyone()),
    "web:two-factor-setup": ("page", everyone(302)),  # already has an authenticator: sent to verify
    "web:two-factor-verify": ("page", everyone()),
    "web:schools:list": ("page", only(*COUNCIL_STAFF)),
    "web:schools:detail": ("page", only(*COUNCIL_STAFF)),
    "web:manage:user-list": ("page", only("sysadmin")),
    "web:manage:user-create": ("page", only("sysadmin")),
    "web:manage:user-update": ("page", only("sysadmin")),
    "web:manage:user-reset-two-factor": ("page", only("sysadmin")),
    "web:manage:user-unlock": ("page", only("sysadmin")),
    "web:manage:team-list": ("page", only("sysadmin")),
    "web:manage:team-create": ("page", only("sysadmin")),
    "web:manage:organisation-list": ("page", only("sysadmin")),
    "web:manage:organisation-create": ("page", only("sysadmin")),
    "web:manage:council-settings": ("page", only("sysadmin")),
    "api:schema": ("api", everyone()),
    "api:me": ("api", everyone()),
    "api:school-list": ("api", only(*COUNCIL_STAFF)),
    "api:school-detail": ("api", only(*COUNCIL_STAFF)),
}


def all_url_names(resolver=None, namespace: str = "") -> set[str]:
    """Every named URL pattern in the project, with its namespace (e.g. `web:manage:user-list`)."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name, so it cannot be in the matrix"
            names.add(f"{namespace}{pattern.name}")
    return names


def url_for(name: str, *, school, subject) -> str:
    kwargs = {}
    if name.endswith(("school-detail", "schools:detail")):
        kwargs = {"urn": school.urn}
    elif name.startswith("web:manage:user-") and name not in {"web:manage:user-list", "web:manage:user-create"}:
        kwargs = {"user_id": subject.pk}
    return reverse(name, kwargs=kwargs)


def test_every_url_pattern_has_an_entry_in_the_matrix():
    names = all_url_names()
    assert names - MATRIX.keys() == set(), "new URLs need a row in MATRIX: who may open them?"
    assert MATRIX.keys() - names == set(), "MATRIX names URLs that no longer exist"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_visitors_are_sent_to_sign_in_or_refused(client, name, school_factory, user_factory):
    kind, _ = MATRIX[name]
    url = url_for(name, school=school_factory(), subject=user_factory())
    response = client.get(url)
    if kind == "public":
        assert response.status_code == 200
    elif kind == "page":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:sign-in"))
    else:
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_pages_its_purpose_needs(request, sign_in, role, school_factory, user_factory):
    user = request.getfixturevalue(role)
    school, subject = school_factory(), user_factory()
    client = sign_in(user)
    api_client = _api_client_for(user)
    observed, expected = {}, {}
    for name, (kind, statuses) in MATRIX.items():
        url = url_for(name, school=school, subject=subject)
        response = api_client.get(url) if kind == "api" else client.get(url)
        observed[name], expected[name] = response.status_code, statuses[role]
    assert observed == expected


def _api_client_for(user):
    from rest_framework.test import APIClient

    from cme.accounts.services import api_token_create

    api_client = APIClient()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(actor=None, username=user.username)}")
    return api_client

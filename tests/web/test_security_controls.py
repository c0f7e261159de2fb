"""Controls docs/security.md names that no other test file owns: no open redirect (after sign-in and after the
two-factor step a `next` pointing at another site is ignored) and no cross-site scripting through what people type."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

ELSEWHERE = ["https://evil.example/", "//evil.example/", "https:evil.example", "/\\evil.example"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_sign_in_never_sends_a_person_to_another_site(client, officer, target):
    url = reverse("web:sign-in") + "?next=" + target
    response = client.post(url, {"username": officer.username, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith(("//", "/\\"))


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_two_factor_step_never_sends_a_person_to_another_site(rf, officer, target):
    from cme.web.accounts.views import TwoFactorVerifyView

    view = TwoFactorVerifyView()
    view.request = rf.get("/account/two-factor/", {"next": target})
    assert view.next_url() == settings.LOGIN_REDIRECT_URL  # the home page


SCRIPT = '<script>alert("x")</script>'


def test_what_people_type_is_shown_as_text_never_run(sign_in, user_factory, case_factory):
    from cme.accounts.enums import Role

    officer = user_factory(role=Role.CME_OFFICER)
    child = case_factory(officer=officer).child
    child.given_name, child.preferred_name = SCRIPT, '" onmouseover="alert(1)'
    child.save()
    page = sign_in(officer).get(reverse("web:children:detail", args=[child.pk])).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert 'onmouseover="alert' not in page and "&quot; onmouseover=&quot;alert(1)" in page


def test_only_the_qr_code_is_marked_safe_in_a_template():
    root = Path(__file__).resolve().parent.parent.parent / "cme"
    marked = {
        str(path.relative_to(root)): len(re.findall(r"\|\s*safe\b|autoescape off", path.read_text()))
        for path in root.rglob("templates/**/*.html")
    }
    assert {name: count for name, count in marked.items() if count} == {
        "web/templates/accounts/two_factor_setup.html": 1
    }

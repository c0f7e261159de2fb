"""No open redirect: after sign-in and after the two-factor step, a `next` pointing at another site is ignored."""

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

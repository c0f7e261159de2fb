"""Signing in and out: Argon2 hashing, GOV.UK error summaries, lockout after repeated failures, idle expiry."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

import cme.settings as production_settings
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    # tests/settings.py swaps in a fast hasher; the module the service runs with must put Argon2 first.
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_sign_in_page_signs_a_user_in_and_asks_for_two_factor(client, officer):
    response = client.post(reverse("web:sign-in"), {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith(reverse("web:two-factor-setup"))


def test_a_wrong_password_redisplays_the_form_with_an_error_summary(client, officer):
    response = client.post(reverse("web:sign-in"), {"username": officer.username, "password": "not-the-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a correct username and password" in html
    assert "<title>Error: Sign in" in html


def test_empty_fields_are_named_in_the_error_summary(client):
    html = client.post(reverse("web:sign-in"), {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in html
    assert "Enter your password" in html


def test_repeated_failures_lock_the_account_with_a_clear_message(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("web:sign-in"), {"username": officer.username, "password": "wrong-password-123"})
    response = client.post(reverse("web:sign-in"), {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "This account is locked" in html
    assert "30 minutes" in html
    assert "_auth_user_id" not in client.session  # even the right password does not get in while locked


def test_the_system_administrator_can_unlock_a_locked_account(client, sign_in, officer, sysadmin, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("web:sign-in"), {"username": officer.username, "password": "wrong-password-123"})
    sign_in(sysadmin).post(reverse("web:manage:user-unlock", args=[officer.pk]))
    client.logout()
    response = client.post(reverse("web:sign-in"), {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 302


def test_sessions_end_after_thirty_minutes_idle_and_each_request_renews_them(sign_in, officer, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = sign_in(officer)
    assert client.get(reverse("web:home")).status_code == 200
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)

    # 31 minutes of silence: the session has expired and the next request is sent to sign in.
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:sign-in"))


def test_an_active_session_is_renewed_at_most_once_a_minute(sign_in, officer):
    """The idle expiry moves with activity, but a burst of page views writes the session row once, not each time."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = sign_in(officer)
        client.get(reverse("web:home"))
        first_expiry = Session.objects.get().expire_date
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get(reverse("web:home"))
        assert Session.objects.get().expire_date == first_expiry  # not written again within the minute
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get(reverse("web:home"))
        assert Session.objects.get().expire_date == first_expiry + timedelta(seconds=61)


def test_signing_out_needs_a_post_and_ends_the_session(sign_in, officer):
    client = sign_in(officer)
    assert client.get(reverse("web:sign-out")).status_code == 405
    response = client.post(reverse("web:sign-out"))
    assert response["Location"] == reverse("web:signed-out")
    assert client.get(reverse("web:home")).status_code == 302

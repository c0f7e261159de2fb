"""Lockout counts failures per username and per address together, and the page says what is locked."""

import pytest
from django.urls import reverse

from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "wrong-password-123"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.CME_LOCKOUT_ACCOUNT_FAILURES = 6
    settings.CME_LOCKOUT_ADDRESS_FAILURES = 6


def attempt(client, username: str, password: str, address: str):
    client.logout()
    return client.post(reverse("web:sign-in"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failures_from_one_address_lock_the_account_there_only(client, officer):
    for _ in range(3):
        attempt(client, officer.username, WRONG, "203.0.113.1")
    locked = attempt(client, officer.username, PASSWORD, "203.0.113.1")
    assert locked.status_code == 429
    assert "This account is locked on this network" in locked.content.decode()
    # The owner, somewhere else, still signs in: an attacker at one address cannot lock them out.
    assert attempt(client, officer.username, PASSWORD, "198.51.100.7").status_code == 302


def test_one_address_cannot_lock_an_account_for_everyone_however_often_it_tries(client, officer):
    for _ in range(20):
        attempt(client, officer.username, WRONG, "203.0.113.1")
    assert attempt(client, officer.username, PASSWORD, "198.51.100.7").status_code == 302


def test_an_account_guessed_at_from_many_addresses_is_locked_everywhere(client, officer):
    for address in ("203.0.113.1", "203.0.113.2"):
        for _ in range(3):
            attempt(client, officer.username.upper(), WRONG, address)  # any spelling of the name counts
    locked = attempt(client, officer.username, PASSWORD, "198.51.100.7")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "This account is locked" in html and "from several different places" in html


def test_one_address_trying_many_accounts_is_locked_but_the_accounts_are_not(client, officer, manager):
    for username in ("alice", "bob"):
        for _ in range(3):
            attempt(client, username, WRONG, "203.0.113.9")
    locked = attempt(client, officer.username, PASSWORD, "203.0.113.9")
    assert locked.status_code == 429
    assert "Sign-in from your network is locked" in locked.content.decode()
    assert attempt(client, officer.username, PASSWORD, "198.51.100.7").status_code == 302


def test_a_successful_sign_in_clears_that_address_count_only(client, officer):
    for _ in range(2):
        attempt(client, officer.username, WRONG, "203.0.113.1")
    assert attempt(client, officer.username, PASSWORD, "203.0.113.1").status_code == 302
    for _ in range(2):
        attempt(client, officer.username, WRONG, "203.0.113.1")
    assert attempt(client, officer.username, PASSWORD, "203.0.113.1").status_code == 302

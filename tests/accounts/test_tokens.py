"""API tokens: listed and revoked from the command line and on "Your account"; deactivation ends them for good."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from cme.accounts.services import api_token_create, user_update
from cme.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def api_status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(reverse("api:me")).status_code


def command(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def revocations(user) -> list[str]:
    entries = AuditEntry.objects.filter(target_type="accounts.user", target_id=str(user.pk)).order_by("sequence")
    return [entry.payload_data["api_token_revoked"] for entry in entries if "api_token_revoked" in entry.payload_data]


def test_cme_token_list_shows_each_token_by_its_first_characters(officer):
    first = api_token_create(actor=None, username=officer.username)
    second = api_token_create(actor=None, username=officer.username, days=7)
    listing = command("list", officer.username)
    assert first[:15] in listing and second[:15] in listing
    assert first not in listing and second not in listing  # never the token itself
    assert "TOKEN_ID" in listing.splitlines()[0]


def test_cme_token_list_says_when_there_are_none(officer):
    assert command("list", officer.username).strip() == f"{officer.username} has no API tokens."


def test_cme_token_revoke_ends_one_token_at_once_and_is_audited(officer):
    kept = api_token_create(actor=None, username=officer.username)
    revoked = api_token_create(actor=None, username=officer.username)
    assert api_status(revoked) == 200
    output = command("revoke", revoked[:15])
    assert output.strip() == f"Revoked token {revoked[:15]} of {officer.username}."
    assert api_status(revoked) == 401
    assert api_status(kept) == 200
    assert revocations(officer) == [revoked[:15]]


def test_cme_token_revoke_all_ends_every_token_of_the_user(officer, manager):
    tokens = [api_token_create(actor=None, username=officer.username) for _ in range(3)]
    other = api_token_create(actor=None, username=manager.username)
    assert command("revoke", "--all", officer.username).strip() == f"Revoked 3 tokens of {officer.username}."
    assert [api_status(token) for token in tokens] == [401, 401, 401]
    assert api_status(other) == 200
    assert sorted(revocations(officer)) == sorted(token[:15] for token in tokens)


def test_cme_token_revoke_refuses_an_unknown_id_or_user_and_a_missing_argument():
    with pytest.raises(CommandError, match="no API token with that id"):
        command("revoke", "nosuchtoken")
    with pytest.raises(CommandError, match="no user with that username"):
        command("revoke", "--all", "nobody")
    with pytest.raises(CommandError):
        command("revoke")


def test_creating_a_token_is_audited(officer):
    token = api_token_create(actor=None, username=officer.username)
    entry = AuditEntry.objects.filter(target_id=str(officer.pk)).latest("sequence")
    assert entry.payload_data == {"api_token_created": token[:15]}


def test_a_person_sees_and_revokes_their_own_tokens_on_your_account(sign_in, officer):
    token = api_token_create(actor=None, username=officer.username)
    client = sign_in(officer)
    page = client.get(reverse("web:account")).content.decode()
    assert token[:15] in page and token not in page
    response = client.post(reverse("web:account-token-revoke"), {"token_id": token[:15]}, follow=True)
    assert f"API token {token[:15]} revoked" in response.content.decode()
    assert api_status(token) == 401
    assert revocations(officer) == [token[:15]]
    entry = AuditEntry.objects.filter(target_id=str(officer.pk)).latest("sequence")
    assert entry.actor_id == officer.pk


def test_nobody_revokes_someone_elses_token_from_their_own_account(sign_in, officer, manager):
    token = api_token_create(actor=None, username=manager.username)
    response = sign_in(officer).post(reverse("web:account-token-revoke"), {"token_id": token[:15]}, follow=True)
    assert "There is no API token with that id" in response.content.decode()
    assert api_status(token) == 200


def test_deactivating_a_user_revokes_their_tokens_for_good(sysadmin, officer):
    token = api_token_create(actor=None, username=officer.username)
    details = {"first_name": "O", "last_name": "O", "email": "o@example.org", "role": officer.role, "team": None}
    user_update(actor=sysadmin, user=officer, is_active=False, **details)
    assert not AuthToken.objects.filter(user=officer).exists()
    assert revocations(officer) == [token[:15]]
    user_update(actor=sysadmin, user=officer, is_active=True, **details)
    assert api_status(token) == 401

"""The `cme` console script: token creation, demo data, and Django's commands passed through."""

import io
from contextlib import redirect_stdout

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from cme.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    # A real `cme` run closes its database connections on exit (BaseCommand.run_from_argv); inside a test that
    # would close the connection holding the test's transaction, which PostgreSQL cannot reopen mid-transaction.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)


def test_cme_token_create_prints_a_token_that_opens_the_api(officer):
    out = io.StringIO()
    with redirect_stdout(out):
        main(["token", "create", officer.username])
    token = out.getvalue().strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("api:me")).json()["username"] == officer.username


def test_cme_token_create_names_an_unknown_user_as_the_error():
    with pytest.raises(CommandError, match="no active user"):
        call_command("token", "create", "nobody")


def test_other_arguments_pass_through_to_django_commands():
    out = io.StringIO()
    with redirect_stdout(out):
        main(["check"])
    assert "no issues" in out.getvalue()


def test_help_lists_the_subcommands():
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--help"]) == 0
    assert "cme run" in out.getvalue() and "cme demo-data" in out.getvalue() and "cme token create" in out.getvalue()


def test_cme_rights_pack_writes_a_draft_pack_for_review_and_releases_nothing(tmp_path, settings):
    from cme.privacy.models import Disclosure, SubjectAccessPack
    from tests.factories.cases import ReferralFactory

    settings.CME_DOCUMENT_ROOT = tmp_path / "documents"
    referral = ReferralFactory(source="public", referrer_name="Dorothy Fenwick")
    out = io.StringIO()
    with redirect_stdout(out):
        main(["rights", "pack", "--child", str(referral.child_id), "--output", str(tmp_path / "pack")])
    import json

    data = json.loads((tmp_path / "pack" / "pack.json").read_text())
    assert data["status"].startswith("DRAFT")
    assert "Dorothy Fenwick" not in (tmp_path / "pack" / "pack.json").read_text()
    assert {r["reason"] for r in data["redactions"]} == {"referrer_public"}
    pdf = (tmp_path / "pack" / "pack.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/Title (DRAFT - Subject access pack" in _inflated(pdf)
    assert SubjectAccessPack.objects.get().state == "draft"
    assert not Disclosure.objects.exists()


def test_cme_rights_pack_refuses_an_unknown_child(tmp_path):
    with pytest.raises(CommandError, match="no child"):
        call_command("rights", "pack", "--child", "999999", "--output", str(tmp_path))


def _inflated(pdf: bytes) -> bytes:
    """A PDF's streams inflated (WeasyPrint compresses its objects, the document's title among them)."""
    import re
    import zlib

    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)

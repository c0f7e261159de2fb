"""Production posture: no start without a secret key, no demo mode, and `check --deploy` clean."""

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# Variables a developer's or CI's shell may hold that a production deployment would not.
NOT_PRODUCTION = {
    "CME_FIELD_KEYS",
    "CME_AUDIT_KEYS",
    "CME_AUDIT_KEYS_FILE",
    "DEBUG",
    "CME_DEMO",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_cme(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run `cme` in a fresh interpreter with production-like environment variables (nothing inherited that matters)."""
    clean = {k: v for k, v in os.environ.items() if k not in NOT_PRODUCTION}
    clean.update({"CME_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cme.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", "from cme.cli import main; main()", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env() -> dict[str, str]:
    field_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    audit_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "cme.example.org",
        "CME_FIELD_KEYS": field_key,
        "CME_AUDIT_KEYS": audit_key,
    }


def test_check_deploy_passes_with_no_warnings_under_production_settings(tmp_path):
    result = run_cme("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_cme("check", tmp_path=tmp_path, ALLOWED_HOSTS="cme.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_demo_mode(tmp_path):
    result = run_cme("check", tmp_path=tmp_path, CME_DEMO="1", **production_env())
    assert result.returncode != 0
    assert "CME_DEMO=1 is for local demonstration only" in result.stderr


def test_production_settings_are_https_only_with_hsts(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0)"
    )
    env = {k: v for k, v in os.environ.items() if k not in NOT_PRODUCTION}
    env.update({"CME_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "cme.settings", **production_env()})
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True", "True", "True", "True"]


def test_production_refuses_to_start_without_field_encryption_keys(tmp_path):
    env = {k: v for k, v in production_env().items() if k != "CME_FIELD_KEYS"}
    result = run_cme("check", tmp_path=tmp_path, **env)
    assert result.returncode != 0
    assert "CME_FIELD_KEYS must be set" in result.stderr


def test_collectstatic_succeeds_under_production_settings(tmp_path):
    """WhiteNoise's manifest storage refuses the whole collection if a built file names one the build lacks (a source
    map, an image in the CSS); without the manifest every production page answers 500."""
    result = run_cme("collectstatic", "--noinput", tmp_path=tmp_path, **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    for name in ("application.css", "govuk-frontend.min.js", "accessible-autocomplete.min.js"):
        assert f"cme/build/{name}" in manifest


# --- Where `make run` ran: its settings file, which `cme` reads (issue 10, point 8) -------------------------------


def demo_settings_written(var_dir: Path) -> Path:
    """The demo settings file, written by the Makefile's own rule (the one `make run` depends on) into var_dir."""
    target = var_dir / "cme.env"
    subprocess.run(["make", "-s", f"DEMO_SETTINGS={target}", str(target)], cwd=ROOT, check=True, capture_output=True)
    return target


def test_make_run_writes_demo_settings_that_cme_reads_with_no_environment(tmp_path):
    written = demo_settings_written(tmp_path).read_text()
    assert "CME_DEMO=1" in written.splitlines()
    assert any(line.startswith("SECRET_KEY=") and len(line) > 50 for line in written.splitlines())
    assert "DEBUG" not in written  # the demo is not Django's DEBUG: no technical error pages

    probe = "from django.conf import settings as s; print(s.CME_DEMO, s.DEBUG, s.SECRET_KEY in {written!r})"
    result = run_cme("shell", "-v", "0", "-c", probe.format(written=written), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "True"]
    # The README's commands, with nothing but the file: a few that touch the database and the keys.
    for command in (["check"], ["migrate", "--noinput"], ["audit", "verify"], ["keys", "rotate", "--check"]):
        done = run_cme(*command, tmp_path=tmp_path)
        assert done.returncode == 0, f"cme {' '.join(command)}: {done.stdout}{done.stderr}"


def test_the_environment_wins_over_the_demo_settings_file(tmp_path):
    demo_settings_written(tmp_path)
    probe = "from django.conf import settings as s; print(s.SECRET_KEY)"
    result = run_cme("shell", "-v", "0", "-c", probe, tmp_path=tmp_path, SECRET_KEY="from-the-environment-" + "y" * 40)
    assert result.stdout.strip() == "from-the-environment-" + "y" * 40


def test_without_the_demo_settings_file_production_still_refuses_to_start(tmp_path):
    result = run_cme("migrate", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_demo_mode_refuses_a_host_other_than_this_machine(tmp_path):
    demo_settings_written(tmp_path)
    result = run_cme("check", tmp_path=tmp_path, ALLOWED_HOSTS="cme.example.org")
    assert result.returncode != 0
    assert "CME_DEMO=1 is for local demonstration only" in result.stderr


def test_cme_link_needs_no_settings_at_all(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(
        "id,given_name,family_name,date_of_birth,sex,address,postcode\n"
        "1,Amy,Stone,2014-05-02,F,1 High St,ZY1 2AB\n2,Amy,Stone,2014-05-02,F,1 High Street,ZY1 2AB\n"
        "3,Ben,Cole,2013-01-09,M,5 Low Rd,ZY2 3CD\n4,Cara,Moss,2015-03-03,F,9 Elm Rd,ZY3 4EF\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in NOT_PRODUCTION}
    env["CME_VAR_DIR"] = str(tmp_path)  # no settings file, no SECRET_KEY, no DJANGO_SETTINGS_MODULE
    result = subprocess.run(
        [sys.executable, "-c", "from cme.cli import main; main()", "link", "--dedupe", str(people), "--output",
         str(tmp_path / "pairs.csv")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "pairs.csv").read_text().splitlines()[:2] == [
        "left_id,right_id,match_probability,match_weight",
        "1,2,0.9944751381,7.491853096",
    ]


# --- Demo mode shows the council's own error pages (issue 10, point 9) --------------------------------------------

ERROR_PAGES_PROBE = """
from unittest import mock
from django.test import Client
client = Client(raise_request_exception=False, HTTP_HOST="localhost")
missing = client.get("/no-such-page/")
with mock.patch("cme.web.pages.views.connection") as broken:
    broken.cursor.side_effect = RuntimeError("the database is down")
    failed = client.get("/health/")
for response in (missing, failed):
    print(response.status_code, "|", response.content.decode().replace(chr(10), " "))
"""


def test_demo_mode_shows_the_councils_own_404_and_500_pages_never_djangos(tmp_path):
    demo_settings_written(tmp_path)
    assert run_cme("migrate", "--noinput", tmp_path=tmp_path).returncode == 0
    result = run_cme("shell", "-v", "0", "-c", ERROR_PAGES_PROBE, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    not_found, server_error = result.stdout.strip().splitlines()[-2:]
    assert not_found.startswith("404 |") and "Page not found" in not_found
    assert server_error.startswith("500 |") and "Sorry, there is a problem with the service" in server_error
    for page in (not_found, server_error):
        assert "Wyndley Borough Council" in page or "govuk-template" in page
        for technical in ("URLconf", "Django tried these URL patterns", "Traceback", "DEBUG = True", "RuntimeError"):
            assert technical not in page


def test_production_refuses_to_start_without_audit_keys(tmp_path):
    env = {k: v for k, v in production_env().items() if k != "CME_AUDIT_KEYS"}
    result = run_cme("check", tmp_path=tmp_path, **env)
    assert result.returncode != 0
    assert "CME_AUDIT_KEYS (or CME_AUDIT_KEYS_FILE) must be set" in result.stderr


def test_production_reads_audit_keys_from_a_key_file(tmp_path):
    env = {k: v for k, v in production_env().items() if k != "CME_AUDIT_KEYS"}
    key_file = tmp_path / "audit-keys"
    key_file.write_text("# newest first\n" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    result = run_cme(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, CME_AUDIT_KEYS_FILE=str(key_file), **env
    )
    assert result.returncode == 0, result.stderr


def test_an_audit_key_can_be_made_before_any_is_configured(tmp_path):
    env = {k: v for k, v in production_env().items() if k != "CME_AUDIT_KEYS"}
    result = run_cme("audit", "generate-key", tmp_path=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert len(base64.urlsafe_b64decode(result.stdout.strip())) == 32


ENTRA = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000"
SINGLE_SIGN_ON = {
    "CME_OIDC_CLIENT_ID": "11111111-1111-1111-1111-111111111111",
    "CME_OIDC_CLIENT_SECRET": "not-a-real-secret",
    "CME_OIDC_ISSUER": f"{ENTRA}/v2.0",
    "CME_OIDC_AUTHORIZATION_ENDPOINT": f"{ENTRA}/oauth2/v2.0/authorize",
    "CME_OIDC_TOKEN_ENDPOINT": f"{ENTRA}/oauth2/v2.0/token",
    "CME_OIDC_USERINFO_ENDPOINT": "https://graph.microsoft.com/oidc/userinfo",
    "CME_OIDC_JWKS_ENDPOINT": f"{ENTRA}/discovery/v2.0/keys",
}


def test_single_sign_on_configured_as_for_entra_id_passes_the_deploy_check(tmp_path):
    result = run_cme(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **production_env(), **SINGLE_SIGN_ON
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_single_sign_on_half_configured_or_over_plain_http_refuses_to_start(tmp_path):
    half = {key: value for key, value in SINGLE_SIGN_ON.items() if key != "CME_OIDC_JWKS_ENDPOINT"}
    result = run_cme("check", tmp_path=tmp_path, **production_env(), **half)
    assert result.returncode != 0
    assert "single sign-on also needs: CME_OIDC_JWKS_ENDPOINT" in result.stderr

    plain = {**SINGLE_SIGN_ON, "CME_OIDC_TOKEN_ENDPOINT": "http://idp.example.org/token"}
    result = run_cme("check", tmp_path=tmp_path, **production_env(), **plain)
    assert result.returncode != 0
    assert "must be https:// addresses" in result.stderr

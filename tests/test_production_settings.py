"""Production posture: no start without a secret key, no demo mode, and `check --deploy` clean."""

import base64
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

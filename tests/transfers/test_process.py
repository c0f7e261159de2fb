"""The real `cme` console script: a council makes its transfer keys and exports its public half, in processes of
their own, with nothing but the environment (no database needed)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CME = Path(sys.executable).parent / "cme"


def _cme(env: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CME), *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_console_script_makes_keys_and_exports_the_public_half(tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("CME_TRANSFER_")}
    env.update(DEBUG="1", CME_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="cme.settings")
    made = _cme(env, "transfer", "keys", "generate", str(tmp_path / "keys"))
    assert made.returncode == 0, made.stderr
    settings = dict(line.split("=", 1) for line in made.stdout.split())
    assert set(settings) == {"CME_TRANSFER_SIGNING_KEY_FILE", "CME_TRANSFER_ENCRYPTION_KEY_FILE"}

    exported = _cme(env | settings | {"CME_TRANSFER_COUNCIL_CODE": "301"}, "transfer", "keys", "export")
    assert exported.returncode == 0, exported.stderr
    card = json.loads(exported.stdout)
    assert card["code"] == "301" and len(card["signing_key_fingerprint"]) == 64
    assert "PRIVATE" not in exported.stdout and "fingerprints" in exported.stderr

    without = _cme(env, "transfer", "keys", "export")
    assert without.returncode == 1 and "CME_TRANSFER" in without.stderr and "Traceback" not in without.stderr

"""The flood limit counts in Django's configured cache, so a shared cache holds it across processes (gunicorn
workers); and the committed Polish catalogue (.mo) is the one its .po compiles to."""

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from cme.frontdoor.flood import flood_count, flood_seen

ROOT = Path(__file__).resolve().parents[2]
COUNT_IN_ANOTHER_PROCESS = """
import django, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["CME_CACHE_URL"] = sys.argv[1]
django.setup()
from cme.frontdoor.flood import flood_count
for _ in range(3):
    flood_count(form="front-door", address="192.0.2.7")
"""


def test_counts_are_per_form_and_address():
    assert [flood_count(form="front-door", address="192.0.2.1") for _ in range(3)] == [1, 2, 3]
    assert flood_count(form="front-door", address="192.0.2.2") == 1
    assert flood_count(form="something-wrong", address="192.0.2.1") == 1
    assert flood_seen(form="front-door", address="192.0.2.1") == 3


def test_a_shared_cache_holds_the_count_across_processes(tmp_path, settings):
    """Three reports counted by another process (a second gunicorn worker) are seen by this one."""
    url = f"filecache://{tmp_path}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path)}}  # fmt: skip
    subprocess.run([sys.executable, "-c", COUNT_IN_ANOTHER_PROCESS, url], cwd=ROOT, check=True, timeout=120)
    assert flood_seen(form="front-door", address="192.0.2.7") == 3
    assert flood_count(form="front-door", address="192.0.2.7") == 4


def _po_entries(path: Path) -> dict[str, str]:
    entries, text = {}, path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', msgid.group(1)))
            value = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', msgstr.group(1)))
            if key and value and "#, fuzzy" not in block:
                entries[key.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")] = (
                    value.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
                )
    return entries


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES if not code.startswith("en")])
def test_the_committed_catalogue_is_compiled_from_its_po_file(code):
    """Fresh clones need no gettext tools: the .mo is committed. After editing the .po, run
    `.venv/bin/python manage.py compilemessages` (Debian's gettext) and commit the .mo with it."""
    folder = ROOT / "locale" / code / "LC_MESSAGES"
    compiled = gettext.GNUTranslations((folder / "django.mo").open("rb"))
    entries = _po_entries(folder / "django.po")
    assert len(entries) > 100
    stale = {key: value for key, value in entries.items() if compiled.gettext(key) != value}
    assert stale == {}, "the .mo is out of date: run manage.py compilemessages and commit it"

"""Headless Chromium (Debian's package) driven by Playwright, against the live test server.

Never `playwright install`: nothing is downloaded. Where /usr/bin/chromium is missing the browser tests are
skipped with a reason on a developer's machine, and fail in CI (CI=true), so that they can never pass by not running.
"""

import pytest

# The browser and page fixtures are in tests/conftest.py, so that browser tests elsewhere (tests/transfers) share
# the one Chromium of their worker: a second Playwright in one process fails.


@pytest.fixture
def demo_borough(transactional_db, settings):
    """A small synthetic borough and the seven demo users, in demo mode (no two-factor step)."""
    from cme.demo.generator import generate_borough
    from cme.demo.loader import demo_data_load

    settings.CME_DEMO = True
    settings.AXES_ENABLED = False  # the crawl signs in many times from one address
    return demo_data_load(borough=generate_borough(seed=7, children=200, schools=6))

"""Headless Chromium (Debian's package) driven by Playwright, against the live test server.

Never `playwright install`: nothing is downloaded. Where /usr/bin/chromium is missing the browser tests are
skipped with a reason on a developer's machine, and fail in CI (CI=true), so that they can never pass by not running.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CME_CHROMIUM", "/usr/bin/chromium")
# Flags for a sandbox with no network and no display; background networking would only produce refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run the browser tests."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the same test need this.
    # Set only while the browser tests run, so no later test (or subprocess) inherits it.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_borough(transactional_db, settings):
    """A small synthetic borough and the seven demo users, in demo mode (no two-factor step)."""
    from cme.demo.generator import generate_borough
    from cme.demo.loader import demo_data_load

    settings.CME_DEMO = True
    settings.AXES_ENABLED = False  # the crawl signs in many times from one address
    return demo_data_load(borough=generate_borough(seed=7, children=200, schools=6))


@pytest.fixture
def page(browser):
    """A page in its own browser context, closed after the test so no request outlives the live server."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()

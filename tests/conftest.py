"""Shared fixtures: factories as fixtures, one user per role, and a client signed in as any of them."""

import os
import shutil

import pytest
from django.core.cache import cache
from django_otp import DEVICE_ID_SESSION_KEY
from hypothesis import settings as hypothesis_settings
from pytest_factoryboy import register

from cme.accounts.enums import Role

from .factories.accounts import OrganisationFactory, TeamFactory, TOTPDeviceFactory, UserFactory
from .factories.cases import CaseFactory, EnquiryFactory, NoteFactory, ReferralFactory
from .factories.matching import DataSourceFactory, MatchCandidateFactory, MatchRunFactory, SourceImportFactory
from .factories.people import CarerFactory, ChildFactory
from .factories.schools import EnrolmentFactory, PartTimeTimetableFactory, RollReturnFactory, SchoolFactory

# In CI the property tests draw the same examples every run, so that a run's result depends on the code alone; on a
# developer's machine they keep exploring (and keep what they find in .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

register(UserFactory)
register(TeamFactory)
register(OrganisationFactory)
register(TOTPDeviceFactory, "totp_device")
register(SchoolFactory)
register(EnrolmentFactory)
register(ChildFactory)
register(CarerFactory)
register(ReferralFactory)
register(CaseFactory)
register(EnquiryFactory)
register(NoteFactory)
register(PartTimeTimetableFactory, "part_time_timetable")
register(RollReturnFactory)

register(DataSourceFactory)
register(SourceImportFactory)
register(MatchRunFactory)
register(MatchCandidateFactory)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a row cached by one test (the council's settings, the home page's
    figures) must not outlive that test's database transaction."""
    cache.clear()
    yield
    cache.clear()


# Fixture name -> role, matching the demo usernames where they exist.
ROLE_FIXTURES = {
    "officer": Role.CME_OFFICER,
    "manager": Role.CME_MANAGER,
    "school_user": Role.SCHOOL_USER,
    "partner_user": Role.PARTNER_USER,
    "dpo": Role.DPO,
    "analyst": Role.ANALYST,
    "sysadmin": Role.SYSADMIN,
}


def _role_fixture(role: Role):
    @pytest.fixture
    def user_with_role(db, user_factory):
        return user_factory(role=role, username=f"test-{role}")

    return user_with_role


for _name, _role in ROLE_FIXTURES.items():
    globals()[_name] = _role_fixture(_role)


@pytest.fixture
def sign_in(client):
    """Sign `client` in as `user`; `two_factor=True` also marks the session as having passed the TOTP step."""

    def _sign_in(user, *, two_factor: bool = True):
        client.force_login(user, backend="cme.accounts.backends.PasswordBackend")
        if two_factor:
            device = TOTPDeviceFactory(user=user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return _sign_in


# --- Browser tests (tests/browser and any other marked `browser`): one headless Chromium per worker --------------

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
def page(browser):
    """A page in its own browser context, closed after the test so no request outlives the live server."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


# --- Spark tests (marked `spark`): one local Spark per test file -----------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    """cme's own local Spark session (Splink's similarity jar from inside the splink package, a scratch folder removed
    afterwards), stopped after the file; the linkage engine uses the active session. Skipped without Java on a
    developer's machine; with CI set a missing Java is a failure (.ci/run installs openjdk-17-jre-headless)."""
    from cme.matching.linkage.engine import spark_session_start, spark_session_stop

    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        if os.environ.get("CI"):
            pytest.fail("CI is set but there is no Java: the Spark tests need it (.ci/run installs it)")
        pytest.skip("no Java runtime here: the Spark tests need one (apt-get install openjdk-17-jre-headless)")
    session = spark_session_start()
    yield session
    spark_session_stop(session)

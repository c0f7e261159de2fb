"""The transfer pages in a real browser (Debian's Chromium): each page, its error states included, is axe-clean, and
the whole flow works with JavaScript off (plain forms and links)."""

import pytest
from django.urls import reverse

from cme.transfers.models import Council
from tests.browser.test_accessibility import violations_on
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/")


def _submit(page) -> None:
    page.locator("main form button.govuk-button, main form input[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.fixture
def demo_mode(settings):
    settings.CME_DEMO = True  # no two-factor step when signing in
    settings.AXES_ENABLED = False


def test_transfer_pages_are_accessible_and_work_without_javascript(
    browser,
    live_server,
    demo_mode,
    councils,
    transfer_case,
    officer,
    manager,
    sysadmin,
    tmp_path,
):
    base = live_server.url
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    nojs = context.new_page()
    scanner = browser.new_context().new_page()
    found = {}

    def scan(path: str) -> None:
        scanner.goto(base + path)
        found[path] = violations_on(scanner)

    # Northam's officer makes the transfer, first with a mistake.
    for each in (nojs, scanner):
        _sign_in(each, base, officer.username)
    make = reverse("web:transfers:make", args=[transfer_case.pk])
    scan(make)
    nojs.goto(base + make)
    _submit(nojs)
    assert nojs.locator(".govuk-error-summary").is_visible()
    scanner.goto(base + make)
    _submit(scanner)
    found[make + " (errors)"] = violations_on(scanner)
    nojs.select_option("#id_council", str(Council.objects.get(code="302").pk))
    nojs.fill("#id_rationale", "The family moved to Southam.")
    _submit(nojs)
    assert "Download the package" in nojs.content()
    scan(nojs.url.removeprefix(base))
    with nojs.expect_download() as download:
        nojs.click("text=Download the package")
    package = tmp_path / "package.json"
    download.value.save_as(package)

    # Southam's manager imports it, chooses the child, downloads the receipt.
    councils.be(councils.southam)
    for each in (nojs, scanner):
        _sign_in(each, base, manager.username)
    scan(reverse("web:transfers:import"))
    nojs.goto(base + reverse("web:transfers:import"))
    nojs.set_input_files("#id_file", str(package))
    _submit(nojs)
    assert "Which child is the transfer about?" in nojs.content()
    child_page = nojs.url.removeprefix(base)
    scan(child_page)
    nojs.check(f"input[name=child][value='{transfer_case.child_id}']")
    _submit(nojs)
    assert "Download the receipt" in nojs.content()
    scan(nojs.url.removeprefix(base))
    scan(reverse("web:transfers:received"))

    # The system administrator's register.
    _sign_in(scanner, base, sysadmin.username)
    scan(reverse("web:transfers:councils"))
    scan(reverse("web:transfers:council-add"))
    context.close()
    scanner.context.close()
    assert found == {path: [] for path in found}

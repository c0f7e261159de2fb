"""Every page each demo role can reach, signed in through the real sign-in page, scanned with axe-core."""

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve

from cme.demo.loader import DEMO_PASSWORD, DEMO_USERS
from tests.browser.csp import listen_for_refusals, refused_on

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/sign-in/",
    "/signed-out/",
    "/privacy/",
    "/privacy/versions/",
    "/privacy/versions/1/",
    "/cookies/",
    "/accessibility/",
]
# A page shape (URL name) is scanned a few times, not once per user or school, to keep the crawl short.
VISITS_PER_URL_NAME = 2
# Links that download a file rather than show a page: nothing to scan, and the browser would not "load" them.
DOWNLOADS = {
    "web:privacy:ropa-csv",
    "web:privacy:ropa-xlsx",
    "web:privacy:audit-csv",
    "web:privacy:retention-certificate-pdf",
    "web:privacy:sar-download",
    "web:cases:document-download",
    "web:returns:template",
    "web:matching:template",
    "web:reports:dashboard-download",
    "web:reports:equalities-download",
    "web:reports:dfe-return-csv",
    "web:reports:extract-file",
}


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base_url}/")


def reachable_pages(page, base_url: str) -> list[str]:
    """Breadth-first over same-site links from the home page, GET only (sign-out is a POST form, so never followed)."""
    seen_names: dict[str, int] = {}
    queue, visited = deque(["/"]), []
    while queue:
        path = queue.popleft()
        try:
            name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            name = path
        if name in DOWNLOADS or path in visited or seen_names.get(name, 0) >= VISITS_PER_URL_NAME:
            continue
        if path.startswith(("/api/", "/static/")):
            continue
        seen_names[name] = seen_names.get(name, 0) + 1
        visited.append(path)
        page.goto(base_url + path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urldefrag(href)[0]
            if target.startswith("/") and target not in visited:
                queue.append(target)
    return visited


def violations_on(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]]


def test_public_pages_have_no_accessibility_violations(page, live_server, demo_borough):
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(live_server.url + path)
        found[path] = violations_on(page)
    assert found == {key: [] for key in PUBLIC_PAGES}


@pytest.mark.parametrize("username", [user.username for user in DEMO_USERS])
def test_every_page_a_role_can_reach_has_no_accessibility_violations(page, live_server, demo_borough, username):
    listen_for_refusals(page)
    sign_in(page, live_server.url, username)
    pages = reachable_pages(page, live_server.url)
    assert "/account/" in pages and len(pages) >= 3
    found, refused = {}, {}
    for path in pages:
        page.goto(live_server.url + path)
        found[path] = violations_on(page)
        refused[path] = refused_on(page)  # the Content-Security-Policy refused nothing the page needs
    assert found == {key: [] for key in pages}
    assert refused == {key: [] for key in pages}
    # Only the strictly necessary cookies, whatever the role visited (the cookies page lists exactly these).
    assert {cookie["name"] for cookie in page.context.cookies()} <= {"cme_session", "cme_csrftoken"}


def test_the_service_works_with_javascript_off(browser, live_server, demo_borough):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "officer")
    page.click("text=Schools")
    page.fill("#q", "primary")
    page.click("button:has-text('Filter')")
    assert "q=primary" in page.url
    assert page.locator("table.govuk-table tbody tr").count() >= 1
    page.click("button:has-text('Sign out')")
    page.wait_for_url(f"{live_server.url}/signed-out/")
    context.close()


def test_a_form_error_is_summarised_and_linked_to_its_field(page, live_server, demo_borough):
    page.goto(live_server.url + "/sign-in/")
    page.click("button[type=submit], input[type=submit]")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    summary.locator("a", has_text="Enter your username").click()
    assert page.evaluate("document.activeElement.id") == "id_username"


def test_the_retention_pages_have_no_accessibility_violations(page, live_server, demo_borough, settings, tmp_path):
    """The demo borough has nothing due: shortened periods make a disposed batch, and a batch with a record kept out."""
    from cme.accounts.models import User
    from cme.audit.services import audit_record_read
    from cme.cases.models import Case
    from cme.council.models import RetentionPeriod
    from cme.people.models import Child
    from cme.privacy.disposal import disposal_batch_dispose
    from cme.privacy.retention import (
        RULES,
        disposal_batch_approve,
        disposal_batch_propose,
        disposal_item_exclude,
        legal_hold_place,
    )

    settings.CME_DOCUMENT_ROOT = tmp_path
    dpo = User.objects.get(username="dpo")
    RetentionPeriod.objects.create(rule="child_record", months=0)  # every child without an open case is due
    disposed = disposal_batch_approve(actor=dpo, batch=disposal_batch_propose(actor=None))
    disposal_batch_dispose(batch=disposed)
    RetentionPeriod.objects.update(months=RULES["child_record"].default_months)
    hold = legal_hold_place(actor=dpo, subject=Case.objects.first(), reason="Claim notified")
    for child in Child.objects.exclude(pk=hold.child_id)[:3]:
        audit_record_read(actor=dpo, target=child, fields=["given_name"])
    RetentionPeriod.objects.create(rule="audit_detail", months=0)  # every audit detail is due
    waiting = disposal_batch_propose(actor=None)
    disposal_item_exclude(actor=dpo, item=waiting.items.first(), reason="Complaint open")
    sign_in(page, live_server.url, "dpo")
    paths = [
        "/privacy/retention/",
        "/privacy/retention/periods/",
        "/privacy/retention/holds/",
        "/privacy/retention/holds/new/",
        f"/privacy/retention/batches/{waiting.pk}/",
        f"/privacy/retention/batches/{waiting.pk}/approve/",
        f"/privacy/retention/batches/{disposed.pk}/",
        f"/privacy/retention/batches/{disposed.pk}/certificate/",
    ]
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found[path] = violations_on(page)
    assert found == {path: [] for path in paths}


def test_adding_a_child_already_held_shows_them_side_by_side_and_stays_accessible(page, live_server, demo_borough):
    """The duplicate check's page (issue 11): the demo officer adds a child the borough already holds."""
    from cme.people.models import Child

    known = Child.objects.order_by("pk").first()
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/children/new/")
    page.fill("#id_given_name", known.given_name)
    page.fill("#id_family_name", known.family_name)
    born = known.date_of_birth
    page.fill("#id_date_of_birth_0", str(born.day))
    page.fill("#id_date_of_birth_1", str(born.month))
    page.fill("#id_date_of_birth_2", str(born.year))
    page.get_by_role("button", name="Save child").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("table.govuk-table", has_text=f"{known.given_name} {known.family_name}").is_visible()
    assert violations_on(page) == []
    page.check("input[name=same_as][value=new]")
    page.fill("#id_duplicate_reason", "A different child: checked the birth certificate")
    page.get_by_role("button", name="Save child").click()
    assert Child.objects.filter(given_name=known.given_name, family_name=known.family_name).count() >= 2

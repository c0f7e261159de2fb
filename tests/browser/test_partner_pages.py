"""The partner agency's pages (issue 18 point 3) in a real browser, scanned with axe-core: the demo partner's inbox,
an enquiry with its answer form (and its error summary), a referral; the officer's "waiting on partners" list and the
enquiry form with the partner choices. JavaScript off for the answer, as the service must work without it."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from cme.cases.models import Enquiry, PartnerReferral

from .test_accessibility import sign_in

pytestmark = pytest.mark.browser


def violations_on(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]]


def test_the_partner_pages_have_no_accessibility_violations(page, live_server, demo_borough):
    waiting = Enquiry.objects.filter(organisation__isnull=False, answered_at__isnull=True).order_by("pk").first()
    referral = PartnerReferral.objects.order_by("pk").first()
    assert waiting is not None, "the demo sends enquiries to the partner's organisation"
    sign_in(page, live_server.url, "partner")
    paths = ["/partners/", f"/partners/enquiries/{waiting.pk}/"]
    if referral is not None:
        paths.append(f"/partners/referrals/{referral.pk}/")
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found[path] = violations_on(page)
    # The answer form sent with nothing chosen: a GOV.UK error summary, itself axe-clean.
    page.goto(f"{live_server.url}/partners/enquiries/{waiting.pk}/")
    page.get_by_role("button", name="Send answer").click()
    assert page.locator(".govuk-error-summary").is_visible()
    found["answer with errors"] = violations_on(page)
    assert found == {key: [] for key in found}


def test_the_partner_answers_with_javascript_off(browser, live_server, demo_borough):
    waiting = Enquiry.objects.filter(organisation__isnull=False, answered_at__isnull=True).order_by("pk").first()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "partner")
        page.goto(f"{live_server.url}/partners/enquiries/{waiting.pk}/")
        page.check("input[name=result][value=no_trace]")
        page.get_by_role("button", name="Send answer").click()
        page.wait_for_url(f"{live_server.url}/partners/")
    finally:
        context.close()
    waiting.refresh_from_db()
    assert waiting.result == "no_trace" and waiting.answered_by.username == "partner"


def test_the_officers_partner_pages_have_no_accessibility_violations(page, live_server, demo_borough):
    case_id = Enquiry.objects.filter(organisation__isnull=False).values_list("case_id", flat=True).first()
    sign_in(page, live_server.url, "officer")
    found = {}
    for path in ("/partners/waiting/", f"/cases/{case_id}/", f"/cases/{case_id}/enquiries/new/"):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found[path] = violations_on(page)
    assert found == {key: [] for key in found}

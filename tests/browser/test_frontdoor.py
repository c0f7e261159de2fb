"""The front door in a real browser: every page of the public report and the professional referral, in English and
Polish, with its errors, scanned with axe-core as an anonymous visitor; the whole report sent with JavaScript off;
and the officers' pages for the report that arrived."""

import pytest

from tests.browser.test_accessibility import sign_in, violations_on
from tests.browser.test_accessibility import violations_on as scan

pytestmark = pytest.mark.browser

SUBMIT = "#main-content input[type=submit], #main-content button[type=submit]"


def _answer_child(page, found: dict | None, prefix: str) -> None:
    """Answer the questions about the child; scan each page with axe into `found` (None: JavaScript is off, no scan)."""

    scanning = found is not None

    def violations_on(page):
        return scan(page) if scanning else []

    found = found if scanning else {}
    page.fill("#id_child_given_name", "Aleksander")
    page.fill("#id_child_family_name", "Nowakowski")
    page.click(SUBMIT)
    found[f"{prefix} age"] = violations_on(page)
    page.fill("#id_child_age", "about 11")
    page.click(SUBMIT)
    found[f"{prefix} address"] = violations_on(page)
    page.click(SUBMIT)  # nothing entered: the error summary
    assert page.locator(".govuk-error-summary").is_visible()
    found[f"{prefix} address, with errors"] = violations_on(page)
    page.fill("#id_child_address", "Hill Road, Wyndley ZY1 2AB")
    page.click(SUBMIT)
    found[f"{prefix} school"] = violations_on(page)
    page.click(SUBMIT)
    found[f"{prefix} concerns"] = violations_on(page)
    page.fill("#id_concerns", "He has not been at school since Easter.")
    page.click(SUBMIT)
    found[f"{prefix} safety"] = violations_on(page)
    page.check("#id_safeguarding_1")
    page.fill("#id_safeguarding_details", "Out alone late at night.")
    page.click(SUBMIT)


def test_every_front_door_page_has_no_accessibility_violations(page, live_server, demo_borough):
    from cme.frontdoor.models import FrontDoorReport

    found = {}
    page.goto(live_server.url + "/report/")
    found["start"] = violations_on(page)
    page.click("text=Start now")
    found["child name"] = violations_on(page)
    _answer_child(page, found, "public")
    found["about you"] = violations_on(page)
    page.check("#id_named_1")
    page.click(SUBMIT)
    found["your details"] = violations_on(page)
    page.fill("#id_reporter_name", "Pat Neighbour")
    page.fill("#id_reporter_phone", "07700 900 982")
    page.click(SUBMIT)
    assert "/report/check/" in page.url
    found["check your answers"] = violations_on(page)
    page.click("a[href='/report/child-school/?change=1']")
    page.fill("#id_child_school", "Wyndley Primary")
    page.click(SUBMIT)
    assert "Wyndley Primary" in page.content()
    page.get_by_role("button", name="Send report").click()
    assert "Your reference" in page.content()
    found["sent"] = violations_on(page)
    report = FrontDoorReport.objects.get()
    assert report.reference in page.content()

    # The professional referral's own pages, and the Polish pages.
    page.goto(live_server.url + "/report/professional/")
    found["professional start"] = violations_on(page)
    page.click("text=Start now")
    found["professional details"] = violations_on(page)
    page.fill("#id_reporter_name", "Jo Visitor")
    page.fill("#id_reporter_organisation", "Wyndley Health Visiting")
    page.fill("#id_reporter_relationship", "Health visitor")
    page.fill("#id_reporter_email", "jo@example.nhs.uk")
    page.click(SUBMIT)
    found["lawful basis"] = violations_on(page)
    page.goto(live_server.url + "/report/?lang=pl")
    assert "Zacznij teraz" in page.content()
    found["start, in Polish"] = violations_on(page)
    page.goto(live_server.url + "/report/child-address/")
    page.click(SUBMIT)
    assert "Wystąpił problem" in page.content()
    found["address with errors, in Polish"] = violations_on(page)

    # The officer's pages for the report that arrived.
    page.goto(live_server.url + "/report/?lang=en-gb")
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/front-door/")
    assert report.reference in page.content()
    found["officers' list"] = violations_on(page)
    page.goto(live_server.url + f"/front-door/{report.pk}/")
    found["officer's decision"] = violations_on(page)
    page.goto(live_server.url + f"/front-door/{report.pk}/no-further-action/")
    found["no further action"] = violations_on(page)
    assert found == {key: [] for key in found}


def test_a_report_is_sent_with_javascript_off(browser, live_server, demo_borough):
    from cme.frontdoor.models import FrontDoorReport

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/report/")
    page.click("text=Start now")
    _answer_child(page, None, "no-js")
    page.check("#id_named_2")  # anonymous
    page.click(SUBMIT)
    assert "/report/check/" in page.url
    page.get_by_role("button", name="Send report").click()
    assert "Your reference" in page.content()
    report = FrontDoorReport.objects.get()
    assert report.is_anonymous and report.safeguarding_concern
    context.close()

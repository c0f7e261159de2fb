"""Under the Content-Security-Policy the pages still run GOV.UK Frontend's JavaScript, and the browser refuses nothing:
no inline script without the page's nonce, no inline style, no source from elsewhere. (The accessibility crawl checks
the same on every page every role reaches.)"""

import pytest

from tests.browser.csp import javascript_started, listen_for_refusals, refused_on
from tests.browser.test_accessibility import sign_in

pytestmark = pytest.mark.browser

PAGES = ["/", "/children/", "/cases/", "/referrals/", "/schools/", "/account/", "/privacy/"]


def test_pages_run_their_javascript_and_the_policy_refuses_nothing(page, live_server, demo_borough):
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    listen_for_refusals(page)
    page.goto(live_server.url + "/sign-in/")
    assert javascript_started(page) and refused_on(page) == []
    sign_in(page, live_server.url, "officer")
    refused, not_started = {}, []
    for path in PAGES:
        page.goto(live_server.url + path)
        if refused_on(page):
            refused[path] = refused_on(page)
        if not javascript_started(page):
            not_started.append(path)
    assert refused == {}
    assert not_started == []
    assert [text for text in console if "Content Security Policy" in text] == []

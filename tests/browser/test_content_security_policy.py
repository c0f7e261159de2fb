"""Under the Content-Security-Policy the pages still run GOV.UK Frontend's JavaScript, and the browser refuses nothing:
no inline script without the page's nonce, no inline style, no source from elsewhere."""

import pytest

from tests.browser.test_accessibility import reachable_pages, sign_in

pytestmark = pytest.mark.browser

LISTEN = """
window.cmeRefused = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cmeRefused.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.mark.parametrize("username", ["officer", "manager", "dpo", "sysadmin", "school", "partner"])
def test_every_page_runs_its_javascript_and_the_policy_refuses_nothing(page, live_server, demo_borough, username):
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.add_init_script(LISTEN)
    sign_in(page, live_server.url, username)
    pages = reachable_pages(page, live_server.url)
    assert len(pages) >= 3
    refused, not_started = {}, []
    for path in pages:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        if page.evaluate("window.cmeRefused.length"):
            refused[path] = page.evaluate("window.cmeRefused")
        # The js-enabled snippet (inline, by nonce) ran, and GOV.UK Frontend (a module, from 'self') started.
        started = page.evaluate(
            "document.body.classList.contains('js-enabled')"
            " && document.querySelector('[data-module=govuk-skip-link]').hasAttribute('data-govuk-skip-link-init')"
        )
        if not started:
            not_started.append(path)
    assert refused == {}
    assert not_started == []
    assert [text for text in console if "Content Security Policy" in text] == []

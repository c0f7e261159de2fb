"""Listening in the browser for what the Content-Security-Policy refuses (a `securitypolicyviolation` event)."""

LISTEN = """
window.cmeRefused = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cmeRefused.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def listen_for_refusals(page) -> None:
    """Before any page loads in `page`: record every refusal of the policy on the window."""
    page.add_init_script(LISTEN)


def refused_on(page) -> list[str]:
    return page.evaluate("window.cmeRefused || []")


def javascript_started(page) -> bool:
    """The js-enabled snippet (inline, by nonce) ran, and GOV.UK Frontend (a module from 'self') started."""
    return page.evaluate(
        "document.body.classList.contains('js-enabled')"
        " && document.querySelector('[data-module=govuk-skip-link]').hasAttribute('data-govuk-skip-link-init')"
    )

"""Every link in an error summary moves focus to the box it names: text inputs, date inputs, radios and selects."""

import pytest
from django.urls import reverse

from cme.cases.models import Case

from .test_accessibility import sign_in, violations_on

pytestmark = pytest.mark.browser


def _submit_and_follow_every_link(
    page, url: str, fill: dict[str, str] | None = None, form: str = "main form"
) -> list[str]:
    """Open `url`, fill `fill` (selector -> text), submit the page's `form`, then click each summary link in turn.

    Returns the ids focused; fails if a link focuses anything other than the element its href names.
    """
    page.goto(url)
    for selector, text in (fill or {}).items():
        page.fill(selector, text)
    page.locator(f"{form} button.govuk-button, {form} input[type=submit]").first.click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible(), f"no error summary on {url}"
    assert violations_on(page) == [], url
    links = summary.locator("a")
    focused = []
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href").removeprefix("#")
        link.click()
        active = page.evaluate("[document.activeElement.id, document.activeElement.tagName]")
        assert active == [target, page.evaluate(f"document.getElementById('{target}')?.tagName")], (url, target)
        assert active[1] in ("INPUT", "SELECT", "TEXTAREA"), (url, target, active)
        focused.append(target)
    return focused


def test_every_error_summary_link_focuses_its_box(page, live_server, demo_borough):
    base = live_server.url
    sign_in(page, base, "officer")
    child_id = Case.objects.filter(officer__username="officer").values_list("child_id", flat=True).first()
    # A referral: radios (who referred), a date input and a text area.
    focused = _submit_and_follow_every_link(page, base + reverse("web:referrals:create", args=[child_id]))
    assert {"id_source_1", "id_received_on_0"} <= set(focused)
    # A child with a date of birth that cannot be: the link goes to the box in error (the year).
    focused = _submit_and_follow_every_link(
        page,
        base + reverse("web:children:create"),
        {"#id_date_of_birth_0": "1", "#id_date_of_birth_1": "1", "#id_date_of_birth_2": "99999999999"},
    )
    assert "id_date_of_birth_2" in focused
    page.context.clear_cookies()

    sign_in(page, base, "school")
    focused = _submit_and_follow_every_link(page, base + reverse("web:returns:create", args=["deletion"]))
    assert "id_date_of_birth_0" in focused and "id_event_date_0" in focused
    page.context.clear_cookies()

    sign_in(page, base, "dpo")
    focused = _submit_and_follow_every_link(
        page,
        base + reverse("web:privacy:audit"),
        {"#id_since_0": "31", "#id_since_1": "2", "#id_since_2": "2026"},
        form="main form:has(#id_since_0)",  # the search, not the form that starts a check of the chain
    )
    assert focused == ["id_since_0"]


def test_your_account_lists_tokens_accessibly_and_revokes_one(page, live_server, demo_borough):
    from cme.accounts.services import api_token_create

    token = api_token_create(actor=None, username="officer")
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("web:account"))
    assert page.locator("table.govuk-table code").inner_text() == token[:15]
    assert violations_on(page) == []
    page.click(f"button:has-text('Revoke the token beginning {token[:15]}')")
    page.wait_for_url(live_server.url + reverse("web:account"))
    assert f"API token {token[:15]} revoked" in page.locator(".govuk-notification-banner").inner_text()
    assert "You have no API tokens" in page.content()
    assert violations_on(page) == []

"""The candidate page with its waterfall charts, and the model-over-time page with its chart, in a real browser: no
accessibility violations (axe-core), nothing refused by the Content-Security-Policy, and the same evidence with
JavaScript off (issue 16 points 4 and 5)."""

import pytest

from tests.browser.csp import listen_for_refusals, refused_on
from tests.browser.test_accessibility import sign_in, violations_on

pytestmark = pytest.mark.browser


def charted_candidates():
    """A candidate of each kind the demo run found, those with a waterfall chart (pairs or a roll entry) first."""
    from cme.matching.models import MatchCandidate

    def charts(candidate) -> int:
        evidence = candidate.evidence or {}
        roll = evidence.get("closest_roll_entry") or evidence.get("roll_entry") or {}
        return sum(1 for link in evidence.get("links", []) if link.get("field_weights")) + bool(
            roll.get("field_weights")
        )

    chosen = {}
    for candidate in sorted(MatchCandidate.objects.all(), key=lambda c: -charts(c)):
        chosen.setdefault(candidate.kind, candidate)
    return [c for c in chosen.values()], max(map(charts, chosen.values()), default=0)


def test_the_evidence_and_model_pages_have_no_accessibility_violations(page, live_server, demo_borough):
    from cme.accounts.models import User
    from cme.matching.services import candidate_dismiss

    candidates, most_charts = charted_candidates()
    assert candidates and most_charts >= 1, "the demo run should give a candidate with match weights to chart"
    candidate_dismiss(candidate=candidates[-1], actor=User.objects.get(username="officer"), rationale="Checked")
    listen_for_refusals(page)
    sign_in(page, live_server.url, "manager")
    found, refused = {}, {}
    paths = [f"/matching/candidates/{c.pk}/" for c in candidates] + ["/matching/runs/model-over-time/"]
    for path in paths:
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1
        found[path] = violations_on(page)
        refused[path] = refused_on(page)
    page.goto(live_server.url + paths[0])
    assert page.locator('svg[role="img"] title').count() >= 1
    assert page.locator("table.govuk-table", has_text="Field by field").count() >= 1
    assert found == {path: [] for path in paths}
    assert refused == {path: [] for path in paths}


def test_the_evidence_reads_the_same_with_javascript_off(browser, live_server, demo_borough):
    candidates, _ = charted_candidates()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/matching/candidates/{candidates[0].pk}/")
    charts = page.locator('svg[role="img"]')
    assert charts.count() >= 1 and charts.first.is_visible()
    assert charts.first.bounding_box()["height"] > 100  # drawn by the server, not a script
    assert page.locator("text=Raised because").count() == 1
    page.goto(f"{live_server.url}/matching/runs/")
    page.click("text=How well the matching has agreed with officers' decisions")
    assert page.locator("h1").inner_text() == "How well the matching agrees with officers' decisions"
    context.close()

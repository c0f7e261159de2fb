"""The model over time (issue 16 point 5): each decision keeps the run that proposed the candidate and how sure that
run was, so each run's tally of confirmed, dismissed and open candidates by band stays true when a later run reopens
a candidate; a page for those who review matches shows it run after run, with the thresholds explained."""

from datetime import date

import pytest
from django.urls import reverse

from cme.matching.enums import CandidateKind, MatchDecisionKind, ReviewState
from cme.matching.evidence import candidate_confidence
from cme.matching.models import MatchCandidate
from cme.matching.selectors import confidence_band, model_agreement
from cme.matching.services import candidate_confirm, candidate_dismiss
from tests.web.test_candidate_evidence_pages import technical_tokens, visible_text

pytestmark = pytest.mark.django_db


def evidence(closest: float | None) -> dict:
    roll = None if closest is None else {"school": "Wyndley Primary", "name": "A Pupil", "probability": closest,
                                         "weight": 0.0, "field_weights": []}  # fmt: skip
    return {"records": [], "links": [], "closest_roll_entry": roll}


def band_counts(agreement) -> list[tuple]:
    return [(b.label, b.confirmed, b.dismissed, b.still_open, b.not_found_again) for b in agreement.bands]


def decided(agreement) -> list[tuple]:
    return [(b.label, b.confirmed, b.dismissed) for b in agreement.bands]


def test_how_sure_a_run_was_combines_one_child_and_no_roll_entry():
    assert candidate_confidence(kind=CandidateKind.NOT_ON_ROLL, score=1.0, evidence=evidence(None)) == 1.0
    assert candidate_confidence(kind=CandidateKind.NOT_ON_ROLL, score=0.96, evidence=evidence(0.25)) == 0.72
    moved = {"roll_entry": {"probability": 0.9}}
    assert candidate_confidence(kind=CandidateKind.MOVED_AWAY, score=1.0, evidence=moved) == 0.9
    assert [confidence_band(v) for v in (0.1, 0.5, 0.79, 0.8, 0.95, 0.99, 1.0)] == [0, 1, 1, 2, 3, 4, 4]


def test_a_decision_keeps_the_run_and_how_sure_it_was(match_candidate_factory, officer):
    candidate = match_candidate_factory(evidence=evidence(0.3), score=1.0)

    decision = candidate_dismiss(candidate=candidate, actor=officer, rationale="Known to the home education team")

    assert decision.run == candidate.last_run and decision.confidence == pytest.approx(0.7)


def test_each_run_tallies_its_candidates_by_band_and_a_reopened_one_leaves_the_earlier_run_alone(
    match_run_factory, match_candidate_factory, officer, manager
):
    first = match_run_factory(on_date=date(2026, 10, 1))
    sure = [
        match_candidate_factory(first_run=first, last_run=first, evidence=evidence(None), score=1.0) for _ in range(3)
    ]
    doubtful = [
        match_candidate_factory(first_run=first, last_run=first, evidence=evidence(0.4), score=1.0) for _ in range(2)
    ]
    waiting = match_candidate_factory(first_run=first, last_run=first, evidence=evidence(0.1), score=1.0)
    for candidate in sure[:2]:
        candidate_confirm(candidate=candidate, actor=officer, rationale="Records agree", confirmed_new=True)
    candidate_dismiss(candidate=sure[2], actor=officer, rationale="Moved to Leeds, school confirmed")
    for candidate in doubtful:
        candidate_dismiss(candidate=candidate, actor=manager, rationale="On the roll at Wyndley Primary")

    (only,) = model_agreement()
    assert band_counts(only) == [("Under 50%", 0, 0, 0, 0), ("50% to 80%", 0, 2, 0, 0), ("80% to 95%", 0, 0, 1, 0),
                                 ("95% to 99%", 0, 0, 0, 0), ("99% or more", 2, 1, 0, 0)]  # fmt: skip
    assert (only.candidates, only.confirmed, only.dismissed, only.still_open) == (6, 2, 3, 1)
    assert only.share_confirmed == pytest.approx(2 / 5) and only.precision_at_threshold == pytest.approx(2 / 5)
    assert only.average_confidence == pytest.approx((3 * 1.0 + 2 * 0.6) / 5)
    assert only.gap == pytest.approx((3 * 1.0 + 2 * 0.6) / 5 - 2 / 5)

    # A later run reopens a dismissed candidate on new records (and scores it anew), finds the waiting one again and
    # no longer finds one it had: what match_run_execute writes onto candidates.
    second = match_run_factory(on_date=date(2026, 11, 1))
    MatchCandidate.objects.filter(pk=doubtful[0].pk).update(
        last_run=second, review_state=ReviewState.TO_REVIEW, reopened=True, evidence=evidence(0.02), score=1.0
    )
    MatchCandidate.objects.filter(pk=waiting.pk).update(last_run=second)
    gone = match_candidate_factory(
        first_run=second, last_run=second, is_current=False, evidence=evidence(0.45), score=1.0
    )

    newest, earlier = model_agreement()
    # The first run's decisions are as they were; its waiting candidate now waits for the run that found it again.
    assert earlier.run == first and decided(earlier) == decided(only) and earlier.still_open == 0
    assert band_counts(newest) == [("Under 50%", 0, 0, 0, 0), ("50% to 80%", 0, 0, 0, 1), ("80% to 95%", 0, 0, 1, 0),
                                   ("95% to 99%", 0, 0, 1, 0), ("99% or more", 0, 0, 0, 0)]  # fmt: skip
    assert newest.share_confirmed is None and newest.still_open == 3 and newest.candidates == 3

    reopened = MatchCandidate.objects.get(pk=doubtful[0].pk)
    decision = candidate_confirm(candidate=reopened, actor=officer, rationale="New GP record", confirmed_new=True)
    assert reopened.decisions.get(kind=MatchDecisionKind.CONFIRM).run == second and decision
    newest, earlier = model_agreement()
    assert decided(earlier) == decided(only)
    assert newest.bands[3].confirmed == 1 and newest.bands[3].still_open == 0 and newest.share_confirmed == 1.0
    assert newest.bands[1].not_found_again == 1 and not gone.is_current


def test_the_page_shows_each_run_its_bands_and_the_thresholds_in_plain_words(
    sign_in, officer, manager, match_run_factory, match_candidate_factory
):
    runs = [match_run_factory(on_date=date(2026, 9 + i, 1)) for i in range(3)]
    for index, run in enumerate(runs):  # officers confirm fewer of each run's candidates: a drift
        for n in range(4):
            candidate = match_candidate_factory(first_run=run, last_run=run, evidence=evidence(0.03), score=1.0)
            decide = candidate_confirm if n < 3 - index else candidate_dismiss
            extra = {"confirmed_new": True} if decide is candidate_confirm else {}
            decide(candidate=candidate, actor=officer, rationale="Checked with the school", **extra)

    response = sign_in(manager).get(reverse("web:matching:model-over-time"))

    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    assert technical_tokens(html) == []
    assert "Run after run, newest first" in text and "judged on 1 November 2026" in text
    # Share confirmed at the threshold: 1 of 4, 2 of 4, 3 of 4, newest first.
    shares = [row.split("</th>")[1] for row in html.split('<th scope="row" class="govuk-table__header"><a ')[1:4]]
    assert ["25%" in shares[0], "50%" in shares[1], "75%" in shares[2]] == [True, True, True]
    assert html.count('role="img"') == 1 and "<title id=" in html and "<desc id=" in html
    assert "When two records are one child" in text and "95% likely or more" in text
    assert "When a pupil on a school roll counts as the child" in text and "50% likely or more" in text
    assert f'id="run-{runs[0].pk}"' in html


def test_the_run_pages_link_to_it_for_those_who_may_see_it(sign_in, officer, analyst, match_run_factory):
    run = match_run_factory()
    url = reverse("web:matching:model-over-time")

    for path in (reverse("web:matching:runs"), reverse("web:matching:run", args=[run.pk])):
        assert url in sign_in(officer).get(path).content.decode()
        assert url not in sign_in(analyst).get(path).content.decode()
    assert sign_in(analyst).get(url).status_code == 403

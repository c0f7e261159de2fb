"""The review queue: a person confirms a candidate (a referral from data matching) or dismisses it with a reason;
nothing is decided without them, and every read of a candidate is audited."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cme.accounts.services import api_token_create
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import ReferralSource, ReferralStatus
from cme.cases.models import Referral
from cme.common.errors import ApplicationError
from cme.matching.enums import CandidateKind, MatchDecisionKind, ReviewState
from cme.matching.services import candidate_confirm, candidate_dismiss
from cme.people.models import Child

pytestmark = pytest.mark.django_db


def test_confirming_makes_a_data_match_referral_about_a_new_child_record(match_candidate, officer):
    referral = candidate_confirm(candidate=match_candidate, actor=officer, rationale="Family known at this address")

    assert referral.source == ReferralSource.DATA_MATCH and referral.status == ReferralStatus.RECEIVED
    assert referral.recorded_by == officer
    assert "Family known at this address" in referral.concerns and match_candidate.reason in referral.concerns
    child = referral.child
    assert (child.given_name, child.family_name, child.date_of_birth) == (
        "Amara", "Okonkwo-Test", match_candidate.date_of_birth)  # fmt: skip
    assert child.residences.get().address.postcode == "ZY1 2AB"
    match_candidate.refresh_from_db()
    assert match_candidate.review_state == ReviewState.CONFIRMED
    assert (match_candidate.referral, match_candidate.child) == (referral, child)
    decision = match_candidate.decisions.get()
    assert (decision.kind, decision.decided_by, decision.referral) == (MatchDecisionKind.CONFIRM, officer, referral)
    assert AuditEntry.objects.filter(event=AuditEvent.MATCH_CONFIRMED, target_id=str(match_candidate.pk)).exists()


def test_confirming_a_pupil_who_moved_away_refers_the_child_already_known(match_candidate_factory, child, manager):
    candidate = match_candidate_factory(kind=CandidateKind.MOVED_AWAY, child=child)

    referral = candidate_confirm(candidate=candidate, actor=manager, rationale="School cannot reach the family")

    assert referral.child == child
    assert Child.objects.count() == 1


def test_dismissing_records_the_reason_and_who_decided(match_candidate, officer):
    decision = candidate_dismiss(candidate=match_candidate, actor=officer, rationale="Home educated, known to EHE team")

    match_candidate.refresh_from_db()
    assert match_candidate.review_state == ReviewState.DISMISSED
    assert match_candidate.reviewed_keys == match_candidate.record_keys
    assert (decision.kind, decision.rationale, decision.decided_by) == (
        MatchDecisionKind.DISMISS, "Home educated, known to EHE team", officer)  # fmt: skip
    assert not Referral.objects.exists()
    assert AuditEntry.objects.filter(event=AuditEvent.MATCH_DISMISSED, actor_id=officer.pk).exists()


@pytest.mark.parametrize("decide", [candidate_confirm, candidate_dismiss])
def test_a_decision_without_a_reason_is_refused_and_changes_nothing(decide, match_candidate, officer):
    with pytest.raises(ApplicationError, match="reason for your decision"):
        decide(candidate=match_candidate, actor=officer, rationale="  ")

    match_candidate.refresh_from_db()
    assert match_candidate.review_state == ReviewState.TO_REVIEW
    assert not match_candidate.decisions.exists() and not Referral.objects.exists()


def test_a_candidate_cannot_be_decided_twice(match_candidate, officer, manager):
    candidate_dismiss(candidate=match_candidate, actor=officer, rationale="Moved to Leeds, confirmed by school")

    with pytest.raises(ApplicationError, match="already been dismissed"):
        candidate_confirm(candidate=match_candidate, actor=manager, rationale="I disagree")
    assert match_candidate.decisions.count() == 1


def test_the_queue_lists_candidates_to_review_and_opening_one_is_audited(sign_in, officer, match_candidate):
    client = sign_in(officer)

    queue = client.get(reverse("web:matching:queue")).content.decode()
    assert "Amara Okonkwo-Test" in queue and "To review (1)" in queue
    assert not AuditEntry.objects.filter(event=AuditEvent.MATCH_CANDIDATE_VIEWED).exists()

    page = client.get(reverse("web:matching:candidate", args=[match_candidate.pk])).content.decode()
    assert match_candidate.reason in page and "Council tax" in page
    assert AuditEntry.objects.filter(
        event=AuditEvent.MATCH_CANDIDATE_VIEWED, actor_id=officer.pk, target_id=str(match_candidate.pk)
    ).exists()


def test_confirming_from_the_web_goes_to_the_new_referral(sign_in, officer, match_candidate):
    response = sign_in(officer).post(
        reverse("web:matching:confirm", args=[match_candidate.pk]),
        {"child": "new", "rationale": "Not on any roll; at address"},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:referrals:detail", args=[referral.pk])


def test_confirming_offers_a_child_cme_already_holds_so_no_one_is_recorded_twice(
    sign_in, officer, match_candidate, child_factory
):
    known = child_factory(given_name="Amara", family_name="Okonkwo-Test", date_of_birth=match_candidate.date_of_birth)
    client = sign_in(officer)
    url = reverse("web:matching:confirm", args=[match_candidate.pk])

    assert f'value="{known.pk}"' in client.get(url).content.decode()
    confirm = {"child": str(known.pk), "rationale": "Same child as the record we hold"}
    # Amara is in no one's caseload: a referral onto her record asks why first, as opening it would.
    asked = client.post(url, confirm)
    assert asked["Location"].startswith(reverse("web:children:purpose", args=[known.pk]))
    assert not Referral.objects.exists()
    client.post(asked["Location"], {"purpose": "identify_cme", "reason": "Data matching proposed her"})
    client.post(url, confirm)

    assert Referral.objects.get().child == known
    assert Child.objects.count() == 1
    search = AuditEntry.objects.filter(event=AuditEvent.SEARCH).first()
    assert search.related_id == str(match_candidate.pk)
    assert search.detail.data_dict["criteria"]["date_of_birth"] == match_candidate.date_of_birth.isoformat()


def test_dismissing_from_the_web_without_a_reason_shows_the_error(sign_in, officer, match_candidate):
    response = sign_in(officer).post(reverse("web:matching:dismiss", args=[match_candidate.pk]), {"rationale": ""})

    assert response.status_code == 200
    assert "Enter the reason for your decision" in response.content.decode()
    match_candidate.refresh_from_db()
    assert match_candidate.review_state == ReviewState.TO_REVIEW


def test_the_evidence_shows_the_per_field_match_weights(sign_in, officer, match_candidate_factory):
    candidate = match_candidate_factory(
        evidence={
            "records": [],
            "links": [
                {
                    "between": ["1:CT-1", "2:GP-7"],
                    "probability": 0.998,
                    "weight": 11.2,
                    "field_weights": [
                        {"field": "prior", "level": "chance two records match", "weight": -13.3},
                        {"field": "date_of_birth", "level": "Day and month swapped", "weight": 9.1},
                    ],
                }
            ],
            "closest_roll_entry": None,
        }
    )
    page = sign_in(officer).get(reverse("web:matching:candidate", args=[candidate.pk])).content.decode()
    assert "Day and month swapped" in page and "+9.1" in page and "\u221213.3" in page  # a true minus sign


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(actor=None, username=user.username)}")
    return client


def test_the_api_confirms_and_dismisses_with_a_rationale(officer, match_candidate_factory):
    client = api_client(officer)
    first, second = match_candidate_factory(), match_candidate_factory()

    confirmed = client.post(f"/api/v1/match-candidates/{first.pk}/confirm/", {"rationale": "At address"}, format="json")
    dismissed = client.post(f"/api/v1/match-candidates/{second.pk}/dismiss/", {"rationale": "EHE"}, format="json")
    blank = client.post(f"/api/v1/match-candidates/{second.pk}/dismiss/", {"rationale": ""}, format="json")

    assert confirmed.status_code == 201
    assert Referral.objects.get(pk=confirmed.json()["referral_id"]).source == ReferralSource.DATA_MATCH
    assert dismissed.status_code == 200 and dismissed.json()["review_state"] == "dismissed"
    assert blank.status_code == 400


def test_the_api_lists_the_queue_and_audits_each_candidate_read(officer, match_candidate):
    client = api_client(officer)

    listed = client.get("/api/v1/match-candidates/").json()
    detail = client.get(f"/api/v1/match-candidates/{match_candidate.pk}/").json()

    assert [row["id"] for row in listed["results"]] == [match_candidate.pk]
    assert detail["evidence"]["records"][0]["source"] == "Council tax"
    assert AuditEntry.objects.filter(event=AuditEvent.MATCH_CANDIDATE_VIEWED, actor_id=officer.pk).count() == 1


@pytest.mark.parametrize("role", ["school_user", "partner_user", "analyst", "dpo", "sysadmin"])
def test_roles_outside_casework_cannot_open_or_decide_a_candidate(request, role, match_candidate):
    user = request.getfixturevalue(role)
    client = api_client(user)
    assert client.get(f"/api/v1/match-candidates/{match_candidate.pk}/").status_code == 403
    response = client.post(f"/api/v1/match-candidates/{match_candidate.pk}/confirm/", {"rationale": "x"})
    assert response.status_code == 403
    assert not user.has_perm("matching.review_candidate")
    match_candidate.refresh_from_db()
    assert match_candidate.review_state == ReviewState.TO_REVIEW

"""No silent duplicates: before a child's record is created, the children who may be the same one are found, shown
with why, and the officer chooses the same child or a different one with a reason (issue 11, point 1)."""

import datetime
import json

import pytest
from django.urls import reverse

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.matching.services import candidate_confirm
from cme.people.errors import PossibleDuplicatesError
from cme.people.models import Child, PersonName
from cme.people.selectors import child_possible_duplicates
from cme.people.services import child_create
from cme.schools.returns.services import return_child_create

pytestmark = pytest.mark.django_db

BORN = datetime.date(2014, 5, 2)


@pytest.fixture
def precious(child_factory, case_factory, user_factory):
    """Precious Adeyemi, born 2 May 2014, no UPN, with an open case worked by someone else (outside the caseload of
    the officers below)."""
    child = child_factory(given_name="Precious", family_name="Adeyemi", date_of_birth=BORN, upn="")
    case_factory(child=child)
    return child


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


PAGE_DETAILS = {"given_name": "Precious", "family_name": "Adeyemi", "sex": "F", **date_fields("date_of_birth", BORN)}
API_DETAILS = {"given_name": "Precious", "family_name": "Adeyemi", "date_of_birth": "2014-05-02", "sex": "F"}


def duplicate_checks() -> list[AuditEntry]:
    return [e for e in AuditEntry.objects.filter(event=AuditEvent.SEARCH) if "possible_duplicates" in e.payload_data]


# -- the check ------------------------------------------------------------------------------------------------------


def test_the_check_finds_name_variants_known_as_names_and_slipped_dates(precious, child_factory):
    child_factory(given_name="Precious", family_name="Adeyemi", date_of_birth=datetime.date(2009, 1, 1))
    child_factory(given_name="Tobi", family_name="Okafor", date_of_birth=BORN)
    found = child_possible_duplicates(given_name="Presious", family_name="Adeyemi", date_of_birth=BORN)
    assert [d.id for d in found] == [precious.pk]  # same name another age, or another child born that day: no
    assert "Date of birth matches" in found[0].reasons
    swapped = child_possible_duplicates(
        given_name="Precious", family_name="Adeyemi", date_of_birth=datetime.date(2014, 2, 5)
    )
    assert [d.id for d in swapped] == [precious.pk]
    assert "Date of birth matches with day and month swapped" in swapped[0].reasons


def test_the_check_finds_a_child_by_nhs_number_or_upn_whatever_the_name(child_factory):
    child = child_factory(given_name="Amira", family_name="Haddad", nhs_number="9434765919", upn="A123456789012")
    by_nhs = child_possible_duplicates(
        given_name="Someone", family_name="Else", date_of_birth=datetime.date(2012, 1, 1), nhs_number="943 476 5919"
    )
    assert [d.id for d in by_nhs] == [child.pk] and "NHS number matches" in by_nhs[0].reasons
    by_upn = child_possible_duplicates(
        given_name="Someone", family_name="Else", date_of_birth=datetime.date(2012, 1, 1), upn="A123456789012"
    )
    assert [d.id for d in by_upn] == [child.pk] and "UPN matches" in by_upn[0].reasons


def test_creating_a_possible_duplicate_is_refused_and_creates_nothing(precious, officer):
    with pytest.raises(PossibleDuplicatesError) as raised:
        child_create(actor=officer, given_name="Precious", family_name="Adeyemi", date_of_birth=BORN)
    assert [d.id for d in raised.value.duplicates] == [precious.pk]
    assert Child.objects.count() == 1


def test_a_different_child_needs_a_reason_which_is_recorded(precious, officer):
    with pytest.raises(Exception, match="different child"):
        child_create(
            actor=officer, given_name="Precious", family_name="Adeyemi", date_of_birth=BORN, confirmed_new=True
        )
    child = child_create(
        actor=officer,
        given_name="Precious",
        family_name="Adeyemi",
        date_of_birth=BORN,
        confirmed_new=True,
        reason="Another girl of the same name at St Mary's; birth certificates seen",
    )
    entry = AuditEntry.objects.get(event=AuditEvent.CHILD_CREATED, target_id=str(child.pk))
    assert json.loads(entry.detail.data)["confirmed_new_reason"].startswith("Another girl")


# -- the page ---------------------------------------------------------------------------------------------------


def test_the_page_shows_the_possible_duplicate_side_by_side_and_creates_nothing(sign_in, officer, precious):
    response = sign_in(officer).post(reverse("web:children:create"), PAGE_DETAILS)
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Children already recorded who may be this child" in html
    assert "2 May 2014" in html and "Date of birth matches" in html
    assert "No, a different child" in html
    assert Child.objects.count() == 1
    assert len(duplicate_checks()) == 1


def test_on_the_page_a_different_child_is_recorded_with_the_reason(sign_in, officer, precious):
    client = sign_in(officer)
    answer = {**PAGE_DETAILS, "duplicates_shown": "1", "same_as": "new"}
    no_reason = client.post(reverse("web:children:create"), answer)
    assert no_reason.status_code == 200 and "Say why you chose this" in no_reason.content.decode()
    reason = "Her cousin, born the same day"
    response = client.post(reverse("web:children:create"), {**answer, "duplicate_reason": reason})
    new = Child.objects.exclude(pk=precious.pk).get()
    assert response["Location"] == reverse("web:children:detail", args=[new.pk])
    entry = AuditEntry.objects.get(event=AuditEvent.CHILD_CREATED, target_id=str(new.pk))
    assert json.loads(entry.detail.data)["confirmed_new_reason"] == reason


def test_on_the_page_the_same_child_gets_the_new_information(sign_in, officer, precious):
    answer = {
        **PAGE_DETAILS,
        "given_name": "Precius",
        "preferred_name": "Presh",
        "nhs_number": "9434765919",
        "duplicates_shown": "1",
        "same_as": str(precious.pk),
        "duplicate_reason": "Same mother and address",
    }
    response = sign_in(officer).post(reverse("web:children:create"), answer)
    assert response["Location"] == reverse("web:children:detail", args=[precious.pk])
    precious.refresh_from_db()
    assert Child.objects.count() == 1
    assert precious.nhs_number == "9434765919"
    assert precious.preferred_name == "Presh"
    assert PersonName.objects.filter(child=precious, given_name="Precius", family_name="Adeyemi").exists()
    entry = AuditEntry.objects.filter(event=AuditEvent.CHILD_CHANGED, target_id=str(precious.pk)).latest("pk")
    assert json.loads(entry.detail.data)["same_child_reason"] == "Same mother and address"


# -- the other doors: a return's new pupil, a confirmed match ----------------------------------------------------


def test_a_returns_new_pupil_who_may_be_a_known_child_is_held_until_the_officer_has_seen_them(
    roll_return_factory, child_factory, officer
):
    known = child_factory(given_name="Leon", family_name="Barker", date_of_birth=datetime.date(2015, 3, 14), upn="")
    roll_return = roll_return_factory(upn="")
    with pytest.raises(PossibleDuplicatesError) as raised:
        return_child_create(roll_return=roll_return, actor=officer, rationale="Not known to the service")
    assert [d.id for d in raised.value.duplicates] == [known.pk]
    assert Child.objects.count() == 1
    roll_return.refresh_from_db()
    assert roll_return.child is None  # still in the inbox, for triage

    child = return_child_create(
        roll_return=roll_return, actor=officer, rationale="Another Leon: different parents", shown_children=[known.pk]
    )
    assert child.pk != known.pk
    entry = AuditEntry.objects.get(event=AuditEvent.CHILD_CREATED, target_id=str(child.pk))
    assert json.loads(entry.detail.data)["confirmed_new_reason"] == "Another Leon: different parents"


def test_a_confirmed_match_does_not_silently_make_a_second_record(match_candidate, child_factory, officer):
    known = child_factory(given_name="Amara", family_name="Okonkwo-Test", date_of_birth=match_candidate.date_of_birth)
    with pytest.raises(PossibleDuplicatesError):
        candidate_confirm(candidate=match_candidate, actor=officer, rationale="Family known at this address")
    assert Child.objects.count() == 1
    referral = candidate_confirm(
        candidate=match_candidate, actor=officer, rationale="A different Amara", shown_children=[known.pk]
    )
    assert referral.child.pk != known.pk

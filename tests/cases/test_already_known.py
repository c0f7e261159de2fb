"""Already known: a confirmed candidate or a return about a child with an open case adds its evidence to that case
(a note and an answered enquiry naming the source) instead of starting a second referral; carers named by a return
or a referral join the child's carers at triage, with their source."""

import datetime
import json

import pytest

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import (
    CaseStatus,
    CmeReason,
    DecisionKind,
    EnquiryAgency,
    EnquiryResult,
    Outcome,
    ReferralSource,
    ReferralStatus,
)
from cme.cases.models import Case, Decision, Referral
from cme.cases.services import referral_accept, referral_create
from cme.matching.enums import CandidateKind, ReviewState
from cme.matching.services import candidate_confirm
from cme.people.enums import RelationshipKind
from cme.people.models import CarerRelationship
from cme.people.services_intake import address_split, carers_join_from_source, relationship_kind
from cme.schools.enums import SchoolView, TriageState
from cme.schools.returns.selectors import return_school_view
from cme.schools.returns.services import return_match_confirm, return_refer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 30, 10, 0), tick=False)


def test_a_confirmed_candidate_for_a_child_with_an_open_case_joins_it_instead_of_a_second_referral(
    match_candidate_factory, case_factory, officer
):
    case = case_factory(officer=officer)
    candidate = match_candidate_factory(kind=CandidateKind.MOVED_AWAY, child=case.child)

    outcome = candidate_confirm(candidate=candidate, actor=officer, rationale="Same child: council tax shows a move")

    assert outcome == case
    assert not Referral.objects.exists()
    note = case.notes.get()
    assert f"match candidate {candidate.pk}" in note.text and "Council tax" in note.text
    assert "Same child: council tax shows a move" in note.text and candidate.reason in note.text
    enquiry = case.enquiries.get()
    assert (enquiry.agency, enquiry.result) == (EnquiryAgency.COUNCIL_TAX, EnquiryResult.INFORMATION_FOUND)
    assert enquiry.responded_on == datetime.date(2026, 11, 30) and "12 Example Road" in enquiry.findings
    assert enquiry.contact_details.startswith("Source: match candidate")
    candidate.refresh_from_db()
    assert (candidate.review_state, candidate.case, candidate.referral) == (ReviewState.CONFIRMED, case, None)
    entry = AuditEntry.objects.get(event=AuditEvent.CASE_EVIDENCE_ADDED)
    assert (entry.target_id, entry.subject_child_id) == (str(case.pk), case.child_id)
    assert json.loads(entry.payload)["source"] == "match"
    assert AuditEntry.objects.filter(event=AuditEvent.MATCH_CONFIRMED, target_id=str(candidate.pk)).exists()


def test_a_child_whose_case_is_closed_gets_a_referral_as_before(match_candidate_factory, case_factory, officer):
    case = case_factory(
        officer=officer, status=CaseStatus.CLOSED, outcome=Outcome.values[0], closed_on=datetime.date(2026, 11, 20)
    )
    candidate = match_candidate_factory(kind=CandidateKind.MOVED_AWAY, child=case.child)

    referral = candidate_confirm(candidate=candidate, actor=officer, rationale="Seen again at a new address")

    assert isinstance(referral, Referral) and referral.child == case.child
    assert not case.notes.exists()


def test_a_return_about_a_child_with_an_open_case_joins_it_and_the_school_sees_it_looked_into(
    roll_return_factory, case_factory, officer
):
    case = case_factory(officer=officer)
    roll_return = roll_return_factory(safeguarding_concern=True, safeguarding_details="Bruising noticed")
    return_match_confirm(roll_return=roll_return, child=case.child, actor=officer, rationale="UPN agrees")

    outcome = return_refer(roll_return=roll_return, actor=officer, rationale="Already working this case")

    assert outcome == case and not Referral.objects.exists()
    roll_return.refresh_from_db()
    assert (roll_return.triage_state, roll_return.case, roll_return.referral) == (TriageState.ADDED_TO_CASE, case, None)
    assert roll_return.triaged_by == officer
    assert return_school_view(roll_return) == SchoolView.LOOKING_INTO
    note = case.notes.get()
    assert f"return {roll_return.pk} (" in note.text and "Bruising noticed" in note.text
    assert case.enquiries.get().agency == EnquiryAgency.SCHOOL
    decision = Decision.objects.get(roll_return=roll_return, kind=DecisionKind.ADD_TO_OPEN_CASE)
    assert decision.details == {"case_id": case.pk}


def test_a_return_refers_a_child_without_an_open_case_carrying_its_safeguarding_concern(roll_return_factory, child,
                                                                                         officer):  # fmt: skip
    roll_return = roll_return_factory(safeguarding_concern=True, safeguarding_details="Bruising noticed")
    return_match_confirm(roll_return=roll_return, child=child, actor=officer, rationale="UPN agrees")

    referral = return_refer(roll_return=roll_return, actor=officer, rationale="Whereabouts unknown")

    assert isinstance(referral, Referral) and referral.safeguarding_concern


def test_the_parents_a_return_names_join_the_childs_carers_with_the_return_as_source(roll_return_factory, child,
                                                                                       officer):  # fmt: skip
    roll_return = roll_return_factory(
        parents=[
            {"name": "Dana Barker", "address": "4 Mill Lane, Wyndley, WY1 3DF", "phone": "+447700900456"},
            {"name": "Sam Okafor", "address": "", "phone": ""},
        ]
    )
    return_match_confirm(roll_return=roll_return, child=child, actor=officer, rationale="UPN agrees")
    assert not CarerRelationship.objects.exists()  # not before triage

    return_refer(roll_return=roll_return, actor=officer, rationale="Whereabouts unknown")

    dana, sam = CarerRelationship.objects.filter(child=child).select_related("carer").order_by("carer__given_name")
    assert (dana.carer.given_name, dana.carer.family_name, dana.lives_with) == ("Dana", "Barker", True)
    assert dana.source.startswith(f"School's return {roll_return.pk} (deletion")
    assert roll_return.school.name in dana.source
    assert list(dana.carer.contact_points.values_list("value", flat=True)) == ["+447700900456"]
    assert dana.carer.residences.get().address.postcode == "WY1 3DF"
    assert (sam.carer.family_name, sam.carer.contact_points.count(), sam.carer.residences.count()) == ("Okafor", 0, 0)


def test_a_carer_named_twice_is_one_carer(child, officer):
    named = [{"name": "Dana Barker", "relationship": "Mum", "phone": "07700 900456"}]
    carers_join_from_source(actor=officer, child=child, carers=named, source="Referral 1",
                            valid_from=datetime.date(2026, 11, 2))  # fmt: skip
    again = [{"name": "dana barker", "relationship": "mother", "phone": "07700 900999"}]
    carers_join_from_source(actor=officer, child=child, carers=again, source="Referral 2",
                            valid_from=datetime.date(2026, 11, 3))  # fmt: skip

    relationship = CarerRelationship.objects.get(child=child)
    assert (relationship.kind, relationship.source) == (RelationshipKind.MOTHER, "Referral 1")
    assert sorted(relationship.carer.contact_points.values_list("value", flat=True)) == [
        "+447700900456", "+447700900999"]  # fmt: skip


def test_carers_named_on_a_referral_join_when_it_is_accepted(child, officer):
    referral = referral_create(
        actor=officer,
        child=child,
        source=ReferralSource.PROFESSIONAL,
        received_on=datetime.date(2026, 11, 30),
        concerns="Not seen since October",
        safeguarding_concern=True,
        carers=[{"name": "Ola Nowak", "relationship": "Grandmother", "phone": "07700 900123", "address": ""}],
    )
    assert referral.safeguarding_concern and not CarerRelationship.objects.exists()

    referral_accept(referral=referral, actor=officer, rationale="Needs enquiries", primary_reason=CmeReason.values[0],
                    became_cme_on=datetime.date(2026, 11, 2))  # fmt: skip

    relationship = CarerRelationship.objects.get(child=child)
    assert relationship.kind == RelationshipKind.GRANDPARENT
    assert relationship.source.startswith(f"Referral {referral.pk} from")
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED and Case.objects.count() == 1


@pytest.mark.parametrize(
    ("address", "split"),
    [
        ("12 Hill Road, Wyndley, ZY1 2AB", ("12 Hill Road", "Wyndley", "ZY1 2AB")),
        ("Flat 2, 9 Kay St WY13DF", ("Flat 2", "9 Kay St", "WY13DF")),
        ("somewhere in town", ("somewhere in town", "", "")),
    ],
)
def test_an_address_on_one_line_is_split_at_its_postcode(address, split):
    assert address_split(address) == split


def test_relationships_are_read_from_words():
    words = ("Mum", "Step-dad", "Nan", "Grandmother", "neighbour")
    assert [relationship_kind(w) for w in words] == [
        RelationshipKind.MOTHER,
        RelationshipKind.STEP_PARENT,
        RelationshipKind.GRANDPARENT,
        RelationshipKind.GRANDPARENT,
        RelationshipKind.OTHER,
    ]

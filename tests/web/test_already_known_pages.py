"""Already known (issue 11 point 3) on the pages: the candidate page, each returns-inbox row and referral triage say
when the child already has a record, an open case or earlier ones, and link them; confirming into an open case goes
to that case."""

import datetime

import pytest
from django.urls import reverse

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus
from cme.matching.enums import CandidateKind

pytestmark = pytest.mark.django_db


def test_the_candidate_page_links_the_known_childs_record_and_open_case(sign_in, officer, match_candidate_factory,
                                                                         case_factory):  # fmt: skip
    case = case_factory(officer=officer)
    candidate = match_candidate_factory(kind=CandidateKind.MOVED_AWAY, child=case.child)

    page = sign_in(officer).get(reverse("web:matching:candidate", args=[candidate.pk])).content.decode()

    assert "Already known" in page
    assert reverse("web:children:detail", args=[case.child_id]) in page
    assert reverse("web:cases:detail", args=[case.pk]) in page and "instead of making a second referral" in page


def test_confirming_a_candidate_into_an_open_case_goes_to_that_case(sign_in, officer, match_candidate_factory,
                                                                     case_factory):  # fmt: skip
    case = case_factory(officer=officer)
    candidate = match_candidate_factory(kind=CandidateKind.MOVED_AWAY, child=case.child)

    response = sign_in(officer).post(
        reverse("web:matching:confirm", args=[candidate.pk]),
        {"child": str(case.child_id), "rationale": "The same child, seen at a new address"},
    )

    assert response.status_code == 302 and response["Location"] == reverse("web:cases:detail", args=[case.pk])
    assert case.notes.count() == 1 and case.enquiries.count() == 1


def test_each_inbox_row_says_the_pupil_is_known_by_upn_with_an_earlier_case(sign_in, officer, roll_return_factory,
                                                                             case_factory, child_factory):  # fmt: skip
    child = child_factory(given_name="Leon", family_name="Barker", date_of_birth=datetime.date(2015, 3, 14))
    earlier = case_factory(
        child=child, status=CaseStatus.CLOSED, outcome="on_roll_this_la", closed_on=datetime.date(2026, 6, 1)
    )
    roll_return_factory()  # Leon Barker, born 14 March 2015: the same name keys and date of birth
    roll_return_factory(given_name="Ola", family_name="Nowak")

    page = sign_in(officer).get(reverse("web:returns:inbox")).content.decode()

    assert page.count("Already known") == 1 and "1 earlier case" in page
    assert reverse("web:children:detail", args=[child.pk]) in page
    entry = AuditEntry.objects.filter(event=AuditEvent.LIST_VIEWED, target_type="people.child").get()
    assert f"[{child.pk}]" in entry.payload.replace(" ", "") and earlier.status == CaseStatus.CLOSED


def test_referral_triage_shows_the_open_case_and_other_waiting_referrals(sign_in, officer, referral_factory,
                                                                          case_factory):  # fmt: skip
    case = case_factory(officer=officer)
    referral = referral_factory(child=case.child)
    other = referral_factory(child=case.child)

    page = sign_in(officer).get(reverse("web:referrals:accept", args=[referral.pk])).content.decode()

    assert "Already known" in page and reverse("web:cases:detail", args=[case.pk]) in page
    assert reverse("web:referrals:detail", args=[other.pk]) in page
    assert reverse("web:referrals:detail", args=[referral.pk]) + '">Referral' not in page  # not itself


def test_the_referral_form_records_a_safeguarding_concern_and_a_named_carer(sign_in, officer, case_factory):
    child = case_factory(officer=officer).child  # in the officer's caseload: no purpose question
    form = {
        "source": "school",
        "received_on_0": "2",
        "received_on_1": "11",
        "received_on_2": "2026",
        "concerns": "Not seen since half-term",
        "referrer_name": "Attendance lead",
        "safeguarding_concern": "on",
        "carer_name": "Dana Barker",
        "carer_relationship": "Mum",
        "carer_phone": "07700 900456",
        "carer_address": "4 Mill Lane, Wyndley, WY1 3DF",
    }
    client = sign_in(officer)

    bad = client.post(reverse("web:referrals:create", args=[child.pk]), {**form, "carer_phone": "call her"})
    assert bad.status_code == 200 and "Enter a telephone number" in bad.content.decode()
    client.post(reverse("web:referrals:create", args=[child.pk]), form)

    referral = child.referrals.get()
    assert referral.safeguarding_concern
    assert referral.carers == [
        {
            "name": "Dana Barker",
            "relationship": "Mum",
            "phone": "+447700900456",
            "address": "4 Mill Lane, Wyndley, WY1 3DF",
        }
    ]

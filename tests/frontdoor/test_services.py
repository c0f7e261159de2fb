"""The front door's services: what a report keeps, and an officer's decision about it."""

from datetime import date

import pytest

from cme.cases.models import Case, Referral
from cme.common.errors import ApplicationError
from cme.frontdoor.enums import ReportKind, ReportState
from cme.frontdoor.services import report_no_further_action, report_refer, report_submit
from cme.people.errors import PossibleDuplicatesError

pytestmark = pytest.mark.django_db

ANSWERS = {
    "child_given_name": "Maja",
    "child_family_name": "Kowalska",
    "child_age": "about 9",
    "child_address": "4 Mill Lane, Wyndley ZY2 3CD",
    "concerns": "Not at school for weeks",
    "safeguarding_concern": False,
    "is_anonymous": True,
    "reporter_name": "Somebody",  # dropped: an anonymous report names nobody
    "reporter_email": "somebody@example.org",
}


def test_an_anonymous_report_keeps_no_name_or_contact():
    report = report_submit(kind=ReportKind.PUBLIC, answers=ANSWERS)
    assert report.is_anonymous and (report.reporter_name, report.reporter_email) == ("", "")
    assert len(report.reference) == 8 and report.reference.isalnum()


def test_a_child_with_an_open_case_gets_the_report_as_evidence_not_a_second_referral(officer, case_factory):
    case = case_factory(officer=officer)
    report = report_submit(kind=ReportKind.PUBLIC, answers=ANSWERS)
    result = report_refer(report=report, actor=officer, rationale="Same child: the address matches", child=case.child)
    assert isinstance(result, Case) and result.pk == case.pk
    assert not Referral.objects.filter(child=case.child, front_door_report__isnull=False).exists()
    assert case.notes.filter(text__contains=report.reference).exists()
    report.refresh_from_db()
    assert report.state == ReportState.ADDED_TO_CASE and report.case == case


def test_a_new_child_needs_names_and_a_date_of_birth_and_the_duplicate_check(officer, child_factory):
    report = report_submit(kind=ReportKind.PUBLIC, answers=ANSWERS)
    with pytest.raises(ApplicationError):
        report_refer(report=report, actor=officer, rationale="New", given_name="Maja", family_name="Kowalska")
    held = child_factory(given_name="Maja", family_name="Kowalska", date_of_birth=date(2017, 1, 9))
    with pytest.raises(PossibleDuplicatesError) as refused:
        report_refer(report=report, actor=officer, rationale="New", given_name="Maja", family_name="Kowalska",
                     date_of_birth=date(2017, 1, 9))  # fmt: skip
    assert [d.id for d in refused.value.duplicates] == [held.pk]
    referral = report_refer(report=report, actor=officer, rationale="A different child: checked", given_name="Maja",
                            family_name="Kowalska", date_of_birth=date(2017, 1, 9),
                            shown_children=[held.pk])  # fmt: skip
    assert isinstance(referral, Referral) and referral.child != held and not referral.safeguarding_concern


def test_no_further_action_closes_the_report_once(officer):
    report = report_submit(kind=ReportKind.PUBLIC, answers=ANSWERS)
    report_no_further_action(report=report, actor=officer, rationale="The same report was sent twice")
    with pytest.raises(ApplicationError):
        report_no_further_action(report=report, actor=officer, rationale="Again")
    report.refresh_from_db()
    assert report.state == ReportState.NO_FURTHER_ACTION and report.triaged_by == officer

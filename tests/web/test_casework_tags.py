"""The status tags shown on every case row and at the top of a case."""

import datetime

import pytest
from django.template import Context, Template

from cme.cases.enums import CaseStatus, RiskLevel

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


def tags(case) -> str:
    return Template("{% load casework %}{% case_status_tags case %}").render(Context({"case": case, "today": TODAY}))


def test_an_open_high_risk_case_past_its_due_date_shows_all_three(case_factory):
    case = case_factory(risk_level=RiskLevel.HIGH, due_on=TODAY - datetime.timedelta(days=1))
    html = tags(case)
    assert f'govuk-tag--blue">{case.get_status_display()}</strong>' in html
    assert 'govuk-tag--red">High risk</strong>' in html and 'govuk-tag--red">Overdue</strong>' in html


def test_a_closed_case_is_grey_and_never_overdue(case_factory):
    case = case_factory.build(
        status=CaseStatus.CLOSED, risk_level=RiskLevel.LOW, due_on=TODAY - datetime.timedelta(days=9)
    )
    html = tags(case)
    assert 'govuk-tag--grey">Closed</strong>' in html
    assert "Overdue" not in html and "risk" not in html


def test_a_medium_risk_case_due_today_is_orange_and_not_yet_overdue(case_factory):
    html = tags(case_factory(risk_level=RiskLevel.MEDIUM, due_on=TODAY))
    assert 'govuk-tag--orange">Medium risk</strong>' in html and "Overdue" not in html

"""Safeguarding first (issue 11 point 4): a concern or a high-risk case is flagged on every list, comes first in every
queue and on the dashboard, says how long it has waited, and its triage is due the same school day."""

import datetime
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cme.cases.clocks import SchoolCalendar, triage_due_on
from cme.cases.enums import RiskLevel
from cme.cases.models import Referral
from cme.cases.priority import priority_for, waiting_words
from cme.matching.selectors import candidate_queue
from cme.schools.returns.selectors import at_risk_list, return_inbox

CALENDAR = SchoolCalendar(
    term_periods=((date(2026, 9, 3), date(2026, 10, 23)), (date(2026, 11, 2), date(2026, 12, 18)))
)
NOW = datetime.datetime(2026, 11, 30, 15, 0, tzinfo=datetime.UTC)


def test_triage_of_a_concern_is_due_the_same_school_day_or_the_next_when_schools_are_shut():
    assert triage_due_on(arrived_on=date(2026, 11, 30), calendar=CALENDAR) == date(2026, 11, 30)  # a Monday
    assert triage_due_on(arrived_on=date(2026, 11, 28), calendar=CALENDAR) == date(2026, 11, 30)  # a Saturday
    assert triage_due_on(arrived_on=date(2026, 10, 27), calendar=CALENDAR) == date(2026, 11, 2)  # half-term


def test_waiting_is_told_in_hours_on_the_first_day_then_in_days():
    assert waiting_words(NOW - datetime.timedelta(minutes=20), now=NOW) == "Waiting less than an hour"
    assert waiting_words(NOW - datetime.timedelta(hours=5), now=NOW) == "Waiting 5 hours"
    assert waiting_words(NOW - datetime.timedelta(days=1, hours=2), now=NOW) == "Waiting 1 day"
    assert waiting_words(NOW - datetime.timedelta(days=9), now=NOW) == "Waiting 9 days"


def test_a_flagged_item_left_untriaged_past_its_day_is_overdue():
    arrived = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)  # a Friday
    late = priority_for(flag="Safeguarding concern", arrived=arrived, untriaged=True, calendar=CALENDAR, now=NOW)
    assert (late.triage_due, late.triage_overdue, late.waiting) == (date(2026, 11, 27), True, "Waiting 3 days")
    unflagged = priority_for(flag="", arrived=arrived, untriaged=True, calendar=CALENDAR, now=NOW)
    assert unflagged.triage_due is None and not unflagged.flagged


@pytest.mark.django_db
def test_returns_with_a_concern_come_first_in_the_inbox_and_on_the_at_risk_list(roll_return_factory):
    older = roll_return_factory(received_on=date(2026, 11, 2), deletion_ground="O")
    concern = roll_return_factory(received_on=date(2026, 11, 20), deletion_ground="O", safeguarding_concern=True)

    assert list(return_inbox()) == [concern, older]
    assert [row.roll_return for row in at_risk_list(today=date(2026, 11, 30))] == [concern, older]


@pytest.mark.django_db
def test_a_candidate_about_a_child_with_a_high_risk_case_comes_first(match_candidate_factory, case_factory):
    plain = match_candidate_factory(family_name="Adams")
    at_risk = match_candidate_factory(family_name="Zola", child=case_factory(risk_level=RiskLevel.HIGH).child)

    queue = list(candidate_queue())
    assert queue == [at_risk, plain] and queue[0].flagged and not queue[1].flagged


@pytest.mark.django_db
def test_lists_and_the_dashboard_put_concerns_first_with_their_wait_and_due_day(
    sign_in, officer, referral_factory, case_factory, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 30, 10, 0), tick=False)
    plain = referral_factory(received_on=date(2026, 11, 2))
    urgent = referral_factory(received_on=date(2026, 11, 30), safeguarding_concern=True)
    Referral.objects.filter(pk=urgent.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    sooner = case_factory(officer=officer, due_on=date(2026, 12, 10))
    high = case_factory(officer=officer, due_on=date(2026, 12, 11), risk_level=RiskLevel.HIGH)
    client = sign_in(officer)

    page = client.get(reverse("web:referrals:list")).content.decode()
    assert page.index(str(urgent.child)) < page.index(str(plain.child))
    assert "Safeguarding concern" in page and "Waiting 2 hours" in page and "Triage due today" in page

    cases = client.get(reverse("web:cases:list")).content.decode()
    assert cases.index(high.reference) < cases.index(sooner.reference)  # high risk first, though due later

    home = client.get(reverse("web:home")).content.decode()
    assert "Safeguarding first" in home and "1 referral to triage" in home and "1 open high-risk case" in home
    assert home.index(str(urgent.child)) < home.index(str(plain.child))

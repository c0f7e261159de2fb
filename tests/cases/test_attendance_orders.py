"""School attendance orders: the statute's periods computed in calendar days, and the process's steps in the law's
order, each a person's decision with a rationale (docs/attendance-orders.md)."""

from datetime import date, timedelta

import pytest

from cme.cases.attendance_order_selectors import attendance_order_deadlines
from cme.cases.attendance_orders import STAGE_RULES, next_step_from, period_last_day
from cme.cases.enums import AttendanceOrderStage as Stage
from cme.cases.enums import DecisionKind, LetterKind
from cme.cases.services import attendance_order_start, attendance_order_step_record, case_start_sao
from cme.common.errors import ApplicationError
from cme.council.enums import AttendanceOrderRegime
from cme.council.services import council_settings_update
from tests.factories.people import CarerRelationshipFactory

# --- The periods: "not less than 15 days beginning with the day on which the notice is served" -----------------------


def test_a_15_day_period_counts_the_day_of_service_as_day_one():
    # s437(2): served Monday 2 November 2026, the 15 days are 2 to 16 November; the council may act from the 17th.
    assert period_last_day(date(2026, 11, 2), 15) == date(2026, 11, 16)
    assert next_step_from(date(2026, 11, 2), 15) == date(2026, 11, 17)


def test_periods_are_calendar_days_through_weekends_bank_holidays_and_school_holidays():
    # Served on Friday 18 December 2026: Christmas Day, Boxing Day (and its substitute Monday) and the school holiday
    # all count, because the Act says "days", not "school days".
    assert period_last_day(date(2026, 12, 18), 15) == date(2027, 1, 1)
    # Across the end of February in a leap year.
    assert period_last_day(date(2028, 2, 20), 15) == date(2028, 3, 5)


def test_a_longer_period_the_notice_gives_moves_the_deadline_with_it():
    assert period_last_day(date(2026, 11, 2), 21) == date(2026, 11, 22)
    with pytest.raises(ValueError):
        period_last_day(date(2026, 11, 2), 0)


def test_each_regime_has_a_rule_for_every_step_and_the_2026_act_cites_its_own_sections():
    for regime in AttendanceOrderRegime:
        assert set(STAGE_RULES[regime]) == set(Stage)
    rules_2026 = STAGE_RULES[AttendanceOrderRegime.CWSA2026]
    assert "436H" in rules_2026[Stage.NOTICE_SERVED].section
    assert rules_2026[Stage.NOTICE_SERVED].letter == LetterKind.SAO_PRELIMINARY_NOTICE
    assert "436K" in rules_2026[Stage.SCHOOL_NOTICE_SERVED].section
    rules_1996 = STAGE_RULES[AttendanceOrderRegime.EA1996]
    assert rules_1996[Stage.NOTICE_SERVED].section == "Education Act 1996, s437(1) and (2)"
    assert rules_1996[Stage.NOTICE_SERVED].period_days == 15


# --- The process ------------------------------------------------------------------------------------------------------


@pytest.fixture
def parent(case):
    return CarerRelationshipFactory(child=case.child, parental_responsibility=True).carer


def _step(order, officer, stage, day, **extra):
    return attendance_order_step_record(
        order=order, actor=officer, stage=stage, occurred_on=day, rationale=f"Reason for {stage}", **extra
    )


@pytest.mark.django_db
def test_the_1996_process_runs_notice_answer_school_notice_choice_order_with_computed_deadlines(case, officer, parent):
    order = attendance_order_start(case=case, actor=officer, rationale="Parents refused every place", carer=parent)
    assert order.regime == AttendanceOrderRegime.EA1996

    notice = _step(order, officer, Stage.NOTICE_SERVED, date(2026, 11, 2), period_days=15)
    assert (notice.period_ends_on, notice.due_on) == (date(2026, 11, 16), date(2026, 11, 17))
    assert notice.decision.kind == DecisionKind.SAO_STEP and notice.decision.rationale
    assert notice.decision.details["section"] == "Education Act 1996, s437(1) and (2)"

    # s437(3): the parent "fails to satisfy … within the period": not before it has ended.
    with pytest.raises(ApplicationError, match="17 November 2026"):
        _step(order, officer, Stage.PARENT_ANSWERED, date(2026, 11, 16))
    _step(order, officer, Stage.PARENT_ANSWERED, date(2026, 11, 17))

    school_notice = _step(order, officer, Stage.SCHOOL_NOTICE_SERVED, date(2026, 11, 18), school_name="Elm Primary")
    assert school_notice.period_ends_on == date(2026, 12, 2)  # s438: 15 days beginning with the day served

    # The order cannot be served while the parent may still choose a school (s438(3)).
    _step(order, officer, Stage.PARENT_CHOICE, date(2026, 11, 20))
    with pytest.raises(ApplicationError, match="3 December 2026"):
        _step(order, officer, Stage.ORDER_SERVED, date(2026, 12, 2))
    served = _step(order, officer, Stage.ORDER_SERVED, date(2026, 12, 3))
    order.refresh_from_db()
    assert order.stage == Stage.ORDER_SERVED and order.school_name == "Elm Primary" and order.is_open
    assert served.period_ends_on == date(2026, 12, 17)  # the compliance check: a practice default, not law
    assert not STAGE_RULES[order.regime][Stage.ORDER_SERVED].period_is_law

    # s447: before a referral for prosecution the council considers an education supervision order.
    with pytest.raises(ApplicationError, match="education supervision order"):
        _step(order, officer, Stage.REFERRED_FOR_PROSECUTION, date(2026, 12, 4))
    _step(order, officer, Stage.REFERRED_FOR_PROSECUTION, date(2026, 12, 4), eso_considered=True)
    order.refresh_from_db()
    assert order.ended_on == date(2026, 12, 4)


@pytest.mark.django_db
def test_the_first_notice_gives_at_least_15_days_and_steps_come_in_the_laws_order(case, officer, parent):
    order = attendance_order_start(case=case, actor=officer, rationale="Not receiving education", carer=parent)
    with pytest.raises(ApplicationError, match="at least 15 days"):
        _step(order, officer, Stage.NOTICE_SERVED, date(2026, 11, 2), period_days=14)
    with pytest.raises(ApplicationError, match="cannot come next"):
        _step(order, officer, Stage.ORDER_SERVED, date(2026, 11, 2), school_name="Elm Primary")
    with pytest.raises(ApplicationError, match="today or in the past"):
        _step(order, officer, Stage.NOTICE_SERVED, date.today() + timedelta(days=1), period_days=15)
    with pytest.raises(ApplicationError, match="reason"):
        attendance_order_step_record(
            order=order, actor=officer, stage=Stage.NOTICE_SERVED, occurred_on=date(2026, 11, 2), rationale=" "
        )
    # The parent satisfies the council: the process ends without an order.
    _step(order, officer, Stage.NOTICE_SERVED, date(2026, 11, 2), period_days=15)
    _step(order, officer, Stage.ENDED_SATISFIED, date(2026, 11, 5))
    order.refresh_from_db()
    assert not order.is_open
    with pytest.raises(ApplicationError, match="ended"):
        _step(order, officer, Stage.PARENT_ANSWERED, date(2026, 11, 20))


@pytest.mark.django_db
def test_the_2026_act_regime_is_switched_on_by_the_council_setting(case, officer, parent, sysadmin):
    council_settings_update(actor=sysadmin, attendance_order_regime=AttendanceOrderRegime.CWSA2026)
    order = attendance_order_start(case=case, actor=officer, rationale="Not receiving education", carer=parent)
    assert order.regime == AttendanceOrderRegime.CWSA2026
    # No minimum the 2026 text here confirms: the period the notice states is recorded as entered.
    notice = _step(order, officer, Stage.NOTICE_SERVED, date(2026, 11, 2), period_days=10)
    assert notice.period_ends_on == date(2026, 11, 11)
    assert "436H" in notice.decision.details["section"]


@pytest.mark.django_db
def test_start_sao_keeps_its_decision_and_starts_the_process(case, officer):
    decision = case_start_sao(case=case, actor=officer, rationale="Refused a place")
    assert decision.kind == DecisionKind.START_SAO
    order = case.attendance_orders.get()
    assert decision.details["attendance_order"] == order.pk and order.stage == ""
    with pytest.raises(ApplicationError, match="already"):
        case_start_sao(case=case, actor=officer, rationale="Again")


@pytest.mark.django_db
def test_deadlines_selector_lists_open_processes_in_the_caseload_soonest_first(
    case, officer, parent, case_factory, user_factory
):
    order = attendance_order_start(case=case, actor=officer, rationale="Reason", carer=parent)
    _step(order, officer, Stage.NOTICE_SERVED, date(2026, 11, 2), period_days=20)
    other_case = case_factory(officer=officer)
    other_parent = CarerRelationshipFactory(child=other_case.child).carer
    other = attendance_order_start(case=other_case, actor=officer, rationale="Reason", carer=other_parent)
    _step(other, officer, Stage.NOTICE_SERVED, date(2026, 11, 3), period_days=15)

    rows = attendance_order_deadlines(user=officer, today=date(2026, 11, 18))
    assert [(row.case.pk, row.due_on, row.stage) for row in rows] == [
        (other_case.pk, date(2026, 11, 18), Stage.NOTICE_SERVED),
        (case.pk, date(2026, 11, 22), Stage.NOTICE_SERVED),
    ]
    assert rows[0].period_ends_on == date(2026, 11, 17) and rows[0].is_overdue(date(2026, 11, 19))
    assert "answer" in rows[0].task
    assert [r.case.pk for r in attendance_order_deadlines(user=officer, today=date(2026, 11, 18), within_days=1)] == [
        other_case.pk
    ]
    # Someone outside the caseload sees none of them; a step without a deadline takes the process off the list.
    from cme.accounts.enums import Role

    assert attendance_order_deadlines(user=user_factory(role=Role.CME_OFFICER), today=date(2026, 11, 18)) == []
    _step(other, officer, Stage.ENDED_SATISFIED, date(2026, 11, 18))
    assert [r.case.pk for r in attendance_order_deadlines(user=officer, today=date(2026, 11, 18))] == [case.pk]

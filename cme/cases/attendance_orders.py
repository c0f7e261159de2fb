"""School attendance orders as a process: the steps the law sets, their sections, periods and letters. No database.

Two regimes (docs/attendance-orders.md has the sources):

- **Education Act 1996, ss437-443** (the law in force). s437(1): a notice requiring the parent to satisfy the council,
  within the period it specifies, that the child is receiving suitable education; s437(2): that period "shall not be
  less than 15 days beginning with the day on which the notice is served". s437(3): if the parent fails to satisfy
  the council and it is expedient that the child attend school, the council serves the order. s438(2)-(3): before
  serving it, a notice naming the school the council intends to name (and any alternatives); a school the parent
  selects before the end of 15 days beginning with the day that notice is served is named instead. s442: revocation;
  s443: the offence of failing to comply; s447: before prosecuting, the council must consider an education
  supervision order.
- **Children's Wellbeing and Schools Act 2026, s39 and Schedule 2** (enacted 29 April 2026, not commenced): the
  order becomes s436I, started by a preliminary notice (s436H) and preceded by a school nomination notice (s436K,
  15 days beginning with the day it is served to choose an alternative). The preliminary notice's period is not
  confirmed from the enacted text here, so cme asks the officer for it and enforces no minimum of its own.

"Days" in these sections are calendar days, not school days: the Act says "days" without qualification (the Pupil
Registration Regulations, by contrast, say "school days" when they mean them). "15 days beginning with the day on
which the notice is served" counts the day of service as day 1, so the period's last day is the 14th day after it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from cme.council.enums import AttendanceOrderRegime

from .enums import AttendanceOrderStage, LetterKind

Stage = AttendanceOrderStage
Regime = AttendanceOrderRegime

# s437(2) EA 1996: the s437(1) notice's period is at least 15 days beginning with the day of service.
NOTICE_MIN_DAYS_1996 = 15
# s438(3) EA 1996 and s436K(3) as inserted by the 2026 Act: 15 days beginning with the day the notice is served.
SCHOOL_CHOICE_DAYS = 15
# Practice default, NOT law: how long after an order is served the officer checks the child has been registered.
# Neither Act sets a period for compliance; councils set their own.
COMPLIANCE_CHECK_DAYS = 15


@dataclass(frozen=True)
class StageRule:
    stage: Stage
    title: str  # what the step is called under this regime
    section: str  # the provision it rests on
    letter: LetterKind | None  # the notice or letter the step sends
    period_days: int | None  # a period beginning with the day of the step, in calendar days
    period_is_law: bool  # False when the period is a practice default
    task: str  # what the officer must do next, and by when (the period's end)
    ends_process: bool = False


def _rules_1996() -> dict[Stage, StageRule]:
    return {
        rule.stage: rule
        for rule in (
            StageRule(
                Stage.NOTICE_SERVED,
                "Notice to satisfy the council that the child is receiving suitable education",
                "Education Act 1996, s437(1) and (2)",
                LetterKind.SAO_NOTICE,
                NOTICE_MIN_DAYS_1996,
                True,
                "Consider the parent's answer once the notice's period has ended",
            ),
            StageRule(
                Stage.PARENT_ANSWERED,
                "The parent did not satisfy the council, and it is expedient that the child attend school",
                "Education Act 1996, s437(3)",
                None,
                None,
                True,
                "Serve notice of the school the council intends to name",
            ),
            StageRule(
                Stage.SCHOOL_NOTICE_SERVED,
                "Notice of the school the council intends to name in the order",
                "Education Act 1996, s438(2)",
                LetterKind.SAO_SCHOOL_NOTICE,
                SCHOOL_CHOICE_DAYS,
                True,
                "Record the parent's choice, then serve the order once the 15 days have ended",
            ),
            StageRule(
                Stage.PARENT_CHOICE,
                "The parent's choice of school",
                "Education Act 1996, s438(3) to (6)",
                None,
                None,
                True,
                "Serve the school attendance order naming the school",
            ),
            StageRule(
                Stage.ORDER_SERVED,
                "School attendance order served",
                "Education Act 1996, s437(3) to (5)",
                LetterKind.SAO_ORDER,
                COMPLIANCE_CHECK_DAYS,
                False,
                "Check the child has become a registered pupil at the school named",
            ),
            StageRule(
                Stage.COMPLIED,
                "The parent complied with the order",
                "Education Act 1996, s437(4)",
                None,
                None,
                True,
                "",
                ends_process=True,
            ),
            StageRule(
                Stage.REVOKED,
                "Order revoked",
                "Education Act 1996, s442",
                LetterKind.SAO_REVOCATION,
                None,
                True,
                "",
                ends_process=True,
            ),
            StageRule(
                Stage.REFERRED_FOR_PROSECUTION,
                "Referred for prosecution for failing to comply",
                "Education Act 1996, s443 (and s447: an education supervision order considered first)",
                LetterKind.SAO_PROSECUTION_REFERRAL,
                None,
                True,
                "",
                ends_process=True,
            ),
            StageRule(
                Stage.ENDED_SATISFIED,
                "Ended: the council is satisfied",
                "Education Act 1996, s437(3)(a)",
                None,
                None,
                True,
                "",
                ends_process=True,
            ),
        )
    }


def _rules_2026() -> dict[Stage, StageRule]:
    rules = _rules_1996()
    act = "Children's Wellbeing and Schools Act 2026, s39 and Sch. 2"
    changes = {
        Stage.NOTICE_SERVED: StageRule(
            Stage.NOTICE_SERVED,
            "Preliminary notice",
            f"Education Act 1996, s436H (inserted by the {act})",
            LetterKind.SAO_PRELIMINARY_NOTICE,
            None,  # the period the notice specifies: entered by the officer (see the module's docstring)
            True,
            "Consider the parent's answer once the notice's period has ended",
        ),
        Stage.PARENT_ANSWERED: StageRule(
            Stage.PARENT_ANSWERED,
            "The parent did not satisfy the council after the preliminary notice",
            f"Education Act 1996, s436I (inserted by the {act})",
            None,
            None,
            True,
            "Serve a school nomination notice",
        ),
        Stage.SCHOOL_NOTICE_SERVED: StageRule(
            Stage.SCHOOL_NOTICE_SERVED,
            "School nomination notice",
            f"Education Act 1996, s436K(1) to (3) (inserted by the {act})",
            LetterKind.SAO_NOMINATION_NOTICE,
            SCHOOL_CHOICE_DAYS,
            True,
            "Record the parent's choice, then serve the order once the 15 days have ended",
        ),
        Stage.PARENT_CHOICE: StageRule(
            Stage.PARENT_CHOICE,
            "The parent's choice of school",
            f"Education Act 1996, s436K(3) to (6) (inserted by the {act})",
            None,
            None,
            True,
            "Serve the school attendance order naming the school",
        ),
        Stage.ORDER_SERVED: StageRule(
            Stage.ORDER_SERVED,
            "School attendance order served",
            f"Education Act 1996, s436I (inserted by the {act})",
            LetterKind.SAO_ORDER,
            COMPLIANCE_CHECK_DAYS,
            False,
            "Check the child has become a registered pupil at the school named",
        ),
    }
    for stage in (Stage.COMPLIED, Stage.REVOKED, Stage.REFERRED_FOR_PROSECUTION, Stage.ENDED_SATISFIED):
        rule = rules[stage]
        changes[stage] = StageRule(
            stage,
            rule.title,
            f"{act} (the provision replacing {rule.section.removeprefix('Education Act 1996, ')})",
            rule.letter,
            rule.period_days,
            rule.period_is_law,
            rule.task,
            rule.ends_process,
        )
    return {**rules, **changes}


STAGE_RULES: dict[str, dict[Stage, StageRule]] = {Regime.EA1996: _rules_1996(), Regime.CWSA2026: _rules_2026()}

# The moves between steps; None is a process not yet started. The same in both regimes: the 2026 Act renames and
# renumbers the steps but keeps their order (preliminary notice, answer, nomination notice, choice, order).
NEXT_STAGES: dict[Stage | None, tuple[Stage, ...]] = {
    None: (Stage.NOTICE_SERVED,),
    Stage.NOTICE_SERVED: (Stage.PARENT_ANSWERED, Stage.ENDED_SATISFIED),
    Stage.PARENT_ANSWERED: (Stage.SCHOOL_NOTICE_SERVED, Stage.ENDED_SATISFIED),
    Stage.SCHOOL_NOTICE_SERVED: (Stage.PARENT_CHOICE,),
    Stage.PARENT_CHOICE: (Stage.ORDER_SERVED,),
    Stage.ORDER_SERVED: (Stage.COMPLIED, Stage.REVOKED, Stage.REFERRED_FOR_PROSECUTION),
    Stage.COMPLIED: (),
    Stage.REFERRED_FOR_PROSECUTION: (),
    Stage.REVOKED: (),
    Stage.ENDED_SATISFIED: (),
}


def rule_for(regime: str, stage: str) -> StageRule:
    return STAGE_RULES[Regime(regime)][Stage(stage)]


def period_last_day(served_on: date, days: int) -> date:
    """The last day of a period of `days` days "beginning with the day on which the notice is served".

    The day of service is day 1: a 15-day period for a notice served on Monday 2 November 2026 ends on Monday
    16 November 2026, and the council may take the next step from Tuesday 17 November.
    """
    if days < 1:
        raise ValueError("A period is at least one day long.")
    return served_on + timedelta(days=days - 1)


def next_step_from(served_on: date, days: int) -> date:
    """The first day after the period: the earliest the council may act on the parent's silence."""
    return period_last_day(served_on, days) + timedelta(days=1)


def minimum_notice_days(regime: str) -> int:
    """The shortest period the first notice may give: 15 days under s437(2) EA 1996; no minimum cme can confirm under
    the 2026 Act (the officer enters the period the notice states)."""
    return NOTICE_MIN_DAYS_1996 if Regime(regime) == Regime.EA1996 else 1

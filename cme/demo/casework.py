"""Demo casework: referrals and CME cases in every state, with enquiries, notes, decisions and outcomes.

Built for the children the generator marks as missing education (and a few others), so every casework screen has
realistic content. Rows are written directly with past dates, as if the service had been running for months: the
services stamp everything "today", which would make a demo with no history. Every case change still has its
decision, by a named demo caseworker, with a rationale, exactly as the services would write it.
"""

import random
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cme.accounts.enums import Role
from cme.accounts.models import Team, User
from cme.accounts.services import user_provision
from cme.cases.clocks import (
    CASE_REVIEW_DAYS,
    ENQUIRY_RESPONSE_DAYS,
    INITIAL_CHECKS_DAYS,
    CalendarGap,
    SchoolCalendar,
    clock_due_date,
    default_term_periods,
    school_year_of,
)
from cme.cases.enums import (
    CaseStatus,
    CmeReason,
    DecisionKind,
    EnquiryAgency,
    EnquiryResult,
    Outcome,
    ReferralSource,
    ReferralStatus,
    RiskLevel,
    SignOffState,
)
from cme.cases.models import Case, Decision, Enquiry, Note, Referral, SignOffRequest
from cme.people.models import Child
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.services import disclosure_record
from cme.schools.enrolments import school_outside_register
from cme.schools.enums import EnrolmentSource
from cme.schools.models import Enrolment, School

from .generator import Borough

# Colleagues for the demo caseworkers, so the caseload page has more than two rows. They cannot sign in.
COLLEAGUES = (("Priya", "Nair"), ("Tomasz", "Wiśniewski"), ("Grace", "Mensah"), ("Rhys", "Powell"))
STATE_WEIGHTS = (
    ("received", 10),
    ("no_further_action", 6),
    (CaseStatus.OPEN, 14),
    (CaseStatus.ENQUIRIES, 32),
    (CaseStatus.LOCATED, 10),
    (CaseStatus.CLOSED, 28),
)
CONCERNS = (
    "Not seen at school since the October half-term. Phone numbers unobtainable; letters returned.",
    "Family said they were moving to Birmingham but no school has asked for the CTF.",
    "Neighbour reports the children are at home every day and do not go to school.",
    "Removed from roll under ground G; destination school not known.",
    "Arrived from abroad in the summer; admissions has no application.",
    "Parent withdrew the child to home educate; no information about the education provided.",
    "Offered a place at Ashcombe High in September but never started.",
)
NOTES = (
    "Phoned both numbers on file at 9:15 and 16:40: no answer, voicemail full.",
    "Home visit with the education welfare officer. No answer; curtains drawn; post piling up behind the door.",
    "Spoke to the neighbour at no. 14, who thinks the family went to stay with relatives.",
    "Emailed the CME officer at the receiving council with the child's details and the last known address.",
    "Checked the lost pupil database: no match on name and date of birth.",
    "Mother called back. Says the children are staying with their aunt and will start at a new school next week.",
)
FINDINGS = {
    EnquiryResult.NO_TRACE: "No record of the family at the address or in the area.",
    EnquiryResult.INFORMATION_FOUND: "Tenancy ended last month; forwarding address given in another council's area.",
    EnquiryResult.CHILD_LOCATED: "Child registered with a GP practice and a school in the receiving council's area.",
    EnquiryResult.NO_RESPONSE: "",
}
CLOSING = (
    (Outcome.ON_ROLL_OTHER_LA, "Receiving council's CME officer confirmed the child is on roll."),
    (Outcome.ON_ROLL_THIS_LA, "Admissions allocated a place; the school confirms the child started."),
    (Outcome.MOVED_ABROAD_CONFIRMED, "Father confirmed by phone and email that the family moved to Poland."),
    (Outcome.EHE_SUITABLE, "The EHE team judged the education described suitable."),
    (Outcome.WHEREABOUTS_UNKNOWN, "All enquiries exhausted; lost pupil CTF uploaded; review in three months."),
)


@dataclass
class _Staff:
    officers: list[User]
    manager: User


def _staff(teams: list[Team]) -> _Staff:
    """The demo officer and manager, plus colleagues (unusable passwords) spread over both teams."""
    officers = list(User.objects.filter(role=Role.CME_OFFICER))
    for index, (first, last) in enumerate(COLLEAGUES):
        # Through the operator's service, as every demo user is: never the administrator's pages.
        user = user_provision(
            username=f"{first.lower()}.{last.lower()}",
            first_name=first,
            last_name=last,
            role=Role.CME_OFFICER,
            email=f"{first.lower()}@example.org",
            team=teams[index % len(teams)],
            password=None,
        )
        officers.append(user)
    return _Staff(officers=officers, manager=User.objects.get(username="manager"))


def _calendar(today: date) -> SchoolCalendar:
    """Default terms for last year, this year and next, so clocks started months ago still count."""
    year = school_year_of(today)
    periods = [term.span for school_year in (year - 1, year, year + 1) for term in default_term_periods(school_year)]
    return SchoolCalendar(term_periods=tuple(periods))


def _due(start: date, days: int, calendar: SchoolCalendar) -> date | None:
    try:
        return clock_due_date(start=start, school_days=days, calendar=calendar)
    except CalendarGap:
        return None


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def demo_casework_load(*, borough: Borough, children: dict[str, Child], seed: int, today: date | None = None) -> dict:
    """Write the demo referrals and cases; returns counts. Deterministic for a given borough and seed."""
    rng = random.Random(seed * 7919)
    today = today or timezone.localdate()
    calendar = _calendar(today)
    teams = list(Team.objects.order_by("name"))
    staff = _staff(teams)
    subjects = [c for c in borough.children if c.missing_education] + rng.sample(
        [c for c in borough.children if c.moved_away or not c.on_roll], k=min(20, len(borough.children))
    )
    counts = {"referrals": 0, "cases": 0, "enquiries": 0, "notes": 0, "decisions": 0}
    states = [state for state, weight in STATE_WEIGHTS for _ in range(weight)]
    for record in dict.fromkeys(subjects):  # keeps order, drops a child picked twice
        child = children[record.id]
        state = rng.choice(states)
        officer = rng.choice(staff.officers)
        received = today - timedelta(days=rng.randint(3, 170))
        referral = Referral.objects.create(
            child=child,
            source=rng.choice(list(ReferralSource)),
            received_on=received,
            concerns=rng.choice(CONCERNS),
            referrer_name="Attendance lead",
            referrer_role="Designated safeguarding lead",
            referrer_organisation="A school in the borough",
            # About one in six raises a safeguarding concern (issue 11 point 4: such referrals come first); chosen
            # by the child's id, so the random draws below, and the rest of the borough, stay as they were.
            safeguarding_concern=zlib.crc32(record.id.encode()) % 6 == 0,
            recorded_by=officer,
        )
        counts["referrals"] += 1
        if state == "received":
            continue
        triaged = min(received + timedelta(days=rng.randint(0, 3)), today)
        if state == "no_further_action":
            _decide(
                referral=referral,
                actor=officer,
                kind=DecisionKind.NO_FURTHER_ACTION,
                day=triaged,
                rationale="Already on roll at a school in another council's area; confirmed by phone.",
            )
            _triage(referral, officer, ReferralStatus.NO_FURTHER_ACTION, triaged, None)
            counts["decisions"] += 1
            continue
        case = _open_case(child, referral, officer, triaged, rng, calendar)
        counts["cases"] += 1
        _work_case(case, officer, state, triaged, today, rng, calendar, counts)
    _reviews_spread(rng=rng, today=today, calendar=calendar, counts=counts)
    counts["sign_offs"] = _sign_offs(staff.manager, today)
    counts["attendance_orders"] = _attendance_orders(today)
    return counts


# A team on top of its work has some cases past their due date, not most: the demo has about one open case in seven
# overdue. The rest were reviewed in the last few weeks, each review restarting the case's clock (CASE_REVIEW_DAYS).
OVERDUE_SHARE = 1 / 7
REVIEW_NOTE = "Case reviewed: enquiries continue; next review set."


def _reviews_spread(*, rng: random.Random, today: date, calendar: SchoolCalendar, counts: dict) -> None:
    """Give each open case a last review and the due date it set, so about OVERDUE_SHARE of them are overdue."""
    cases = list(Case.objects.exclude(status=CaseStatus.CLOSED).select_related("officer").order_by("pk"))
    long_open = [case for case in cases if case.opened_on < today - timedelta(days=70)]
    overdue = {case.pk for case in rng.sample(long_open, k=min(len(long_open), round(len(cases) * OVERDUE_SHARE)))}
    for case in cases:
        late = case.pk in overdue
        start = today - timedelta(days=rng.randint(30, 60) if late else rng.randint(0, 21))
        reviewed, due = _review_before(max(start, case.opened_on), today, calendar, late=late)
        if due is None:
            continue
        Case.objects.filter(pk=case.pk).update(due_on=due)
        if reviewed > case.opened_on:
            note = Note.objects.create(case=case, author=case.officer, text=REVIEW_NOTE)
            Note.objects.filter(pk=note.pk).update(created_at=_at(reviewed, 15))
            counts["notes"] += 1


def _review_before(reviewed: date, today: date, calendar: SchoolCalendar, *, late: bool) -> tuple[date, date | None]:
    """A review on or near `reviewed` whose due date is before today (`late`) or on or after it."""
    due = _due(reviewed, CASE_REVIEW_DAYS, calendar)
    while due is not None and (due < today) != late:
        reviewed = reviewed - timedelta(days=7) if late else min(reviewed + timedelta(days=7), today)
        due = _due(reviewed, CASE_REVIEW_DAYS, calendar)
    return reviewed, due


# Where children went when their cases closed (issue 12 point 7): another council's school by name and URN, or a
# country. Cases found on a school's roll in the borough get that school and an enrolment from the closure.
OTHER_COUNCIL_SCHOOLS = (("Harbour View Academy", 145678, "Northshire"), ("St Aidan's CE Primary", 146903, "Leeds"))
COUNTRIES = ("Poland", "Romania", "Portugal", "Pakistan")


def _destination(case: Case, outcome: str, found: date) -> dict:
    """The destination fields for a demo case closed with `outcome` (its own generator, so other draws stay put)."""
    rng = random.Random(case.pk)
    if outcome == Outcome.ON_ROLL_THIS_LA:
        school = rng.choice(list(School.objects.filter(status__istartswith="open").order_by("urn")[:40]))
        Enrolment.objects.create(child=case.child, school=school, start_date=found, source=EnrolmentSource.CASE_CLOSURE)
        return {"destination_school": school, "destination_on": found}
    if outcome == Outcome.ON_ROLL_OTHER_LA:
        name, urn, council = rng.choice(OTHER_COUNCIL_SCHOOLS)
        school = School.objects.filter(urn=urn).first() or school_outside_register(name=name, urn=urn)
        Enrolment.objects.create(child=case.child, school=school, start_date=found, source=EnrolmentSource.CASE_CLOSURE)
        return {"destination_school": school, "destination_council": council, "destination_on": found}
    if outcome == Outcome.MOVED_ABROAD_CONFIRMED:
        return {"destination_country": rng.choice(COUNTRIES), "destination_on": found}
    return {}


# Requests to close that wait for the demo manager's sign-off, and one the manager sent back (issue 12 point 2).
SIGN_OFFS = (
    (
        Outcome.WHEREABOUTS_UNKNOWN,
        "",
        "All checks made: no trace at housing, council tax, GP or the lost pupil database.",
    ),
    (Outcome.MOVED_ABROAD_CONFIRMED, "Romania", "Mother confirmed by email that the family moved to Romania."),
    (Outcome.EHE_SUITABLE, "", "The EHE adviser visited and judged the education described suitable."),
)
SENT_BACK = (Outcome.MOVED_ABROAD_UNCONFIRMED, "Portugal", "Neighbours say the family went to Portugal.")
SENT_BACK_REASON = "Ask the Home Office and the last school for evidence of travel before closing."


def _sign_offs(manager: User, today: date) -> int:
    located = list(Case.objects.filter(status=CaseStatus.LOCATED).select_related("officer").order_by("pk")[:4])
    for index, case in enumerate(located):
        outcome, country, why = SIGN_OFFS[index] if index < len(SIGN_OFFS) else SENT_BACK
        sent_back = index >= len(SIGN_OFFS)
        asked = today - timedelta(days=index + 1)
        request = SignOffRequest.objects.create(
            case=case,
            outcome=outcome,
            rationale=why,
            needed_because=[f"The outcome is “{Outcome(outcome).label}”"],
            destination_country=country,
            requested_by=case.officer,
            state=SignOffState.SENT_BACK if sent_back else SignOffState.WAITING,
            decided_by=manager if sent_back else None,
            decided_at=_at(today, 9) if sent_back else None,
            decision_reason=SENT_BACK_REASON if sent_back else "",
        )
        SignOffRequest.objects.filter(pk=request.pk).update(requested_at=_at(asked, 15))
        details = {"sign_off_id": request.pk, "outcome": outcome}
        _decide(
            case=case, actor=case.officer, kind=DecisionKind.REQUEST_SIGN_OFF, day=asked, rationale=why, details=details
        )
        if sent_back:
            _decide(
                case=case, actor=manager, kind=DecisionKind.SEND_BACK_SIGN_OFF, day=today, rationale=SENT_BACK_REASON,
                details=details,
            )  # fmt: skip
    return len(located)


def _attendance_orders(today: date) -> int:
    """Two school attendance order processes under way, so the process page and its deadlines show in the demo: one
    whose s437(1) notice period has ended (the answer considered, the school notice next), one still running."""
    from cme.cases.enums import AttendanceOrderStage
    from cme.cases.services import attendance_order_start, attendance_order_step_record

    cases = (
        Case.objects.filter(status=CaseStatus.LOCATED, officer__isnull=False, child__carer_relationships__isnull=False)
        .select_related("officer")
        .distinct()
        .order_by("-pk")[:2]  # the newest located cases: the oldest ones wait for sign-off (_sign_offs)
    )
    for number, case in enumerate(cases):
        officer = case.officer
        carer = case.child.carer_relationships.order_by("pk").first().carer
        order = attendance_order_start(
            case=case,
            actor=officer,
            carer=carer,
            rationale="Family located; parents have refused every school place offered and give no information "
            "about education at home.",
        )
        served = today - timedelta(days=20 if number == 0 else 9)
        attendance_order_step_record(
            order=order,
            actor=officer,
            stage=AttendanceOrderStage.NOTICE_SERVED,
            occurred_on=served,
            period_days=15,
            rationale="Home visit and two letters unanswered; notice served by hand at the family's address.",
        )
        if number == 0:
            attendance_order_step_record(
                order=order,
                actor=officer,
                stage=AttendanceOrderStage.PARENT_ANSWERED,
                occurred_on=served + timedelta(days=16),
                rationale="No reply within the notice's period; no evidence of education at home. It is expedient "
                "that the child attend school.",
            )
    return len(cases)


def _decide(*, actor, kind, day, rationale, case=None, referral=None, details=None) -> Decision:
    decision = Decision.objects.create(
        kind=kind, case=case, referral=referral, rationale=rationale, details=details or {}, decided_by=actor
    )
    Decision.objects.filter(pk=decision.pk).update(decided_at=_at(day, 11))
    return decision


def _triage(referral: Referral, actor, status, day: date, case: Case | None) -> None:
    Referral.objects.filter(pk=referral.pk).update(
        status=status,
        case=case,
        triaged_by=actor,
        triaged_at=_at(day, 10),
        triage_rationale="Triaged at the morning referrals meeting.",
    )


def _open_case(child, referral, officer, opened: date, rng, calendar) -> Case:
    case = Case.objects.create(
        child=child,
        status=CaseStatus.OPEN,
        team=officer.team,
        officer=officer,
        primary_reason=rng.choice(list(CmeReason)),
        became_cme_on=referral.received_on - timedelta(days=rng.randint(0, 20)),
        opened_by=officer,
        opened_on=opened,
        due_on=_due(opened, INITIAL_CHECKS_DAYS, calendar),
    )
    _decide(
        referral=referral,
        case=case,
        actor=officer,
        kind=DecisionKind.ACCEPT_REFERRAL,
        day=opened,
        rationale="Child of compulsory school age with no school place; reasons unknown.",
        details={"new_case": True},
    )
    _triage(referral, officer, ReferralStatus.ACCEPTED, opened, case)
    return case


def _work_case(case, officer, state, opened, today, rng, calendar, counts: dict) -> None:
    """Enquiries, notes and decisions that take `case` from open to `state`; adds what it wrote to `counts`."""
    span = max((today - opened).days, 1)
    if rng.random() < 0.6:
        risk = rng.choice([RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.MEDIUM, RiskLevel.HIGH])
        _decide(
            case=case,
            actor=officer,
            kind=DecisionKind.SET_RISK,
            day=opened,
            details={"from": "not_assessed", "to": risk},
            rationale="No known safeguarding concerns beyond the missed education."
            if risk == RiskLevel.LOW
            else "Siblings also missing; previous contact with children's social care.",
        )
        Case.objects.filter(pk=case.pk).update(risk_level=risk)
        counts["decisions"] += 1
    if state == CaseStatus.OPEN:
        return
    started = opened + timedelta(days=min(2, span))
    _decide(
        case=case,
        actor=officer,
        kind=DecisionKind.CHANGE_STATUS,
        day=started,
        details={"from": "open", "to": "enquiries"},
        rationale="Initial checks found nothing; starting enquiries.",
    )
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.ENQUIRIES, due_on=_due(started, INITIAL_CHECKS_DAYS, calendar)
    )
    counts["decisions"] += 1
    for agency in rng.sample(list(EnquiryAgency), k=rng.randint(3, 8)):
        asked = min(started + timedelta(days=rng.randint(0, max(span // 2, 1))), today)
        answered = state != CaseStatus.ENQUIRIES or rng.random() < 0.6
        result = rng.choice([EnquiryResult.NO_TRACE, EnquiryResult.INFORMATION_FOUND, EnquiryResult.NO_RESPONSE])
        responded = min(asked + timedelta(days=rng.randint(1, 10)), today) if answered else None
        Enquiry.objects.create(
            case=case,
            agency=agency,
            requested_on=asked,
            contact_name="Duty officer",
            recorded_by=officer,
            response_due_on=_due(asked, ENQUIRY_RESPONSE_DAYS, calendar),
            responded_on=responded,
            result=result if answered else EnquiryResult.AWAITING,
            findings=FINDINGS[result] if answered else "",
        )
        counts["enquiries"] += 1
    for text in rng.sample(NOTES, k=rng.randint(1, 4)):
        note = Note.objects.create(case=case, author=officer, text=text)
        Note.objects.filter(pk=note.pk).update(
            created_at=_at(min(started + timedelta(days=rng.randint(0, span)), today), 14)
        )
        counts["notes"] += 1
    if case.child.pk % 9 == 0:
        decision = _decide(
            case=case,
            actor=officer,
            kind=DecisionKind.ESCALATE_SOCIAL_CARE,
            day=started,
            details={"recipient": "Wyndley Children's Social Care"},
            rationale="Child subject to a child in need plan; whereabouts unknown for two weeks.",
        )
        disclosure_record(
            actor=officer,
            direction=Direction.SHARED_OUT,
            organisation="Wyndley Children's Social Care",
            data_categories=[DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.CASEWORK],
            purpose=Purpose.SAFEGUARDING,
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            subject=case.child,
            cause=decision,
            description="Escalated: whereabouts unknown, known to social care.",
        )
        counts["decisions"] += 1
    if state in (CaseStatus.LOCATED, CaseStatus.CLOSED):
        found = min(started + timedelta(days=rng.randint(5, max(span, 6))), today)
        _decide(
            case=case,
            actor=officer,
            kind=DecisionKind.CHANGE_STATUS,
            day=found,
            details={"from": "enquiries", "to": "located"},
            rationale="Receiving council confirmed the address.",
        )
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.LOCATED, due_on=_due(found, INITIAL_CHECKS_DAYS, calendar)
        )
        counts["decisions"] += 1
        if state == CaseStatus.CLOSED:
            outcome, why = rng.choice(CLOSING)
            closed = min(found + timedelta(days=rng.randint(1, 10)), today)
            _decide(
                case=case,
                actor=officer,
                kind=DecisionKind.CLOSE_CASE,
                day=closed,
                details={"from": "located", "outcome": outcome},
                rationale=why,
            )
            Case.objects.filter(pk=case.pk).update(
                status=CaseStatus.CLOSED,
                outcome=outcome,
                closed_on=closed,
                due_on=None,
                **_destination(case, outcome, found),
            )
            counts["decisions"] += 1

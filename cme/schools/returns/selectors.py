"""Reads of schools' returns: a school's own list, the officers' inbox, match and next-step suggestions, and the
at-risk list. Pure queries and calculations: nothing here changes a return or decides anything."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cme.cases.enums import CaseStatus, ReferralStatus
from cme.cases.priority import flagged_first
from cme.people.ages import national_curriculum_year, year_group_label
from cme.people.models import Child, FormerUpn
from cme.people.names import search_keys
from cme.people.selectors import ChildMatch, child_search

from ..enums import AtRiskReason, ReturnKind, SchoolView, TriageState
from ..models import Enrolment, PartTimeTimetable, RollReturn

# How sure a suggested match is, from child_search's score (0 to 1). The UPN is an identifier given by the DfE, so
# a child with the same UPN is named first and called almost certain; names and dates of birth alone are not.
LIKELY_SCORE = 0.9
POSSIBLE_SCORE = 0.7
SUGGESTION_LIMIT = 5


def returns_for_school(*, school_id: int) -> QuerySet[RollReturn]:
    """One school's returns, newest first, with what the summary status needs: never another school's."""
    return (
        RollReturn.objects.filter(school_id=school_id)
        .select_related("referral", "referral__case", "case")
        .order_by("-received_on", "-pk")
    )


def return_school_view(roll_return: RollReturn) -> SchoolView:
    """What the school may know of the council's work: received, being looked into, or closed. No case details."""
    if roll_return.triage_state == TriageState.RECEIVED:
        return SchoolView.RECEIVED
    if roll_return.triage_state == TriageState.NO_FURTHER_ACTION:
        return SchoolView.CLOSED
    if roll_return.triage_state == TriageState.ADDED_TO_CASE:  # joined the child's open case
        case = roll_return.case
        return SchoolView.CLOSED if case is None or case.status == CaseStatus.CLOSED else SchoolView.LOOKING_INTO
    referral = roll_return.referral
    if referral is None or referral.status == ReferralStatus.NO_FURTHER_ACTION:
        return SchoolView.CLOSED
    if referral.case is not None and referral.case.status == CaseStatus.CLOSED:
        return SchoolView.CLOSED
    return SchoolView.LOOKING_INTO


def return_inbox(*, state: str = TriageState.RECEIVED, kind: str = "", school_id: int | None = None):
    """Returns for officers to triage: those with a safeguarding concern first, then oldest first so nothing waits
    longest."""
    returns = RollReturn.objects.select_related("school", "child")
    if state in TriageState.values:
        returns = returns.filter(triage_state=state)
    if kind in ReturnKind.values:
        returns = returns.filter(kind=kind)
    if school_id:
        returns = returns.filter(school_id=school_id)
    return flagged_first(returns, Q(safeguarding_concern=True), "received_on", "pk")


def return_inbox_counts() -> dict[str, int]:
    return {state: RollReturn.objects.filter(triage_state=state).count() for state in TriageState.values}


@dataclass(frozen=True)
class MatchSuggestion:
    """A child who may be the pupil in the return, how sure that is in words, and why."""

    match: ChildMatch
    certainty: str

    @property
    def child(self):
        return self.match.child


def return_match_suggestions(*, roll_return: RollReturn, search=child_search) -> list[MatchSuggestion]:
    """Children the return may be about, the exact UPN match first. Shown to an officer; never applied.

    `search` takes child_search's arguments: pages and endpoints pass the audited one (cme.schools.access).
    """
    matches = search(
        name=roll_return.pupil_name,
        date_of_birth=roll_return.date_of_birth,
        upn=roll_return.upn,
        postcode=roll_return.address_postcode,
        limit=SUGGESTION_LIMIT,
    )
    upn_first = sorted(matches, key=lambda m: (not (roll_return.upn and m.child.upn == roll_return.upn), -m.score))
    return [MatchSuggestion(match, _certainty(match, roll_return)) for match in upn_first]


def _certainty(match: ChildMatch, roll_return: RollReturn) -> str:
    if roll_return.upn and match.child.upn == roll_return.upn:
        return "Almost certain: the UPN matches"
    if match.score >= LIKELY_SCORE:
        return "Likely"
    if match.score >= POSSIBLE_SCORE:
        return "Possible"
    return "Unlikely"


def return_next_step(*, roll_return: RollReturn, today: date | None = None) -> str:
    """The step the guidance suggests for this return, in words for the officer, who decides."""
    today = today or timezone.localdate()
    kind = roll_return.kind
    if roll_return.safeguarding_concern:
        return "The school raised a safeguarding concern: check whether children's social care must be told now."
    if kind == ReturnKind.DELETION and roll_return.deletion_ground in {"H", "I"}:
        return (
            "Ground H or I needs joint reasonable enquiries by the school and the council: record them, and open "
            "CME enquiries if the pupil's whereabouts are still unknown."
        )
    if roll_return.destination_unknown:
        return "The destination is not known: open CME enquiries to find where the pupil is."
    if roll_return.timetable_id and roll_return.timetable.is_open:
        review = roll_return.timetable.next_review_on
        if review and review < today:
            return f"The part-time timetable's review was due on {review:%d %B %Y}: chase the school."
    if kind == ReturnKind.PART_TIME_TIMETABLE:
        return "Check the timetable is time-limited and agreed, and note its review date."
    if kind in (ReturnKind.UNAUTHORISED_ABSENCE, ReturnKind.SICKNESS):
        return "Check what the school has done to reach the family; consider the council's section 19 duty."
    if kind == ReturnKind.PLACE_NOT_TAKEN_UP:
        return "The pupil did not take up the place: find out where they are being educated."
    return "Check the details against the child's record; no further action may be needed."


# ---------------------------------------------------------------------------------------------------------------
# Children at risk of missing education


@dataclass(frozen=True)
class AtRiskRow:
    """One child at risk, why, and their clock: how long the risk has run and what is due."""

    roll_return: RollReturn
    reason: AtRiskReason
    since: date
    days: int
    due: date | None
    overdue: bool  # something is past its date: a review not made, or a part-time timetable past its planned end
    year_group: int | None
    planned_end: date | None = None
    review_overdue: bool = False
    past_end: bool = False

    @property
    def year_group_label(self) -> str:
        return year_group_label(self.year_group) if self.year_group is not None else "Not known"

    @property
    def clock(self) -> str:
        if self.reason == AtRiskReason.PART_TIME_TIMETABLE:
            text = f"On a part-time timetable for {self.days} days"
            text = f"{text}; review due {_day(self.due)}" if self.due else f"{text}; no review date"
            return f"{text}; planned end {_day(self.planned_end)}" if self.planned_end else f"{text}; no end date"
        if self.reason == AtRiskReason.LONG_ABSENCE and self.roll_return.school_days_absent:
            return f"{self.roll_return.school_days_absent} school days absent when reported, {self.days} days ago"
        return f"{self.days} days since {self.since:%d %b %Y}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"  # "2 May 2014", as pages write dates


AT_RISK_SINCE_DAYS = 365  # a return received more than a year ago has had its chance: it drops off the list


def at_risk_list(
    *, school_id: int | None = None, year_group: int | None = None, reason: str = "", today: date | None = None
) -> list[AtRiskRow]:
    """Children at risk of missing education from schools' returns: a safeguarding concern first, then overdue
    reviews, then the longest-running.

    Open part-time timetables; long absence, unknown-destination deletions and places not taken up that are waiting
    for triage or referred (not closed with no further action).
    """
    today = today or timezone.localdate()
    rows: list[AtRiskRow] = []
    if reason in ("", AtRiskReason.PART_TIME_TIMETABLE):
        rows += _timetable_rows(school_id=school_id, today=today)
    if reason in ("", AtRiskReason.LONG_ABSENCE):
        rows += _return_rows(
            Q(kind__in=[ReturnKind.UNAUTHORISED_ABSENCE, ReturnKind.SICKNESS]),
            AtRiskReason.LONG_ABSENCE,
            school_id=school_id,
            today=today,
        )
    if reason in ("", AtRiskReason.DESTINATION_UNKNOWN):
        rows += [
            row
            for row in _return_rows(
                Q(kind__in=[ReturnKind.DELETION, ReturnKind.LOST_PUPIL]),
                AtRiskReason.DESTINATION_UNKNOWN,
                school_id=school_id,
                today=today,
            )
            if row.roll_return.destination_unknown
        ]
    if reason in ("", AtRiskReason.PLACE_NOT_TAKEN_UP):
        rows += _return_rows(
            Q(kind=ReturnKind.PLACE_NOT_TAKEN_UP), AtRiskReason.PLACE_NOT_TAKEN_UP, school_id=school_id, today=today
        )
    if year_group is not None:
        rows = [row for row in rows if row.year_group == year_group]
    # Safeguarding first (issue 11 point 4), then overdue reviews, then the longest-running.
    rows.sort(
        key=lambda row: (not row.roll_return.safeguarding_concern, not row.overdue, row.since, row.roll_return.pk)
    )
    return rows


# Reasons a later enrolment settles: the child deleted with no known destination, or who never took up a place, has
# since been put on a school's roll (a new-pupil return or CTF triaged, or a case closed as found on a roll).
ROLL_SETTLES = frozenset({AtRiskReason.DESTINATION_UNKNOWN, AtRiskReason.PLACE_NOT_TAKEN_UP})


def _on_a_roll_since() -> Exists:
    """The return's child has an enrolment that started on or after the return's date (cme.schools.enrolments)."""
    return Exists(Enrolment.objects.filter(child_id=OuterRef("child_id"), start_date__gte=OuterRef("event_date")))


def _return_rows(condition: Q, reason: AtRiskReason, *, school_id: int | None, today: date) -> list[AtRiskRow]:
    returns = (
        RollReturn.objects.filter(condition)
        .exclude(triage_state=TriageState.NO_FURTHER_ACTION)
        .exclude(_on_a_roll_since() if reason in ROLL_SETTLES else Q(pk__in=[]))
        .filter(received_on__gte=today - timedelta(days=AT_RISK_SINCE_DAYS))
        .select_related("school")
    )
    if school_id:
        returns = returns.filter(school_id=school_id)
    return [
        AtRiskRow(
            roll_return=item,
            reason=reason,
            since=item.event_date,
            days=(today - item.event_date).days,
            due=None,
            overdue=False,
            year_group=national_curriculum_year(item.date_of_birth, today),
        )
        for item in returns
    ]


def _timetable_rows(*, school_id: int | None, today: date) -> list[AtRiskRow]:
    timetables = PartTimeTimetable.objects.filter(ended_on__isnull=True)
    if school_id:
        timetables = timetables.filter(school_id=school_id)
    starts = (
        RollReturn.objects.filter(kind=ReturnKind.PART_TIME_TIMETABLE, timetable__in=timetables)
        .select_related("school", "timetable")
        .order_by("pk")
    )
    rows = []
    for start in starts:
        timetable = start.timetable
        review_overdue, past_end = timetable.review_overdue(today), timetable.past_planned_end(today)
        rows.append(
            AtRiskRow(
                roll_return=start,
                reason=AtRiskReason.PART_TIME_TIMETABLE,
                since=timetable.started_on,
                days=(today - timetable.started_on).days,
                due=timetable.next_review_on,
                overdue=review_overdue or past_end,
                year_group=national_curriculum_year(start.date_of_birth, today),
                planned_end=timetable.planned_end_on,
                review_overdue=review_overdue,
                past_end=past_end,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------------------------
# A part-time timetable's dates, wherever it is shown (the return, the child's page, the at-risk list)


@dataclass(frozen=True)
class TimetableDates:
    """A part-time timetable's dates and what is past: shown on the return, the child's page and the at-risk list."""

    timetable: PartTimeTimetable
    school_name: str
    review_overdue: bool
    past_end: bool


def timetable_dates(timetable: PartTimeTimetable, *, today: date | None = None) -> TimetableDates:
    today = today or timezone.localdate()
    return TimetableDates(
        timetable=timetable,
        school_name=timetable.school.name,
        review_overdue=timetable.review_overdue(today),
        past_end=timetable.past_planned_end(today),
    )


def timetables_for_child(*, child_id: int, today: date | None = None) -> list[TimetableDates]:
    """The part-time timetables schools reported for the child (through returns matched to them), newest first."""
    timetables = (
        PartTimeTimetable.objects.filter(Exists(RollReturn.objects.filter(timetable=OuterRef("pk"), child_id=child_id)))
        .select_related("school")
        .order_by("-started_on", "-pk")
    )
    return [timetable_dates(timetable, today=today) for timetable in timetables]


def open_timetables_for_school(*, school_id: int) -> list[tuple[PartTimeTimetable, RollReturn]]:
    """A school's open part-time timetables with the return that started each (the pupil's details)."""
    starts = (
        RollReturn.objects.filter(
            school_id=school_id, kind=ReturnKind.PART_TIME_TIMETABLE, timetable__ended_on__isnull=True
        )
        .select_related("timetable")
        .order_by("timetable__next_review_on", "pk")
    )
    return [(start.timetable, start) for start in starts]


def returns_known_children(returns) -> dict[int, list[int]]:
    """For each return, the children cme already holds that it is (or may be) about, without a second matcher: the
    child an officer linked it to; otherwise any child with the same UPN (current or former), or with the same name
    keys (`cme.people.names.search_keys`: spellings and known-as forms agree) and date of birth. Batched: four queries
    for a page of returns. A hint for triage, never applied: the officer links the return (with the duplicate check)."""
    found: dict[int, list[int]] = {item.pk: [item.child_id] for item in returns if item.child_id}
    unlinked = [item for item in returns if not item.child_id]
    if not unlinked:
        return found
    upns = {item.upn for item in unlinked if item.upn}
    by_upn: dict[str, set[int]] = {}
    for child_id, upn in Child.objects.filter(upn__in=upns).values_list("pk", "upn"):
        by_upn.setdefault(upn, set()).add(child_id)
    for child_id, upn in FormerUpn.objects.filter(upn__in=upns).values_list("child_id", "upn"):
        by_upn.setdefault(upn, set()).add(child_id)
    by_name: dict[tuple, set[int]] = {}
    people = Child.objects.filter(date_of_birth__in={item.date_of_birth for item in unlinked})
    for child_id, given, family, born in people.values_list("pk", "given_name_key", "family_name_key", "date_of_birth"):
        by_name.setdefault((given, family, born), set()).add(child_id)
    for item in unlinked:
        keys = search_keys(given_name=item.given_name, family_name=item.family_name)
        ids = by_upn.get(item.upn, set()) | by_name.get(
            (keys["given_name_key"], keys["family_name_key"], item.date_of_birth), set()
        )
        if ids:
            found[item.pk] = sorted(ids)
    return found

"""Reads for casework: what a user may see, the dashboard, caseloads, a case's timeline. No side effects."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cme.accounts.enums import Role
from cme.accounts.models import User
from cme.common.crypto import encrypted_field_names
from cme.people.models import Child, PersonName

from .enums import CaseStatus, EnquiryResult, ReferralStatus, RiskLevel, SignOffState
from .models import Case, Decision, Document, Enquiry, Note, Referral, SignOffRequest
from .policies import ALLOCATABLE_ROLES
from .priority import case_flag, flagged_first, referral_flag

# Case and referral pages show who the child is, never their special-category details, so those stay sealed.
CHILD_SEALED = encrypted_field_names(Child, via="child")


def case_list_for_user(*, user: User) -> QuerySet[Case]:
    """Cases `user` may see: every case for a manager; for an officer, their own and their team's; else none."""
    cases = Case.objects.select_related("child", "officer", "team").defer(*CHILD_SEALED)
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.role == Role.CME_MANAGER:
        return cases
    if user.role == Role.CME_OFFICER:
        visible = Q(officer=user)
        if user.team_id:
            visible |= Q(team_id=user.team_id)
        return cases.filter(visible)
    return cases.none()


def child_in_caseload(*, user: User, child_id: int) -> bool:
    """Whether the child has a case `user` works: their own or their team's (a manager's: any case in the service).

    Outside it, opening the child's record needs a stated purpose (privacy notice: access only for a purpose).
    """
    return case_list_for_user(user=user).filter(child_id=child_id).exists()


def carer_in_caseload(*, user: User, carer_id: int) -> bool:
    """Whether any child the carer cares for is in `user`'s caseload; outside it, a carer's record needs a purpose."""
    return case_list_for_user(user=user).filter(child__carer_relationships__carer_id=carer_id).exists()


def officer_list_allocatable() -> QuerySet[User]:
    """The people a case may be allocated to (cme.cases.policies.ALLOCATABLE_ROLES, active accounts)."""
    return User.objects.filter(is_active=True, role__in=ALLOCATABLE_ROLES)


def open_case_for_child(*, child_id: int) -> Case | None:
    """The child's open case (the newest, should there be more than one), or None: where new evidence joins."""
    cases = Case.objects.exclude(status=CaseStatus.CLOSED).filter(child_id=child_id)
    return cases.order_by("-opened_on", "-pk").first()


def open_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.exclude(status=CaseStatus.CLOSED)


def overdue_cases(cases: QuerySet[Case], *, today: date | None = None) -> QuerySet[Case]:
    """Open cases whose current stage was due before today."""
    return open_cases(cases).filter(due_on__lt=today or timezone.localdate())


# ---------------------------------------------------------------------------------------------------------------
# The case list: search and filters (one object, so the page and an export of it filter alike)

CASE_REFERENCE = re.compile(r"^\s*(?:CME)?[\s-]*0*([0-9]{1,9})\s*$", re.IGNORECASE | re.ASCII)
STATUS_OPEN, STATUS_ALL = "open", "all"
OFFICER_ME, OFFICER_NONE = "me", "none"


@dataclass(frozen=True)
class CaseListFilters:
    """What a case list is narrowed to. Built from a page's GET parameters by `cme.web.cases.forms.CaseFilterForm`
    (`CaseFilterForm.filters_from(request.GET)`), so the list on screen and any export of it use the same filters.

    `query`: a case reference (CME-000123, or its number) or words of the child's name (given, middle, family, known
    as, or any other name recorded for them); `status`: "open" (every open case), "all", or a CaseStatus;
    `officer`: "" any, "me", "none" (not allocated) or a user's id; `risk`: a RiskLevel or ""; `overdue`: open and
    due before today.
    """

    query: str = ""
    status: str = STATUS_OPEN
    officer: str = ""
    risk: str = ""
    overdue: bool = False

    def criteria(self) -> dict[str, str]:
        """The filters asked for, for the audit entry's erasable detail (a search can be a name)."""
        asked = {"q": self.query, "status": self.status, "officer": self.officer, "risk": self.risk}
        if self.overdue:
            asked["overdue"] = "1"
        return {key: value for key, value in asked.items() if value}


def _name_matches(word: str) -> Q:
    other_names = PersonName.objects.filter(child_id=OuterRef("child_id")).filter(
        Q(given_name__icontains=word) | Q(family_name__icontains=word)
    )
    return (
        Q(child__given_name__icontains=word)
        | Q(child__middle_names__icontains=word)
        | Q(child__family_name__icontains=word)
        | Q(child__preferred_name__icontains=word)
        | Q(Exists(other_names))
    )


def case_list(*, user: User, filters: CaseListFilters, today: date | None = None) -> QuerySet[Case]:
    """The cases `user` may see, narrowed by `filters`, soonest due first (the page's and its exports' order)."""
    cases = case_list_for_user(user=user)
    if filters.status == STATUS_OPEN:
        cases = open_cases(cases)
    elif filters.status in CaseStatus.values:
        cases = cases.filter(status=filters.status)
    if filters.officer == OFFICER_ME:
        cases = cases.filter(officer=user)
    elif filters.officer == OFFICER_NONE:
        cases = cases.filter(officer__isnull=True)
    elif re.fullmatch(r"[0-9]{1,9}", filters.officer, re.ASCII):
        cases = cases.filter(officer_id=int(filters.officer))
    if filters.risk in RiskLevel.values:
        cases = cases.filter(risk_level=filters.risk)
    if filters.overdue:
        cases = overdue_cases(cases, today=today)
    query = filters.query.strip()
    if query:
        reference = CASE_REFERENCE.match(query)
        matched = Q()
        for word in query.split():
            matched &= _name_matches(word)
        if reference:
            matched |= Q(pk=int(reference.group(1)))
        cases = cases.filter(matched)
    return cases.order_by("due_on", "pk")


def referral_list_for_user(*, user: User, status: str = "") -> QuerySet[Referral]:
    """Referrals are triaged by the service as a whole, so every caseworker sees them."""
    if not user.is_authenticated or user.role not in (Role.CME_OFFICER, Role.CME_MANAGER):
        return Referral.objects.none()
    referrals = Referral.objects.select_related("child", "case", "recorded_by").defer(*CHILD_SEALED)
    return referrals.filter(status=status) if status else referrals


@dataclass(frozen=True)
class Dashboard:
    my_cases: list[Case]
    overdue: list[Case]
    new_referrals: list[Referral]
    my_open_count: int
    overdue_count: int
    new_referral_count: int


DASHBOARD_ROWS = 25


def dashboard_for(*, user: User, today: date | None = None) -> Dashboard:
    """An officer's working view: their open cases, what is overdue in what they can see, and untriaged referrals."""
    visible = case_list_for_user(user=user)
    # Safeguarding first (issue 11 point 4): high-risk cases and referrals raising a concern head each list.
    mine = flagged_first(open_cases(visible).filter(officer=user), case_flag(), "due_on", "pk")
    overdue = flagged_first(overdue_cases(visible, today=today), case_flag(), "due_on", "pk")
    new = referral_list_for_user(user=user, status=ReferralStatus.RECEIVED)
    new = flagged_first(new, referral_flag(), "received_on", "pk")
    return Dashboard(
        my_cases=list(mine[:DASHBOARD_ROWS]),
        overdue=list(overdue[:DASHBOARD_ROWS]),
        new_referrals=list(new[:DASHBOARD_ROWS]),
        my_open_count=mine.count(),
        overdue_count=overdue.count(),
        new_referral_count=new.count(),
    )


@dataclass(frozen=True)
class CaseloadRow:
    officer: User
    open_cases: int
    overdue: int
    high_risk: int


def team_caseload(*, manager: User, today: date | None = None) -> list[CaseloadRow]:
    """Each caseworker's open cases, overdue and high-risk counts: one query, for a manager balancing work."""
    today = today or timezone.localdate()
    open_filter = ~Q(cases__status=CaseStatus.CLOSED)
    officers = (
        officer_list_allocatable()
        .select_related("team")
        .annotate(
            open_count=Count("cases", filter=open_filter),
            overdue_count=Count("cases", filter=open_filter & Q(cases__due_on__lt=today)),
            high_risk_count=Count("cases", filter=open_filter & Q(cases__risk_level="high")),
        )
        .order_by("team__name", "last_name", "first_name")
    )
    return [CaseloadRow(o, o.open_count, o.overdue_count, o.high_risk_count) for o in officers]


def case_detail(*, case_id: int, user: User) -> Case | None:
    """The case with everything its page shows, in a fixed number of queries however long the case has run."""
    current_notes = Note.objects.select_related("author", "corrects").annotate(
        is_corrected=Exists(Note.objects.filter(corrects=OuterRef("pk")))
    )
    return (
        case_list_for_user(user=user)
        .prefetch_related(
            Prefetch("enquiries", queryset=Enquiry.objects.select_related("recorded_by", "evidence")),
            Prefetch("notes", queryset=current_notes),
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
            Prefetch("decisions", queryset=Decision.objects.select_related("decided_by")),
            Prefetch("referrals", queryset=Referral.objects.select_related("recorded_by")),
        )
        .filter(pk=case_id)
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "decision", "note", "enquiry", "response", "document", "referral"
    title: str
    by: User | None
    text: str = ""


def case_timeline(*, case: Case) -> list[TimelineEntry]:
    """Everything that happened on the case, newest first, from the rows `case_detail` prefetched (no queries)."""
    entries = [
        TimelineEntry(d.decided_at, "decision", d.get_kind_display(), d.decided_by, d.rationale)
        for d in case.decisions.all()
    ]
    entries += [
        TimelineEntry(n.created_at, "note", "Note corrected" if n.corrects_id else "Note added", n.author, n.text)
        for n in case.notes.all()
    ]
    entries += [
        TimelineEntry(e.created_at, "enquiry", f"Enquiry: {e.get_agency_display()}", e.recorded_by)
        for e in case.enquiries.all()
    ]
    entries += [
        TimelineEntry(
            e.updated_at, "response", f"Response: {e.get_agency_display()} – {e.get_result_display()}", None, e.findings
        )
        for e in case.enquiries.all()
        if e.result != EnquiryResult.AWAITING
    ]
    entries += [
        TimelineEntry(d.uploaded_at, "document", f"Document: {d.title}", d.uploaded_by) for d in case.documents.all()
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def sign_offs_waiting(*, user: User) -> QuerySet[SignOffRequest]:
    """The requests to close a case that `user` should act on now, oldest first.

    For a manager: every request waiting for sign-off that someone else asked for (a manager never signs off their
    own). For an officer: their requests a manager sent back, on cases still open with no newer request. Else none.
    The task list (issue 12 point 3) and the sign-off queue page read this.
    """
    requests = SignOffRequest.objects.select_related("case", "case__child", "requested_by", "decided_by").defer(
        *encrypted_field_names(Child, via="case__child")
    )
    if not user.is_authenticated or not user.is_active:
        return requests.none()
    if user.role == Role.CME_MANAGER:
        waiting = requests.filter(state=SignOffState.WAITING).exclude(case__status=CaseStatus.CLOSED)
        return waiting.exclude(requested_by=user).order_by("requested_at", "pk")
    if user.role == Role.CME_OFFICER:
        newer = SignOffRequest.objects.filter(case=OuterRef("case"), pk__gt=OuterRef("pk"))
        return (
            requests.filter(state=SignOffState.SENT_BACK, requested_by=user, case__in=case_list_for_user(user=user))
            .exclude(case__status=CaseStatus.CLOSED)
            .exclude(Exists(newer))
            .order_by("decided_at", "pk")
        )
    return requests.none()


def sign_off_for_case(*, case: Case) -> SignOffRequest | None:
    """The case's latest request to close it, if it is waiting or was sent back and not yet followed by another."""
    latest = case.sign_offs.select_related("requested_by", "decided_by").order_by("-pk").first()
    if latest is None or latest.state == SignOffState.APPROVED:
        return None
    return latest


# ---------------------------------------------------------------------------------------------------------------
# Already known (issue 11 point 3): what the service already holds about a child an intake item is about


@dataclass(frozen=True)
class KnownChild:
    """A child cme already holds, with their open case, earlier (closed) cases and referrals waiting for triage:
    what the candidate page, the returns inbox and referral triage show, with links."""

    child: Child
    open_case: Case | None
    earlier_cases: tuple[Case, ...]
    waiting_referrals: tuple[Referral, ...]


def children_known(*, child_ids, exclude_referral_id: int | None = None) -> dict[int, KnownChild]:
    """For each child id, the child and their cases and waiting referrals, in three queries whatever the number."""
    ids = sorted({child_id for child_id in child_ids if child_id})
    if not ids:
        return {}
    children = Child.objects.filter(pk__in=ids).defer(*encrypted_field_names(Child))
    cases: dict[int, list[Case]] = {child_id: [] for child_id in ids}
    for case in Case.objects.filter(child_id__in=ids).order_by("-opened_on", "-pk"):
        cases[case.child_id].append(case)
    waiting: dict[int, list[Referral]] = {child_id: [] for child_id in ids}
    referrals = Referral.objects.filter(child_id__in=ids, status=ReferralStatus.RECEIVED).exclude(
        pk=exclude_referral_id
    )
    for referral in referrals.order_by("received_on", "pk"):
        waiting[referral.child_id].append(referral)
    known = {}
    for child in children:
        open_case = next((case for case in cases[child.pk] if case.status != CaseStatus.CLOSED), None)
        known[child.pk] = KnownChild(
            child=child,
            open_case=open_case,
            earlier_cases=tuple(case for case in cases[child.pk] if case is not open_case),
            waiting_referrals=tuple(waiting[child.pk]),
        )
    return known

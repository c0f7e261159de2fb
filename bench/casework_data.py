"""Data for the casework pages benchmark: exact case and note totals on top of a demo borough, sign-ins, requests.

Import only after django.setup(). Everything is seeded: equal arguments on an equal demo borough give equal rows.
Rows are bulk-inserted with past dates (as cme.demo.casework writes them), so the services' "today" stamps and
audit steps are skipped on purpose: this is a reading benchmark, and only what the pages read matters.
"""

import random
import string
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from urllib.parse import urlencode

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cme.accounts.enums import Role
from cme.accounts.models import User
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
)
from cme.cases.models import Case, Decision, Enquiry, Note, Referral
from cme.cases.selectors import case_list_for_user
from cme.demo.casework import CONCERNS, FINDINGS, NOTES
from cme.people.models import Child
from cme.people.names import NICKNAMES, SPELLING_VARIANTS

BATCH = 2000
# A service that has run for a few years: most of its cases are closed; a third of open ones are past their due date.
STATUS_WEIGHTS = {CaseStatus.CLOSED: 55, CaseStatus.ENQUIRIES: 25, CaseStatus.OPEN: 10, CaseStatus.LOCATED: 10}
OVERDUE_SHARE = 0.3
MANAGER_SHARE = 0.03  # team managers hold a few cases themselves
NEW_REFERRALS = 120  # untriaged referrals waiting on the dashboard
# Notes per case follow a capped log-normal: most cases have a few dozen, a long-running few have hundreds.
NOTES_SIGMA = 0.8
NOTES_CAP = 11.0  # about the 99.9th percentile of the weights
CORRECTED_SHARE = 0.01  # notes later corrected by a new note
EXTRA_SENTENCES = (
    "Left a calling card asking the family to ring the CME team.",
    "Checked the school's attendance records with the attendance lead.",
    "Discussed at the weekly CME panel; agreed to continue enquiries.",
    "Sent a letter to the last known address by first-class post.",
    "Housing confirmed the tenancy is still live; council tax account in the mother's name.",
    "GP practice confirms the child is registered but has not been seen this year.",
    "Spoke to the admissions team: an in-year application was received last week.",
)


@dataclass(frozen=True)
class TopUp:
    cases: int
    referrals: int
    decisions: int
    enquiries: int
    notes: int


@contextmanager
def given_timestamps(*models) -> Iterator[None]:
    """Let bulk_create keep the created/updated times we give (auto_now fields would stamp them all "now")."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59))))


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _shares(total: int, weights: list[float]) -> list[int]:
    """Split `total` into whole numbers in proportion to `weights`, summing exactly to `total` (largest remainder)."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    counts = [int(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda index: exact[index] - counts[index], reverse=True)
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


@transaction.atomic
def casework_top_up(*, cases: int, notes: int, seed: int, today: date | None = None) -> TopUp:
    """Add cases (each with its referral, decisions and enquiries) and notes until the database holds exactly
    `cases` cases and `notes` notes; plus NEW_REFERRALS untriaged referrals. Raises ValueError if it already holds more.
    """
    rng = random.Random(seed * 104_729)  # noqa: S311 - seeded test data, not security
    today = today or timezone.localdate()
    add_cases = cases - Case.objects.count()
    add_notes = notes - Note.objects.count()
    if add_cases < 0 or add_notes < 0:
        raise ValueError(f"The database already holds more than {cases} cases or {notes} notes.")
    if add_notes and not add_cases:
        raise ValueError("Notes are added to the new cases; ask for more cases than the demo data holds.")
    officers = list(User.objects.filter(role=Role.CME_OFFICER).order_by("pk"))
    manager = User.objects.filter(role=Role.CME_MANAGER).order_by("pk").first()
    taken = set(Case.objects.values_list("child_id", flat=True)) | set(
        Referral.objects.values_list("child_id", flat=True)
    )
    free_children = [pk for pk in Child.objects.order_by("pk").values_list("pk", flat=True) if pk not in taken]
    if len(free_children) < add_cases + NEW_REFERRALS:
        raise ValueError("Not enough children without a case: generate a bigger borough.")
    chosen = rng.sample(free_children, add_cases + NEW_REFERRALS)

    with given_timestamps(Case, Referral, Decision, Enquiry, Note):
        new_cases = _cases(chosen[:add_cases], officers, manager, rng, today)
        referrals = _referrals(new_cases, chosen[add_cases:], officers, rng, today)
        decisions = _decisions(new_cases, rng)
        enquiries = _enquiries(new_cases, rng, today)
        note_count = _notes(new_cases, add_notes, officers, rng, today)
    return TopUp(len(new_cases), referrals, decisions, enquiries, note_count)


def _cases(children: list[int], officers: list[User], manager: User | None, rng, today: date) -> list[Case]:
    rows = []
    for child_id in children:
        officer = manager if manager and rng.random() < MANAGER_SHARE else rng.choice(officers)
        status = _weighted(rng, STATUS_WEIGHTS)
        if status == CaseStatus.CLOSED:
            opened = today - timedelta(days=rng.randint(30, 3 * 365))
            closed = min(opened + timedelta(days=rng.randint(10, 150)), today)
            due, outcome = None, rng.choice(list(Outcome))
        else:
            opened = today - timedelta(days=rng.randint(1, 240))
            closed, outcome = None, ""
            late = rng.random() < OVERDUE_SHARE
            due = today - timedelta(days=rng.randint(1, 40)) if late else today + timedelta(days=rng.randint(0, 30))
        stamp = _at(opened, rng)
        rows.append(
            Case(
                child_id=child_id,
                status=status,
                team_id=officer.team_id,
                officer=officer,
                risk_level=rng.choice(list(RiskLevel)),
                primary_reason=rng.choice(list(CmeReason)),
                became_cme_on=opened - timedelta(days=rng.randint(0, 20)),
                opened_by=officer,
                opened_on=opened,
                due_on=due,
                closed_on=closed,
                outcome=outcome,
                created_at=stamp,
                updated_at=_at(closed, rng) if closed else stamp,
            )
        )
    return Case.objects.bulk_create(rows, batch_size=BATCH)


def _referrals(cases: list[Case], waiting: list[int], officers: list[User], rng, today: date) -> int:
    rows = []
    for case in cases:
        received = case.opened_on - timedelta(days=rng.randint(0, 3))
        rows.append(
            Referral(
                child_id=case.child_id,
                source=rng.choice(list(ReferralSource)),
                received_on=received,
                concerns=rng.choice(CONCERNS),
                referrer_name="Attendance lead",
                referrer_role="Designated safeguarding lead",
                referrer_organisation="A school in the borough",
                status=ReferralStatus.ACCEPTED,
                recorded_by_id=case.officer_id,
                triaged_by_id=case.officer_id,
                triaged_at=case.created_at,
                triage_rationale="Triaged at the morning referrals meeting.",
                case=case,
                created_at=_at(received, rng),
                updated_at=case.created_at,
            )
        )
    for child_id in waiting:
        received = today - timedelta(days=rng.randint(0, 14))
        stamp = _at(received, rng)
        rows.append(
            Referral(
                child_id=child_id,
                source=rng.choice(list(ReferralSource)),
                received_on=received,
                concerns=rng.choice(CONCERNS),
                referrer_name="Attendance lead",
                recorded_by=rng.choice(officers),
                created_at=stamp,
                updated_at=stamp,
            )
        )
    Referral.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _decisions(cases: list[Case], rng) -> int:
    """The decisions that took each case to its status, as the services would have recorded them."""
    rows = []
    path = [CaseStatus.OPEN, CaseStatus.ENQUIRIES, CaseStatus.LOCATED, CaseStatus.CLOSED]

    def decide(case: Case, kind: str, at: datetime, rationale: str, **details) -> None:
        rows.append(
            Decision(
                kind=kind, case=case, rationale=rationale, details=details, decided_by_id=case.officer_id, decided_at=at
            )
        )

    for case in cases:
        decide(case, DecisionKind.ACCEPT_REFERRAL, case.created_at, "Compulsory school age, no school place.")
        if case.risk_level != RiskLevel.NOT_ASSESSED:
            decide(case, DecisionKind.SET_RISK, case.created_at, "Assessed at triage.", to=case.risk_level)
        step = case.created_at
        for before, after in pairwise(path[: path.index(case.status) + 1]):
            step += timedelta(days=rng.randint(1, 20))
            if after == CaseStatus.CLOSED:
                decide(case, DecisionKind.CLOSE_CASE, step, "Child found on roll.", outcome=case.outcome)
            else:
                decide(
                    case, DecisionKind.CHANGE_STATUS, step, "Next stage of enquiries.", **{"from": before, "to": after}
                )
    Decision.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _enquiries(cases: list[Case], rng, today: date) -> int:
    rows = []
    for case in cases:
        count = rng.randint(0, 2) if case.status == CaseStatus.OPEN else rng.randint(3, 9)
        end = case.closed_on or today
        for agency in rng.sample(list(EnquiryAgency), k=count):
            asked = case.opened_on + timedelta(days=rng.randint(0, max((end - case.opened_on).days, 0)))
            answered = case.status != CaseStatus.OPEN and rng.random() < 0.8
            result = rng.choice([EnquiryResult.NO_TRACE, EnquiryResult.INFORMATION_FOUND, EnquiryResult.NO_RESPONSE])
            responded = min(asked + timedelta(days=rng.randint(1, 10)), today) if answered else None
            rows.append(
                Enquiry(
                    case=case,
                    agency=agency,
                    requested_on=asked,
                    contact_name="Duty officer",
                    response_due_on=asked + timedelta(days=14),
                    responded_on=responded,
                    result=result if answered else EnquiryResult.AWAITING,
                    findings=FINDINGS[result] if answered else "",
                    recorded_by_id=case.officer_id,
                    created_at=_at(asked, rng),
                    updated_at=_at(responded, rng) if responded else _at(asked, rng),
                )
            )
    Enquiry.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _note_text(rng) -> str:
    sentences = [rng.choice(NOTES), *rng.sample(EXTRA_SENTENCES, k=rng.randint(0, 3))]
    return " ".join(sentences)


def _notes(cases: list[Case], total: int, officers: list[User], rng, today: date) -> int:
    """`total` notes over `cases`, a capped log-normal number each; CORRECTED_SHARE of them corrected later."""
    corrections = int(total * CORRECTED_SHARE)
    weights = [min(rng.lognormvariate(0, NOTES_SIGMA), NOTES_CAP) for _ in cases]
    counts = _shares(total - corrections, weights)
    batch: list[Note] = []
    written = 0
    for case, count in zip(cases, counts, strict=True):
        span = max(((case.closed_on or today) - case.opened_on).days, 0)
        for _ in range(count):
            author_id = case.officer_id if rng.random() < 0.85 else rng.choice(officers).pk
            stamp = _at(case.opened_on + timedelta(days=rng.randint(0, span)), rng)
            batch.append(Note(case=case, author_id=author_id, text=_note_text(rng), created_at=stamp))
        if len(batch) >= BATCH:
            written += len(Note.objects.bulk_create(batch, batch_size=BATCH))
            batch = []
    written += len(Note.objects.bulk_create(batch, batch_size=BATCH))
    case_ids = [case.pk for case in cases]
    originals = list(
        Note.objects.filter(case_id__in=case_ids).order_by("pk").values_list("pk", "case_id", "author_id", "created_at")
    )
    fixes = [
        Note(
            case_id=case_id,
            author_id=author_id,
            text="Corrected: " + _note_text(rng),
            corrects_id=pk,
            correction_reason="Wrong date of the visit",
            created_at=created + timedelta(hours=rng.randint(1, 72)),
        )
        for pk, case_id, author_id, created in rng.sample(originals, corrections)
    ]
    written += len(Note.objects.bulk_create(fixes, batch_size=BATCH))
    return written


def vacuum_analyze() -> None:
    """Refresh the planner's statistics after the bulk load, as autovacuum would soon do in production."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# ---------------------------------------------------------------------------------------------------------------
# Sign-ins without a browser


def bench_sessions(*, user: User, count: int) -> list[str]:
    """Session keys for `user` as if they had signed in with a password and a TOTP code: the auth keys and the
    django-otp device key, on a confirmed TOTP device. Several, so concurrent requests do not all update one row."""
    device = TOTPDevice.objects.filter(user=user, name="Benchmark authenticator").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benchmark authenticator", confirmed=True)
    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "cme.accounts.backends.PasswordBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        keys.append(session.session_key)
    return keys


def visible_case_ids(*, user: User) -> list[int]:
    return list(case_list_for_user(user=user).order_by("pk").values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------------------------
# Name searches: how officers really type names


_SPELLINGS = {name.casefold(): group for group in SPELLING_VARIANTS for name in group}
_KNOWN_AS = {formal.casefold(): forms for formal, forms in NICKNAMES.items()}


def _typo(name: str, rng) -> str:
    """One slip of the keyboard inside the name: a letter dropped, doubled, swapped with the next, or wrong."""
    if len(name) < 4:
        return name
    at = rng.randint(1, len(name) - 2)
    slip = rng.choice(("drop", "double", "swap", "wrong"))
    if slip == "drop":
        return name[:at] + name[at + 1 :]
    if slip == "double":
        return name[:at] + name[at] + name[at:]
    if slip == "swap":
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    return name[:at] + rng.choice(string.ascii_lowercase) + name[at + 1 :]


def _other_spelling(name: str, rng) -> str | None:
    group = _SPELLINGS.get(name.casefold())
    others = [spelling for spelling in group or () if spelling.casefold() != name.casefold()]
    return rng.choice(others) if others else None


def _date_params(day: date) -> dict[str, str]:
    return {"date_of_birth_0": str(day.day), "date_of_birth_1": str(day.month), "date_of_birth_2": str(day.year)}


@dataclass(frozen=True)
class Search:
    kind: str
    params: dict[str, str]
    child_id: int  # the child the search was made from

    @property
    def query(self) -> str:
        return urlencode(self.params)


def name_searches(*, count: int, seed: int) -> list[Search]:
    """`count` searches made from real children: exact names, typos, known-as names, other spellings, family name
    alone, a name with a date of birth, and a date of birth alone, in the proportions an officer's day might have."""
    rng = random.Random(seed * 7_919 + 1)  # noqa: S311 - seeded test data, not security
    ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    picked = Child.objects.in_bulk(rng.sample(ids, min(count, len(ids))))
    kinds = {
        "exact name": 25,
        "typo": 20,
        "known-as name": 15,
        "other spelling": 10,
        "family name only": 10,
        "name and date of birth": 10,
        "date of birth only": 10,
    }
    searches = []
    for child in picked.values():
        kind = _weighted(rng, kinds)
        given, family = child.given_name, child.family_name
        if kind == "typo":
            params = {
                "name": f"{given} {_typo(family, rng)}" if rng.random() < 0.7 else f"{_typo(given, rng)} {family}"
            }
        elif kind == "known-as name":
            forms = _KNOWN_AS.get(given.casefold())
            known_as = rng.choice(forms) if forms else child.preferred_name or given
            params = {"name": f"{known_as} {family}"}
        elif kind == "other spelling":
            spelt = _other_spelling(given, rng) or _other_spelling(family, rng)
            params = {"name": f"{spelt} {family}" if spelt else f"{given.lower()} {family.upper()}"}
        elif kind == "family name only":
            params = {"name": family}
        elif kind == "name and date of birth":
            params = {"name": f"{given} {family}", **_date_params(child.date_of_birth)}
        elif kind == "date of birth only":
            params = _date_params(child.date_of_birth)
        else:
            params = {"name": f"{given} {family}"}
        searches.append(Search(kind, params, child.pk))
    rng.shuffle(searches)
    return searches


def busiest_case_id() -> int | None:
    """The case with the most notes: the slowest case page there is."""
    from django.db.models import Count

    row = (
        Case.objects.annotate(note_count=Count("notes")).order_by("-note_count", "pk").values_list("pk", flat=True)[:1]
    )
    return next(iter(row), None)


def data_counts() -> dict[str, int]:
    from cme.people.models import Carer

    return {
        "children": Child.objects.count(),
        "carers": Carer.objects.count(),
        "cases": Case.objects.count(),
        "open cases": Case.objects.filter(~Q(status=CaseStatus.CLOSED)).count(),
        "notes": Note.objects.count(),
        "enquiries": Enquiry.objects.count(),
        "decisions": Decision.objects.count(),
        "referrals": Referral.objects.count(),
        "untriaged referrals": Referral.objects.filter(status=ReferralStatus.RECEIVED).count(),
    }

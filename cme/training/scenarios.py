"""The scenario exercises for new staff: what each trainee is given, the steps, and the check of what they did.

Each trainee gets their own copy of the scenario records, made up like the rest of the training borough: a pupil
whom a school has deleted from its roll without knowing where they went, a pupil whose absence return carries a
safeguarding concern, and a copy of a match candidate the borough's match run proposed. The checks read what the
trainee's own decisions left in the records (who triaged, what was decided, whether a case was opened), so a
trainer sees what was done, not what was said.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from stdnum.gb import upn as stdnum_upn

from cme.accounts.models import User
from cme.demo.names import POOLS, TOWN
from cme.matching.enums import MatchDecisionKind, ReviewState
from cme.matching.models import MatchCandidate, MatchDecision
from cme.people.enums import Sex
from cme.people.models import Child
from cme.people.services import address_record, child_create
from cme.schools.enums import DeletionGround, ReturnChannel, ReturnKind, TriageState
from cme.schools.models import Enrolment, RollReturn, School
from cme.schools.returns.services import return_submit

from .models import TraineeScenario, TrainingSite

SCENARIO_REASON = "Training scenario: a made-up child for a trainee's exercise."


@dataclass(frozen=True)
class Exercise:
    key: str
    title: str
    aim: str


@dataclass(frozen=True)
class Check:
    text: str
    met: bool


@dataclass(frozen=True)
class ExerciseProgress:
    exercise: Exercise
    steps: list[str]
    links: list[tuple[str, str]]  # (text, url) of the records the trainee works on
    checks: list[Check]

    @property
    def done(self) -> bool:
        return all(check.met for check in self.checks)


EXERCISES = (
    Exercise(
        "deletion_return",
        "Find a child from a school's deletion return",
        "A school has taken a pupil off its roll and does not know where the family has gone. Find the child's "
        "record and start the enquiries.",
    ),
    Exercise(
        "safeguarding_return",
        "Triage a safeguarding return",
        "A school's absence return says staff are worried about a pupil's safety. Triage it the day it arrives.",
    ),
    Exercise(
        "match_candidate",
        "Review a match candidate",
        "Data matching has found a child living in the borough who is on no school roll. Look at the evidence and "
        "decide.",
    ),
)


# --- Making a trainee's copy -------------------------------------------------------------------------------------


def scenario_make(trainee: User, *, site: TrainingSite | None = None) -> TraineeScenario:
    """Make the trainee's scenario records (the same ones each time for the same trainee) and remember them."""
    site = site or TrainingSite.objects.get(pk=1)
    rng = random.Random(f"{site.seed}:{trainee.pk}")  # noqa: S311 - made-up names, not a secret
    today = timezone.localdate()
    school_user = User.objects.filter(school__isnull=False).order_by("pk").first()
    schools = list(School.objects.filter(enrolments__isnull=False).distinct().order_by("urn")[:40])
    school = schools[trainee.pk % len(schools)]
    deleted = _pupil(rng, school, today, serial=2 * trainee.pk)
    worried = _pupil(rng, school, today, serial=2 * trainee.pk + 1)
    pupil_values = lambda child: {  # noqa: E731
        "upn": child.upn,
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth,
        "sex": child.sex if child.sex in ("M", "F") else "U",
    }
    deletion = return_submit(
        actor=school_user,
        school=school,
        kind=ReturnKind.DELETION,
        channel=ReturnChannel.WEB,
        values={
            **pupil_values(deleted),
            "event_date": today - timedelta(days=2),
            "deletion_ground": DeletionGround.G,
            "info_not_obtained": True,
            "info_not_obtained_details": "The family moved out and left no new address; the phone number is dead.",
        },
    )
    absence = return_submit(
        actor=school_user,
        school=school,
        kind=ReturnKind.UNAUTHORISED_ABSENCE,
        channel=ReturnChannel.WEB,
        values={
            **pupil_values(worried),
            "event_date": today - timedelta(days=14),
            "school_days_absent": 10,
            "last_attended_on": today - timedelta(days=14),
            "safeguarding_concern": True,
            "safeguarding_details": "An older sibling told staff the family left in a hurry and that their "
            "mother was frightened. No one answers the door.",
        },
    )
    candidate = _candidate_copy(site, trainee)
    records = {
        "children": [deleted.pk, worried.pk],
        "returns": {"deletion_return": deletion.pk, "safeguarding_return": absence.pk},
        "candidate": candidate.pk if candidate else None,
    }
    scenario, _ = TraineeScenario.objects.update_or_create(
        trainee=trainee, defaults={"made_at": timezone.now(), "records": records}
    )
    return scenario


def _pupil(rng: random.Random, school: School, today: date, *, serial: int) -> Child:
    pool = rng.choices(POOLS, weights=[p.weight for p in POOLS])[0]
    sex = rng.choice((Sex.MALE, Sex.FEMALE))
    given = rng.choice(pool.male if sex == Sex.MALE else pool.female)
    family = rng.choice(pool.family)
    born = today.replace(year=today.year - rng.randint(8, 13)) - timedelta(days=rng.randint(0, 300))
    body = f"{school.la_code or '999'}{school.establishment_number or '9999'}{born.year % 100:02d}{serial % 1000:03d}"
    child = child_create(
        actor=None,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=sex,
        upn=stdnum_upn.calc_check_digit(body) + body,
        confirmed_new=True,
        reason=SCENARIO_REASON,
    )
    address_record(
        actor=None,
        person=child,
        line1=f"{rng.randint(1, 120)} {rng.choice(('Mill', 'Church', 'Station', 'Park'))} Road",
        line2="",
        town=TOWN,
        postcode=f"WY{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        valid_from=today - timedelta(days=700),
    )
    Enrolment.objects.create(child=child, school=school, start_date=today - timedelta(days=600))
    return child


def _candidate_copy(site: TrainingSite, trainee: User) -> MatchCandidate | None:
    template = site.templates.get("candidate")
    if not template:
        return None
    values = {**template, "identity_key": f"training:{trainee.pk}:{timezone.now().timestamp():.6f}"}
    values["date_of_birth"] = date.fromisoformat(values["date_of_birth"]) if values.get("date_of_birth") else None
    if values.get("resident_since"):
        values["resident_since"] = date.fromisoformat(values["resident_since"])
    return MatchCandidate.objects.create(**values)


CANDIDATE_FIELDS = (
    "kind", "given_name", "middle_names", "family_name", "date_of_birth", "sex", "address", "postcode", "uprn",
    "resident_since", "reason", "evidence", "record_keys", "score", "first_run_id", "last_run_id",
)  # fmt: skip


def candidate_template() -> dict | None:
    """The match candidate the scenarios copy: the surest "living here, on no roll" candidate waiting for review."""
    waiting = MatchCandidate.objects.filter(review_state=ReviewState.TO_REVIEW).order_by("-score", "pk")
    candidate = (
        waiting.filter(kind="not_on_roll", child__isnull=True).first()
        or waiting.filter(kind="not_on_roll").first()
        or waiting.first()
    )
    if candidate is None:
        return None
    values = {name: getattr(candidate, name) for name in CANDIDATE_FIELDS}
    for name in ("date_of_birth", "resident_since"):
        values[name] = values[name].isoformat() if values[name] else None
    return values


# --- Checking what the trainee did -------------------------------------------------------------------------------


def progress(scenario: TraineeScenario) -> list[ExerciseProgress]:
    trainee = scenario.trainee
    records = scenario.records
    returns = {r.pk: r for r in RollReturn.objects.filter(pk__in=records["returns"].values()).select_related(
        "school", "referral", "referral__case")}  # fmt: skip
    children = {c.pk: c for c in Child.objects.filter(pk__in=records["children"])}
    candidate = MatchCandidate.objects.filter(pk=records.get("candidate")).first()
    out = []
    for exercise in EXERCISES:
        if exercise.key == "match_candidate":
            out.append(_candidate_progress(exercise, candidate, trainee))
            continue
        roll_return = returns.get(records["returns"][exercise.key])
        child = children.get(records["children"][0 if exercise.key == "deletion_return" else 1])
        out.append(_return_progress(exercise, roll_return, child, trainee))
    return out


def _return_progress(
    exercise: Exercise, roll_return: RollReturn | None, child: Child | None, trainee
) -> ExerciseProgress:
    if roll_return is None or child is None:
        return ExerciseProgress(
            exercise, [], [], [Check("Your copy of this exercise is missing: ask for a reset.", False)]
        )
    name = f"{child.given_name} {child.family_name}"
    school = roll_return.school.name
    referral = roll_return.referral
    triaged_by_you = roll_return.triaged_by_id == trainee.pk
    if exercise.key == "deletion_return":
        steps = [
            f"Open the returns inbox and find the deletion return from {school} about {name}.",
            "Look for the child's record: the return gives the UPN and date of birth. Link the return to the record "
            "that is the same child; do not make a second record.",
            "The school does not know where the family went: refer the return for CME enquiries, saying why.",
            "Triage the referral: accept it into a case.",
        ]
        checks = [
            Check(f"You linked the return to {name}'s record", roll_return.child_id == child.pk),
            Check(
                "You referred it for CME enquiries, with your reasons",
                triaged_by_you and roll_return.triage_state == TriageState.REFERRED,
            ),
            Check("You accepted the referral into a case", bool(referral and referral.case_id
                                                                and referral.triaged_by_id == trainee.pk)),
        ]  # fmt: skip
    else:
        waited = (roll_return.triaged_at and timezone.localdate(roll_return.triaged_at)) or None
        steps = [
            f"Open the returns inbox and find the absence return from {school} about {name}: it is flagged as a "
            "safeguarding concern.",
            "Read the concern. Link the return to the child's record.",
            "Refer it the same day, saying why; a return with a safeguarding concern is never closed without "
            "enquiries.",
            "Triage the referral: accept it into a case, and record who you have told.",
        ]
        checks = [
            Check(f"You linked the return to {name}'s record", roll_return.child_id == child.pk),
            Check(
                "You referred it, not closed it, with your reasons",
                triaged_by_you and roll_return.triage_state == TriageState.REFERRED,
            ),
            Check("You triaged it the day it arrived", bool(triaged_by_you and waited == roll_return.received_on)),
            Check("You accepted the referral into a case", bool(referral and referral.case_id
                                                                and referral.triaged_by_id == trainee.pk)),
        ]  # fmt: skip
    links = [("The return", reverse("web:returns:detail", args=[roll_return.pk]))]
    return ExerciseProgress(exercise, steps, links, checks)


def _candidate_progress(exercise: Exercise, candidate: MatchCandidate | None, trainee) -> ExerciseProgress:
    if candidate is None:
        return ExerciseProgress(
            exercise, [], [], [Check("The training borough had no match candidate to copy for this exercise.", False)]
        )
    name = " ".join(part for part in (candidate.given_name, candidate.family_name) if part)
    decisions = MatchDecision.objects.filter(candidate=candidate, decided_by=trainee)
    steps = [
        f"Open the match candidates and find {name}.",
        "Read why the candidate was raised and compare the records side by side: names, date of birth, address.",
        "Check whether cme already holds a record for the child before you make a new one.",
        "Decide, with your reasons: the records agree and show a child living here on no school roll, so confirm it "
        "as a referral.",
    ]
    checks = [
        Check("You decided the candidate, with your reasons", decisions.exists()),
        Check(
            "You confirmed it as a referral",
            decisions.filter(kind=MatchDecisionKind.CONFIRM).exists()
            and candidate.review_state == ReviewState.CONFIRMED,
        ),
    ]
    links = [("The match candidate", reverse("web:matching:candidate", args=[candidate.pk]))]
    return ExerciseProgress(exercise, steps, links, checks)


def scenario_records_made_since(scenario: TraineeScenario) -> dict[str, set[int]]:
    """What the trainee's work on their copy made or touched, for putting it back: children made since the copy was
    made (never the borough's own), the referrals from the copy's returns and candidate, and the copy itself."""
    records = scenario.records
    return_ids = list(records["returns"].values())
    candidate_ids = [records["candidate"]] if records.get("candidate") else []
    returns = RollReturn.objects.filter(pk__in=return_ids)
    candidates = MatchCandidate.objects.filter(pk__in=candidate_ids)
    referral_ids = set(returns.exclude(referral=None).values_list("referral_id", flat=True))
    referral_ids |= set(candidates.exclude(referral=None).values_list("referral_id", flat=True))
    referral_ids |= set(
        MatchDecision.objects.filter(candidate_id__in=candidate_ids)
        .exclude(referral=None)
        .values_list("referral_id", flat=True)
    )
    linked = set(returns.exclude(child=None).values_list("child_id", flat=True))
    linked |= set(candidates.exclude(child=None).values_list("child_id", flat=True))
    new_children = set(
        Child.objects.filter(
            Q(pk__in=linked) | Q(referrals__pk__in=referral_ids), created_at__gte=scenario.made_at
        ).values_list("pk", flat=True)
    )
    return {
        "children": set(records["children"]) | new_children,
        "referrals": referral_ids,
        "returns": set(return_ids),
        "candidates": set(candidate_ids),
    }

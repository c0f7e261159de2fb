"""Writes for the training site: making its database, adding trainees, putting a trainee's copy back."""

from __future__ import annotations

import secrets
from collections import Counter

from django.conf import settings
from django.db import transaction

from cme.accounts.enums import Role
from cme.accounts.models import Team, User
from cme.accounts.services import team_create, user_provision
from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.demo.generator import generate_borough
from cme.demo.loader import database_is_empty, demo_data_load
from cme.privacy.disposal import records_dispose

from .models import TraineeScenario, TrainingSite
from .scenarios import candidate_template, scenario_make, scenario_records_made_since

TRAINING_TEAM = "Training team"


class TrainingRefused(ApplicationError):
    """The training site's commands refuse: not a training installation, or not a database they may write."""


def _training_installation() -> None:
    if not settings.CME_TRAINING:
        raise TrainingRefused("This is not a training installation: the training commands need CME_TRAINING=1.")


def training_setup(*, children: int = 8000, seed: int = 2026) -> TrainingSite:
    """Fill an empty database with the synthetic borough and mark it as the training site's. All or nothing.

    Refused on a database that holds any account, school or child: a training database is made, never converted,
    so that no real record can be in it. The borough's own staff accounts (who wrote its casework) cannot sign in.
    """
    _training_installation()
    if TrainingSite.objects.exists():
        raise TrainingRefused("This database is already the training site's. Use `cme training reset` instead.")
    if not database_is_empty():
        raise TrainingRefused(
            "This database holds records, so it may hold real ones: a training database is made only from an empty "
            "one. Give the training site a database of its own."
        )
    with transaction.atomic():
        counts = demo_data_load(borough=generate_borough(seed=seed, children=children))
        site = TrainingSite.objects.create(pk=1, seed=seed, children=counts["children"],
                                           templates={"candidate": candidate_template()})  # fmt: skip
        team_create(actor=None, name=TRAINING_TEAM, description="New staff practising on made-up children")
        audit_record(actor=None, event=AuditEvent.TRAINING_SITE_MADE, target=site)
    return site


def trainee_add(*, username: str, first_name: str, last_name: str, email: str) -> tuple[User, str]:
    """A trainee: a CME officer of the training team, with a one-off password and their own scenario records."""
    _training_installation()
    site = TrainingSite.objects.get(pk=1)
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user = user_provision(
            actor=None,
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            role=Role.CME_OFFICER,
            password=password,
            team=Team.objects.get(name=TRAINING_TEAM),
            job_title="Trainee CME officer",
        )
        scenario_make(user, site=site)
    return user, password


def trainee_reset(*, trainee: User, actor: User | None = None) -> Counter:
    """Put the trainee's copy back as it was: what their work made goes, and the scenario records are made again.

    Only the copy's own records and the children made since it was made are removed (through the same disposal as
    retention, so nothing is left behind); the borough's own children, and other trainees' copies, are untouched.
    """
    _training_installation()
    site = TrainingSite.objects.get(pk=1)
    with transaction.atomic():
        scenario = TraineeScenario.objects.select_for_update().get(trainee=trainee)
        made = scenario_records_made_since(scenario)
        removed = records_dispose(
            child_ids=sorted(made["children"]),
            referral_ids=sorted(made["referrals"]),
            candidate_ids=sorted(made["candidates"]),
            return_ids=sorted(made["returns"]),
        )
        scenario_make(trainee, site=site)
        TraineeScenario.objects.filter(pk=scenario.pk).update(resets=scenario.resets + 1)
        audit_record(actor=actor, event=AuditEvent.TRAINING_RESET, target=trainee)
    return removed


def trainees() -> list[User]:
    return list(User.objects.filter(pk__in=TraineeScenario.objects.values("trainee_id")).order_by("username"))

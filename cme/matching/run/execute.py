"""Executing a match run: its stages in order, its progress reported to whoever asked and recorded on the run, its
settings, models and counts recorded, a failure recorded and raised."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.pause import pause_point
from cme.common.processes import process_label
from cme.people.ages import is_compulsory_school_age

from ..enums import RESIDENT_KINDS, CandidateKind, RunState
from ..models import MatchRun, SourceImport
from ..selectors import RollInUse, school_rolls_in_use
from .candidates import candidates_upsert
from .cluster import people as people_group
from .findings import findings
from .read import latest_imports, residents_read, roll_entries
from .rolls import link_to_rolls
from .thresholds import (
    DEDUPE_THRESHOLD,
    EVIDENCE_THRESHOLD,
    MOVED_AWAY_WITHIN_DAYS,
    OLDEST_AGE,
    ON_ROLL_THRESHOLD,
    YOUNGEST_AGE,
)

logger = logging.getLogger(__name__)

STAGES = ("Reading records", "Grouping records into people", "Reading school rolls", "Matching to school rolls",
          "Writing candidates")  # fmt: skip
BACKENDS = ("duckdb", "spark")

Progress = Callable[[str, int], None]


class _Stages:
    """A run's progress: each stage written on the run (the page showing a run reads it) and reported to `progress`
    (the command line's progress bar), as it starts."""

    def __init__(self, run: MatchRun, progress: Progress | None):
        self.run_pk, self.progress = run.pk, progress

    def __call__(self, index: int) -> None:
        MatchRun.objects.filter(pk=self.run_pk).update(
            stage=STAGES[index], progress_done=index, progress_total=len(STAGES), updated_at=timezone.now()
        )
        if self.progress is not None:
            self.progress(STAGES[index], index)


def match_run_execute(*, run: MatchRun, progress: Progress | None = None, backend: str | None = None) -> MatchRun:
    """Execute `run`, recording progress, settings, the models and counts on it. A failure is recorded, then raised.

    `progress(stage, stages done)` is called as each stage starts, besides the progress written on the run.
    `backend` runs the linkage on "duckdb" (in process, the default) or "spark" (the active Spark session); by
    default the run's own option (`backend` in its options), else DuckDB. It is recorded in the run's settings.
    """
    backend = backend or (run.settings.get("options") or {}).get("backend") or "duckdb"
    run.settings = {**run.settings, "process": process_label(), "backend": backend}
    MatchRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, started_at=timezone.now(), settings=run.settings)
    try:
        if backend not in BACKENDS:
            raise ValueError(f"Unknown backend {backend!r}: use one of {', '.join(BACKENDS)}")
        _execute(run, stage=_Stages(run, progress), backend=backend)
    except Exception as error:
        logger.exception("Match run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED,
            failure=f"{type(error).__name__}: {error}"[:1000],
            finished_at=timezone.now(),
            stage=traceback.format_exception_only(error)[-1][:200],
        )
        raise
    run.refresh_from_db()
    return run


def _execute(run: MatchRun, *, stage: _Stages, backend: str) -> None:
    on = run.on_date
    stage(0)
    imports = latest_imports()
    residents = residents_read(imports, kinds=RESIDENT_KINDS, on=on)
    stage(1)
    saved = saved_models(run)
    people, dedupe = people_group(residents, model=saved.get("dedupe"), backend=backend)
    stage(2)
    in_use = school_rolls_in_use(on=on)
    rolls = roll_entries(imports, on=on, in_use=in_use)
    stage(3)
    school_age = [p for p in people if p.date_of_birth and is_compulsory_school_age(p.date_of_birth, on)]
    links = link_to_rolls(school_age, rolls, on=on, model=saved.get("link"), backend=backend)
    stage(4)
    found = findings(school_age, rolls, links, on=on, dedupe=dedupe)
    with transaction.atomic():
        counts = candidates_upsert(run, found)
        pause_point("match-run.candidates-written")
        counts.update(
            {
                "resident_records": len(residents),
                "people": len(people),
                "school_age_people": len(school_age),
                "roll_entries": len(rolls),
                "not_on_roll": sum(1 for f in found if f.kind == CandidateKind.NOT_ON_ROLL),
                "moved_away": sum(1 for f in found if f.kind == CandidateKind.MOVED_AWAY),
            }
        )
        MatchRun.objects.filter(pk=run.pk).update(
            state=RunState.FINISHED,
            stage="Finished",
            progress_done=len(STAGES),
            progress_total=len(STAGES),
            finished_at=timezone.now(),
            counts=counts,
            settings={**run.settings, **run_settings(on, imports, saved, in_use)},
            model_version=f"dedupe {dedupe.model_version}; link {links.outcome.model_version}"[:100],
            model_json={"dedupe": dedupe.model, "link": links.outcome.model},
        )
        audit_record(actor=run.started_by, event=AuditEvent.MATCH_RUN_FINISHED, target=run, payload=counts)


def saved_models(run: MatchRun) -> dict:
    """The models the last finished run trained, to score with again unless this run is asked to retrain.

    Training without labels is most of a run's time, and the parameters (how often details agree by chance and
    among matches) change slowly; a council retrains when its extracts change shape (`cme match run --retrain`).
    """
    if (run.settings.get("options") or {}).get("retrain"):
        return {}
    previous = (
        MatchRun.objects.filter(state=RunState.FINISHED).exclude(pk=run.pk).order_by("-pk").only("pk", "model_json")
    ).first()
    models = {name: m for name, m in ((previous.model_json if previous else None) or {}).items() if m and
              m.get("comparisons")}  # fmt: skip
    return {**models, "run_id": previous.pk} if models else {}


def run_settings(on: date, imports: list[SourceImport], saved: dict, in_use: list[RollInUse]) -> dict:
    """Every setting the run used, for its record."""
    from importlib.metadata import version

    return {
        "on_date": on.isoformat(),
        "dedupe_threshold": DEDUPE_THRESHOLD,
        "on_roll_threshold": ON_ROLL_THRESHOLD,
        "evidence_threshold": EVIDENCE_THRESHOLD,
        "ages_matched": [YOUNGEST_AGE, OLDEST_AGE],
        "moved_away_within_days": MOVED_AWAY_WITHIN_DAYS,
        "splink_version": version("splink"),
        "models": f"reused from match run {saved['run_id']}" if saved.get("run_id") else "trained in this run",
        "imports": [
            {
                "import_id": i.pk,
                "source": i.source.name,
                "kind": i.source.kind,
                "received_on": i.received_on.isoformat(),
            }
            for i in imports
        ],
        "school_rolls": _rolls_used(in_use),
    }


def _rolls_used(in_use: list[RollInUse]) -> list[dict]:
    """Each school's roll the run used (its latest), for the run's record."""
    return [
        {"urn": roll.school_urn, "school": roll.school_name, "import_id": roll.source_import.pk,
         "received_on": roll.received_on.isoformat(), "pupils": roll.pupils, "stale": roll.is_stale,
         "joined_since": roll.joined_since}
        for roll in in_use
    ]  # fmt: skip

"""The one place the match run calls the linkage engine (cme.matching.linkage): a thin adapter to its public API.

The run works in plain Python: lists of records in (the run's typed rows, or dicts),
`Pair`s and clusters out, and per-field match weights read
only for the few pairs shown as evidence. Keeping the engine's frames and result types behind these functions means
the run, its tests and the review queue do not change when the engine's internals do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

import pandas as pd

# The columns the engine reads (cme.matching.linkage.frames): required first, then optional.
ENGINE_COLUMNS = ("id", "given_name", "family_name", "date_of_birth", "sex", "address", "postcode", "middle_names",
                  "known_as", "uprn", "upn", "nhs_number")  # fmt: skip

EngineProgress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Pair:
    """Two records the model scored: how likely they are one person, and the total match weight."""

    left_id: str
    right_id: str
    probability: float
    weight: float


@dataclass
class Outcome:
    """Scored pairs, the trained model and its version; `clusters` (record id -> cluster id) for a dedupe."""

    pairs: list[Pair]
    model: dict[str, Any]
    model_version: str
    run: dict[str, Any] = field(default_factory=dict)
    clusters: dict[str, str] = field(default_factory=dict)
    _result: Any = None

    def field_weights_many(self, pairs: list[Pair]) -> dict[tuple[str, str], list[dict]]:
        """Field weights for each of `pairs` (see `field_weights`), read in one pass: the engine's per-pair read
        scans every scored pair, which for thousands of candidates would take minutes."""
        if self._result is None or not pairs:
            return {}
        comparisons = getattr(self._result, "comparisons", None)
        if comparisons is None or comparisons.empty:
            return {(p.left_id, p.right_id): self.field_weights(p) for p in pairs}
        wanted = {(p.left_id, p.right_id) for p in pairs}
        keys = pd.Series(list(zip(comparisons["left_id"].astype(str), comparisons["right_id"].astype(str),
                                  strict=True)), index=comparisons.index)  # fmt: skip
        small = replace(self._result, comparisons=comparisons[keys.isin(wanted)])
        frame = small.field_weights  # one row per pair and field, in waterfall order within each pair
        prior = _weight_row("prior", "chance two records match", small.prior_match_weight)
        rows: dict[tuple[str, str], list[dict]] = {}
        for left, right, name, level, weight in zip(frame["left_id"], frame["right_id"], frame["field"],
                                                    frame["level"], frame["match_weight"], strict=True):  # fmt: skip
            rows.setdefault((str(left), str(right)), [dict(prior)]).append(_weight_row(name, level, weight))
        return {(p.left_id, p.right_id): list(rows.get((p.left_id, p.right_id), [])) for p in pairs}

    def field_weights(self, pair: Pair) -> list[dict]:
        """The prior and each field's match weight for `pair`, in waterfall order, as JSON-ready rows."""
        return self._weights_of(self._result, pair)

    @staticmethod
    def _weights_of(result: Any, pair: Pair) -> list[dict]:
        if result is None:
            return []
        try:
            weights = result.pair_weights(pair.left_id, pair.right_id)
        except KeyError:
            return []
        return [_weight_row(w.field, w.level, w.match_weight) for w in weights]


def _weight_row(name: str, level: str, weight: float) -> dict:
    """A field's weight as stored with a candidate: rounded, and an infinite weight (a certain disagreement, such as
    another sex) as ±99."""
    weight = float(weight)
    return {"field": name, "level": level,
            "weight": round(weight, 2) if math.isfinite(weight) else (-99.0 if weight < 0 else 99.0)}  # fmt: skip


def _api():
    """The engine's public functions: from the package once it exports them, else from its engine module."""
    from cme.matching import linkage

    if hasattr(linkage, "link_frames") and hasattr(linkage, "dedupe_frame"):
        return linkage
    from cme.matching.linkage import engine as linkage_engine

    return linkage_engine


def _frame(records: list) -> pd.DataFrame:
    """The engine's input frame: one row per record (a dict, or an object with ENGINE_COLUMNS as attributes)."""
    if records and isinstance(records[0], dict):
        rows = [tuple(str(record.get(column) or "") for column in ENGINE_COLUMNS) for record in records]
    else:
        values = attrgetter(*ENGINE_COLUMNS)
        rows = [tuple(str(value or "") for value in values(record)) for record in records]
    return pd.DataFrame.from_records(rows, columns=list(ENGINE_COLUMNS))


def _outcome(result: Any) -> Outcome:
    frame = result.pairs
    pairs = [
        Pair(str(left), str(right), float(probability), float(weight))
        for left, right, probability, weight in zip(
            frame["left_id"], frame["right_id"], frame["match_probability"], frame["match_weight"], strict=True
        )
    ]
    run = result.run.as_dict() if hasattr(result.run, "as_dict") else {}
    version = getattr(result.run, "model_version", "") or run.get("model_version", "")
    return Outcome(pairs=pairs, model=result.model, model_version=version, run=run, _result=result)


def dedupe(
    records: list[dict],
    *,
    threshold: float,
    progress: EngineProgress | None = None,
    model: dict | None = None,
    backend: str = "duckdb",
) -> Outcome:
    """Group `records` (with ENGINE_COLUMNS, as attributes or keys; `id` unique) into people with the engine's
    dedupe model, on `backend` ("duckdb" in process, or "spark" on the active Spark session)."""
    if len(records) < 2:
        return Outcome(pairs=[], model={}, model_version="not run", clusters={i: i for i in _frame(records)["id"]})
    result = _api().dedupe_frame(
        _frame(records), threshold=threshold, progress=progress, model=model or None, backend=backend
    )
    outcome = _outcome(result)
    if result.clusters is not None:
        outcome.clusters = {str(i): str(c) for i, c in zip(result.clusters["id"], result.clusters["cluster_id"],
                                                           strict=True)}  # fmt: skip
    for record in records:
        record_id = str(record["id"] if isinstance(record, dict) else record.id)
        outcome.clusters.setdefault(record_id, record_id)
    return outcome


def link(
    left: list,
    right: list,
    *,
    threshold: float,
    progress: EngineProgress | None = None,
    model: dict | None = None,
    backend: str = "duckdb",
    train_on: list | None = None,
    **options: Any,
) -> Outcome:
    """Score `left` against `right` records with the engine's link model; the pairs at or above `threshold`.
    Without `model`, the model is trained on `train_on` (more records of the left side, `left` among them) against
    `right` when given, else on `left` and `right`. `options` go to the engine's `link_frames` as they are (how
    linking is done, for example one-to-one)."""
    if not model and train_on and not left:
        left = train_on  # nothing else to score: train and score alike
    if not left or not right:
        return Outcome(pairs=[], model={}, model_version="not run")
    right_frame = _frame(right)
    if not model and train_on and len(train_on) > len(left):
        options["training_frames"] = (_frame(train_on), right_frame)
    result = _api().link_frames(
        _frame(left),
        right_frame,
        threshold=threshold,
        progress=progress,
        model=model or None,
        backend=backend,
        **options,
    )
    return _outcome(result)

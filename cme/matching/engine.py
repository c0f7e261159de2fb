"""The one place the match run calls the linkage engine (cme.matching.linkage): a thin adapter to its public API.

The run works in plain Python: lists of record dicts in, `Pair`s and clusters out, and per-field match weights read
only for the few pairs shown as evidence. Keeping the engine's frames and result types behind these functions means
the run, its tests and the review queue do not change when the engine's internals do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
        return {(p.left_id, p.right_id): self._weights_of(small, p) for p in pairs}

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
        return [
            {"field": w.field, "level": w.level, "weight": round(w.match_weight, 2) if math.isfinite(w.match_weight)
             else (-99.0 if w.match_weight < 0 else 99.0)}
            for w in weights
        ]  # fmt: skip


def _api():
    """The engine's public functions: from the package once it exports them, else from its engine module."""
    from cme.matching import linkage

    if hasattr(linkage, "link_frames") and hasattr(linkage, "dedupe_frame"):
        return linkage
    from cme.matching.linkage import engine as linkage_engine

    return linkage_engine


def _frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{column: str(record.get(column) or "") for column in ENGINE_COLUMNS} for record in records],
        columns=list(ENGINE_COLUMNS),
    )


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
    """Group `records` (dicts with ENGINE_COLUMNS; `id` unique) into people with the engine's dedupe model, on
    `backend` ("duckdb" in process, or "spark" on the active Spark session)."""
    if len(records) < 2:
        return Outcome(
            pairs=[], model={}, model_version="not run", clusters={str(r["id"]): str(r["id"]) for r in records}
        )
    result = _api().dedupe_frame(
        _frame(records), threshold=threshold, progress=progress, model=model or None, backend=backend
    )
    outcome = _outcome(result)
    if result.clusters is not None:
        outcome.clusters = {str(i): str(c) for i, c in zip(result.clusters["id"], result.clusters["cluster_id"],
                                                           strict=True)}  # fmt: skip
    for record in records:
        outcome.clusters.setdefault(str(record["id"]), str(record["id"]))
    return outcome


def link(
    left: list[dict],
    right: list[dict],
    *,
    threshold: float,
    progress: EngineProgress | None = None,
    model: dict | None = None,
    backend: str = "duckdb",
) -> Outcome:
    """Score `left` against `right` records with the engine's link model; the pairs at or above `threshold`."""
    if not left or not right:
        return Outcome(pairs=[], model={}, model_version="not run")
    result = _api().link_frames(
        _frame(left), _frame(right), threshold=threshold, progress=progress, model=model or None, backend=backend
    )
    return _outcome(result)

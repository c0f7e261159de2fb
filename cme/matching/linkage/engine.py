"""Running the model: register the standardised frames with a backend, train (or load) the model, score, cluster.

DuckDB runs in this process with no server, which is what a council's one machine needs; Spark runs the same
settings on a cluster for regional or national volumes (docs/matching.md, "Running at scale on Spark"). Nothing
here downloads anything: Splink's Postgres backend, which installs a DuckDB extension at run time, is not used.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa
import splink
from splink import Linker, block_on
from splink.internals.exceptions import SplinkException

from .frames import LIST_COLUMNS, MODEL_COLUMNS, address_masks, frame_prepare
from .model import (
    MODEL_SPECIFICATION,
    SIBLING_GUARD_LABEL,
    ComparisonLabels,
    TrainingOptions,
    comparisons_without_data,
    model_in_dialect,
    model_restore_priors,
    model_version,
    model_with_every_comparison,
    settings_create,
    sibling_guard_mode,
    sibling_guard_weights,
)

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[str, ...] = ("duckdb", "spark")
# progress(stage, done, total): `done` of `total` stages finished, the one now running named.
Progress = Callable[[str, int, int], None]

# Table names in the backend (not "left" and "right", which are SQL keywords); `source` in errors says left or right.
LEFT, RIGHT, RECORDS = "cme_left", "cme_right", "cme_records"
PAIR_COLUMNS = ("left_id", "right_id", "match_probability", "match_weight")
SPARK_MISSING = (
    "The spark backend needs PySpark, which is not installed here. Install it where the cluster's driver runs "
    "(pip install 'cme[spark]', or pip install 'pyspark>=4.0,<5'), or use --backend duckdb. "
    "See docs/matching.md, 'Running at scale on Spark'."
)
SPARK_NO_JAVA = (
    "The spark backend needs Java 17 or later, and there is no java command here (nor JAVA_HOME). Install a Java "
    "runtime (on Debian: apt-get install openjdk-17-jre-headless), or use --backend duckdb."
)

logger = logging.getLogger(__name__)


class LinkageBackendUnavailable(RuntimeError):
    """The backend asked for cannot run here (PySpark is not installed); the message says what to do."""


@dataclass(frozen=True, slots=True)
class FieldWeight:
    """What one comparison said about a pair: the level it reached and the match weight (log2 Bayes factor) added."""

    field: str
    level: str
    match_weight: float


@dataclass
class LinkRun:
    """What a run did, recorded with it: model version and settings, thresholds, backend, counts and timings."""

    link_type: str
    backend: str
    threshold: float
    cluster_threshold: float | None
    sibling_guard: bool | str
    model_specification: str
    model_version: str
    trained_here: bool
    training: dict[str, Any] | None
    records: dict[str, int]
    pairs: int
    started_at: datetime
    finished_at: datetime
    one_per_person: tuple[str, ...] = ()
    ties: int = 0
    splink_version: str = splink.__version__
    duckdb_version: str = duckdb.__version__

    def as_dict(self) -> dict[str, Any]:
        """The run as JSON-ready values, to store beside the model."""
        return {
            "link_type": self.link_type,
            "backend": self.backend,
            "threshold": self.threshold,
            "cluster_threshold": self.cluster_threshold,
            "sibling_guard": self.sibling_guard,
            "model_specification": self.model_specification,
            "model_version": self.model_version,
            "trained_here": self.trained_here,
            "training": self.training,
            "records": self.records,
            "pairs": self.pairs,
            "one_per_person": list(self.one_per_person),
            "ties": self.ties,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "seconds": round((self.finished_at - self.started_at).total_seconds(), 3),
            "splink_version": self.splink_version,
            "duckdb_version": self.duckdb_version,
        }


@dataclass
class LinkResult:
    """The outcome of `link_frames` or `dedupe_frame`.

    `pairs`: one row per pair at or above the threshold, columns `left_id, right_id, match_probability,
    match_weight`, strongest first (in a dedupe both ids come from the one frame).
    `clusters`: for a dedupe, `id, cluster_id` for every record (records in no pair are clusters of one).
    `model`: the trained Splink model (settings and parameters) as a dict; `model_json()` as text. Pass it back as
    `model=` to score other frames with the same parameters.
    `run`: what was done (`LinkRun`), including the model version, thresholds and backend.
    `field_weights`: long form, one row per pair and comparison (`left_id, right_id, field, level, match_weight`);
    `pair_weights(left_id, right_id)`: the same for one pair, the prior first, as a waterfall reads.
    `ties`: in one-to-one linking, pairs at or above the threshold that were not linked because a record had two or
    more equally strong candidates in a file that holds one record per person: a person must decide (same columns
    as `pairs`). Empty otherwise.
    """

    pairs: pd.DataFrame
    model: dict[str, Any]
    run: LinkRun
    clusters: pd.DataFrame | None = None
    comparisons: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    ties: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(PAIR_COLUMNS)))

    @property
    def prior_match_weight(self) -> float:
        """The weight every pair starts from: log2 of the prior odds that two records match (lambda)."""
        probability = self.model["probability_two_random_records_match"]
        return math.log2(probability / (1 - probability))

    def model_json(self) -> str:
        import json

        return json.dumps(self.model, indent=2, default=str)

    @cached_property
    def field_weights(self) -> pd.DataFrame:
        labels = ComparisonLabels.from_model(self.model).by_comparison
        columns = ["left_id", "right_id", "field", "level", "match_weight"]
        if self.comparisons.empty:
            return pd.DataFrame(columns=columns)
        parts = []
        for name, by_gamma in labels.items():
            gamma = self.comparisons[f"gamma_{name}"].astype(int)
            weight = self.comparisons[f"mw_{name}"].astype(float)
            tf_column = f"mw_tf_adj_{name}"
            if tf_column in self.comparisons:
                weight = weight + self.comparisons[tf_column].astype(float)
            parts.append(
                pd.DataFrame(
                    {
                        "left_id": self.comparisons["left_id"],
                        "right_id": self.comparisons["right_id"],
                        "field": name,
                        "level": gamma.map(by_gamma),
                        "match_weight": weight,
                    }
                )
            )
        guard = self.comparisons.get("mw_sibling_guard")
        guarded = self.comparisons[guard != 0] if guard is not None else self.comparisons.iloc[0:0]
        if not guarded.empty:
            parts.append(
                pd.DataFrame(
                    {
                        "left_id": guarded["left_id"],
                        "right_id": guarded["right_id"],
                        "field": "sibling_guard",
                        "level": SIBLING_GUARD_LABEL,
                        "match_weight": guarded["mw_sibling_guard"].astype(float),
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)[columns]

    def pair_weights(self, left_id: str, right_id: str) -> list[FieldWeight]:
        """The prior and each comparison's weight for one pair; they add up to the pair's match weight."""
        rows = self.field_weights[
            (self.field_weights["left_id"] == str(left_id)) & (self.field_weights["right_id"] == str(right_id))
        ]
        if rows.empty:
            raise KeyError(f"no pair {left_id!r}, {right_id!r} at or above the threshold")
        weights = [FieldWeight("prior", "chance two records match", self.prior_match_weight)]
        weights += [FieldWeight(row.field, row.level, float(row.match_weight)) for row in rows.itertuples()]
        return weights


def link_frames(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    threshold: float = 0.5,
    backend: Backend = "duckdb",
    model: dict[str, Any] | str | Path | None = None,
    training: TrainingOptions | None = None,
    sibling_guard: bool | str = True,
    progress: Progress | None = None,
    left_one_per_person: bool = False,
    right_one_per_person: bool = False,
    training_frames: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> LinkResult:
    """Pairs of records, one from `left` and one from `right`, that the model says are the same person.

    Frames have the input columns of cme.matching.linkage.frames (raw values; standardised here). Without `model`
    the model is trained on these frames, without labels; with one (a dict from an earlier `LinkResult.model`, or a
    path to its JSON), its parameters are used as they are. Raises LinkageInputError naming every bad row.

    `sibling_guard` holds down pairs that look like twins or siblings (same family name and date of birth, a
    different given name): right for council records, where such pairs are nearly always two children; wrong for
    data whose errors replace given names outright (FEBRL's synthetic duplicates), where it costs recall.
    `sibling_guard="evidence"` holds them down only where sex, NHS number or UPN say they are two people (see
    model.sibling_guard_weights); False (or "off") never.

    `left_one_per_person` / `right_one_per_person`: that frame holds at most one record of each person (a school
    roll; each FEBRL file). Then a record of the other frame links to at most one of its records: Splink's one-to-one
    linking (`cluster_using_single_best_links`) keeps, for each record, its best link where that link is also the
    best for the other record, so a twin's own record wins over their twin's and a lone candidate gets through. A
    record with two or more equally strong best candidates is linked to none of them: those pairs are in
    `LinkResult.ties`, for a person to decide.

    `training_frames` (left, right): without `model`, train on these records instead and score only `left` and
    `right` with what was learnt. A match run trains on every record but need not score the ones it has already
    placed: the model is the one all the records teach, and the scoring costs only what is left to decide.
    """
    _threshold_check(threshold)
    report = _Stages(progress, total=4 if model is None else 2)
    report("Standardising records")
    prepared = {LEFT: frame_prepare(left, source="left"), RIGHT: frame_prepare(right, source="right")}
    training_prepared = None
    if training_frames is not None and model is None:
        training_left, training_right = training_frames
        training_prepared = {
            LEFT: prepared[LEFT] if training_left is left else frame_prepare(training_left, source="left"),
            RIGHT: prepared[RIGHT] if training_right is right else frame_prepare(training_right, source="right"),
        }
    return _run(
        prepared,
        link_type="link_only",
        threshold=threshold,
        cluster_threshold=None,
        backend=backend,
        model=model,
        training=training,
        sibling_guard=sibling_guard,
        report=report,
        one_per_person=tuple(
            name for name, unique in ((LEFT, left_one_per_person), (RIGHT, right_one_per_person)) if unique
        ),
        training_prepared=training_prepared,
    )


def dedupe_frame(
    frame: pd.DataFrame,
    *,
    threshold: float = 0.5,
    cluster_threshold: float | None = None,
    backend: Backend = "duckdb",
    model: dict[str, Any] | str | Path | None = None,
    training: TrainingOptions | None = None,
    sibling_guard: bool | str = True,
    progress: Progress | None = None,
    cluster_pairs: bool = False,
) -> LinkResult:
    """Pairs of records within `frame` that are the same person, and clusters of records (connected components of
    the pairs at or above `cluster_threshold`, by default `threshold`).

    To cluster people across several sources, give each record an id unique across them (for example
    "housing:123") and pass the sources as one frame. `sibling_guard` as for `link_frames`: in a dedupe,
    "evidence" keeps twins apart where their records give different sexes, NHS numbers or UPNs.

    `cluster_pairs`: the pairs are also every other pair of records in one cluster, each with the model's own score
    for it (which may be below the threshold): records of one person joined through a third record.
    """
    _threshold_check(threshold)
    if cluster_threshold is not None:
        _threshold_check(cluster_threshold)
    report = _Stages(progress, total=(5 if model is None else 3))
    report("Standardising records")
    prepared = {RECORDS: frame_prepare(frame, source="")}
    return _run(
        prepared,
        link_type="dedupe_only",
        threshold=threshold,
        cluster_threshold=threshold if cluster_threshold is None else cluster_threshold,
        backend=backend,
        model=model,
        training=training,
        sibling_guard=sibling_guard,
        report=report,
        cluster_pairs=cluster_pairs,
    )


def _threshold_check(threshold: float) -> None:
    if not 0 <= threshold <= 1:
        raise ValueError(f"A threshold is a match probability from 0 to 1, not {threshold}")


class _Stages:
    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, stage: str) -> None:
        if self.progress:
            self.progress(stage, self.done, self.total)
        self.done += 1

    def finish(self) -> None:
        if self.progress:
            self.progress("Done", self.total, self.total)


def _run(
    prepared: dict[str, pd.DataFrame],
    *,
    link_type: str,
    threshold: float,
    cluster_threshold: float | None,
    backend: Backend,
    model: dict[str, Any] | str | Path | None,
    training: TrainingOptions | None,
    sibling_guard: bool | str,
    report: _Stages,
    one_per_person: tuple[str, ...] = (),
    cluster_pairs: bool = False,
    training_prepared: dict[str, pd.DataFrame] | None = None,
) -> LinkResult:
    started_at = datetime.now(UTC)
    training = training or TrainingOptions()
    guard_mode = sibling_guard_mode(sibling_guard)
    # Every frame of a run, scored or trained on, shares one vocabulary of address words (a frame that is both, once).
    distinct = {id(frame): frame for frame in [*prepared.values(), *(training_prepared or {}).values()]}
    masked = dict(zip(distinct, address_masks(list(distinct.values())), strict=True))
    prepared = {name: masked[id(frame)] for name, frame in prepared.items()}
    if training_prepared:
        training_prepared = {name: masked[id(frame)] for name, frame in training_prepared.items()}
    with _backend_session(backend) as db_api, _quiet_splink():
        tables = [
            db_api.register(_table_for(backend, frame, db_api), dataset_display_name=name)
            for name, frame in prepared.items()
        ]
        if model is None:
            learn_from = training_prepared or prepared
            training_tables = tables
            if training_prepared:
                training_tables = [
                    db_api.register(
                        _table_for(backend, frame, db_api), table_name=f"{name}_training", dataset_display_name=name
                    )
                    for name, frame in training_prepared.items()
                ]
            trained_model = _train(
                training_tables,
                link_type=link_type,
                training=training,
                report=report,
                prepared=learn_from,
                sql_dialect=db_api.sql_dialect.sql_dialect_str,
            )
        else:
            trained_model = _model_load(model, link_type=link_type, sql_dialect=db_api.sql_dialect.sql_dialect_str)
        # A model trained here is this package's own; a loaded one is checked against these tables.
        linker = Linker(tables, trained_model, log_level=None, validate_settings=model is not None)
        if training_prepared:
            # Splink keeps what it computed for the training records (their name frequencies among them) for the
            # next linker on this connection: the records scored need their own, as a saved model would compute.
            linker.table_management.invalidate_cache()
        report("Scoring record pairs")
        lowest = threshold if cluster_threshold is None else min(threshold, cluster_threshold)
        predictions = linker.inference.predict(threshold_match_probability=lowest, warning_mode="never")
        scored = _scored_frame(linker, predictions)
        if guard_mode != "off":
            scored = _guarded(scored, trained_model, threshold=lowest, mode=guard_mode)
        ties = pd.DataFrame(columns=list(PAIR_COLUMNS))
        if one_per_person and not scored.empty:
            scored, tied = _one_to_one(linker, db_api, scored, backend=backend, one_per_person=one_per_person)
            ties = _oriented(tied, link_type=link_type)[list(PAIR_COLUMNS)]
        clusters = None
        if cluster_threshold is not None:
            report("Clustering records")
            # Spark takes the pandas frame (it cannot read Arrow tables in every version); DuckDB reads Arrow as is.
            edges_table = scored if backend == "spark" else pa.Table.from_pandas(scored, preserve_index=False)
            edges = db_api.register(edges_table)
            clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
                edges, threshold_match_probability=cluster_threshold
            )
            clusters = clustered.as_pandas_dataframe()[["id", "cluster_id"]].astype(str)
            clusters = clusters.sort_values(["cluster_id", "id"]).reset_index(drop=True)
            if cluster_pairs:
                scored = _with_cluster_pairs(
                    scored[scored["match_probability"] >= threshold],
                    clusters,
                    prepared=prepared[RECORDS],
                    model=trained_model,
                    backend=backend,
                    db_api=db_api,
                    guard_mode=guard_mode,
                )
    in_pairs = scored["match_probability"] >= threshold
    if cluster_pairs and "in_cluster" in scored:
        in_pairs |= scored["in_cluster"].astype(bool)
    comparisons = _oriented(scored[in_pairs], link_type=link_type)
    pairs = comparisons[["left_id", "right_id", "match_probability", "match_weight"]].copy()
    report.finish()
    run = LinkRun(
        link_type=link_type,
        backend=backend,
        threshold=threshold,
        cluster_threshold=cluster_threshold,
        sibling_guard=sibling_guard if isinstance(sibling_guard, bool) else guard_mode,
        model_specification=MODEL_SPECIFICATION,
        model_version=model_version(trained_model),
        trained_here=model is None,
        training=training.as_dict() if model is None else None,
        records={name: len(frame) for name, frame in prepared.items()},
        pairs=len(pairs),
        started_at=started_at,
        finished_at=datetime.now(UTC),
        one_per_person=tuple(_SIDE_NAMES[name] for name in one_per_person),
        ties=len(ties),
    )
    return LinkResult(pairs=pairs, model=trained_model, run=run, clusters=clusters, comparisons=comparisons, ties=ties)


_SIDE_NAMES = {LEFT: "left", RIGHT: "right"}


def _with_cluster_pairs(
    scored: pd.DataFrame,
    clusters: pd.DataFrame,
    *,
    prepared: pd.DataFrame,
    model: dict[str, Any],
    backend: Backend,
    db_api,
    guard_mode: str,
) -> pd.DataFrame:
    """The pairs at or above the threshold, and every other pair of records in one cluster, each scored by the model
    (`in_cluster` true for all of them).

    A person's third record may agree too little with their first to score above the threshold on its own (two
    copies each corrupted differently), or share nothing the blocking rules join on, and still be joined to it
    through their second. The cluster says they are one person; the pair's own score is what the model says of it.
    """
    sizes = clusters["cluster_id"].value_counts()
    cluster_of_id = dict(zip(clusters["id"], clusters["cluster_id"], strict=True))
    left_cluster = scored["id_l"].astype(str).map(cluster_of_id)
    have = left_cluster[left_cluster == scored["id_r"].astype(str).map(cluster_of_id)].value_counts()
    # Only clusters missing a pair need scoring again: a pair, or a trio whose three pairs all scored, is complete.
    incomplete = sizes[(sizes > 1) & (have.reindex(sizes.index, fill_value=0) < sizes * (sizes - 1) // 2)].index
    grouped = clusters[clusters["cluster_id"].isin(set(incomplete))]
    if grouped.empty:
        return scored.assign(in_cluster=True)
    cluster_of = dict(zip(grouped["id"], grouped["cluster_id"], strict=True))
    frame = prepared.assign(cluster_id=prepared["id"].astype(str).map(cluster_of))
    within = deepcopy(model)
    within["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": "l.cluster_id = r.cluster_id", "sql_dialect": db_api.sql_dialect.sql_dialect_str}
    ]
    if backend == "spark":
        grouped_ids = db_api.spark.createDataFrame(grouped[["id", "cluster_id"]])  # text only: no NaN to infer
        table = _table_for(backend, prepared, db_api).join(grouped_ids, on="id", how="left")
    else:
        cluster_ids = pa.array(frame["cluster_id"], type=pa.string(), from_pandas=True)  # null where a record is alone
        table = _table_for(backend, prepared, db_api).append_column("cluster_id", cluster_ids)
    registered = db_api.register(table)
    linker = Linker([registered], within, log_level=None, validate_settings=False)
    predictions = linker.inference.predict(warning_mode="never")
    pairs = _scored_frame(linker, predictions)
    if guard_mode != "off" and not pairs.empty:
        guard = sibling_guard_weights(pairs, model, mode=guard_mode)
        weight = pairs["match_weight"].astype(float) + guard
        pairs = pairs.assign(mw_sibling_guard=guard, match_weight=weight, match_probability=weight.map(_probability))
    key = ["id_l", "id_r"]
    extra = pairs.merge(scored[key], on=key, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"].drop(columns="_merge")
    combined = pd.concat([scored, extra], ignore_index=True).assign(in_cluster=True)
    if "mw_sibling_guard" in combined:
        combined["mw_sibling_guard"] = combined["mw_sibling_guard"].fillna(0.0)
    return combined


def _one_to_one(
    linker: Linker, db_api, scored: pd.DataFrame, *, backend: Backend, one_per_person: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scored pairs Splink's one-to-one linking keeps, and the tied pairs it leaves for a person.

    `cluster_using_single_best_links` joins two records when each is the other's best candidate and no cluster would
    hold two records of a frame in `one_per_person`; with ties_method "drop" a record whose best candidates are
    equally strong joins none of them. It ranks by the edges' `match_probability`: given here as the match weight,
    which orders pairs alike but does not round to 1.0 for strong pairs (a weight above about 50 does, and two such
    candidates would then look tied). Pairs are kept where both records ended in one cluster.
    """
    edges = scored[["id_l", "id_r", "source_dataset_l", "source_dataset_r"]].assign(
        match_probability=scored["match_weight"].astype(float)
    )
    edges_table = edges if backend == "spark" else pa.Table.from_pandas(edges, preserve_index=False)
    registered = db_api.register(edges_table)
    clustered = linker.clustering.cluster_using_single_best_links(
        registered,
        duplicate_free_datasets=list(one_per_person),
        # Every edge is already at or above the run's threshold; Splink reads the ranking column only with one.
        threshold_match_probability=float(edges["match_probability"].min()) - 1,
        ties_method="drop",
    )
    registered.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    sql = f"select source_dataset, id, cluster_id from {clustered.physical_name}"  # noqa: S608 - Splink's own names
    clusters = linker.misc.query_sql(sql, output_type="pandas")
    clustered.drop_table_from_database_and_remove_from_cache()
    cluster_of = pd.Series(
        clusters["cluster_id"].astype(str).to_numpy(),
        index=clusters["source_dataset"].astype(str) + "\x1f" + clusters["id"].astype(str),
    )
    left_cluster = _record_keys(scored, "l").map(cluster_of)
    right_cluster = _record_keys(scored, "r").map(cluster_of)
    kept = left_cluster.notna() & (left_cluster == right_cluster)
    return scored[kept].reset_index(drop=True), _ties(scored, kept, one_per_person=one_per_person)


def _record_keys(scored: pd.DataFrame, side: str) -> pd.Series:
    """Each pair's record on one side ("l" or "r") as one text key: its frame and its id."""
    return scored[f"source_dataset_{side}"].astype(str) + "\x1f" + scored[f"id_{side}"].astype(str)


def _ties(scored: pd.DataFrame, kept: pd.Series, *, one_per_person: tuple[str, ...]) -> pd.DataFrame:
    """Pairs at the top of a record's candidates with another equally strong candidate from a frame that holds one
    record per person, neither record of which was linked otherwise: what one-to-one linking could not decide."""
    left_key, right_key = _record_keys(scored, "l"), _record_keys(scored, "r")
    weight = scored["match_weight"].astype(float)
    tied = pd.Series(False, index=scored.index)
    for record, candidate_source in ((left_key, scored["source_dataset_r"]), (right_key, scored["source_dataset_l"])):
        best = weight.groupby(record).transform("max")
        at_best = (weight == best) & candidate_source.isin(one_per_person)
        several = at_best.groupby(record).transform("sum") > 1
        tied |= at_best & several
    linked = set(left_key[kept]) | set(right_key[kept])
    open_pair = ~left_key.isin(linked) & ~right_key.isin(linked)
    return scored[tied & ~kept & open_pair].reset_index(drop=True)


def _train(
    tables: list,
    *,
    link_type: str,
    training: TrainingOptions,
    report: _Stages,
    prepared: dict[str, pd.DataFrame],
    sql_dialect: str,
) -> dict[str, Any]:
    """Train without labels: lambda from deterministic rules, u by random sampling, m by EM; priors where unseen.
    Comparisons whose column the records leave blank are not trained (they keep their priors, as training would
    leave them): on files without NHS numbers, UPNs, UPRNs or sexes that is half of the training's passes."""
    blank = comparisons_without_data(prepared.values(), link_type=link_type)
    settings = settings_create(link_type=link_type, options=training, without=blank)
    # The settings are this package's own, written for the columns frame_prepare makes: Splink's check of them
    # (parsing every SQL condition) took a second of each run and cannot fail here.
    linker = Linker(tables, settings, log_level=None, validate_settings=False)
    untrained = model_with_every_comparison(linker.misc.save_model_to_json(), sql_dialect=sql_dialect)
    report("Estimating how often records agree by chance")
    _estimate_lambda(linker, training, link_type=link_type, prepared=prepared)
    linker.training.estimate_u_using_random_sampling(max_pairs=training.u_max_pairs, seed=training.seed, num_chunks=1)
    report("Estimating how often the same person's records agree")
    for rule in training.em_blocking_rules:
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*rule), estimate_without_term_frequencies=True, max_pairs=training.em_max_pairs
            )
        except (SplinkException, ValueError, duckdb.Error) as error:
            # Too few pairs share this rule to learn from (a small file), or the estimates ran to the edge of what a
            # float holds (every pair agreeing): a failed session may leave the model half-updated, so go back to
            # the model as it was; the earlier estimates and the priors stand for what this session would train.
            logger.info("Expectation maximisation blocked on %s did not finish: %s", rule, error)
            linker = Linker(tables, before, log_level=None, validate_settings=False)
    trained = model_with_every_comparison(linker.misc.save_model_to_json(), sql_dialect=sql_dialect)
    return model_restore_priors(trained, untrained)


def _estimate_lambda(
    linker: Linker, training: TrainingOptions, *, link_type: str, prepared: dict[str, pd.DataFrame]
) -> None:
    """Lambda from the deterministic rules; when they find nothing usable, assume each record has one match."""
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(training.deterministic_rules), recall=training.deterministic_rules_recall
        )
        estimated = linker._settings_obj._probability_two_random_records_match
    except (SplinkException, ValueError) as error:
        logger.info("Deterministic rules could not estimate lambda: %s", error)
        estimated = 0
    if 0 < estimated < 1:
        return
    sizes = [len(frame) for frame in prepared.values()]
    one_match_each = min(sizes) / (sizes[0] * sizes[1]) if link_type == "link_only" else 1 / max(sizes[0] - 1, 1)
    linker._settings_obj._probability_two_random_records_match = min(max(one_match_each, 1e-9), 0.5)


# Of what Splink keeps for each scored pair, what a run reads: ids, overall weight, and each comparison's level and
# weight. The compared values themselves (lists of name forms and address words for every pair) are left in the
# backend: turning them into Python objects cost more than the scoring at borough scale.
_SCORED_PREFIXES = ("gamma_", "mw_")
_SCORED_COLUMNS = ("match_weight", "match_probability", "source_dataset_l", "source_dataset_r", "id_l", "id_r")


def _scored_frame(linker: Linker, predictions) -> pd.DataFrame:
    wanted = [
        column.name  # quoted as the backend quotes
        for column in predictions.columns
        if column.unquote().name in _SCORED_COLUMNS or column.unquote().name.startswith(_SCORED_PREFIXES)
    ]
    sql = f"select {', '.join(wanted)} from {predictions.physical_name}"  # noqa: S608 - Splink's own names, no input
    return linker.misc.query_sql(sql, output_type="pandas")


def _guarded(scored: pd.DataFrame, model: dict[str, Any], *, threshold: float, mode: str = "always") -> pd.DataFrame:
    """The scored pairs with the sibling guard's weight added (down to model.SIBLING_GUARD_CAP), those still at or above
    `threshold` kept."""
    guard = sibling_guard_weights(scored, model, mode=mode)
    scored = scored.assign(mw_sibling_guard=guard)
    if not guard.any():
        return scored
    weight = scored["match_weight"].astype(float) + guard
    scored = scored.assign(match_weight=weight, match_probability=weight.map(_probability))
    return scored[scored["match_probability"] >= threshold].reset_index(drop=True)


def _probability(match_weight: float) -> float:
    odds = 2.0**match_weight
    return 1.0 if math.isinf(odds) else odds / (1 + odds)


def _model_load(model: dict[str, Any] | str | Path, *, link_type: str, sql_dialect: str) -> dict[str, Any]:
    """A saved model as a dict, set to this run's link type (a model trained on a dedupe scores links too) and
    written in this backend's SQL (a model trained on DuckDB runs on Spark)."""
    import json

    if isinstance(model, (str, Path)):
        model = json.loads(Path(model).read_text(encoding="utf-8"))
    if not isinstance(model, dict) or "comparisons" not in model:
        raise ValueError("The model must be a trained model's settings, as LinkResult.model or its JSON file")
    return model_in_dialect(model, sql_dialect=sql_dialect, link_type=link_type)


def _oriented(scored: pd.DataFrame, *, link_type: str) -> pd.DataFrame:
    """The scored pairs with `left_id` from the left frame (links) and ids as text, strongest pairs first."""
    if scored.empty:
        columns = ["left_id", "right_id", "match_probability", "match_weight"]
        return pd.DataFrame(columns=columns + [c for c in scored.columns if c.startswith(("gamma_", "mw_"))])
    left_id, right_id = scored["id_l"].astype(str), scored["id_r"].astype(str)
    if link_type == "link_only":
        swapped = scored["source_dataset_l"] != LEFT
        left_id, right_id = left_id.where(~swapped, right_id), right_id.where(~swapped, left_id)
    detail = [c for c in scored.columns if c.startswith(("gamma_", "mw_"))]
    oriented = pd.DataFrame(
        {
            "left_id": left_id,
            "right_id": right_id,
            "match_probability": scored["match_probability"].astype(float),
            "match_weight": scored["match_weight"].astype(float),
        }
    )
    oriented[detail] = scored[detail]
    oriented = oriented.sort_values(["match_weight", "left_id", "right_id"], ascending=[False, True, True])
    return oriented.reset_index(drop=True)


# Backends

_ARROW_SCHEMA = pa.schema(
    [pa.field(name, pa.list_(pa.string()) if name in LIST_COLUMNS else pa.string()) for name in MODEL_COLUMNS]
)


def _db_api(backend: Backend):
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI(":memory:")
    if backend == "spark":
        return _spark_db_api()
    raise ValueError(f"Unknown backend {backend!r}: use one of {', '.join(BACKENDS)}")


# Spark: the session's settings, from the environment (docs/operating.md, "Spark"). Without them a run starts a
# local Spark in this process (`local[2]`: two cores, a small driver, no web UI) that it stops when it is done.
SPARK_MASTER_ENV = "CME_SPARK_MASTER"  # local[2] (default), local[*], spark://host:7077, yarn, k8s://…
SPARK_CONF_ENV = "CME_SPARK_CONF"  # more Spark settings: "key=value" pairs separated by spaces or commas
SPARK_CHECKPOINT_ENV = "CME_SPARK_CHECKPOINT_DIR"  # where intermediate tables go; on a cluster, storage all nodes see
SPARK_LINEAGE_ENV = "CME_SPARK_BREAK_LINEAGE"  # how Splink keeps intermediate tables: parquet (default) or persist
SPARK_LOCAL_DEFAULTS = {
    "spark.master": "local[2]",
    "spark.driver.memory": "2g",
    "spark.sql.shuffle.partitions": "8",  # Spark's 200 is for clusters: a local run spends its time on empty tasks
    "spark.default.parallelism": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # Blocking joins a table of records with itself: Spark judged it small enough to copy whole to every task (a
    # broadcast join) and ran out of the driver's 2 GB at 100,000 records. On one machine a sort-merge join costs
    # nothing more.
    "spark.sql.autoBroadcastJoinThreshold": "-1",
    "spark.sql.adaptive.autoBroadcastJoinThreshold": "-1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}


def spark_settings(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The Spark settings a run starts a session with. A local master (the default, `local[2]`) gets
    SPARK_LOCAL_DEFAULTS; any other master (a council's cluster) gets only the master, so the cluster's own
    spark-defaults.conf stands. CME_SPARK_CONF's settings go over either. Settings cme needs (the similarity jar inside
    the splink package) are added when the session is built. A malformed entry raises LinkageBackendUnavailable."""
    environ = os.environ if environ is None else environ
    master = environ.get(SPARK_MASTER_ENV, "").strip() or SPARK_LOCAL_DEFAULTS["spark.master"]
    settings = dict(SPARK_LOCAL_DEFAULTS) if master.startswith("local") else {}
    settings["spark.master"] = master
    for entry in re.split(r"[\s,]+", environ.get(SPARK_CONF_ENV, "").strip()):
        if not entry:
            continue
        key, equals, value = entry.partition("=")
        if not equals or not key.startswith("spark.") or not value:
            raise LinkageBackendUnavailable(
                f"{SPARK_CONF_ENV}: {entry!r} is not a Spark setting. Write each as spark.name=value, "
                "separated by spaces or commas."
            )
        settings[key] = value
    return settings


def spark_session_start(settings: dict[str, str] | None = None):
    """A new Spark session with cme's settings (spark_settings()) and Splink's similarity functions: the jar ships
    inside the splink package and is handed to Spark with spark.jars, so nothing is fetched (no spark.jars.packages).
    Its scratch space (warehouse, checkpoints) is a temporary folder removed by `spark_session_stop`.
    Raises LinkageBackendUnavailable without PySpark or Java."""
    import shutil
    import sys
    import tempfile

    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise LinkageBackendUnavailable(SPARK_MISSING) from error
    from splink.backends.spark import similarity_jar_location

    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise LinkageBackendUnavailable(SPARK_NO_JAVA)
    settings = dict(spark_settings() if settings is None else settings)
    jars = [jar for jar in settings.get("spark.jars", "").split(",") if jar]
    settings["spark.jars"] = ",".join([similarity_jar_location(), *jars])
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # executors' Python: this one, with pandas and pyarrow
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    scratch = Path(tempfile.mkdtemp(prefix="cme-spark-"))
    settings.setdefault("spark.sql.warehouse.dir", str(scratch / "warehouse"))
    settings.setdefault("spark.local.dir", str(scratch / "local"))
    # Spark's own logging at ERROR (its start-up warnings are not for an analyst at a terminal), to stderr.
    (scratch / "log4j2.properties").write_text(_SPARK_LOG4J, encoding="utf-8")
    settings.setdefault("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{scratch}/log4j2.properties")
    if settings["spark.master"].startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # a local Spark listens on loopback only
    builder = SparkSession.builder.appName("cme-link")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as error:  # the JVM did not start: Java missing or too old, the master unreachable
        shutil.rmtree(scratch, ignore_errors=True)
        raise LinkageBackendUnavailable(f"Spark did not start ({settings['spark.master']}): {error}") from error
    spark.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.WARNING)  # its INFO lines at exit would reach a closed stream
    checkpoints = os.environ.get(SPARK_CHECKPOINT_ENV) or str(scratch / "checkpoints")
    spark.sparkContext.setCheckpointDir(checkpoints)
    _SPARK_SCRATCH[id(spark)] = scratch
    return spark


def spark_session_stop(spark) -> None:
    """Stop a session made by `spark_session_start` and remove its scratch folder."""
    import shutil

    scratch = _SPARK_SCRATCH.pop(id(spark), None)
    spark.stop()
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


_SPARK_SCRATCH: dict[int, Path] = {}
_SPARK_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
"""


def _spark_db_api():
    """A Splink Spark API on the active Spark session (a notebook's, a test's, spark-submit's) or a new one started
    with cme's settings; `.started_here` says whether the run must stop it. PySpark is imported only here."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise LinkageBackendUnavailable(SPARK_MISSING) from error
    from splink.backends.spark import SparkAPI

    active = SparkSession.getActiveSession()
    started_here = active is None
    context_session = spark_session_start() if started_here else active
    if context_session.sparkContext.getCheckpointDir() is None:  # Splink writes intermediate tables there (Parquet)
        import atexit
        import shutil
        import tempfile

        scratch = tempfile.mkdtemp(prefix="cme-spark-")
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        context_session.sparkContext.setCheckpointDir(scratch)
    # A session of the run's own on the same Spark: its tables (cme_left, Splink's) are seen by no other run or
    # notebook and go with it; the cluster, its executors and its cache are shared.
    spark = context_session.newSession()
    db_api = SparkAPI(spark_session=spark, break_lineage_method=os.environ.get(SPARK_LINEAGE_ENV, "parquet"))
    db_api.context_session = context_session
    db_api.started_here = started_here
    return db_api


def _table_for(backend: Backend, frame: pd.DataFrame, db_api):
    """The standardised frame in the form the backend registers: Arrow for DuckDB, a Spark frame for Spark."""
    table = pa.Table.from_pandas(frame, schema=_ARROW_SCHEMA, preserve_index=False)
    if backend == "spark":
        if len(frame) < SPARK_SMALL_INPUT:
            _spark_small_input(db_api)
        # Spark 4 reads Arrow tables directly (no row-by-row conversion through Python objects), into a few
        # partitions: a local run has two cores and a cluster repartitions after blocking anyway.
        spark_frame = db_api.spark.createDataFrame(table, schema=_spark_schema())
        return spark_frame.repartition(max(1, min(8, len(frame) // 50_000 + 1)))
    return table


# Below this many records in a frame, compiling Spark's generated code for each of Splink's queries and re-planning
# them as they run (adaptive execution) costs more than it saves: on 800 records, scoring took 37 s with them and
# 19 s without (local[2], load 15). The run's own session is set so, unless Spark's settings say otherwise.
SPARK_SMALL_INPUT = 20_000
_SPARK_SMALL_INPUT_SETTINGS = {"spark.sql.codegen.wholeStage": "false", "spark.sql.adaptive.enabled": "false"}


def _spark_small_input(db_api) -> None:
    configured = db_api.spark.sparkContext.getConf()
    for key, value in _SPARK_SMALL_INPUT_SETTINGS.items():
        if not configured.contains(key):
            db_api.spark.conf.set(key, value)


def _spark_schema():
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    return StructType(
        [
            StructField(name, ArrayType(StringType()) if name in LIST_COLUMNS else StringType(), True)
            for name in MODEL_COLUMNS
        ]
    )


@contextmanager
def _backend_session(backend: Backend) -> Iterator[Any]:
    """The backend's Splink API for one run, its tables released afterwards (a run's pairs can fill gigabytes)."""
    db_api = _db_api(backend)
    try:
        yield db_api
    finally:
        if backend == "duckdb":
            db_api.duckdb_con.close()
        else:  # drop what this run made; stop Spark only if this run started it (a cluster's session is not ours)
            db_api.delete_tables_created_by_splink_from_db()
            if db_api.started_here:
                spark_session_stop(db_api.context_session)


@contextmanager
def _quiet_splink() -> Iterator[None]:
    """Splink's own progress messages and advice are for notebooks; a run reports through `progress` instead."""
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    splink_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        splink_logger.setLevel(level)

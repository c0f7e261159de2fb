"""Probabilistic record linkage of people across council sources: Splink 5 on DuckDB, in process, no labels needed.

Public API (everything else in this package may change):

    link_frames(left, right, *, threshold=0.5, backend="duckdb", model=None, training=None, sibling_guard=True,
                progress=None, left_one_per_person=False, right_one_per_person=False,
                training_frames=None) -> LinkResult
    dedupe_frame(frame, *, threshold=0.5, cluster_threshold=None, backend="duckdb", model=None, training=None,
                 sibling_guard=True, progress=None, cluster_pairs=False) -> LinkResult

Input frames (pandas) have one row per record and the columns `id, given_name, family_name, date_of_birth, sex,
address, postcode`, and optionally `middle_names, known_as, uprn, upn, nhs_number`. Values are raw, as a source
sent them; blanks are allowed; other columns are ignored. They are checked and standardised here (`standardise`):
a frame that cannot be read raises `LinkageInputError`, whose `problems` name every bad row (as a file line, the
first record being line 2) and column. Ids are compared as text and must be unique within a frame; to link or
cluster several sources at once, give ids unique across them ("housing:123") and pass them as one frame to
`dedupe_frame`.

`LinkResult`:
    .pairs            DataFrame `left_id, right_id, match_probability, match_weight`, pairs at or above the
                      threshold, strongest first (`left_id` from `left`; in a dedupe both from the one frame); with
                      `cluster_pairs=True`, also every other pair of records in one cluster, with its own score
    .ties             the same columns: with one-to-one linking, pairs not linked because a record had two or more
                      equally strong best candidates; for a person to decide (empty otherwise)
    .clusters         dedupe only: DataFrame `id, cluster_id` for every record, connected components of the pairs
                      at or above `cluster_threshold` (by default `threshold`); a record in no pair is its own cluster
    .field_weights    DataFrame `left_id, right_id, field, level, match_weight`: what each comparison said about
                      each pair (its level, in words, and the weight it added), for a table or waterfall
    .pair_weights(left_id, right_id) -> list[FieldWeight(field, level, match_weight)], the prior first; the
                      weights add up to the pair's match_weight
    .prior_match_weight
    .model            the trained Splink model (settings and m/u parameters) as a dict; `.model_json()` as text.
                      Pass it back as `model=` (or a path to its JSON) to score other frames without retraining.
    .run              LinkRun: link type, backend, threshold(s), model specification and version (a hash of the
                      trained parameters), whether it was trained in this run and with which TrainingOptions,
                      record and pair counts, start and end; `.run.as_dict()` is JSON-ready, to store with the run.

`sibling_guard` (on by default) holds pairs that look like twins or siblings (same family name, same or nearly the
same date of birth, a different given name, no shared NHS number or UPN) down to a match probability of about 0.001,
and shows the weight taken off as the field "sibling_guard": otherwise a twin on no roll hides behind an enrolled one.
True (or "always"): every such pair; "evidence": only where both records give a sex, NHS number or UPN and they
differ; False (or "off"): none.

`left_one_per_person` / `right_one_per_person` (default False, as before): that frame holds at most one record of each
person (a school roll). The pairs then go through Splink's one-to-one linking (`cluster_using_single_best_links`,
ties dropped into `.ties`), so each record of the other frame links to at most one of its records: a twin's own
record outscores their twin's, and a lone candidate gets through. With both, `sibling_guard="evidence"` is enough to
keep twins apart (what `cme link` does by default); with only one, keep the guard on ("always"): records of one child
on the repeating side can still all join the other twin's roll entry.

`training_frames=(left, right)`: without `model`, train on these frames (more records, `left` and `right` among
them) and score only `left` and `right` with the model they teach.

`training=TrainingOptions(deterministic_rules_recall=0.7, u_max_pairs=5e5, em_max_pairs=1e6, seed=2026, ...)`
changes how a model is trained (ignored when `model` is given).

`progress(stage: str, done: int, total: int)` is called as each stage starts. `backend="spark"` runs the same model
on the active Spark session (PySpark must be installed: otherwise `LinkageBackendUnavailable`).

The model (comparisons, blocking, training) is described in `model` and in docs/matching.md, "The linkage model".
"""

from .engine import BACKENDS, FieldWeight, LinkageBackendUnavailable, LinkResult, LinkRun, dedupe_frame, link_frames
from .frames import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, InputProblem, LinkageInputError
from .model import MODEL_SPECIFICATION, TrainingOptions

__all__ = [
    "BACKENDS",
    "MODEL_SPECIFICATION",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "FieldWeight",
    "InputProblem",
    "LinkResult",
    "LinkRun",
    "LinkageBackendUnavailable",
    "LinkageInputError",
    "TrainingOptions",
    "dedupe_frame",
    "link_frames",
]

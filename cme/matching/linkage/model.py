"""The Splink model: what is compared, how records are paired up, and how the model is trained without labels.

Why these comparisons: English council records of children disagree in known ways. Given names arrive as known-as
forms ("Billy" for William), transliterated differently by each agency ("Mohammed", "Muhammad"), or with a middle
name run in ("Mary Jane"); family names are double-barrelled in one system and not another, or given and family
names are swapped; dates of birth have day and month exchanged or one digit mistyped; postcodes are mistyped or the
family moved within a sector; UPRNs and NHS numbers agree exactly or say nothing. Each comparison has levels from the
strongest agreement to none, and Splink learns how much each level says from the data itself:

- u (how often non-matching records agree by chance) by random sampling of record pairs;
- m (how often matching records agree) by expectation maximisation, on pairs blocked on date of birth and then on
  names, each session estimating the comparisons its blocking rule does not fix;
- lambda (the prior chance two records match) from deterministic rules (same name and date of birth, same NHS
  number, same UPN) and an assumed recall of those rules.

Every level also carries a prior m and u written below from what council data usually shows. A level that the
training data never shows (no UPRNs in the file, no nickname pairs among the samples) keeps its prior instead of the
extreme value Splink would give it, so a small or sparse file still gets sensible weights.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
from splink import SettingsCreator, block_on
from splink.comparison_library import CustomComparison
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

# The comparisons and blocking rules below, as a whole: change it when they change, so that a saved model says
# which specification it was trained under (the run records this and the hash of the trained parameters).
MODEL_SPECIFICATION = "cme-linkage-1"

logger = logging.getLogger(__name__)


def _level(creator, m: float, u: float, label: str, **options):
    return creator.configure(m_probability=m, u_probability=u, label_for_charts=label, **options)


# Cheap tests that every pair reaching a costly level must pass, written before it (`cll.And` keeps the order and both
# DuckDB and Spark skip the second test where the first fails). They change no pair's level: each follows from the
# level's own condition. Training samples half a million random pairs, nearly all of which reach these levels, and
# without them Damerau-Levenshtein on dates and list intersections took most of a run's time.
def _words_may_overlap(column: str) -> cll.CustomLevel:
    """Two lists with a word in common share a bit of their masks (frames.MASKED_LIST_COLUMNS)."""
    return cll.CustomLevel(f"bit_count(cast({column}_mask_l as bigint) & cast({column}_mask_r as bigint)) >= 1")


def _intersect_level(column: str, min_intersection: int = 1):
    return cll.And(_words_may_overlap(column), cll.ArrayIntersectLevel(column, min_intersection))


def _address_words_level(min_intersection: int):
    """k address words in common: k common words (exact bits) or a hashed bit of the others shared
    (frames.address_masks), then the lists intersected."""
    may = cll.CustomLevel(
        "(bit_count(cast(address_tokens_common_l as bigint) & cast(address_tokens_common_r as bigint)) "
        f">= {min_intersection} or bit_count(cast(address_tokens_mask_l as bigint) & "
        "cast(address_tokens_mask_r as bigint)) >= 1)"
    )
    return cll.And(may, cll.ArrayIntersectLevel("address_tokens", min_intersection))


def _date_parts_agreeing(at_least: int) -> cll.CustomLevel:
    """Dates of birth (always yyyy-mm-dd here) one edit apart agree on two of year, month and day; two edits apart, on
    one."""
    parts = " + ".join(
        f"(case when substr(date_of_birth_l, {start}, {length}) = substr(date_of_birth_r, {start}, {length}) "
        "then 1 else 0 end)"
        for start, length in ((1, 4), (6, 2), (9, 2))
    )
    return cll.CustomLevel(f"({parts}) >= {at_least}")


def _given_name_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="given_name",
        comparison_description="Given name: exact, spelling variant, known-as form, typo, sound-alike",
        comparison_levels=[
            cll.NullLevel("given_name"),
            _level(cll.ExactMatchLevel("given_name", term_frequency_adjustments=True), 0.72, 0.01, "same"),
            _level(cll.ExactMatchLevel("given_name_canonical"), 0.04, 0.0005, "other spelling of the same name"),
            _level(_intersect_level("given_name_family"), 0.04, 0.001, "known-as form"),
            _level(cll.ExactMatchLevel("given_name_first"), 0.02, 0.001, "first given name agrees"),
            _level(cll.JaroWinklerLevel("given_name", 0.92), 0.07, 0.003, "nearly the same spelling"),
            _level(cll.ExactMatchLevel("given_name_phonetic"), 0.02, 0.004, "sounds alike"),
            _level(cll.ColumnsReversedLevel("given_name", "family_name"), 0.01, 0.0001, "given and family swapped"),
            _level(cll.JaroWinklerLevel("given_name", 0.8), 0.03, 0.03, "somewhat alike"),
            _level(cll.ElseLevel(), 0.03, 0.95, "different"),
        ],
    )


def _family_name_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="family_name",
        comparison_description="Family name: exact, joined parts, a shared part of a double name, typo, sound-alike",
        comparison_levels=[
            cll.NullLevel("family_name"),
            _level(cll.ExactMatchLevel("family_name", term_frequency_adjustments=True), 0.75, 0.005, "same"),
            _level(cll.ExactMatchLevel("family_name_joined"), 0.03, 0.0003, "same parts, spelt or joined otherwise"),
            _level(_intersect_level("family_name_parts"), 0.05, 0.0008, "one part of a double name agrees"),
            _level(cll.JaroWinklerLevel("family_name", 0.92), 0.07, 0.002, "nearly the same spelling"),
            _level(cll.ExactMatchLevel("family_name_phonetic"), 0.02, 0.003, "sounds alike"),
            _level(cll.ColumnsReversedLevel("family_name", "given_name"), 0.01, 0.0001, "given and family swapped"),
            _level(cll.JaroWinklerLevel("family_name", 0.8), 0.03, 0.02, "somewhat alike"),
            _level(cll.ElseLevel(), 0.04, 0.97, "different"),
        ],
    )


def _date_of_birth_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth: exact, day and month swapped, one or two characters different",
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            _level(cll.ExactMatchLevel("date_of_birth"), 0.85, 0.0003, "same"),
            _level(
                cll.CustomLevel("date_of_birth_l = date_of_birth_swapped_r"), 0.02, 0.00002, "day and month swapped"
            ),
            _level(
                cll.And(_date_parts_agreeing(2), cll.DamerauLevenshteinLevel("date_of_birth", 1)),
                0.07,
                0.002,
                "one digit different",
            ),
            _level(
                cll.And(_date_parts_agreeing(1), cll.LevenshteinLevel("date_of_birth", 2)),
                0.03,
                0.01,
                "two digits different",
            ),
            _level(cll.ElseLevel(), 0.03, 0.99, "different"),
        ],
    )


def _postcode_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="postcode",
        comparison_description="Postcode: exact, one character different, same sector, same district",
        comparison_levels=[
            cll.NullLevel("postcode"),
            _level(cll.ExactMatchLevel("postcode", term_frequency_adjustments=True), 0.7, 0.001, "same"),
            _level(cll.DamerauLevenshteinLevel("postcode", 1), 0.06, 0.005, "one character different"),
            _level(cll.ExactMatchLevel("postcode_sector"), 0.05, 0.01, "same sector"),
            _level(cll.ExactMatchLevel("postcode_district"), 0.05, 0.05, "same district"),
            _level(cll.ElseLevel(), 0.14, 0.93, "different"),
        ],
    )


def _address_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="address",
        comparison_description="Address: exact, nearly the same, sharing three or two words",
        comparison_levels=[
            cll.NullLevel("address"),
            _level(cll.ExactMatchLevel("address"), 0.6, 0.0005, "same"),
            _level(cll.JaroWinklerLevel("address", 0.9), 0.15, 0.005, "nearly the same"),
            _level(_address_words_level(3), 0.1, 0.005, "three or more words in common"),
            _level(_address_words_level(2), 0.07, 0.03, "two words in common"),
            _level(cll.ElseLevel(), 0.08, 0.96, "different"),
        ],
    )


def _exact_comparison(column: str, description: str, m: float, u: float) -> CustomComparison:
    return CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            _level(cll.ExactMatchLevel(column), m, u, "same"),
            _level(cll.ElseLevel(), 1 - m, 1 - u, "different"),
        ],
    )


def _identifier_comparison(column: str, description: str) -> CustomComparison:
    return CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            _level(cll.ExactMatchLevel(column), 0.95, 0.00001, "same"),
            _level(cll.DamerauLevenshteinLevel(column, 1), 0.02, 0.0001, "one character different"),
            _level(cll.ElseLevel(), 0.03, 0.9999, "different"),
        ],
    )


def _middle_names_comparison() -> CustomComparison:
    return CustomComparison(
        output_column_name="middle_names",
        comparison_description="Middle names: exact or nearly the same",
        comparison_levels=[
            cll.NullLevel("middle_names"),
            _level(cll.ExactMatchLevel("middle_names"), 0.8, 0.01, "same"),
            _level(cll.JaroWinklerLevel("middle_names", 0.9), 0.1, 0.01, "nearly the same"),
            _level(cll.ElseLevel(), 0.1, 0.98, "different"),
        ],
    )


def comparisons() -> list[CustomComparison]:
    """Every comparison of the model, in the order the per-field weights are reported."""
    return [
        _given_name_comparison(),
        _middle_names_comparison(),
        _family_name_comparison(),
        _date_of_birth_comparison(),
        _exact_comparison("sex", "Sex recorded", 0.97, 0.5),
        _postcode_comparison(),
        _address_comparison(),
        _exact_comparison("uprn", "UPRN (the property's unique reference)", 0.8, 0.0001),
        _identifier_comparison("nhs_number", "NHS number"),
        _identifier_comparison("upn", "Unique pupil number"),
    ]


# Which pairs are scored at all. Each rule finds pairs that agree on something cheap to join on; a pair of the same
# child is missed only if it fails every rule (different date of birth and names that sound different and ...).
PREDICTION_BLOCKING_RULES = (
    # Date of birth with one more thing in common; on its own it is the largest block at borough scale.
    ("date_of_birth", "substr(given_name, 1, 1)"),
    ("date_of_birth", "substr(family_name, 1, 1)"),
    ("date_of_birth", "postcode"),
    ("date_of_birth", "address_number"),
    ("given_name_phonetic", "family_name_phonetic"),
    ("postcode", "given_name_phonetic"),
    ("postcode", "family_name_phonetic"),
    ("postcode", "year_of_birth"),
    ("uprn", "year_of_birth"),
    ("postcode", "address_number"),
    # A street with a postcode and an initial: a flat number read as the house number, or a mistyped one. Not the
    # street with the house number or the postcode alone: on the 60,000-pupil borough those two rules made two thirds
    # of the pairs scored (2 of 2.7 million) and found no pair of one child that another rule missed; with an initial
    # they keep FEBRL's pairs whose house number and date of birth were both corrupted (bench/febrl.py).
    ("postcode", "address_street", "substr(given_name, 1, 1)"),
    ("postcode", "address_street", "substr(family_name, 1, 1)"),
    ("given_name_phonetic", "address_street"),
    ("family_name_phonetic", "address_street"),
    ("nhs_number",),
    ("upn",),
)
SWAPPED_DATE_RULE = "l.date_of_birth = r.date_of_birth_swapped and l.family_name_phonetic = r.family_name_phonetic"
SWAPPED_NAMES_RULE = "l.given_name_phonetic = r.family_name_phonetic and l.family_name_phonetic = r.given_name_phonetic"

# Rules that admit almost no false matches, used with an assumed recall to estimate lambda.
DETERMINISTIC_RULES = (
    "l.given_name = r.given_name and l.family_name = r.family_name and l.date_of_birth = r.date_of_birth",
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
)
# Expectation maximisation sessions: each estimates m for every comparison its blocking rule does not use.
EM_BLOCKING_RULES = (("date_of_birth",), ("given_name_phonetic", "family_name_phonetic"))


@dataclass(frozen=True)
class TrainingOptions:
    """How a model is trained; recorded with every run so it can be repeated."""

    deterministic_rules_recall: float = 0.7
    u_max_pairs: float = 5e5
    em_max_pairs: float = 1e6
    seed: int = 2026
    em_blocking_rules: tuple[tuple[str, ...], ...] = EM_BLOCKING_RULES
    deterministic_rules: tuple[str, ...] = DETERMINISTIC_RULES
    max_iterations: int = 25

    def as_dict(self) -> dict[str, Any]:
        return {
            "deterministic_rules_recall": self.deterministic_rules_recall,
            "u_max_pairs": self.u_max_pairs,
            "em_max_pairs": self.em_max_pairs,
            "seed": self.seed,
            "em_blocking_rules": [list(rule) for rule in self.em_blocking_rules],
            "deterministic_rules": list(self.deterministic_rules),
            "max_iterations": self.max_iterations,
        }


def settings_create(
    *, link_type: str, options: TrainingOptions | None = None, without: Collection[str] = ()
) -> SettingsCreator:
    """The untrained model for `link_type` ("link_only" or "dedupe_only"), with every level's prior m and u;
    `without` the comparisons of these names (see `comparisons_without_data`)."""
    options = options or TrainingOptions()
    rules: list[Any] = [block_on(*columns) for columns in PREDICTION_BLOCKING_RULES]
    rules += [SWAPPED_DATE_RULE, SWAPPED_NAMES_RULE]
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="id",
        comparisons=[
            comparison for comparison in comparisons() if comparison.create_output_column_name() not in without
        ],
        blocking_rules_to_generate_predictions=rules,
        retain_matching_columns=True,  # Splink 5 gives each pair's comparison levels (gamma) only with these
        retain_intermediate_calculation_columns=True,
        max_iterations=options.max_iterations,
        probability_two_random_records_match=0.0001,
    )


def comparisons_without_data(frames: Collection[pd.DataFrame], *, link_type: str) -> frozenset[str]:
    """The comparisons no pair of these prepared frames can reach beyond their null level: each compares its own
    column (the comparison's name), and that column is blank in one of two frames linked, or in all but one record
    of a dedupe. Training learns nothing about them (every level unobserved, so each keeps its prior), and leaving
    them out of training saves a pass over the sampled pairs each; the model keeps them, with their priors."""
    names = [comparison.create_output_column_name() for comparison in comparisons()]
    if link_type == "link_only":
        return frozenset(name for name in names if any(frame[name].isna().all() for frame in frames))
    return frozenset(name for name in names if sum(int(frame[name].notna().sum()) for frame in frames) < 2)


def model_with_every_comparison(trained: dict[str, Any], *, sql_dialect: str) -> dict[str, Any]:
    """A model trained without some comparisons, with those comparisons put back (untrained: their priors, in
    `sql_dialect`'s SQL), in the order of `comparisons()`."""
    have = _by_name(trained)
    model = deepcopy(trained)
    model["comparisons"] = [
        deepcopy(have[name]) if name in have else creator.get_comparison(sql_dialect).as_dict()
        for creator in comparisons()
        for name in [creator.create_output_column_name()]
    ]
    return model


# Expectation maximisation can drive the m of a level it rarely sees (a transliterated name, a swapped date) to almost
# nothing, which would make that agreement count as evidence *against* a match; no agreeing level's m goes below
# this share of its prior.
M_FLOOR_SHARE_OF_PRIOR = 0.1


def model_restore_priors(trained: dict[str, Any], untrained: dict[str, Any]) -> dict[str, Any]:
    """The trained model with each m or u that training could not observe replaced by the level's prior, and each
    agreeing level's m kept at no less than M_FLOOR_SHARE_OF_PRIOR of its prior."""
    model = deepcopy(trained)
    priors = _by_name(untrained)
    for comparison in model["comparisons"]:
        prior_comparison = priors[comparison["output_column_name"]]
        for level, prior in zip(comparison["comparison_levels"], prior_comparison["comparison_levels"], strict=True):
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                if level.get(key) in (None, LEVEL_NOT_OBSERVED_TEXT) and prior.get(key) is not None:
                    level[key] = prior[key]
            if level.get("sql_condition") != "ELSE" and prior.get("m_probability"):
                floor = prior["m_probability"] * M_FLOOR_SHARE_OF_PRIOR
                level["m_probability"] = max(level["m_probability"], floor)
    return model


class ModelMismatch(ValueError):
    """A saved model whose comparisons are not this code's: it cannot be moved to another backend's SQL."""


def model_in_dialect(model: dict[str, Any], *, sql_dialect: str, link_type: str) -> dict[str, Any]:
    """The trained model with its SQL written for `sql_dialect` ("duckdb" or "spark"), parameters unchanged.

    A saved model holds its comparisons as SQL of the backend it was trained on (DuckDB's `jaro_winkler_similarity`
    is Spark's `jaro_winkler`). The comparisons are this module's, so they are written afresh for the other backend
    and the trained lambda and m and u of every level are copied across, level by level. The blocking rules are
    always this module's.
    """
    fresh = settings_create(link_type=link_type).create_settings_dict(sql_dialect)
    # Which pairs are scored is this version's choice, not a trained parameter (model_version leaves it out): a model
    # saved by an earlier version scores the pairs this version's blocking rules find.
    rules = fresh["blocking_rules_to_generate_predictions"]
    model = {**model, "link_type": link_type, "blocking_rules_to_generate_predictions": rules}
    if model.get("sql_dialect") == sql_dialect:
        return model
    if _shape(fresh) != _shape(model):
        raise ModelMismatch(
            f"This model's comparisons are not those of {MODEL_SPECIFICATION}, so it cannot run on {sql_dialect}: "
            "train it again there."
        )
    fresh["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    trained_comparisons = _by_name(model)
    for comparison in fresh["comparisons"]:
        trained = trained_comparisons[comparison["output_column_name"]]
        for level, trained_level in zip(comparison["comparison_levels"], trained["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in trained_level:
                    level[key] = trained_level[key]
    return fresh


def _by_name(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The model's comparisons by name: training may leave them in another order than they were written."""
    return {comparison["output_column_name"]: comparison for comparison in model["comparisons"]}


def _shape(model: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {
        name: tuple(str(level.get("label_for_charts")) for level in comparison["comparison_levels"])
        for name, comparison in _by_name(model).items()
    }


def model_version(model: dict[str, Any]) -> str:
    """The specification and a hash of the trained parameters (lambda, and m and u of each level of each comparison),
    whatever backend's SQL the model is written in: two runs with equal versions scored pairs alike."""
    parameters = {
        "lambda": model["probability_two_random_records_match"],
        "comparisons": [
            [
                comparison["output_column_name"],
                [
                    [level.get("label_for_charts"), level.get("m_probability"), level.get("u_probability")]
                    for level in comparison["comparison_levels"]
                ],
            ]
            for comparison in sorted(model["comparisons"], key=lambda comparison: comparison["output_column_name"])
        ],
    }
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return f"{MODEL_SPECIFICATION}+{digest}"


# Twins and other siblings share a family name, often a date of birth (or one a digit or a day-month swap away) and
# every part of an address, so the comparisons, which Splink treats as independent evidence, add up to a near-certain
# match, and one child would hide behind an enrolled sibling. A pair that agrees on family name and nearly on date of
# birth but not on given name (no spelling, known-as or typo level, and no shared NHS number or UPN) is held down to
# SIBLING_GUARD_CAP: the weight taken off shows in its evidence as "sibling guard", so a reviewer sees why.
#
# How much evidence the guard asks for (`sibling_guard`):
#   "always"   every such pair (True, the library's default: council records, where a given name replaced outright
#              nearly always means another child);
#   "evidence" only a pair whose records also say they are two people: both give a sex and they differ, or both give
#              an NHS number or a UPN and they differ. A pair with nothing to tell it apart from a record whose given
#              name was replaced (as in FEBRL) is left to the model, and, when each file holds one record per person,
#              to one-to-one linking, where a twin's own record outscores their twin's;
#   "off"      none (False).
SIBLING_GUARD_CAP = -10.0  # a match probability of about 0.001
SIBLING_GUARD_LABEL = "same family and date of birth, different given name: likely twins or siblings"
SIBLING_GUARD_MODES = ("always", "evidence", "off")
_DIFFERENT_GIVEN_NAME_LEVELS = frozenset({"different", "somewhat alike"})
_SIBLING_DATE_LEVELS = frozenset({"same", "day and month swapped", "one digit different"})


def sibling_guard_mode(sibling_guard: bool | str) -> str:
    """ "always", "evidence" or "off" for a `sibling_guard` argument (True is "always", False "off")."""
    if sibling_guard is True:
        return "always"
    if sibling_guard is False or sibling_guard is None:
        return "off"
    if sibling_guard in SIBLING_GUARD_MODES:
        return str(sibling_guard)
    raise ValueError(f"sibling_guard is True, False or one of {', '.join(SIBLING_GUARD_MODES)}, not {sibling_guard!r}")


def sibling_guard_weights(scored: pd.DataFrame, model: dict[str, Any], *, mode: str = "always") -> pd.Series:
    """The weight that takes each pair that looks like two children of one family down to SIBLING_GUARD_CAP, else 0."""
    labels = ComparisonLabels.from_model(model).by_comparison
    if scored.empty or mode == "off":
        return pd.Series(0.0, index=scored.index)

    def level(name: str) -> pd.Series:
        return scored[f"gamma_{name}"].astype(int).map(labels[name])

    family_gamma = scored["gamma_family_name"].astype(int)
    siblings = (
        level("given_name").isin(_DIFFERENT_GIVEN_NAME_LEVELS)
        & (family_gamma > 0)
        & level("date_of_birth").isin(_SIBLING_DATE_LEVELS)
        & (level("nhs_number") != "same")
        & (level("upn") != "same")
    )
    if mode == "evidence":
        siblings &= (level("sex") == "different") | (level("nhs_number") == "different") | (level("upn") == "different")
    excess = (scored["match_weight"].astype(float) - SIBLING_GUARD_CAP).clip(lower=0)
    return -excess.where(siblings, 0.0)


@dataclass
class ComparisonLabels:
    """For each comparison of a model, the label of each comparison vector value (gamma), for reporting weights."""

    by_comparison: dict[str, dict[int, str]] = field(default_factory=dict)

    @classmethod
    def from_model(cls, model: dict[str, Any]) -> ComparisonLabels:
        labels: dict[str, dict[int, str]] = {}
        for comparison in model["comparisons"]:
            levels = comparison["comparison_levels"]
            non_null = [level for level in levels if not level.get("is_null_level")]
            by_gamma = {-1: "not known on one side"}
            for position, level in enumerate(non_null):
                by_gamma[len(non_null) - 1 - position] = level.get("label_for_charts") or level["sql_condition"]
            labels[comparison["output_column_name"]] = by_gamma
        return cls(labels)

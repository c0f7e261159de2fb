"""Linking and deduplicating synthetic council records with the Splink model, trained without labels."""

import json
import math

import pandas as pd
import pytest

from cme.matching.linkage import (
    MODEL_SPECIFICATION,
    LinkageBackendUnavailable,
    LinkageInputError,
    dedupe_frame,
    link_frames,
)
from cme.matching.linkage.model import (
    M_FLOOR_SHARE_OF_PRIOR,
    SIBLING_GUARD_CAP,
    ModelMismatch,
    model_in_dialect,
    model_version,
    settings_create,
)

from .synthetic import population


def _found(result) -> set[tuple[str, str]]:
    return set(zip(result.pairs["left_id"], result.pairs["right_id"], strict=True))


def test_linkage_finds_the_same_children_across_sources_with_high_precision_and_recall(people, linked):
    found = _found(linked)
    true_positives = len(found & people.matches)
    assert true_positives / len(people.matches) >= 0.97
    assert true_positives / len(found) >= 0.97


@pytest.mark.parametrize("kind", ["same", "known_as", "swap", "typo", "moved", "double_surname", "format", "case"])
def test_each_kind_of_disagreement_between_sources_is_still_linked(people, linked, kind):
    assert people.hard[kind] in _found(linked)


def test_pairs_have_exactly_the_output_columns_with_left_ids_from_the_left_frame(people, linked):
    assert list(linked.pairs.columns) == ["left_id", "right_id", "match_probability", "match_weight"]
    assert set(linked.pairs["left_id"]) <= set(people.left["id"])
    assert set(linked.pairs["right_id"]) <= set(people.right["id"])
    assert (linked.pairs["match_probability"] >= 0.5).all()
    assert linked.pairs["match_weight"].is_monotonic_decreasing


def test_twins_are_not_linked_to_each_other(people, linked):
    found = _found(linked)
    right_of = dict(people.matches)
    for first, second in people.twins:
        assert (first, right_of.get(second)) not in found
        assert (second, right_of.get(first)) not in found


def test_twins_are_found_when_the_sibling_guard_is_off_so_the_guard_is_what_holds_them_apart(people, linked):
    unguarded = link_frames(people.left, people.right, model=linked.model, sibling_guard=False)
    right_of = dict(people.matches)
    twin_pairs = {(first, right_of[second]) for first, second in people.twins if second in right_of}
    assert twin_pairs & _found(unguarded)
    assert not twin_pairs & _found(linked)


def test_field_weights_add_up_to_each_pairs_match_weight(linked):
    for pair in linked.pairs.head(20).itertuples():
        weights = linked.pair_weights(pair.left_id, pair.right_id)
        assert weights[0].field == "prior"
        assert math.isclose(sum(w.match_weight for w in weights), pair.match_weight, abs_tol=1e-6)


def test_field_weights_name_the_level_each_comparison_reached(people, linked):
    left_id, right_id = people.hard["known_as"]
    levels = {w.field: w.level for w in linked.pair_weights(left_id, right_id)}
    assert levels["given_name"] in {"known-as form", "other spelling of the same name", "nearly the same spelling"}
    left_id, right_id = people.hard["swap"]
    assert {w.field: w.level for w in linked.pair_weights(left_id, right_id)}["date_of_birth"] == (
        "day and month swapped"
    )


def test_the_run_records_its_settings_thresholds_and_model_version(linked):
    run = linked.run.as_dict()
    assert run["threshold"] == 0.5 and run["link_type"] == "link_only" and run["backend"] == "duckdb"
    assert run["model_version"].startswith(MODEL_SPECIFICATION + "+")
    assert run["trained_here"] is True and run["training"]["seed"] == 2026
    assert run["splink_version"].startswith("5.")
    json.dumps(run)  # storable as it is


def test_the_trained_model_is_json_with_trained_parameters(linked):
    model = json.loads(linked.model_json())
    levels = [level for c in model["comparisons"] for level in c["comparison_levels"] if not level.get("is_null_level")]
    assert all(isinstance(level["m_probability"], float) for level in levels)
    assert all(isinstance(level["u_probability"], float) for level in levels)
    assert 0 < model["probability_two_random_records_match"] < 1


def test_a_saved_model_scores_new_frames_the_same_way_without_training(people, linked, tmp_path):
    path = tmp_path / "model.json"
    path.write_text(linked.model_json())
    again = link_frames(people.left, people.right, model=path)
    assert again.run.trained_here is False and again.run.model_version == linked.run.model_version
    pd.testing.assert_frame_equal(again.pairs, linked.pairs)


def test_a_saved_model_scores_the_pairs_this_versions_blocking_rules_find_not_those_it_was_saved_with(people, linked):
    saved = json.loads(linked.model_json())
    saved["blocking_rules_to_generate_predictions"] = [{"blocking_rule": "l.id = r.id", "sql_dialect": "duckdb"}]
    again = link_frames(people.left, people.right, model=saved)
    assert again.run.model_version == linked.run.model_version
    pd.testing.assert_frame_equal(again.pairs, linked.pairs)


def test_a_model_trained_on_more_records_than_are_scored_learns_from_all_and_scores_only_those_given(people, linked):
    scored = people.left.iloc[: len(people.left) // 4]
    result = link_frames(scored, people.right, training_frames=(people.left, people.right))
    assert result.run.trained_here and result.run.records == {"cme_left": len(scored), "cme_right": len(people.right)}
    assert set(result.pairs["left_id"]) <= set(scored["id"])
    # What all the records teach: the model of linking every record (to the last digits a parallel sum may change),
    # not the model the records scored would teach alone; and the pairs that model gives the records scored.
    assert _parameters(result.model) == pytest.approx(_parameters(linked.model), rel=1e-9)
    alone = link_frames(scored, people.right)
    assert _parameters(alone.model) != pytest.approx(_parameters(linked.model), rel=1e-3)
    with_that_model = link_frames(scored, people.right, model=result.model)
    assert _weights(with_that_model) == pytest.approx(_weights(result), rel=1e-9)


def test_comparisons_the_records_leave_blank_are_not_trained_and_the_model_is_what_training_them_would_give(
    people, linked, monkeypatch
):
    from cme.matching.linkage import engine
    from cme.matching.linkage.frames import frame_prepare
    from cme.matching.linkage.model import comparisons_without_data

    prepared = [frame_prepare(people.left), frame_prepare(people.right)]
    blank = comparisons_without_data(prepared, link_type="link_only")
    assert blank == {"middle_names", "nhs_number", "upn"}  # the synthetic sources have no such columns
    assert comparisons_without_data(prepared[:1], link_type="dedupe_only") == blank
    monkeypatch.setattr(engine, "comparisons_without_data", lambda *args, **kwargs: frozenset())
    every_one_trained = link_frames(people.left, people.right, threshold=0.5)
    assert _parameters(linked.model) == pytest.approx(_parameters(every_one_trained.model), rel=1e-9)
    assert [c["output_column_name"] for c in linked.model["comparisons"]] == [
        c["output_column_name"] for c in every_one_trained.model["comparisons"]
    ]
    assert _weights(linked) == pytest.approx(_weights(every_one_trained), rel=1e-9)


def _weights(result) -> dict[tuple[str, str], float]:
    return dict(zip(zip(result.pairs["left_id"], result.pairs["right_id"], strict=True), result.pairs["match_weight"],
                    strict=True))  # fmt: skip


def _parameters(model: dict) -> list[float]:
    """Lambda and every level's m and u probabilities, in order."""
    found = [model["probability_two_random_records_match"]]
    for comparison in sorted(model["comparisons"], key=lambda comparison: comparison["output_column_name"]):
        for level in comparison["comparison_levels"]:
            found += [level.get("m_probability", -1), level.get("u_probability", -1)]
    return [value if isinstance(value, float) else -1.0 for value in found]


def test_a_higher_threshold_keeps_only_stronger_pairs(people, linked):
    strict = link_frames(people.left, people.right, model=linked.model, threshold=0.999)
    assert _found(strict) <= _found(linked)
    assert (strict.pairs["match_probability"] >= 0.999).all()


def test_dedupe_clusters_every_record_and_puts_copies_of_one_child_together(people, deduped):
    clusters = deduped.clusters.set_index("id")["cluster_id"]
    assert len(clusters) == len(people.left) + len(people.right)
    together = sum(clusters[left] == clusters[right] for left, right in people.matches)
    assert together / len(people.matches) >= 0.97
    for first, second in people.twins:
        assert clusters[first] != clusters[second]


def test_dedupe_pairs_come_from_the_one_frame(people, deduped):
    ids = set(people.left["id"]) | set(people.right["id"])
    assert set(deduped.pairs["left_id"]) | set(deduped.pairs["right_id"]) <= ids
    assert deduped.run.link_type == "dedupe_only"


def test_optional_columns_may_be_missing_or_blank_and_identifiers_link_records():
    left = pd.DataFrame(
        [
            {"id": "a", "given_name": "Amira", "family_name": "Haddad", "date_of_birth": "2016-05-01", "sex": "F",
             "address": "", "postcode": "", "nhs_number": "943 476 5919"},
            {"id": "b", "given_name": "Jack", "family_name": "Reed", "date_of_birth": "", "sex": "",
             "address": "", "postcode": "", "nhs_number": ""},
        ]
    )  # fmt: skip
    right = pd.DataFrame(
        [
            {"id": "1", "given_name": "Amirah", "family_name": "Hadad", "date_of_birth": "01/05/2016", "sex": "",
             "address": "3 Mill Lane", "postcode": "ZY1 2AB", "nhs_number": "9434765919", "uprn": "", "upn": ""},
        ]
    )  # fmt: skip
    result = link_frames(left, right)
    assert _found(result) == {("a", "1")}


def test_a_frame_with_problems_is_refused_naming_every_bad_row_and_column():
    frame = population(5, seed=1).left
    frame.loc[1, "date_of_birth"] = "31/02/2015"
    frame.loc[3, "id"] = frame.loc[2, "id"]
    with pytest.raises(LinkageInputError) as raised:
        dedupe_frame(frame)
    problems = [(p.row, p.column) for p in raised.value.problems]
    assert problems == [(3, "date_of_birth"), (5, "id")]


def test_a_frame_missing_a_required_column_is_refused_naming_it():
    frame = population(5, seed=1).left.drop(columns=["date_of_birth"])
    with pytest.raises(LinkageInputError, match="required column 'date_of_birth' is missing"):
        link_frames(frame, frame)


def test_the_spark_backend_says_what_to_install_when_pyspark_is_missing(people):
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("PySpark is installed here; this checks the message shown without it")
    with pytest.raises(LinkageBackendUnavailable, match="pip install 'pyspark"):
        link_frames(people.left.head(20), people.right.head(20), backend="spark")


def test_an_unknown_backend_is_refused(people):
    with pytest.raises(ValueError, match="Unknown backend"):
        link_frames(people.left.head(5), people.right.head(5), backend="oracle")


def test_a_model_trained_on_duckdb_is_rewritten_for_spark_with_the_same_parameters(linked):
    spark_model = model_in_dialect(linked.model, sql_dialect="spark", link_type="link_only")
    conditions = [level["sql_condition"] for c in spark_model["comparisons"] for level in c["comparison_levels"]]
    assert any("jaro_winkler(" in condition for condition in conditions)
    assert not any("jaro_winkler_similarity" in condition for condition in conditions)
    assert model_version(spark_model) == linked.run.model_version


def test_a_model_moved_to_spark_and_back_scores_exactly_as_before(people, linked):
    spark_model = model_in_dialect(linked.model, sql_dialect="spark", link_type="link_only")
    back = link_frames(people.left, people.right, model=spark_model)
    pd.testing.assert_frame_equal(back.pairs, linked.pairs)


def test_a_model_of_other_comparisons_is_refused_for_another_backend(linked):
    other = json.loads(linked.model_json())
    other["comparisons"] = other["comparisons"][:-1]
    with pytest.raises(ModelMismatch, match="train it again"):
        model_in_dialect(other, sql_dialect="spark", link_type="link_only")


def test_training_that_runs_to_the_edge_keeps_the_model_whole_and_still_pairs_exact_copies(caplog):
    # Every copy agrees on everything, so expectation maximisation blocked on names drives some m to zero and
    # Splink stops it part-way; the model must go back to what it was before that session, not lose comparisons.
    left = population(300, seed=3).left
    frame = pd.concat([left, left.assign(id=left["id"] + "-copy")], ignore_index=True)
    with caplog.at_level("INFO", logger="cme.matching.linkage.engine"):
        result = dedupe_frame(frame)
    assert "did not finish" in caplog.text
    written = settings_create(link_type="dedupe_only").create_settings_dict("duckdb")
    assert {c["output_column_name"] for c in result.model["comparisons"]} == {
        c["output_column_name"] for c in written["comparisons"]
    }
    either_way = _found(result) | {(second, first) for first, second in _found(result)}
    assert {(i, f"{i}-copy") for i in left["id"]} <= either_way


def test_no_agreeing_level_counts_against_a_match_after_training(linked):
    priors = {
        c["output_column_name"]: c["comparison_levels"]
        for c in settings_create(link_type="link_only").create_settings_dict("duckdb")["comparisons"]
    }
    for comparison in linked.model["comparisons"]:
        for level, prior in zip(comparison["comparison_levels"], priors[comparison["output_column_name"]], strict=True):
            if not level.get("is_null_level") and level["sql_condition"] != "ELSE":
                assert level["m_probability"] >= prior["m_probability"] * M_FLOOR_SHARE_OF_PRIOR


def test_a_twin_pair_shows_the_sibling_guard_in_its_evidence(people, linked):
    low = link_frames(people.left, people.right, model=linked.model, threshold=0.0)
    right_of = dict(people.matches)
    first, second = next((a, b) for a, b in people.twins if b in right_of)
    weights = low.pair_weights(first, right_of[second])
    assert weights[-1].field == "sibling_guard" and weights[-1].match_weight < 0
    assert {w.field: w.level for w in weights}["given_name"] in {"different", "somewhat alike"}
    assert math.isclose(sum(w.match_weight for w in weights), SIBLING_GUARD_CAP, abs_tol=1e-6)


def test_progress_is_reported_stage_by_stage_to_the_end(people, linked):
    stages = []
    link_frames(people.left.head(50), people.right.head(50), model=linked.model, progress=lambda *s: stages.append(s))
    assert [stage for stage, _, _ in stages] == ["Standardising records", "Scoring record pairs", "Done"]
    assert [done for _, done, _ in stages] == [0, 1, 2] and {total for _, _, total in stages} == {2}

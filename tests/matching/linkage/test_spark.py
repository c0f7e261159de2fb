"""`cme link --backend spark` on a real local Spark (`local[2]`, PySpark and Debian's Java): the same pairs as DuckDB on
the same files (within 0.1%) and the same match weights, for a link of two files and a dedupe of one.

Spark is slow to start and, on two cores, slow to train (every Splink step is a Spark job), so this file starts one
session for all its tests (the engine uses the active session) and keeps the data small. Without Java the Spark tests
are skipped, unless CI is set: there, a missing Java is a failure (.ci/run installs openjdk-17-jre-headless).
"""

import csv
import io
from contextlib import redirect_stdout

import pandas as pd
import pytest

from cme.cli import main
from cme.matching.linkage import LinkageBackendUnavailable, TrainingOptions, dedupe_frame, link_frames
from cme.matching.linkage.engine import spark_session_start, spark_settings

from .synthetic import population


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark-link")
    people = population(1500, seed=16)
    people.left.to_csv(folder / "left.csv", index=False)
    people.right.to_csv(folder / "right.csv", index=False)
    pd.concat([people.left, people.right], ignore_index=True).to_csv(folder / "both.csv", index=False)
    return folder


def _link(*arguments) -> dict[tuple[str, str], float]:
    """Run `cme link` and read its pairs: {(left_id, right_id): match_weight}."""
    output = arguments[arguments.index("--output") + 1]
    with redirect_stdout(io.StringIO()):
        assert main(["link", *map(str, arguments)]) == 0
    with open(output, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {(row["left_id"], row["right_id"]): float(row["match_weight"]) for row in rows}


def _unordered(pairs: dict[tuple[str, str], float]) -> dict[frozenset, float]:
    return {frozenset(pair): weight for pair, weight in pairs.items()}


def _assert_same(duckdb: dict, spark: dict, *, weight_tolerance: float) -> None:
    assert len(duckdb) > 500  # the comparison means something
    differing = set(duckdb) ^ set(spark)
    assert len(differing) <= 0.001 * len(set(duckdb) | set(spark)), sorted(differing)[:10]
    worst = max(abs(duckdb[pair] - spark[pair]) for pair in set(duckdb) & set(spark))
    assert worst <= weight_tolerance


@pytest.mark.spark
@pytest.mark.parametrize("dedupe", [False, True], ids=["link", "dedupe"])
def test_cme_link_on_spark_gives_the_pairs_and_weights_duckdb_gives_with_one_model(spark, files, tmp_path, dedupe):
    """A model trained on DuckDB, scored on Spark (Splink's Spark SQL and the jar's Jaro-Winkler): the same pairs and
    the same weights to rounding."""
    inputs = ["--dedupe", files / "both.csv"] if dedupe else [files / "left.csv", files / "right.csv"]
    model = tmp_path / "model.json"
    duckdb = _link(*inputs, "--output", tmp_path / "duckdb.csv", "--save-model", model)
    on_spark = _link(*inputs, "--output", tmp_path / "spark.csv", "--backend", "spark", "--model", model)
    if dedupe:
        duckdb, on_spark = _unordered(duckdb), _unordered(on_spark)
    _assert_same(duckdb, on_spark, weight_tolerance=1e-6)


@pytest.mark.spark
def test_a_model_trained_on_spark_finds_the_pairs_duckdb_trains_and_finds(spark):
    """Trained on each backend from the same records (u by random sampling, m by EM, lambda by the deterministic
    rules), then scored there: the same pairs, and weights that differ only as far as the two samplers do."""
    people = population(300, seed=26)
    left, right = people.left, people.right
    training = TrainingOptions(u_max_pairs=1e5)  # a quarter of the default: Spark on two cores is slow to sample
    duckdb = link_frames(left, right, training=training)
    on_spark = link_frames(left, right, training=training, backend="spark")
    assert on_spark.run.backend == "spark" and on_spark.run.trained_here
    assert on_spark.model["probability_two_random_records_match"] == pytest.approx(
        duckdb.model["probability_two_random_records_match"], rel=1e-6
    )
    as_dict = {
        result: {(row.left_id, row.right_id): row.match_weight for row in frame.pairs.itertuples()}
        for result, frame in (("duckdb", duckdb), ("spark", on_spark))
    }
    assert len(as_dict["duckdb"]) > 200
    differing = set(as_dict["duckdb"]) ^ set(as_dict["spark"])
    assert len(differing) <= max(1, 0.001 * len(as_dict["duckdb"])), sorted(differing)
    shared = set(as_dict["duckdb"]) & set(as_dict["spark"])
    assert max(abs(as_dict["duckdb"][pair] - as_dict["spark"][pair]) for pair in shared) < 0.5


@pytest.mark.spark
def test_a_dedupe_on_spark_clusters_the_records_duckdb_clusters(spark, files):
    frame = pd.read_csv(files / "both.csv", dtype=str).head(600)
    model = dedupe_frame(frame).model
    duckdb, on_spark = dedupe_frame(frame, model=model), dedupe_frame(frame, model=model, backend="spark")

    def groups(clusters):
        return sorted(sorted(ids) for ids in clusters.groupby("cluster_id")["id"].apply(list))

    assert groups(on_spark.clusters) == groups(duckdb.clusters)
    assert on_spark.clusters["cluster_id"].nunique() < len(frame)  # some records were found to be one person


def test_spark_settings_default_to_a_small_local_spark_and_take_a_councils_master_and_settings():
    local = spark_settings({})
    assert local["spark.master"] == "local[2]" and local["spark.ui.enabled"] == "false"
    assert "spark.jars.packages" not in local  # nothing is fetched from a package repository
    cluster = spark_settings(
        {"CME_SPARK_MASTER": "spark://spark.council.internal:7077", "CME_SPARK_CONF": "spark.executor.memory=8g"}
    )
    assert cluster == {"spark.master": "spark://spark.council.internal:7077", "spark.executor.memory": "8g"}
    both = spark_settings({"CME_SPARK_CONF": "spark.driver.memory=6g, spark.sql.shuffle.partitions=16"})
    assert both["spark.driver.memory"] == "6g" and both["spark.sql.shuffle.partitions"] == "16"
    with pytest.raises(LinkageBackendUnavailable, match=r"'driver\.memory=6g' is not a Spark setting"):
        spark_settings({"CME_SPARK_CONF": "driver.memory=6g"})


def test_without_java_the_spark_backend_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    with pytest.raises(LinkageBackendUnavailable, match="openjdk-17-jre-headless"):
        spark_session_start()


def test_cme_link_exits_3_with_the_reason_when_spark_cannot_start(monkeypatch, tmp_path, files, capsys):
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))  # as a fresh process
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    output = tmp_path / "out.csv"
    with pytest.raises(SystemExit) as exited:
        main(["link", "--dedupe", str(files / "both.csv"), "--output", str(output), "--backend", "spark"])
    assert exited.value.code == 3
    assert "openjdk-17-jre-headless" in capsys.readouterr().err
    assert not output.exists()

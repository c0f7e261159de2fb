"""`cme link`: linking two CSV files or deduplicating one, end to end, and refusing bad files with their line."""

import csv
import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from cme.cli import main
from cme.matching.linkage.model import model_version

from .synthetic import population

HEADER = "id,given_name,family_name,date_of_birth,sex,address,postcode\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("link")
    people = population(150, seed=11)
    people.left.to_csv(folder / "left.csv", index=False)
    people.right.drop(columns=["uprn"]).to_csv(folder / "right.csv", index=False)
    return folder, people


def _rows(path):
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_cme_link_writes_the_pairs_of_two_files_with_exactly_the_four_columns(files, tmp_path):
    folder, people = files
    output = tmp_path / "pairs.csv"
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["link", str(folder / "left.csv"), str(folder / "right.csv"), "--output", str(output)]) == 0
    rows = _rows(output)
    assert rows[0] == ["left_id", "right_id", "match_probability", "match_weight"]
    found = {(row[0], row[1]) for row in rows[1:]}
    assert len(found & people.matches) / len(people.matches) >= 0.95
    assert all(float(row[2]) >= 0.5 for row in rows[1:])
    assert "pairs at or above 0.5" in out.getvalue()


def test_cme_link_dedupe_finds_copies_within_one_file_and_saves_the_model_and_run(files, tmp_path):
    _, people = files
    both = tmp_path / "both.csv"
    pd.concat([people.left, people.right], ignore_index=True).to_csv(both, index=False)
    output, model, run = tmp_path / "pairs.csv", tmp_path / "model.json", tmp_path / "run.json"
    call_command(
        "link", "--dedupe", str(both), "--output", str(output), "--threshold", "0.9",
        "--save-model", str(model), "--save-run", str(run),
    )  # fmt: skip
    found = {(row[0], row[1]) for row in _rows(output)[1:]} | {(row[1], row[0]) for row in _rows(output)[1:]}
    assert len(found & people.matches) / len(people.matches) >= 0.95
    record = json.loads(run.read_text())
    assert record["run"]["threshold"] == 0.9 and record["run"]["link_type"] == "dedupe_only"
    assert record["run"]["model_version"] == model_version(json.loads(model.read_text()))

    reused = tmp_path / "reused.csv"
    call_command("link", "--dedupe", str(both), "--output", str(reused), "--threshold", "0.9", "--model", str(model))
    assert _rows(reused) == _rows(output)


def _refused(tmp_path, content: bytes | str, *arguments) -> str:
    path = tmp_path / "input.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    err = io.StringIO()
    with redirect_stderr(err), pytest.raises(CommandError) as raised:
        call_command("link", "--dedupe", str(path), "--output", str(tmp_path / "out.csv"), *arguments, stderr=err)
    assert raised.value.returncode == 2
    assert not (tmp_path / "out.csv").exists()
    return err.getvalue() + str(raised.value)


def test_a_missing_required_column_is_named(tmp_path):
    message = _refused(tmp_path, "id,given_name,family_name,sex,address,postcode\n1,A,B,F,x,ZY1 2AB\n")
    assert "required column 'date_of_birth' is missing" in message


def test_an_unreadable_date_is_named_with_its_line_and_column(tmp_path):
    content = HEADER + "1,Amy,Reed,2015-03-04,F,1 Mill Lane,ZY1 2AB\n\n2,Ben,Reed,31/02/2015,M,1 Mill Lane,ZY1 2AB\n"
    message = _refused(tmp_path, content)
    assert "line 4, column date_of_birth: '31/02/2015' is not a date of birth we can read" in message


def test_a_duplicate_id_is_named_with_both_lines(tmp_path):
    content = HEADER + "7,Amy,Reed,2015-03-04,F,,\n7,Ben,Reed,2016-03-04,M,,\n"
    assert "line 3, column id: id '7' is used again (first on line 2)" in _refused(tmp_path, content)


def test_an_empty_file_is_refused(tmp_path):
    assert "is empty" in _refused(tmp_path, "")


def test_a_header_without_records_is_refused(tmp_path):
    assert "has a header row but no records" in _refused(tmp_path, HEADER)


def test_a_spreadsheet_instead_of_csv_is_refused(tmp_path):
    assert "is not a CSV file" in _refused(tmp_path, b"PK\x03\x04\x14\x00\x06\x00binary")


def test_a_row_with_a_stray_comma_is_named(tmp_path):
    content = HEADER + "1,Amy,Reed,2015-03-04,F,1, Mill Lane,ZY1 2AB\n"
    assert "line 2: has 8 fields but the header has 7" in _refused(tmp_path, content)


def test_a_bad_uprn_is_named(tmp_path):
    content = "id,given_name,family_name,date_of_birth,sex,address,postcode,uprn\n1,Amy,Reed,2015-03-04,F,,,flat 3\n"
    assert "line 2, column uprn: 'flat 3' is not a UPRN" in _refused(tmp_path, content)


def test_two_files_and_dedupe_together_are_refused(files, tmp_path):
    folder, _ = files
    with pytest.raises(CommandError, match="not both"):
        call_command(
            "link", str(folder / "left.csv"), "--dedupe", str(folder / "left.csv"), "--output", str(tmp_path / "o")
        )


def test_a_threshold_outside_zero_to_one_is_refused(files, tmp_path):
    folder, _ = files
    with pytest.raises(CommandError, match="probability from 0 to 1"):
        call_command("link", "--dedupe", str(folder / "left.csv"), "--output", str(tmp_path / "o"), "--threshold", "2")


def test_headers_are_matched_without_regard_to_case_or_spaces(tmp_path):
    content = (
        "ID,Given Name,Family-Name,Date of Birth,Sex,Address,Postcode\n"
        "1,Amy,Reed,2015-03-04,F,1 Mill Lane,ZY1 2AB\n2,AMY,REED,04/03/2015,F,1 Mill Ln,zy12ab\n"
    )
    (tmp_path / "in.csv").write_text(content)
    call_command("link", "--dedupe", str(tmp_path / "in.csv"), "--output", str(tmp_path / "out.csv"))
    assert [row[:2] for row in _rows(tmp_path / "out.csv")[1:]] == [["1", "2"]]


def test_the_spark_backend_without_pyspark_exits_3_saying_what_to_install(files, tmp_path):
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("PySpark is installed here; this checks the message shown without it")
    folder, _ = files
    with pytest.raises(CommandError, match="pip install 'pyspark") as raised:
        call_command(
            "link", "--dedupe", str(folder / "left.csv"), "--output", str(tmp_path / "o.csv"), "--backend", "spark"
        )
    assert raised.value.returncode == 3
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_files_saved_by_spreadsheets_are_read_with_their_accents(tmp_path, encoding):
    content = HEADER + "1,Zoë,Müller,2015-03-04,F,1 Mill Lane,ZY1 2AB\n2,Zoe,Muller,04/03/2015,F,1 Mill Ln,ZY12AB\n"
    (tmp_path / "in.csv").write_bytes(content.encode(encoding))
    call_command("link", "--dedupe", str(tmp_path / "in.csv"), "--output", str(tmp_path / "out.csv"))
    assert [row[:2] for row in _rows(tmp_path / "out.csv")[1:]] == [["1", "2"]]

"""Reading source extracts: loose headers, the date formats councils send, and every bad row named with its line."""

from datetime import date

import pytest

from cme.matching.enums import SourceKind
from cme.matching.sources import SourceFileRefused, column_name, csv_template, extract_read, parse_date

TODAY = date(2026, 11, 1)
HEADER = "record_id,household_id,given_name,family_name,date_of_birth,sex,address_line1,postcode,from_date\n"


def read(text: str, kind: str = SourceKind.COUNCIL_TAX):
    return extract_read(text.encode(), kind=kind, today=TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-03-27", date(2015, 3, 27)),
        ("27/03/2015", date(2015, 3, 27)),
        ("27-03-2015", date(2015, 3, 27)),
        ("27.03.2015", date(2015, 3, 27)),
        ("7/3/2015", date(2015, 3, 7)),
        ("27 Mar 2015", date(2015, 3, 27)),
        ("27-March-15", date(2015, 3, 27)),
        ("27/03/15", date(2015, 3, 27)),
        ("20150327", date(2015, 3, 27)),
        ("2015-03-27 00:00:00", date(2015, 3, 27)),
    ],
)
def test_dates_are_read_in_the_formats_councils_send(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["31/02/2015", "2015-13-01", "next Tuesday", "03/27/2015", "27 Foo 2015"])
def test_impossible_or_unreadable_dates_are_not_guessed(text):
    assert parse_date(text, today=TODAY) is None


def test_a_two_digit_year_is_never_in_the_future():
    assert parse_date("01/01/30", today=TODAY) == date(1930, 1, 1)


def test_headings_are_matched_loosely_and_by_their_other_names():
    assert column_name(" Date of Birth ") == "date_of_birth"
    assert column_name("Surname") == "family_name"
    assert column_name("Forename") == "given_name"
    assert column_name("Post-Code") == "postcode"
    assert column_name("DOB") == "date_of_birth"


def test_good_rows_are_read_into_record_values():
    extract = read(HEADER + "CT-1,ACC-9,Amara,Okafor,14/05/2016,F,12 Example Road,zy12ab,01/09/2025\n")
    (row,) = extract.accepted
    assert row.line == 2
    assert row.values["record_ref"] == "CT-1"
    assert row.values["household_ref"] == "ACC-9"
    assert row.values["date_of_birth"] == date(2016, 5, 14)
    assert row.values["postcode"] == "ZY1 2AB"
    assert row.values["valid_from"] == date(2025, 9, 1)
    assert row.values["sex"] == "F"


def test_every_problem_of_a_bad_row_is_reported_against_its_line():
    extract = read(
        HEADER
        + "CT-1,ACC-9,Amara,Okafor,14/05/2016,F,12 Example Road,ZY1 2AB,\n"
        + "CT-2,ACC-9,,Okafor,31/02/2016,X,12 Example Road,NOT A POSTCODE,\n"
        + "CT-1,ACC-9,Obi,Okafor,2018-01-01,M,12 Example Road,ZY1 2AB,\n"
    )
    assert [row.line for row in extract.accepted] == [2]
    second, third = extract.rejected
    assert second.line == 3
    assert any("given_name is blank" in problem for problem in second.problems)
    assert any("date_of_birth '31/02/2016'" in problem for problem in second.problems)
    assert any("sex 'X'" in problem for problem in second.problems)
    assert any("postcode 'NOT A POSTCODE'" in problem for problem in second.problems)
    assert third.line == 4 and third.problems == ["record_id 'CT-1' is already used on line 2"]


def test_a_date_of_birth_in_the_future_is_refused():
    extract = read(HEADER + "CT-1,ACC-9,Amara,Okafor,14/05/2030,F,12 Example Road,ZY1 2AB,\n")
    assert "is in the future" in extract.rejected[0].problems[0]


def test_a_file_without_a_required_column_is_refused_naming_it():
    with pytest.raises(SourceFileRefused, match="no postcode, household_id column"):
        read("record_id,given_name,family_name,address_line1\nCT-1,Amara,Okafor,1 Road\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04rest", "Excel workbook"),
        (b"\xff\xfer\x00e\x00", "UTF-16"),
        (HEADER.encode(), "no records"),
    ],
)
def test_files_that_are_not_extracts_are_refused_saying_why(data, message):
    with pytest.raises(SourceFileRefused, match=message):
        extract_read(data, kind=SourceKind.COUNCIL_TAX, today=TODAY)


def test_columns_outside_the_template_are_ignored_and_named():
    extract = read(HEADER.strip() + ",shoe_size\nCT-1,ACC-9,Amara,Okafor,14/05/2016,F,1 Road,ZY1 2AB,,42\n")
    assert extract.accepted and "shoe_size" in extract.notes[0]


def test_a_windows_1252_file_is_read_and_the_reading_noted():
    data = (HEADER + "CT-1,ACC-9,Zoë,Brontë,14/05/2016,F,1 Road,ZY1 2AB,\n").encode("cp1252")
    extract = extract_read(data, kind=SourceKind.COUNCIL_TAX, today=TODAY)
    assert extract.accepted[0].values["given_name"] == "Zoë"
    assert "Windows-1252" in extract.notes[0]


def test_a_school_roll_row_is_keyed_by_school_and_pupil_number():
    header = "urn,upn,given_name,family_name,date_of_birth,postcode,from_date\n"
    extract = read(header + "990001,B801200005001,Amara,Okafor,2016-05-14,ZY1 2AB,2022-09-05\n", SourceKind.SCHOOL_ROLL)
    values = extract.accepted[0].values
    assert values["record_ref"] == "990001:B801200005001" and values["school_urn"] == 990001


def test_each_template_names_its_columns():
    assert csv_template(SourceKind.GP).startswith("record_id,household_id,given_name,")
    assert csv_template(SourceKind.SCHOOL_ROLL).startswith("urn,given_name,")

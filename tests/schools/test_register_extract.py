"""Reading a GIAS extract into School values, without a database: columns, cells, encodings and line numbers."""

import io
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cme.demo.gias import GIAS_COLUMNS, gias_row
from cme.schools.register import CP1252, NOTE_UTF8, UTF8, RegisterExtract, RegisterFileRejected

from .gias_files import gias_bytes, line_of


def read(data: bytes) -> tuple[RegisterExtract, list]:
    extract = RegisterExtract(io.BytesIO(data))
    return extract, list(extract)


def test_a_row_arrives_as_school_fields_with_dates_ages_and_the_heads_name(register_rows):
    row = register_rows[0] | {
        "URN": "100150",
        "OpenDate": "01-09-1998",
        "CloseDate": "",
        "StatutoryLowAge": "4",
        "StatutoryHighAge": "11",
        "HeadTitle (name)": "Dr",
        "HeadFirstName": "Amara",
        "HeadLastName": "Okafor",
        "NumberOfPupils": "412",
    }

    _, [parsed] = read(gias_bytes([row]))

    assert not parsed.rejected
    assert parsed.values["urn"] == 100150
    assert parsed.values["open_date"] == date(1998, 9, 1)
    assert parsed.values["close_date"] is None
    assert (parsed.values["statutory_low_age"], parsed.values["statutory_high_age"]) == (4, 11)
    assert parsed.values["head_name"] == "Dr Amara Okafor"
    assert parsed.values["number_of_pupils"] == 412
    assert parsed.values["name"] == row["EstablishmentName"]


def test_dates_excel_rewrote_with_slashes_are_read_as_day_month_year(register_rows):
    _, [parsed] = read(gias_bytes([register_rows[0] | {"OpenDate": "03/09/2001"}]))

    assert parsed.values["open_date"] == date(2001, 9, 3)


def test_an_establishment_number_that_lost_its_leading_zero_is_padded_back_to_four_digits(register_rows):
    _, [parsed] = read(gias_bytes([register_rows[0] | {"EstablishmentNumber": "712"}]))

    assert parsed.values["establishment_number"] == "0712"


def test_a_head_title_of_not_applicable_is_left_out_of_the_heads_name(register_rows):
    row = register_rows[0] | {"HeadTitle (name)": "Not applicable", "HeadFirstName": "Sam", "HeadLastName": "Ng"}

    _, [parsed] = read(gias_bytes([row]))

    assert parsed.values["head_name"] == "Sam Ng"


def test_columns_in_another_order_with_unknown_ones_are_read_by_name(register_rows):
    columns = ["Easting", "EstablishmentName", "URN", "Something new", "EstablishmentStatus (name)"]
    columns += ["LA (name)", "LA (code)"]

    extract, [parsed] = read(gias_bytes([register_rows[0]], columns=columns))

    assert parsed.values["urn"] == int(register_rows[0]["URN"])
    assert parsed.values["name"] == register_rows[0]["EstablishmentName"]
    assert set(extract.fields) == {"name", "status", "la_name", "la_code"}


def test_a_file_without_the_head_columns_does_not_claim_to_carry_the_heads_name(register_rows):
    columns = ["URN", "LA (code)", "LA (name)", "EstablishmentName", "EstablishmentStatus (name)"]

    extract, _ = read(gias_bytes(register_rows, columns=columns))

    assert "head_name" not in extract.fields


def test_a_value_running_over_two_lines_moves_the_line_numbers_of_the_rows_after_it(register_rows):
    register_rows[3]["Street"] = "1 High Street\r\nBack Lane"
    register_rows[10]["URN"] = "12A456"

    _, rows = read(gias_bytes(register_rows))

    assert rows[3].values["street"] == "1 High Street\r\nBack Lane"
    assert [str(error) for row in rows for error in row.errors()] == [
        f'line {line_of(10) + 1}: URN "12A456" is not a 6-digit number'
    ]


def test_a_short_row_spread_over_lines_is_reported_with_the_lines_it_spans(register_rows):
    short = ["100150", "928", "Wyndley\r\nand district"]

    _, rows = read(gias_bytes([register_rows[0], short, register_rows[1]]))

    assert [str(error) for error in rows[1].errors()] == [
        f"lines 3-4: it has 3 fields where the header has {len(GIAS_COLUMNS)}"
    ]
    assert not rows[2].rejected


def test_a_plain_ascii_file_counts_as_windows_1252_and_needs_no_note(register_rows):
    extract, _ = read(gias_bytes([register_rows[10]], encoding="ascii"))

    assert (extract.encoding, extract.notes) == (CP1252, [])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"], ids=["without a byte-order mark", "with one"])
def test_a_utf8_file_is_read_as_utf8_and_the_note_says_so(register_rows, encoding):
    register_rows[0]["EstablishmentName"] = "St Mary’s École"

    extract, rows = read(gias_bytes(register_rows, encoding=encoding))

    assert rows[0].values["name"] == "St Mary’s École"
    assert (extract.encoding, extract.notes) == (UTF8, [NOTE_UTF8])


# Text Windows-1252 can hold, without control characters; stripped, as the reader strips every cell.
cp1252_names = st.text(st.characters(codec="cp1252", exclude_categories=("Cc", "Cs")), min_size=1, max_size=200).map(
    str.strip
)


@given(name=cp1252_names)
def test_any_name_windows_1252_can_hold_survives_the_round_trip(register_schools, name):
    assume(name)
    encoded = name.encode("cp1252")
    # The documented limit of the UTF-8 check: Windows-1252 bytes that happen to be valid UTF-8 (such as "Ã©")
    # are read as UTF-8. Real register text does not contain such pairs.
    assume(encoded.isascii() or not _valid_utf8(encoded))

    _, [parsed] = read(gias_bytes([gias_row(register_schools[0]) | {"EstablishmentName": name}]))

    assert parsed.values["name"] == name


@given(name=cp1252_names)
def test_any_name_survives_the_round_trip_when_the_file_is_utf8(register_schools, name):
    assume(name)

    _, [parsed] = read(gias_bytes([gias_row(register_schools[0]) | {"EstablishmentName": name}], encoding="utf-8"))

    assert parsed.values["name"] == name


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_a_file_that_ends_after_its_header_is_rejected_once_read_to_the_end(register_rows):
    extract = RegisterExtract(io.BytesIO(gias_bytes([])))

    with pytest.raises(RegisterFileRejected, match="has a header but no schools"):
        list(extract)

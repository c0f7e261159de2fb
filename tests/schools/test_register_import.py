"""school_register_import: counting, idempotence, closures, row errors by line, whole-file refusals, volume."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cme.demo.gias import GIAS_COLUMNS
from cme.schools.models import School
from cme.schools.register import NOTE_UTF8, RegisterFileRejected
from cme.schools.services import school_register_import

from .gias_files import gias_bytes, line_of, schools_snapshot, write_rows

pytestmark = pytest.mark.django_db


def messages(report) -> list[str]:
    return [str(error) for error in report.errors]


# Counting


def test_a_first_import_creates_every_school_including_those_already_closed(register_file, register_schools):
    report = school_register_import(source=register_file)

    assert (report.created, report.updated, report.unchanged, report.closed, report.rejected) == (40, 0, 0, 0, 0)
    assert School.objects.count() == len(register_schools)
    closed = [school for school in register_schools if school.status == "Closed"]
    assert closed and School.objects.filter(status="Closed").count() == len(closed)


def test_every_gias_column_the_import_keeps_lands_in_its_field(tmp_path, register_rows):
    register_rows[0] |= {
        "URN": "100150",
        "UKPRN": "10012345",
        "LA (code)": "202",
        "LA (name)": "Camden",
        "EstablishmentNumber": "3614",
        "TypeOfEstablishment (code)": "1",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentTypeGroup (name)": "Local authority maintained schools",
        "EstablishmentStatus (name)": "Open",
        "OpenDate": "01-01-1900",
        "PhaseOfEducation (code)": "2",
        "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": "3",
        "StatutoryHighAge": "11",
        "Gender (name)": "Mixed",
        "OfficialSixthForm (name)": "Does not have a sixth form",
        "Street": "Castlehaven Road",
        "Locality": "Kentish Town",
        "Address3": "",
        "Town": "London",
        "Postcode": "NW1 8QL",
        "TelephoneNum": "02074852147",
        "SchoolWebsite": "www.example.camden.sch.uk",
        "HeadTitle (name)": "Mrs",
        "HeadFirstName": "Ada",
        "HeadLastName": "Lovelace",
        "NumberOfPupils": "204",
        "SchoolCapacity": "236",
    }

    school_register_import(source=write_rows(tmp_path / "register.csv", register_rows[:1]))

    school = School.objects.get(urn=100150)
    assert (school.ukprn, school.la_code, school.la_name, school.laestab) == ("10012345", "202", "Camden", "2023614")
    assert (school.type_code, school.type_name, school.type_group) == (
        "1",
        "Community school",
        "Local authority maintained schools",
    )
    assert (school.status, school.open_date, school.close_date) == ("Open", date(1900, 1, 1), None)
    assert (school.phase_code, school.phase_name, school.statutory_low_age, school.statutory_high_age) == (
        "2",
        "Primary",
        3,
        11,
    )
    assert (school.gender, school.sixth_form) == ("Mixed", "Does not have a sixth form")
    assert (school.street, school.locality, school.address3, school.town, school.postcode) == (
        "Castlehaven Road",
        "Kentish Town",
        "",
        "London",
        "NW1 8QL",
    )
    assert (school.telephone, school.website, school.head_name) == (
        "02074852147",
        "www.example.camden.sch.uk",
        "Mrs Ada Lovelace",
    )
    assert (school.number_of_pupils, school.capacity) == (204, 236)


def test_importing_the_same_file_again_changes_nothing_and_says_so(register_file):
    school_register_import(source=register_file)
    before = schools_snapshot()

    report = school_register_import(source=register_file)

    assert (report.created, report.updated, report.unchanged, report.closed, report.rejected) == (0, 0, 40, 0, 0)
    assert schools_snapshot() == before


def test_a_changed_row_updates_that_school_alone(tmp_path, register_file, register_rows):
    school_register_import(source=register_file)
    before = {row["urn"]: row for row in schools_snapshot()}
    register_rows[5]["NumberOfPupils"] = "999"
    register_rows[5]["HeadLastName"] = "Adeyemi"

    report = school_register_import(source=write_rows(tmp_path / "next.csv", register_rows))

    assert (report.created, report.updated, report.unchanged, report.closed) == (0, 1, 39, 0)
    urn = int(register_rows[5]["URN"])
    after = {row["urn"]: row for row in schools_snapshot()}
    assert after[urn]["number_of_pupils"] == 999 and after[urn]["head_name"].endswith(" Adeyemi")
    assert after[urn]["updated_at"] > before[urn]["updated_at"]
    assert {k: v for k, v in after.items() if k != urn} == {k: v for k, v in before.items() if k != urn}


def test_a_school_whose_status_becomes_closed_is_counted_as_closed_with_its_close_date(
    tmp_path, register_file, register_rows
):
    school_register_import(source=register_file)
    index = next(i for i, row in enumerate(register_rows) if row["EstablishmentStatus (name)"] == "Open")
    register_rows[index] |= {"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2026", "NumberOfPupils": ""}

    report = school_register_import(source=write_rows(tmp_path / "next.csv", register_rows))

    assert (report.created, report.updated, report.unchanged, report.closed) == (0, 0, 39, 1)
    school = School.objects.get(urn=int(register_rows[index]["URN"]))
    assert (school.status, school.close_date, school.is_open) == ("Closed", date(2026, 8, 31), False)


def test_a_change_to_a_school_already_closed_counts_as_updated_not_closed(tmp_path, register_file, register_rows):
    school_register_import(source=register_file)
    index = next(i for i, row in enumerate(register_rows) if row["EstablishmentStatus (name)"] == "Closed")
    register_rows[index]["Postcode"] = "ZY9 9ZZ"

    report = school_register_import(source=write_rows(tmp_path / "next.csv", register_rows))

    assert (report.updated, report.closed) == (1, 0)


def test_the_counts_add_up_to_the_rows_in_the_file(tmp_path, register_file, register_rows):
    school_register_import(source=register_file)
    register_rows[0]["Town"] = "Old Wyndley"  # updated
    register_rows[1] |= {"EstablishmentStatus (name)": "Closed", "CloseDate": "01-01-2026"}  # closed (was open)
    register_rows[2]["URN"] = "ABC"  # rejected
    register_rows.append(register_rows[3] | {"URN": "100001"})  # created

    report = school_register_import(source=write_rows(tmp_path / "next.csv", register_rows))

    assert (report.created, report.updated, report.closed, report.rejected, report.unchanged) == (1, 1, 1, 1, 37)
    assert report.rows == len(register_rows)


def test_schools_missing_from_the_file_are_left_as_they_were(register_file, school_factory):
    elsewhere = school_factory(urn=123456, name="A School Elsewhere")

    school_register_import(source=register_file)

    elsewhere.refresh_from_db()
    assert elsewhere.name == "A School Elsewhere"


def test_a_column_left_out_of_the_file_leaves_that_field_as_it_was(tmp_path, register_file, register_rows):
    school_register_import(source=register_file)
    telephones = dict(School.objects.values_list("urn", "telephone"))
    columns = [column for column in GIAS_COLUMNS if column != "TelephoneNum"]

    report = school_register_import(source=write_rows(tmp_path / "trimmed.csv", register_rows, columns=columns))

    assert (report.updated, report.unchanged) == (0, 40)
    assert dict(School.objects.values_list("urn", "telephone")) == telephones
    assert any(telephones.values())


# Encodings


def test_windows_1252_apostrophes_and_accents_arrive_intact(tmp_path, register_rows):
    register_rows[0]["EstablishmentName"] = "St Mary’s École"
    path = write_rows(tmp_path / "register.csv", register_rows)
    assert b"St Mary\x92s \xc9cole" in path.read_bytes()  # the single bytes of Windows-1252, as GIAS sends them

    report = school_register_import(source=path)

    assert School.objects.get(urn=int(register_rows[0]["URN"])).name == "St Mary’s École"
    assert (report.encoding, report.notes) == ("Windows-1252", [])


def test_a_utf8_file_saved_from_excel_is_imported_and_the_report_says_it_was_utf8(tmp_path, register_rows):
    register_rows[0]["EstablishmentName"] = "St Mary’s École"

    report = school_register_import(source=write_rows(tmp_path / "resaved.csv", register_rows, encoding="utf-8-sig"))

    assert School.objects.get(urn=int(register_rows[0]["URN"])).name == "St Mary’s École"
    assert report.created == 40
    assert (report.encoding, report.notes) == ("UTF-8", [NOTE_UTF8])


def test_a_row_with_a_byte_windows_1252_does_not_define_is_rejected_by_line(tmp_path, register_rows):
    register_rows[7]["EstablishmentName"] = "PLACEHOLDER"
    data = gias_bytes(register_rows).replace(b"PLACEHOLDER", b"Caf\x81 School")

    report = school_register_import(source=io.BytesIO(data))

    assert messages(report) == [f"line {line_of(7)}: byte 0x81 is not Windows-1252 text"]
    assert report.created == 39


def test_a_row_with_a_nul_byte_is_rejected_rather_than_stored(tmp_path, register_rows):
    register_rows[7]["Street"] = "PLACEHOLDER"
    data = gias_bytes(register_rows).replace(b"PLACEHOLDER", b"High\x00Street")

    report = school_register_import(source=io.BytesIO(data))

    assert messages(report) == [f"line {line_of(7)}: it contains a NUL byte"]
    assert report.created == 39


# Rejected rows


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("URN", "12A456", 'URN "12A456" is not a 6-digit number'),
        ("URN", "12345", 'URN "12345" is not a 6-digit number'),
        ("URN", "", "URN is blank"),
        ("OpenDate", "31-02-2020", 'OpenDate "31-02-2020" is not a date (dd-mm-yyyy or yyyy-mm-dd)'),
        ("CloseDate", "2020-13-01", 'CloseDate "2020-13-01" is not a date (dd-mm-yyyy or yyyy-mm-dd)'),
        ("StatutoryLowAge", "four", 'StatutoryLowAge "four" is not an age in whole years'),
        ("StatutoryHighAge", "-1", 'StatutoryHighAge "-1" is not an age in whole years'),
        ("EstablishmentName", "", "EstablishmentName is blank"),
        ("EstablishmentStatus (name)", "", "EstablishmentStatus (name) is blank"),
        ("LA (code)", "9202", 'LA (code) "9202" is not a 3-digit number'),
        ("UKPRN", "1001234", 'UKPRN "1001234" is not an 8-digit number'),
        ("EstablishmentNumber", "12345", 'EstablishmentNumber "12345" is not a number of up to 4 digits'),
        ("NumberOfPupils", "12.5", 'NumberOfPupils "12.5" is not a whole number'),
        ("Postcode", "ZY1 2AB XYZ", "Postcode is longer than 8 characters"),
    ],
)
def test_a_bad_cell_rejects_its_row_by_line_number_and_the_rest_are_imported(
    tmp_path, register_rows, column, value, message
):
    register_rows[12][column] = value

    report = school_register_import(source=write_rows(tmp_path / "register.csv", register_rows))

    assert messages(report) == [f"line 14: {message}"]
    assert (report.rejected, report.created) == (1, 39)
    assert School.objects.count() == 39


def test_a_urn_seen_earlier_in_the_file_rejects_the_later_row_and_names_the_first(tmp_path, register_rows):
    register_rows[20]["URN"] = register_rows[3]["URN"]
    register_rows[20]["EstablishmentName"] = "The Impostor School"

    report = school_register_import(source=write_rows(tmp_path / "register.csv", register_rows))

    assert messages(report) == [f"line 22: URN {register_rows[3]['URN']} is already on line 5"]
    assert School.objects.get(urn=int(register_rows[3]["URN"])).name != "The Impostor School"


def test_a_row_with_the_wrong_number_of_fields_is_rejected_by_line(tmp_path, register_rows):
    cells = [register_rows[9][column] for column in GIAS_COLUMNS]
    rows = [*register_rows[:9], cells[:-3], *register_rows[10:]]

    report = school_register_import(source=write_rows(tmp_path / "register.csv", rows))

    width = len(GIAS_COLUMNS)
    assert messages(report) == [f"line 11: it has {width - 3} fields where the header has {width}"]
    assert report.created == 39


def test_every_bad_row_is_reported_in_file_order_not_just_the_first(tmp_path, register_rows):
    register_rows[1]["URN"] = "X"
    register_rows[8]["OpenDate"] = "tomorrow"
    register_rows[30] |= {"StatutoryLowAge": "five", "EstablishmentName": ""}

    report = school_register_import(source=write_rows(tmp_path / "register.csv", register_rows))

    assert messages(report) == [
        'line 3: URN "X" is not a 6-digit number',
        'line 10: OpenDate "tomorrow" is not a date (dd-mm-yyyy or yyyy-mm-dd)',
        "line 32: EstablishmentName is blank",
        'line 32: StatutoryLowAge "five" is not an age in whole years',
    ]
    assert (report.rejected, report.created) == (3, 37)


def test_a_rejected_row_leaves_the_stored_school_as_it_was(tmp_path, register_file, register_rows):
    school_register_import(source=register_file)
    before = schools_snapshot()
    register_rows[4] |= {"EstablishmentName": "A New Name", "OpenDate": "32-01-2001"}

    report = school_register_import(source=write_rows(tmp_path / "next.csv", register_rows))

    assert (report.rejected, report.unchanged, report.updated) == (1, 39, 0)
    assert schools_snapshot() == before


# Whole-file refusals: nothing is written


def _header_only() -> bytes:
    return gias_bytes([])


def _without(*columns: str):
    def build(rows):
        return gias_bytes(rows, columns=[column for column in GIAS_COLUMNS if column not in columns])

    return build


REFUSED_FILES = {
    "empty": (lambda rows: b"", "The file is empty"),
    "header only": (lambda rows: _header_only(), "has a header but no schools"),
    "blank first line": (lambda rows: b"\r\n" + gias_bytes(rows), "Line 1 is blank"),
    "no URN column": (_without("URN"), 'no "URN" column'),
    "no name column": (_without("EstablishmentName"), 'no "EstablishmentName" column'),
    "neither": (_without("URN", "EstablishmentName"), 'no "URN" or "EstablishmentName" column'),
    "another CSV": (lambda rows: b"Name,Age\r\nAda,36\r\n", "not the header of the GIAS extract"),
    "semicolons": (lambda rows: gias_bytes(rows).replace(b",", b";"), "not comma-separated"),
    "xlsx": (lambda rows: b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "Excel workbook"),
    "UTF-16": (lambda rows: gias_bytes(rows, encoding="utf-16"), "UTF-16"),
    "UTF-16 without BOM": (lambda rows: gias_bytes(rows, encoding="utf-16-le"), "NUL bytes"),
}


@pytest.mark.parametrize(("build", "message"), REFUSED_FILES.values(), ids=REFUSED_FILES.keys())
def test_a_malformed_file_is_refused_whole_and_the_database_is_untouched(
    tmp_path, register_file, register_rows, build, message
):
    school_register_import(source=register_file)
    before = schools_snapshot()
    for row in register_rows:
        row["EstablishmentName"] += " (renamed)"  # so that a partial import would show

    with pytest.raises(RegisterFileRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        school_register_import(source=io.BytesIO(build(register_rows)))

    assert schools_snapshot() == before


def test_a_file_that_cannot_be_opened_is_refused(tmp_path):
    with pytest.raises(RegisterFileRejected, match="cannot be read: No such file"):
        school_register_import(source=tmp_path / "missing.csv")


def test_a_file_that_stops_being_csv_half_way_is_refused_after_writing_and_everything_is_rolled_back(
    monkeypatch, tmp_path, register_rows
):
    monkeypatch.setattr("cme.schools.services.CREATE_BATCH_SIZE", 5)  # so that batches are written before the fault
    register_rows[30]["Street"] = "PLACEHOLDER"
    # A bare carriage return outside quotes is not CSV: Python's reader stops there.
    data = gias_bytes(register_rows).replace(b"PLACEHOLDER", b"High\rStreet")

    with CaptureQueriesContext(connection) as queries, pytest.raises(RegisterFileRejected, match="Line 32 cannot"):
        school_register_import(source=io.BytesIO(data))

    assert any(query["sql"].startswith("INSERT") for query in queries.captured_queries)
    assert School.objects.count() == 0


# Volume


def test_a_large_extract_takes_a_bounded_number_of_queries(tmp_path, register_rows, django_assert_max_num_queries):
    def copies(count: int, first_urn: int) -> list[dict[str, str]]:
        return [
            register_rows[n % len(register_rows)] | {"URN": str(first_urn + n), "EstablishmentName": f"School {n}"}
            for n in range(count)
        ]

    stored = copies(2000, 200000)
    school_register_import(source=write_rows(tmp_path / "first.csv", stored))
    changed = [row | {"NumberOfPupils": "321"} for row in stored[1000:]]
    rows = stored[:1000] + changed + copies(1000, 300000)
    path = write_rows(tmp_path / "next.csv", rows)

    # A query per school would be 3,000 or more. SQLite allows 999 parameters a statement, so inserts of 30-odd
    # columns go about 30 schools at a time; PostgreSQL needs a handful of queries in all.
    with django_assert_max_num_queries(len(rows) // 50):
        report = school_register_import(source=path)

    assert (report.unchanged, report.updated, report.created) == (1000, 1000, 1000)
    assert School.objects.filter(number_of_pupils=321).count() == 1000


def test_progress_is_reported_up_to_the_size_of_the_file(register_file):
    calls = []

    school_register_import(source=register_file, progress=lambda done, total: calls.append((done, total)))

    size = register_file.stat().st_size
    assert calls[-1] == (size, size)

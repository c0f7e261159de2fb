"""The DfE return: who is counted on the census date, in which categories, the DfE's column layout, the validation
summary, the published conventions, and `cme report dfe-return`."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command

from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, CmeReason, Outcome
from cme.reports import dfe

CENSUS = datetime.date(2026, 10, 1)


@pytest.fixture
def cases(case_factory, child_factory):
    made = []
    # Four girls and two boys missing education on the census date, one with no sex recorded.
    for _ in range(4):
        child = child_factory(sex="F", date_of_birth=datetime.date(2016, 3, 14))  # Year 6 in 2026/27
        made.append(case_factory(child=child, became_cme_on=datetime.date(2026, 9, 25), opened_on=CENSUS))
    for reason in (CmeReason.NEW_TO_AREA, CmeReason.UNSUITABLE_HOME_EDUCATION):
        child = child_factory(sex="M", date_of_birth=datetime.date(2012, 1, 5))  # Year 10
        made.append(
            case_factory(child=child, primary_reason=reason, became_cme_on=datetime.date(2025, 6, 1), opened_on=CENSUS)
        )
    made.append(case_factory(child=child_factory(sex="U"), became_cme_on=datetime.date(2026, 8, 1), opened_on=CENSUS))
    # Not counted on the census date: closed before it (but missing in the previous year), opened after it, and a
    # part-time timetable (at risk, not missing education).
    made.append(
        case_factory(
            status=CaseStatus.CLOSED,
            outcome=Outcome.ON_ROLL_THIS_LA,
            became_cme_on=datetime.date(2026, 1, 10),
            opened_on=datetime.date(2026, 1, 12),
            closed_on=datetime.date(2026, 3, 1),
        )
    )
    made.append(case_factory(became_cme_on=datetime.date(2026, 10, 20), opened_on=datetime.date(2026, 11, 2)))
    made.append(case_factory(primary_reason=CmeReason.REDUCED_TIMETABLE, opened_on=CENSUS, became_cme_on=CENSUS))
    return made


def test_every_case_reason_maps_to_one_dfe_category_in_one_place():
    assert set(dfe.REASON_TO_DFE) == set(CmeReason.values)
    assert dfe.dfe_reason(CmeReason.UNSUITABLE_HOME_EDUCATION) == "Unsuitable EHE"
    assert dfe.dfe_reason(CmeReason.REDUCED_TIMETABLE) is None


@pytest.mark.django_db
def test_the_census_counts_children_missing_education_on_the_day_by_each_breakdown(cases):
    result = dfe.dfe_return_build(census_date=CENSUS, la_name="Wyndley", new_la_code="E09000099")
    assert result.total == 7
    assert dict(result.breakdowns["Sex"]) == {"Female": 4, "Male": 2, "Unknown": 1}
    years = dict(result.breakdowns["Year group"])
    assert years["Year 6"] == 5 and years["Year 10"] == 2  # the child with no sex has the factory's birthday
    lengths = dict(result.breakdowns["Length of time missing education"])
    assert lengths["Under 2 weeks"] == 4 and lengths["8 to 12 weeks"] == 1 and lengths["Over 52 weeks"] == 2
    reasons = dict(result.breakdowns["Primary reason for CME"])
    assert reasons["Unknown"] == 5 and reasons["Moved in from another LA"] == 1 and reasons["Unsuitable EHE"] == 1
    assert result.ever_in_year == 1 and result.ever_period == "202526"  # only the case open in 2025/26
    assert result.at_risk_left_out == 1
    assert [problem.message for problem in result.problems] == ["Sex is not recorded: the child is counted as Unknown"]
    failed = [rule for rule, ok, _ in result.checks if not ok]
    assert failed == ["Every child's sex is recorded"]


@pytest.mark.django_db
def test_the_csv_has_the_dfe_published_column_layout_and_exact_counts(cases):
    result = dfe.dfe_return_build(census_date=CENSUS, la_name="Wyndley", new_la_code="E09000099", old_la_code="999")
    rows = list(csv.reader(io.StringIO(dfe.dfe_csv(result))))
    assert rows[0] == dfe.COLUMNS
    assert rows[0][:3] == ["time_period", "time_identifier", "geographic_level"]
    total = rows[1]
    assert total[:3] == ["202627", "Autumn term", "Local authority"]
    assert total[9:] == ["Wyndley", "Total", "Total", "7", "100.0", "x"]
    female = next(row for row in rows if row[10:12] == ["Sex", "Female"])
    assert female[12:14] == ["4", "57.1"]
    assert rows[-1][1:3] == ["Academic year", "Local authority"] and rows[-1][12] == "1"


@pytest.mark.django_db
def test_published_conventions_round_to_ten_and_mark_low_counts(cases):
    result = dfe.dfe_return_build(census_date=CENSUS)
    rows = list(csv.reader(io.StringIO(dfe.dfe_csv(result, published=True))))
    counts = {(row[10], row[11]): row[12] for row in rows[1:]}
    assert counts[("Total", "Total")] == "10"
    assert counts[("Sex", "Female")] == "low"  # 4 rounds to 0 but is not 0
    assert counts[("Sex", "Male")] == "low"
    assert counts[("Year group", "Year 6")] == "10"  # 5 rounds half up
    assert counts[("Year group", "Year 1")] == "0"
    assert all(value == "0" or value == "low" or int(value) % 10 == 0 for value in counts.values())


@pytest.mark.django_db
def test_the_command_writes_the_csv_to_standard_output_and_the_checks_to_standard_error(cases, capsys, manager):
    with pytest.raises(SystemExit) as exited:
        call_command("report", "dfe-return", "--census-date", "2026-10-01", "--as", manager.username)
    assert exited.value.code == 1  # a check failed: the child with no sex recorded
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == ",".join(dfe.COLUMNS)
    assert "FAILED: Every child's sex is recorded" in err
    assert f"CME-{cases[6].pk:06d}: Sex is not recorded" in err
    entry = AuditEntry.objects.filter(event="export", target_type="reports.report").get()
    assert entry.target_id == "dfe_return" and entry.actor_id == manager.pk and '"rows":' in entry.payload


@pytest.mark.django_db
def test_the_command_writes_to_a_file_and_passes_when_every_check_does(case_factory, tmp_path, settings):
    settings.CME_NEW_LA_CODE = "E09000099"
    case_factory(became_cme_on=datetime.date(2026, 9, 1), opened_on=datetime.date(2026, 9, 2))
    output = tmp_path / "return.csv"
    call_command("report", "dfe-return", "--census-date", "2026-10-01", "--published", "--output", str(output))
    rows = list(csv.reader(output.open()))
    assert rows[1][10:13] == ["Total", "Total", "low"]

"""Dashboards and equal-opportunities pages: figures counted right, exact for managers, disclosure-controlled for the
analyst and in every download, downloads audited as exports, spreadsheet formulas neutralised."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, CmeReason, DecisionKind, Outcome, ReferralSource
from cme.cases.models import Decision
from cme.matching.enums import ReviewState
from cme.reports.equalities import equalities_build, population_baseline
from cme.reports.groups import ethnic_group
from cme.reports.models import PopulationBaseline
from cme.reports.presentation import neutralise, to_csv, to_xlsx
from cme.reports.selectors import dashboard_build

from .conftest import TODAY

PERIOD = {"since_0": "1", "since_1": "9", "since_2": "2026", "until_0": "1", "until_1": "12", "until_2": "2026"}


@pytest.fixture
def casework(case_factory, referral_factory, user_factory, manager):
    officer = user_factory(first_name="Olu", last_name="Officer")
    for _ in range(12):
        case_factory(officer=officer, primary_reason=CmeReason.WHEREABOUTS_UNKNOWN, due_on=datetime.date(2026, 11, 1))
    for _ in range(3):
        case_factory(officer=officer, primary_reason=CmeReason.NEW_TO_AREA, due_on=datetime.date(2026, 12, 20))
    closed = case_factory(
        status=CaseStatus.CLOSED,
        outcome=Outcome.ON_ROLL_THIS_LA,
        closed_on=datetime.date(2026, 11, 20),
        opened_on=datetime.date(2026, 10, 1),
    )
    referral_factory(child=closed.child, case=closed, received_on=datetime.date(2026, 9, 28))
    Decision.objects.create(
        kind=DecisionKind.CHANGE_STATUS,
        case=closed,
        rationale="Seen at home",
        details={"from": "enquiries", "to": "located"},
        decided_by=manager,
    )
    for _ in range(6):
        referral_factory(source=ReferralSource.PUBLIC, received_on=datetime.date(2026, 10, 5))
    return officer


@pytest.mark.django_db
def test_the_dashboard_counts_in_the_database(casework):
    board = dashboard_build(since=datetime.date(2026, 9, 1), until=TODAY, today=TODAY)
    charts = {b.key: dict(zip(b.labels, b.counts, strict=True)) for b in board.breakdowns}
    assert charts["reason"]["Whereabouts unknown: all contact failed"] == 12
    assert charts["reason"]["New to the area, no school place"] == 3
    assert charts["time-missing"]["4 to 8 weeks"] == 15  # 20 October to 1 December
    assert charts["year-group"]["Year 6"] == 15  # born 14 March 2016
    assert charts["referrals"]["A member of the public"] == 6 and charts["referrals"]["A school"] == 1
    assert charts["outcomes"]["On roll at a school in this council's area"] == 1
    assert charts["overdue"] == {"Olu Officer": 12}
    assert board.to_located.count == 1 and board.to_located.median >= 64  # 28 September to 1 December (today)


@pytest.mark.django_db
def test_a_manager_sees_exact_figures_and_the_analyst_sees_small_ones_hidden(casework, sign_in, manager, analyst):
    page = sign_in(manager).get(reverse("web:reports:dashboard"), PERIOD).content.decode()
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in page
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    page = sign_in(analyst).get(reverse("web:reports:dashboard"), PERIOD).content.decode()
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' not in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">c</td>' in page
    assert "hidden so that no child can be identified" in page
    assert "Olu Officer" not in page  # work by officer is for managers


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_download_is_disclosure_controlled_and_audited_with_its_row_count(
    casework, sign_in, manager, file_format
):
    response = sign_in(manager).get(reverse("web:reports:dashboard-download", args=[file_format]), PERIOD)
    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode())))
    else:
        rows = [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    new_to_area = next(row for row in rows if row[1] == "New to the area, no school place")
    assert new_to_area[2] == "c"  # 3: hidden even for a manager, because it leaves the system
    entry = AuditEntry.objects.get(event="export", target_type="reports.report")
    assert entry.actor_id == manager.pk and entry.target_id == "dashboard"
    assert f'"rows":{len(rows) - 1}' in entry.payload.replace(" ", "") and f'"format":"{file_format}"' in entry.payload


def test_spreadsheet_formulas_are_neutralised():
    rows = [["Officer", '=HYPERLINK("http://x")'], ["+cmd", "-2.5"], ["@SUM(A1)", 3]]
    assert [neutralise(value) for value in rows[0]] == ["Officer", '\'=HYPERLINK("http://x")']
    assert neutralise("-2.5") == "-2.5"  # a number, not a formula
    assert to_csv(rows).splitlines()[1] == "'+cmd,-2.5"
    sheet = load_workbook(io.BytesIO(to_xlsx(rows, title="Test"))).active
    assert sheet["B1"].value == '\'=HYPERLINK("http://x")' and sheet["B1"].data_type == "s"
    assert sheet["A3"].value == "'@SUM(A1)"


def test_extended_ethnicity_codes_roll_up_to_their_main_group():
    assert ethnic_group("WBRI") == ethnic_group("WENG") == "White"
    assert ethnic_group("APKA") == "Asian or Asian British"
    assert ethnic_group("REFU") == ethnic_group("NOBT") == "Refused or not yet obtained"
    assert ethnic_group("") == "Not known"


@pytest.fixture
def population(child_factory, enrolment_factory, case_factory, match_candidate_factory):
    for index in range(30):
        child = child_factory(ethnicity="WBRI" if index % 3 else "BAFR", sen_provision="K" if index < 6 else "N")
        enrolment_factory(child=child)
    missing = [child_factory(ethnicity="BAFR", sen_provision="E", sex="M") for _ in range(6)]
    for child in missing:
        case_factory(child=child)
    case_factory(child=child_factory(ethnicity="WBRI"), primary_reason=CmeReason.REDUCED_TIMETABLE)
    for state in [ReviewState.CONFIRMED] * 3 + [ReviewState.DISMISSED] * 5 + [ReviewState.TO_REVIEW]:
        match_candidate_factory(review_state=state, child=missing[0] if state == ReviewState.CONFIRMED else None)


@pytest.mark.django_db
def test_equal_opportunities_counts_open_sealed_values_in_memory_and_keep_only_aggregates(population):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ethnicity FROM people_child LIMIT 1")
        assert cursor.fetchone()[0].startswith("v1:")  # still sealed at rest
    figures = equalities_build(since=datetime.date(2026, 1, 1), until=TODAY)
    ethnicity = {row.group: row.counts for row in figures.casework[1].rows}
    assert ethnicity["White"] == {"population": 20, "missing": 0, "at_risk": 1}
    assert ethnicity["Black, Black British, Caribbean or African"] == {"population": 10, "missing": 6, "at_risk": 0}
    sen = {row.group: row.counts for row in figures.casework[2].rows}
    assert sen["Education, health and care plan"]["missing"] == 6 and sen["SEN support"]["population"] == 6
    matching = {row.group: row.counts for row in figures.matching[0].rows}
    assert matching["Female"] == {"population": 30, "found": 9, "confirmed": 3, "dismissed": 5}
    baseline = PopulationBaseline.objects.get(on_date=TODAY)
    assert baseline.children == 30 and baseline.figures["sen"] == {"SEN support": 6, "No special educational need": 24}
    assert population_baseline(on_date=TODAY).pk == baseline.pk  # kept for the day: not worked out again


@pytest.mark.django_db
def test_the_equalities_page_shows_rates_and_differences_and_hides_small_counts_from_the_analyst(
    population, sign_in, analyst, manager
):
    query = {**PERIOD, "since_1": "1"}
    page = sign_in(manager).get(reverse("web:reports:equalities"), query).content.decode()
    assert "600.0" in page  # 6 missing per 10 Black pupils: 600 per 1,000
    page = sign_in(analyst).get(reverse("web:reports:equalities"), query).content.decode()
    assert "Rates are not worked out from hidden numbers" in page
    response = sign_in(analyst).get(reverse("web:reports:equalities-download", args=["csv"]), query)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    sen_support = next(
        row for row in rows if row[1] == "Special educational needs provision" and row[2] == "SEN support"
    )
    assert sen_support[3] == "6"
    assert AuditEntry.objects.filter(event="export", target_id="equalities").count() == 1


@pytest.mark.django_db
def test_a_bad_period_is_explained_not_a_crash(sign_in, manager):
    response = sign_in(manager).get(reverse("web:reports:dashboard"), {**PERIOD, "until_2": "2025", "since_0": "40"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.django_db
def test_school_of_last_roll_and_area_count_each_child_once_at_their_latest(
    case_factory, child_factory, enrolment_factory, school_factory
):
    from cme.people.models import Address, Residence

    old, new = school_factory(name="Old Primary"), school_factory(name="New Academy")
    child = child_factory()
    enrolment_factory(child=child, school=old, start_date=datetime.date(2020, 9, 1))
    enrolment_factory(child=child, school=new, start_date=datetime.date(2024, 9, 1))
    for postcode, since in (("ZY1 1AA", datetime.date(2019, 1, 1)), ("ZY9 9ZZ", datetime.date(2025, 1, 1))):
        address = Address.objects.create(line1="1 Road", postcode=postcode)
        Residence.objects.create(address=address, child=child, valid_from=since)
    case_factory(child=child)
    case_factory(child=child, primary_reason=CmeReason.OTHER)  # a second open case: the child still counts once
    case_factory()  # a child with no school or address on record
    board = dashboard_build(since=datetime.date(2026, 1, 1), until=TODAY, today=TODAY)
    charts = {b.key: dict(zip(b.labels, b.counts, strict=True)) for b in board.breakdowns}
    assert charts["school"] == {"New Academy": 1, "No school on record": 1}
    assert charts["area"] == {"ZY9": 1, "Not known": 1}


@pytest.mark.django_db
def test_a_published_style_download_rounds_every_count_to_the_nearest_five(casework, sign_in, analyst):
    response = sign_in(analyst).get(
        reverse("web:reports:dashboard-download", args=["csv"]), {**PERIOD, "style": "published"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    counts = {(row[0], row[1]): row[2] for row in rows[1:]}
    assert counts[("Open cases by main reason", "Whereabouts unknown: all contact failed")] == "10"  # 12
    assert counts[("Open cases by main reason", "New to the area, no school place")] == "5"  # 3
    assert counts[("Open cases by main reason", "Other")] == "0"
    assert counts[("Days from referral to located", "Children located")] == "low"  # 1
    assert AuditEntry.objects.get(event="export").target_id == "dashboard_rounded"

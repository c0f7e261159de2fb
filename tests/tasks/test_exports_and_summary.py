"""Exports of the lists as CSV and XLSX (filtered as on screen, formulas neutralised, audited with every id) and the
printable case summary with its PDF (OFFICIAL-SENSITIVE top and bottom of each page, page numbers, no links)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cme.accounts.enums import Role
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CaseStatus, Outcome
from cme.cases.selectors import case_detail
from cme.common.access import EXPORT_IDS_PER_ENTRY
from cme.web.cases.summary import summary_document
from cme.web.exports import neutralise

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_that_a_spreadsheet_would_run_is_neutralised(value):
    assert neutralise(value) == "'" + value


def test_ordinary_values_pass_through():
    assert neutralise("Leon Barker") == "Leon Barker"
    assert neutralise(-2) == -2 and neutralise(None) == "" and neutralise(True) == "Yes"


@pytest.fixture
def officer(user_factory, team_factory):
    return user_factory(role=Role.CME_OFFICER, team=team_factory(name="North team"))


@pytest.fixture
def cases(officer, case_factory, child_factory):
    risky = [
        case_factory(officer=officer, child=child_factory(given_name=name, family_name="Smith")) for name in DANGEROUS
    ]
    closed = case_factory(
        officer=officer, status=CaseStatus.CLOSED, outcome=Outcome.ON_ROLL_THIS_LA, closed_on="2026-11-20"
    )
    return risky, closed


def _exports_since(sequence):
    return list(AuditEntry.objects.filter(event=AuditEvent.EXPORT, sequence__gt=sequence).order_by("sequence"))


def _last():
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def test_the_case_list_as_csv_is_filtered_as_on_screen_and_neutralised(officer, cases, sign_in):
    risky, closed = cases
    client = sign_in(officer)
    before = _last()

    response = client.get("/cases/export.csv")  # the page's default filter: open cases

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Case", "Child"]
    children = sorted(row[1] for row in rows[1:])
    assert children == sorted("'" + value + " Smith" for value in DANGEROUS)
    assert closed.reference not in response.content.decode()
    (entry,) = _exports_since(before)
    assert entry.payload_data["rows"] == len(risky) and sorted(entry.payload_data["ids"]) == sorted(c.pk for c in risky)

    closed_only = client.get("/cases/export.csv", {"status": "closed"})
    assert [row[0] for row in csv.reader(io.StringIO(closed_only.content.decode("utf-8-sig")))][1:] == [
        closed.reference
    ]


def test_the_case_list_as_xlsx_holds_text_never_formulas(officer, cases, sign_in):
    response = sign_in(officer).get("/cases/export.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(DANGEROUS)
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in cells)


def test_an_unknown_format_is_not_found(officer, sign_in):
    assert sign_in(officer).get("/cases/export.pdf").status_code == 404


def test_a_large_export_is_audited_in_parts_with_every_id(officer, case_factory, sign_in):
    made = [case_factory(officer=officer) for _ in range(EXPORT_IDS_PER_ENTRY + 5)]
    before = _last()

    sign_in(officer).get("/cases/export.csv")

    entries = _exports_since(before)
    assert [e.payload_data["part"] for e in entries] == [1, 2] and entries[0].payload_data["parts"] == 2
    assert sorted(i for e in entries for i in e.payload_data["ids"]) == sorted(c.pk for c in made)


def test_the_returns_inbox_and_at_risk_exports_follow_their_pages_filters(officer, roll_return_factory, sign_in):
    deletion = roll_return_factory(family_name="=cmd")
    timetable = roll_return_factory(timetable_started=True)
    client = sign_in(officer)

    inbox = client.get("/returns/inbox/export.csv", {"kind": "deletion"}).content.decode("utf-8-sig")
    at_risk = client.get("/returns/at-risk/export.csv", {"reason": "part_time_timetable"}).content.decode("utf-8-sig")

    assert "'=cmd" not in inbox  # the name cell starts with the given name, so it is not a formula
    inbox_ids = [row[0] for row in csv.reader(io.StringIO(inbox))][1:]
    assert inbox_ids == [str(deletion.pk)]
    assert [row[0] for row in csv.reader(io.StringIO(at_risk))][1:] == [str(timetable.pk)]


def test_the_referrals_export_names_the_status_filter(officer, referral_factory, sign_in):
    referral = referral_factory()
    text = sign_in(officer).get("/referrals/export.csv").content.decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == [str(referral.pk)]


# ---------------------------------------------------------------------------------------------------------------
# The printable case summary


@pytest.fixture
def long_case(officer, case_factory, note_factory, enquiry_factory):
    case = case_factory(officer=officer)
    enquiry_factory(case=case)
    for number in range(60):
        note_factory(case=case, text=f"Visit {number}: no answer at the door; left a calling card for the family.")
    return case


def _texts(box):
    if getattr(box, "text", None):
        yield box.text
    for child in getattr(box, "children", ()):
        yield from _texts(child)


def test_the_pdf_marks_every_page_top_and_bottom_and_numbers_it(long_case, officer):
    document = summary_document(case_detail(case_id=long_case.pk, user=officer), officer)

    pages = document.pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        text = " ".join(_texts(page._page_box))
        assert text.count("OFFICIAL-SENSITIVE") == 2, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
    assert long_case.reference in " ".join(_texts(pages[0]._page_box))


def test_the_pdf_download_is_an_audited_read_of_the_case(long_case, officer, sign_in):
    before = _last()
    response = sign_in(officer).get(reverse("web:cases:summary-pdf", args=[long_case.pk]))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="case-summary-{long_case.reference}.pdf"'
    reads = AuditEntry.objects.filter(sequence__gt=before, event=AuditEvent.CASE_VIEWED, target_id=str(long_case.pk))
    assert reads.exists()


def test_the_print_page_has_the_marking_at_top_and_bottom_and_a_print_stylesheet(long_case, officer, sign_in):
    html = sign_in(officer).get(reverse("web:cases:summary", args=[long_case.pk])).content.decode()

    main = html[html.index('id="main-content"') :]
    assert main.count("OFFICIAL-SENSITIVE") >= 2
    assert (
        main.index("cme-protective-marking--top")
        < main.index("Case summary")
        < main.index("cme-protective-marking--bottom")
    )
    summary = main[main.index('class="cme-case-summary"') : main.index("cme-protective-marking--bottom")]
    assert "<a " not in summary, "no links in the summary itself"


def test_the_print_stylesheet_hides_navigation_and_links_and_numbers_pages():
    from pathlib import Path

    scss = (Path(__file__).resolve().parents[2] / "cme/web/assets/scss/application.scss").read_text()
    printing = scss[scss.index("@media print") :]
    for rule in (".govuk-service-navigation", ".govuk-template__header", ".govuk-footer", "a[href]::after"):
        assert rule in printing
    assert 'content: "OFFICIAL-SENSITIVE"' in printing and "counter(pages)" in printing

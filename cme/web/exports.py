"""Exports of the lists officers work from (cases, children at risk, referrals, the returns inbox) as CSV and XLSX.

Each export is the list as the page shows it: the same view's own filters, so a filter added to a page reaches its
export with no second copy (`rows_from_request` asks the page for its rows). Every text cell that a spreadsheet
would read as a formula (starting =, +, -, @, a tab or a carriage return) is neutralised with a leading apostrophe,
and each download is audited with its row count and every id (cme.common.access.audit_export).
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views import View

from cme.common.access import audit_export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value):
    """A cell value safe to open in a spreadsheet: text that would start a formula gets a leading apostrophe.

    Numbers and dates pass through as themselves; None becomes an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, date, datetime)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable


def csv_bytes(columns: Sequence[Column], rows: Iterable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.header for column in columns])
    for row in rows:
        cells = [neutralise(column.value(row)) for column in columns]
        writer.writerow([cell.isoformat() if isinstance(cell, (date, datetime)) else cell for cell in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM, so Excel reads the names' accents right


def xlsx_bytes(columns: Sequence[Column], rows: Iterable, *, title: str) -> bytes:
    """An XLSX workbook of one sheet. openpyxl reads a text cell as a formula only when it starts with "=", which
    `neutralise` never lets through, so plain values are written (quicker than a cell object each)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([column.header for column in columns])
    for row in rows:
        sheet.append([neutralise(column.value(row)) for column in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class ListExportView(View):
    """GET `<list>/export.<csv|xlsx>`: the list as the page shows it, as a file. Subclasses name the page's view
    (`list_view`) or override `rows_from_request`, and give the columns, the audited record type and a file name."""

    list_view: type | None = None
    columns: Sequence[Column] = ()
    # When set, the page's queryset is read as dicts of just these fields (no model objects: a 10,000-row export
    # stays quick), and each column's `value` takes that dict. "pk" is always read.
    fields: Sequence[str] = ()
    listed_type = ""
    file_stem = ""
    sheet_title = ""

    def rows_from_request(self, request) -> list:
        """The page's own rows for these query parameters, every page of them (what the page filters, this does)."""
        view = self.list_view()
        view.setup(request)
        rows = view.get_queryset()
        if self.fields and hasattr(rows, "values"):
            return list(rows.values("pk", *self.fields))
        return list(rows)

    def listed_id(self, row) -> int:
        return row["pk"] if isinstance(row, dict) else row.pk

    def get(self, request, file_format: str):
        if file_format not in FORMATS:
            raise Http404("Exports are CSV or XLSX.")
        rows = self.rows_from_request(request)
        if file_format == "csv":
            content = csv_bytes(self.columns, rows)
        else:
            content = xlsx_bytes(self.columns, rows, title=self.sheet_title or self.file_stem)
        match = request.resolver_match
        audit_export(
            user=request.user,
            target_type=self.listed_type,
            route=match.view_name if match else "",
            file_format=file_format,
            ids=[self.listed_id(row) for row in rows],
            criteria=request.GET.dict(),
        )
        response = HttpResponse(content, content_type=FORMATS[file_format])
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="{self.file_stem}-{stamp}.{file_format}"'
        response["Cache-Control"] = "no-store"
        return response


def export_links(request, url_name: str) -> dict[str, str]:
    """The CSV and XLSX links for a list page, carrying the page's filters (not its page number)."""
    from django.urls import reverse

    params = request.GET.copy()
    params.pop("page", None)
    query = f"?{params.urlencode()}" if params else ""
    return {fmt: reverse(url_name, kwargs={"file_format": fmt}) + query for fmt in FORMATS}

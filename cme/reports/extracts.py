"""Pseudonymised extracts for approved studies: no names, contact details or free text; identifiers replaced by a
keyed hash (HMAC-SHA256) whose key the data protection officer holds; date of birth to year and month; postcode to
its district. Written as Parquet and CSV, with a data dictionary.

The key is `CME_PSEUDONYM_KEY` (or the file named by `CME_PSEUDONYM_KEY_FILE`), at least 32 characters. Without it
no extract is written. The same key gives the same pseudonyms, so two extracts for one study link up; a new key
for each study stops studies linking theirs. Nobody without the key can turn a pseudonym back into a record.
"""

import csv
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import OuterRef, Subquery

from cme.cases.enums import CaseStatus, CmeReason, Outcome, ReferralSource, RiskLevel
from cme.cases.models import Case, Referral
from cme.common.errors import ApplicationError
from cme.people.models import Child, Residence

from . import groups
from .dfe import dfe_reason

MINIMUM_KEY_LENGTH = 32
ERROR_NO_KEY = (
    "No pseudonym key is set, so no extract can be written. The data protection officer sets CME_PSEUDONYM_KEY "
    "(or CME_PSEUDONYM_KEY_FILE) to a secret of at least 32 characters."
)
ERROR_SHORT_KEY = "The pseudonym key is too short: it must be at least 32 characters."


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str


CHILD_COLUMNS = [
    Column("child_pseudonym", pa.string(), "The child, as a keyed hash: the same child has the same pseudonym"),
    Column("birth_month", pa.string(), "Year and month of birth (YYYY-MM); the day is left out"),
    Column("sex", pa.string(), "Female, Male or Not known"),
    Column("ethnic_group", pa.string(), "CBDS main ethnic group (extended codes rolled up)"),
    Column("sen_provision", pa.string(), "Special educational needs provision"),
    Column("year_group", pa.string(), "National curriculum year for the child's age on the extract date"),
    Column("postcode_district", pa.string(), "Outward code of the current address's postcode (e.g. ZY1)"),
    Column("cases", pa.int32(), "How many CME cases the child has had"),
]
CASE_COLUMNS = [
    Column("case_pseudonym", pa.string(), "The case, as a keyed hash"),
    Column("child_pseudonym", pa.string(), "The child the case is about (joins to children.child_pseudonym)"),
    Column("opened_month", pa.string(), "Year and month the case was opened (YYYY-MM)"),
    Column("became_cme_month", pa.string(), "Year and month the child became missing education (YYYY-MM)"),
    Column("closed_month", pa.string(), "Year and month the case was closed (YYYY-MM); empty while open"),
    Column("days_missing", pa.int32(), "Days from becoming missing education to closing, or to the extract date"),
    Column("main_reason", pa.string(), "The case's main reason"),
    Column("dfe_reason", pa.string(), "The DfE's primary reason category for the main reason"),
    Column("status", pa.string(), "Open, Making enquiries, Child located or Closed"),
    Column("risk_level", pa.string(), "Risk level"),
    Column("outcome", pa.string(), "How the case ended; empty while open"),
    Column("referral_source", pa.string(), "Who made the first referral"),
]
TABLES = {"children": CHILD_COLUMNS, "cases": CASE_COLUMNS}


def pseudonym_key() -> bytes:
    """The DPO's key, from the setting or its file; ApplicationError if there is none or it is too short."""
    key = settings.CME_PSEUDONYM_KEY
    if not key and settings.CME_PSEUDONYM_KEY_FILE:
        try:
            key = Path(settings.CME_PSEUDONYM_KEY_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            raise ApplicationError(ERROR_NO_KEY) from None
    if not key:
        raise ApplicationError(ERROR_NO_KEY)
    if len(key) < MINIMUM_KEY_LENGTH:
        raise ApplicationError(ERROR_SHORT_KEY)
    return key.encode("utf-8")


def key_fingerprint(key: bytes) -> str:
    """Names the key in the register without revealing it."""
    return hashlib.sha256(b"cme pseudonym key id\x00" + key).hexdigest()[:8]


class Pseudonymiser:
    def __init__(self, key: bytes) -> None:
        self._mac = hmac.new(key, digestmod=hashlib.sha256)

    def __call__(self, kind: str, identifier: int) -> str:
        mac = self._mac.copy()
        mac.update(f"{kind}:{identifier}".encode())
        return mac.hexdigest()[:24]


def _month(day: date | None) -> str:
    return f"{day:%Y-%m}" if day else ""


def extract_tables(*, on: date, key: bytes) -> dict[str, pa.Table]:
    """The two tables of an extract of the whole database on `on`."""
    pseudonym = Pseudonymiser(key)
    home = Residence.objects.filter(child=OuterRef("pk"), valid_to__isnull=True).order_by("-valid_from", "-pk")
    case_counts: dict[int, int] = {}
    for child_id in Case.objects.values_list("child_id", flat=True).iterator(chunk_size=10_000):
        case_counts[child_id] = case_counts.get(child_id, 0) + 1
    children: dict[str, list] = {column.name: [] for column in CHILD_COLUMNS}
    rows = (
        Child.objects.annotate(postcode=Subquery(home.values("address__postcode")[:1]))
        .order_by("pk")
        .values_list("pk", "date_of_birth", "sex", "ethnicity", "sen_provision", "postcode")
        .iterator(chunk_size=10_000)
    )
    for pk, date_of_birth, sex, ethnicity, sen, postcode in rows:
        children["child_pseudonym"].append(pseudonym("child", pk))
        children["birth_month"].append(_month(date_of_birth))
        children["sex"].append(groups.sex_group(sex))
        children["ethnic_group"].append(groups.ethnic_group(ethnicity))
        children["sen_provision"].append(groups.sen_group(sen))
        children["year_group"].append(groups.year_group(date_of_birth, on))
        children["postcode_district"].append(groups.postcode_district(postcode))
        children["cases"].append(case_counts.get(pk, 0))

    labels = {
        "main_reason": dict(CmeReason.choices),
        "status": dict(CaseStatus.choices),
        "risk_level": dict(RiskLevel.choices),
        "outcome": dict(Outcome.choices),
        "referral_source": dict(ReferralSource.choices),
    }
    first_source = Referral.objects.filter(case=OuterRef("pk")).order_by("received_on", "pk").values("source")[:1]
    cases: dict[str, list] = {column.name: [] for column in CASE_COLUMNS}
    rows = (
        Case.objects.annotate(source=Subquery(first_source))
        .order_by("pk")
        .values_list(
            "pk",
            "child_id",
            "opened_on",
            "became_cme_on",
            "closed_on",
            "primary_reason",
            "status",
            "risk_level",
            "outcome",
            "source",
        )
        .iterator(chunk_size=10_000)
    )
    for pk, child_id, opened_on, became_cme_on, closed_on, reason, status, risk, outcome, source in rows:
        cases["case_pseudonym"].append(pseudonym("case", pk))
        cases["child_pseudonym"].append(pseudonym("child", child_id))
        cases["opened_month"].append(_month(opened_on))
        cases["became_cme_month"].append(_month(became_cme_on))
        cases["closed_month"].append(_month(closed_on))
        cases["days_missing"].append(max(0, ((closed_on or on) - became_cme_on).days) if became_cme_on else None)
        cases["main_reason"].append(labels["main_reason"].get(reason, ""))
        cases["dfe_reason"].append(dfe_reason(reason) or "Not missing education (at risk)")
        cases["status"].append(labels["status"].get(status, ""))
        cases["risk_level"].append(labels["risk_level"].get(risk, ""))
        cases["outcome"].append(labels["outcome"].get(outcome, ""))
        cases["referral_source"].append(labels["referral_source"].get(source, ""))
    return {
        "children": pa.table(children, schema=pa.schema([(c.name, c.type) for c in CHILD_COLUMNS])),
        "cases": pa.table(cases, schema=pa.schema([(c.name, c.type) for c in CASE_COLUMNS])),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract_write(tables: dict[str, pa.Table], directory: Path) -> dict[str, str]:
    """Write each table as Parquet and CSV, and the data dictionary; return {file name: SHA-256}."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        pq.write_table(table, directory / f"{name}.parquet", compression="zstd")
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.column_names)
            columns = [table.column(column).to_pylist() for column in table.column_names]
            writer.writerows(zip(*columns, strict=True))
        written += [f"{name}.parquet", f"{name}.csv"]
    with (directory / "data-dictionary.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["table", "column", "type", "description"])
        for name, columns in TABLES.items():
            writer.writerows([name, column.name, str(column.type), column.description] for column in columns)
    written.append("data-dictionary.csv")
    return {name: _sha256(directory / name) for name in written}

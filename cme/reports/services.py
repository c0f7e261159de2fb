"""Writes for reports: the audit entry of every download of figures, and pseudonymised extracts (each a disclosure)."""

import shutil
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cme.accounts.enums import Role
from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.people.models import Child
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.services import disclosure_record

from .extracts import extract_tables, extract_write, key_fingerprint, pseudonym_key
from .models import StudyExtract

REPORT_TYPE = "reports.report"  # the audit target type of a download of figures; its id names the report

ERROR_STUDY = "Enter the study's name"
ERROR_RECIPIENT = "Enter who receives the extract"
ERROR_PURPOSE = "Enter what the study is for"
ERROR_APPROVER = "The extract must be approved by the data protection officer"
EXTRACT_CATEGORIES = [
    DataCategory.IDENTITY,
    DataCategory.CONTACT,
    DataCategory.EDUCATION,
    DataCategory.ETHNICITY,
    DataCategory.SEN_DISABILITY,
    DataCategory.CASEWORK,
]


def report_export_record(*, actor, report: str, file_format: str, rows: int, controlled: bool = True) -> None:
    """Record a download of figures in the audit trail, as an export, with its row count."""
    audit_record(
        actor=actor,
        event=AuditEvent.EXPORT,
        target_type=REPORT_TYPE,
        target_id=report,
        payload={"format": file_format, "rows": rows, "disclosure_controlled": controlled},
    )


def study_extract_create(
    *,
    actor,
    approved_by,
    study: str,
    recipient: str,
    purpose: str,
    directory: Path | None = None,
    on: date | None = None,
) -> StudyExtract:
    """Write a pseudonymised extract of the whole database for an approved study, and record it as a disclosure
    (to `recipient`, for analysis, naming the approver and the study's purpose) and as an export in the audit trail.

    Refused without the DPO's pseudonym key, or unless `approved_by` is an active data protection officer."""
    study, recipient, purpose = study.strip(), recipient.strip(), purpose.strip()
    for value, message, field in (
        (study, ERROR_STUDY, "study"),
        (recipient, ERROR_RECIPIENT, "recipient"),
        (purpose, ERROR_PURPOSE, "purpose"),
    ):
        if not value:
            raise ApplicationError(message, field=field)
    if approved_by is None or not approved_by.is_active or approved_by.role != Role.DPO:
        raise ApplicationError(ERROR_APPROVER, field="approved_by")
    key = pseudonym_key()
    on = on or timezone.localdate()
    started = time.perf_counter()
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    directory = Path(directory) if directory else Path(settings.CME_EXTRACT_ROOT) / f"extract-{stamp}"
    if directory.exists() and any(directory.iterdir()):
        raise ApplicationError(f"The folder {directory} is not empty: choose a new one", field="output")
    tables = extract_tables(on=on, key=key)
    try:
        files = extract_write(tables, directory)
        with transaction.atomic():
            extract = StudyExtract.objects.create(
                study=study,
                recipient=recipient,
                purpose=purpose,
                approved_by=approved_by,
                created_by=actor,
                directory=str(directory),
                children=tables["children"].num_rows,
                cases=tables["cases"].num_rows,
                files=files,
                key_id=key_fingerprint(key),
                seconds=time.perf_counter() - started,
            )
            disclosure_record(
                actor=actor,
                direction=Direction.SHARED_OUT,
                organisation=recipient[:200],
                data_categories=EXTRACT_CATEGORIES,
                purpose=Purpose.ANALYTICS,
                lawful_basis=LawfulBasis.PUBLIC_TASK,
                # Pseudonymised, but about every child in it: subject access finds the extract from each child.
                subjects=Child.objects.only("pk").order_by("pk").iterator(chunk_size=5000),
                cause=extract,
                description=(
                    f"Pseudonymised extract {extract.pk} for the study \u201c{study}\u201d, approved by "
                    f"{approved_by.display_name}: {purpose}. {extract.children:,} children, {extract.cases:,} cases."
                ),
            )
            audit_record(
                actor=actor,
                event=AuditEvent.EXPORT,
                target=extract,
                payload={"children": extract.children, "cases": extract.cases, "approved_by": approved_by.pk},
            )
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return extract


def extract_download_record(*, actor, extract: StudyExtract, file_name: str) -> None:
    """Record that `actor` downloaded one file of an approved extract."""
    rows = extract.cases if file_name.startswith("cases") else extract.children
    audit_record(
        actor=actor,
        event=AuditEvent.EXPORT,
        target=extract,
        payload={"file": file_name.replace(".", "_"), "rows": rows},
    )

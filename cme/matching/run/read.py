"""Reading what a run matches: the latest extract of every active source, and everyone currently on a roll."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Max, Q

from cme.people.models import Residence
from cme.schools.models import Enrolment, School

from ..enums import ImportState, SourceKind
from ..models import SourceImport
from ..models import SourceRecord as SourceRecordModel
from .rows import RollEntry, SourceRecord
from .thresholds import OLDEST_AGE, YOUNGEST_AGE


def latest_imports() -> list[SourceImport]:
    """The newest imported extract of each active source: each extract is a full snapshot, replacing the last."""
    finished = [ImportState.IMPORTED, ImportState.IMPORTED_WITH_REJECTIONS]
    latest = (
        SourceImport.objects.filter(source__is_active=True, state__in=finished)
        .values("source")
        .annotate(latest=Max("pk"))
        .values_list("latest", flat=True)
    )
    return list(SourceImport.objects.filter(pk__in=list(latest)).select_related("source").order_by("pk"))


_FIELDS = ("pk", "source_import_id", "kind", "line", "record_ref", "given_name", "middle_names", "known_as",
           "family_name", "date_of_birth", "sex", "address_line1", "address_line2", "town", "postcode", "uprn", "upn",
           "nhs_number", "school_urn", "valid_from", "valid_to")  # fmt: skip


def records_read(
    imports: list[SourceImport],
    *,
    kinds: Iterable[str],
    born_after: date | None = None,
    born_before: date | None = None,
) -> list[SourceRecord]:
    """Every record of `imports` of one of `kinds`, born in the window given (if any), in one query."""
    kinds = set(kinds)
    by_id = {i.pk: i for i in imports if i.source.kind in kinds}
    rows = SourceRecordModel.objects.filter(source_import_id__in=list(by_id))
    if born_after is not None:
        rows = rows.filter(date_of_birth__gte=born_after)
    if born_before is not None:
        rows = rows.filter(date_of_birth__lte=born_before)
    records = []
    for values in rows.values_list(*_FIELDS).iterator(chunk_size=10_000):
        (pk, import_id, kind, line, ref, given, middle, known_as, family, born, sex, line1, line2, town, postcode, uprn,
         upn, nhs_number, urn, valid_from, valid_to) = values  # fmt: skip
        source_import = by_id[import_id]
        records.append(
            SourceRecord(
                id=f"s{pk}",
                key=f"{source_import.source_id}:{ref}",
                kind=kind,
                line=line,
                source_import_id=import_id,
                source_name=source_import.source.name,
                received_on=source_import.received_on,
                given_name=given,
                middle_names=middle,
                known_as=known_as,
                family_name=family,
                born=born,
                sex=sex,
                address=", ".join(p for p in (line1, line2, town) if p),
                address_line1=line1,
                address_line2=line2,
                town=town,
                postcode=postcode,
                uprn=uprn,
                upn=upn,
                nhs_number=nhs_number,
                school_urn=urn,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    return records


def school_age_window(on: date) -> tuple[date, date]:
    """The dates of birth of people about compulsory school age on `on` (YOUNGEST_AGE to OLDEST_AGE, a day either
    side): the run reads only these; `of_school_age_window` decides exactly."""
    return date(on.year - OLDEST_AGE - 1, 1, 1), date(on.year - YOUNGEST_AGE + 1, 12, 31)


def of_school_age_window(record: SourceRecord, on: date) -> bool:
    return record.born is not None and YOUNGEST_AGE <= (on - record.born).days / 365.25 <= OLDEST_AGE


def residents_read(imports: list[SourceImport], *, kinds: Iterable[str], on: date) -> list[SourceRecord]:
    """The records of people of about school age in the resident sources."""
    born_after, born_before = school_age_window(on)
    records = records_read(imports, kinds=kinds, born_after=born_after, born_before=born_before)
    return [record for record in records if of_school_age_window(record, on)]


def roll_entries(imports: list[SourceImport], *, on: date, in_use: list | None = None) -> list[RollEntry]:
    """Everyone currently on a roll: children with a current enrolment in cme, and pupils on roll extracts.

    Roll extracts are per school: each school's latest roll (`school_rolls_in_use`, or `in_use` when the caller has
    read it), so one school's roll never replaces another's. (`imports` is not read: the rolls in use are.)"""
    from ..selectors import school_rolls_in_use

    if in_use is None:
        in_use = school_rolls_in_use(on=on)
    urns_of = defaultdict(set)
    for roll in in_use:
        urns_of[roll.source_import.pk].add(roll.school_urn)
    roll_imports = list({roll.source_import.pk: roll.source_import for roll in in_use}.values())
    names = dict(School.objects.values_list("urn", "name"))
    entries = [
        RollEntry(
            id=r.id, given_name=r.given_name, middle_names=r.middle_names, known_as=r.known_as,
            family_name=r.family_name, born=r.born, sex=r.sex, address=r.address, postcode=r.postcode, uprn=r.uprn,
            upn=r.upn, nhs_number=r.nhs_number, school=names.get(r.school_urn, f"URN {r.school_urn}"),
            school_urn=r.school_urn, valid_from=r.valid_from,
        )
        for r in records_read(roll_imports, kinds={SourceKind.SCHOOL_ROLL})
        if r.school_urn in urns_of[r.source_import_id] and r.is_current(on)
    ]  # fmt: skip
    current = Enrolment.objects.filter(Q(leave_date__isnull=True) | Q(leave_date__gte=on), start_date__lte=on)
    enrolments = current.order_by("child_id", "-start_date").values_list(*_ENROLMENT_FIELDS)
    addresses = _current_addresses(on)
    seen = set()
    for (child_id, given, middle, preferred, family, born, sex, upn, nhs_number, school, urn,
         start) in enrolments.iterator(chunk_size=5000):  # fmt: skip
        if child_id in seen:
            continue
        seen.add(child_id)
        line_text, postcode, uprn = addresses.get(child_id, ("", "", ""))
        entries.append(
            RollEntry(
                id=f"c{child_id}",
                child_id=child_id,
                given_name=given or "",
                middle_names=middle or "",
                known_as=preferred or "",
                family_name=family or "",
                born=born,
                sex=sex if sex != "U" else "",
                address=line_text,
                postcode=postcode,
                uprn=uprn,
                upn=upn or "",
                nhs_number=nhs_number or "",
                school=school,
                school_urn=urn,
                valid_from=start,
            )
        )
    return entries


_ENROLMENT_FIELDS = ("child_id", "child__given_name", "child__middle_names", "child__preferred_name",
                     "child__family_name", "child__date_of_birth", "child__sex", "child__upn", "child__nhs_number",
                     "school__name", "school__urn", "start_date")  # fmt: skip


def _current_addresses(on: date) -> dict[int, tuple[str, str, str]]:
    """Each child's current address in cme: its lines and town joined, postcode and UPRN."""
    rows = (
        Residence.objects.filter(child__isnull=False)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .values_list(
            "child_id", "address__line1", "address__line2", "address__town", "address__postcode", "address__uprn"
        )
    )
    return {
        child_id: (", ".join(p for p in (line1, line2, town) if p), postcode, uprn)
        for child_id, line1, line2, town, postcode, uprn in rows.iterator(chunk_size=10_000)
    }

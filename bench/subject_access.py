"""Subject access benchmark: the draft pack for a child with 500 notes, 50 documents and 5,000 audit entries.

    .venv/bin/python bench/subject_access.py --runs 5
    .venv/bin/python bench/subject_access.py --notes 50 --documents 5 --audit 500 --runs 1   # a quick check

Runs on PostgreSQL (127.0.0.1:5432, user postgres) in a database of its own, `cme_bench_sar`, made once per
invocation. The child has two carers (one asking), a brother, three referrals (a member of the public, an anonymous
one and a school), 20 enquiries with agency contacts, `--notes` file notes (every fifth naming the other carer, the
brother, a telephone number or an email address), `--documents` uploaded files (about 20 KB each) and `--audit`
audit entries about the child (half with an erasable detail naming a reason). Another 50 children with their own
casework sit beside it, so the queries have to choose.

Each run times what `cme rights pack --child ID --output DIR` does: `pack_create` (gather from the catalogue, find the
redactions, store the pack and its redactions) then `pack_write` (apply them, write pack.json, the WeasyPrint
pack.pdf marked DRAFT, and copy the documents). The baseline, measured in the same run, reads the same rows without
the pack: the child's notes, audit entries with details, and document files, through the ORM. Target: under 30 s.
The machine's load average and cme's own CPU time (`time.process_time()`, PostgreSQL's work not included) are printed
beside the wall time: on a shared machine the CPU time says what the wall time would be on a quiet one.

A benchmark, not a test: nothing here asserts. Synthetic data only; no real person's data.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "cme_bench_sar"


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")


def setup_django(documents: Path) -> None:
    os.environ["DEBUG"] = "1"
    os.environ.pop("CME_DEMO", None)
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ["CME_VAR_DIR"] = tempfile.mkdtemp(prefix="cme-bench-sar-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.CME_DOCUMENT_ROOT = documents


def migrate() -> None:
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    call_command("migrate", verbosity=0)


def fill(*, notes: int, documents: int, audit: int) -> int:
    """The child and everything about it; returns the child's id."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from cme.accounts.enums import Role
    from cme.accounts.models import User
    from cme.audit.events import AuditEvent
    from cme.audit.services import audit_record
    from cme.cases.enums import CaseStatus, CmeReason, DocumentKind, EnquiryAgency, ReferralSource
    from cme.cases.models import Case, Enquiry, Note, Referral
    from cme.cases.services import document_upload
    from cme.people.models import Carer, CarerRelationship, Child, ContactPoint

    officer = User.objects.create_user(username="bench-officer", role=Role.CME_OFFICER, first_name="Ola", last_name="B")
    born = datetime.date(2014, 5, 2)

    def child_with_case(given: str, family: str, upn: str) -> tuple[Child, Case]:
        child = Child.objects.create(given_name=given, family_name=family, date_of_birth=born, upn=upn, sex="F")
        case = Case.objects.create(
            child=child,
            status=CaseStatus.OPEN,
            officer=officer,
            opened_by=officer,
            primary_reason=CmeReason.WHEREABOUTS_UNKNOWN,
            became_cme_on=datetime.date(2026, 9, 1),
            opened_on=datetime.date(2026, 9, 2),
        )
        return child, case

    child, case = child_with_case("Amelia", "Quenby", "H801200001001")
    brother, _ = child_with_case("Tobias", "Quenby", "A123456789012")
    mother = Carer.objects.create(given_name="Rhiannon", family_name="Quenby")
    father = Carer.objects.create(given_name="Gethin", family_name="Marlowe")
    for carer, kind in ((mother, "mother"), (father, "father")):
        CarerRelationship.objects.create(carer=carer, child=child, kind=kind)
    CarerRelationship.objects.create(carer=father, child=brother, kind="father")
    ContactPoint.objects.create(carer=mother, kind="phone", value="+447700900222")
    ContactPoint.objects.create(carer=father, kind="phone", value="+447700900333")
    for number in range(50):  # other children, with casework of their own
        _other, other_case = child_with_case(f"Other{number}", "Child", "")
        Note.objects.bulk_create([Note(case=other_case, author=officer, text="Not this child.") for _ in range(20)])

    Referral.objects.create(child=child, case=case, source=ReferralSource.PUBLIC, received_on=born.replace(year=2026),
                            concerns="Neighbour saw the family leave.", referrer_name="Dorothy Fenwick",
                            referrer_phone="07700900444", recorded_by=officer)  # fmt: skip
    Referral.objects.create(child=child, case=case, source=ReferralSource.PUBLIC, is_anonymous=True,
                            received_on=born.replace(year=2026), concerns="Not seen.", recorded_by=officer)  # fmt: skip
    Referral.objects.create(child=child, case=case, source=ReferralSource.SCHOOL, received_on=born.replace(year=2026),
                            concerns="Off roll.", referrer_name="Petra Lowe", referrer_role="Attendance lead",
                            recorded_by=officer)  # fmt: skip
    Enquiry.objects.bulk_create(
        [
            Enquiry(
                case=case,
                agency=EnquiryAgency.HOUSING,
                contact_name=f"Ivor Stanton{n}",
                contact_details="0161 496 0000",
                requested_on=datetime.date(2026, 9, 3),
                findings="No trace at the address; Gethin Marlowe known to housing.",
                recorded_by=officer,
            )
            for n in range(20)
        ]
    )
    texts = [
        "Home visit: no answer. Neighbour says the family left in October.",
        "Spoke to Rhiannon on 07700 900222; she says Amelia is staying with family.",
        "Gethin Marlowe rang from 07700 900333 and wrote from gethin@example.org.",
        "Tobias (UPN A123456789012) also off roll; NHS 943 476 5919 given by the GP.",
        "Letter sent to the last known address; no reply yet.",
    ]
    Note.objects.bulk_create([Note(case=case, author=officer, text=texts[n % len(texts)] * 3) for n in range(notes)])
    content = b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n"
    for number in range(documents):
        document_upload(case=case, actor=officer, kind=DocumentKind.LETTER, title=f"Letter {number}",
                        uploaded_file=SimpleUploadedFile(f"letter-{number}.pdf", content))  # fmt: skip
    for number in range(audit):
        detail = {"reason": "Checking the address Rhiannon gave"} if number % 2 else None
        audit_record(actor=officer, event=AuditEvent.CHILD_VIEWED, target=child, detail=detail,
                     purpose="locate" if number % 2 else "")  # fmt: skip
    return child.pk


def baseline(child_id: int) -> None:
    """Reading the same rows without making a pack: notes, audit entries with details, document files."""
    from cme.audit.models import AuditEntry
    from cme.cases.models import Document, Note

    list(Note.objects.filter(case__child_id=child_id).values())
    list(AuditEntry.objects.filter(subject_child_id=child_id).select_related("detail"))
    for document in Document.objects.filter(case__child_id=child_id):
        with document.file.open("rb") as handle:
            handle.read()


def run(args) -> None:
    from django.db import connection

    from cme.privacy.models import SubjectAccessPack
    from cme.privacy.sar.services import pack_create, pack_write

    began = time.perf_counter()
    child_id = fill(notes=args.notes, documents=args.documents, audit=args.audit)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled in {time.perf_counter() - began:.1f} s: {args.notes} notes, {args.documents} documents, "
          f"{args.audit} audit entries", flush=True)  # fmt: skip
    from cme.people.models import Carer

    mother = Carer.objects.get(given_name="Rhiannon")
    results, baselines, cpus = [], [], []
    for number in range(1, args.runs + 1):
        began = time.perf_counter()
        baseline(child_id)
        base = time.perf_counter() - began
        load = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as out:
            began, cpu_began = time.perf_counter(), time.process_time()
            pack = pack_create(child=child_id, requester_name="Rhiannon Quenby", requester_carer=mother, actor=None)
            made = time.perf_counter() - began
            files = pack_write(pack, Path(out))
            elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
            size = sum(path.stat().st_size for path in files)
        records = sum(len(section["items"]) for section in pack.content["sections"])
        print(f"run {number}: draft pack {pack.pk} ready in {elapsed:.1f} s (gathered and redacted in {made:.1f} s, "
              f"written in {elapsed - made:.1f} s): {records:,} records, {pack.redactions.count():,} redactions, "
              f"{len(files)} files, {size / 1e6:.1f} MB; cme's own CPU time {cpu:.1f} s; load average {load:.1f}; "
              f"baseline {base:.2f} s; ratio {elapsed / base:.0f}", flush=True)  # fmt: skip
        cpus.append(cpu)
        results.append(elapsed)
        baselines.append(base)
    print(f"median of {len(results)}: {statistics.median(results):.1f} s (min {min(results):.1f}, max "
          f"{max(results):.1f}); CPU time median {statistics.median(cpus):.1f} s; "
          f"baseline median {statistics.median(baselines):.2f} s; "
          f"{SubjectAccessPack.objects.count()} packs made", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--audit", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    documents = Path(tempfile.mkdtemp(prefix="cme-bench-sar-documents-"))
    fresh_database()
    setup_django(documents)
    migrate()
    run(args)


if __name__ == "__main__":
    main()

"""The disclosure log names people: every disclosure is about one or more persons, writes its own audit entry, and
subject access finds it from the child once a person has matched a return or an extract's rows to them."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.matching.enums import SourceKind
from cme.matching.models import SourceRecord
from cme.matching.services import candidate_confirm, data_source_register, source_import_file
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.models import Disclosure, DisclosureSubject
from cme.privacy.selectors import disclosure_list_for_subject
from cme.privacy.services import ERROR_NO_SUBJECT, disclosure_record
from cme.schools.enums import ReturnChannel
from cme.schools.models import RollReturn
from cme.schools.returns.services import return_match_confirm, returns_import
from tests.schools.returns_files import make_csv, return_row

pytestmark = pytest.mark.django_db

LOGGED = {
    "direction": Direction.SHARED_OUT,
    "organisation": "Wyndley MASH",
    "data_categories": [DataCategory.IDENTITY],
    "purpose": Purpose.SAFEGUARDING,
    "lawful_basis": LawfulBasis.PUBLIC_TASK,
}


def test_a_disclosure_about_a_child_writes_its_own_audit_entry_about_the_child(officer, child_factory, case):
    child = child_factory()
    disclosure = disclosure_record(actor=officer, subject=child, cause=case, **LOGGED)
    entry = AuditEntry.objects.get(event=AuditEvent.DISCLOSURE_RECORDED)
    assert (entry.actor_id, entry.target_id, entry.subject_child_id) == (officer.pk, str(disclosure.pk), child.pk)
    assert (entry.related_type, entry.related_id) == ("cases.case", str(case.pk))
    assert list(disclosure_list_for_subject(subject=child)) == [disclosure]


def test_a_disclosure_about_several_people_names_each(officer, child_factory, carer_factory):
    child, carer = child_factory(), carer_factory()
    disclosure = disclosure_record(actor=officer, subjects=[child, carer, child], **LOGGED)
    assert disclosure.subjects.count() == 2  # each person once
    assert disclosure_list_for_subject(subject=carer).get() == disclosure
    assert AuditEntry.objects.get(event=AuditEvent.DISCLOSURE_RECORDED).payload_data["people"] == 2


def test_a_disclosure_about_a_record_that_is_not_a_person_or_about_nobody_is_refused(officer, case):
    with pytest.raises(ValueError, match=r"cases\.case is not a person's record"):
        disclosure_record(actor=officer, subject=case, **LOGGED)
    with pytest.raises(ValueError, match=ERROR_NO_SUBJECT):
        disclosure_record(actor=officer, subjects=[], **LOGGED)
    assert not Disclosure.objects.exists() and not AuditEntry.objects.filter(event="disclosure_recorded").exists()


def test_a_returns_receipt_names_the_pupil_and_then_the_child_it_is_matched_to(officer, school_factory, child_factory):
    school = school_factory(urn=100001, name="Riverside Primary School")
    with time_machine.travel(datetime(2026, 11, 29, 10, 0, tzinfo=UTC), tick=False):
        returns_import(
            content=make_csv([return_row(school_urn=school.urn)]), file_name="returns.csv", channel=ReturnChannel.CSV,
            actor=officer,
        )  # fmt: skip
    roll_return = RollReturn.objects.get()
    receipt = Disclosure.objects.get()
    assert [(s.subject_type.model, s.subject_id) for s in receipt.subjects.all()] == [("rollreturn", roll_return.pk)]
    child = child_factory()
    assert not disclosure_list_for_subject(subject=child).exists()

    return_match_confirm(roll_return=roll_return, child=child, actor=officer, rationale="Same UPN and address")

    assert disclosure_list_for_subject(subject=child).get() == receipt  # subject access now finds the receipt
    assert disclosure_list_for_subject(subject=roll_return).get() == receipt


def test_an_extracts_receipt_names_every_person_received_and_the_child_a_person_confirms(
    officer, manager, match_candidate_factory, child_factory, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    source = data_source_register(
        actor=manager, name="Council tax", kind=SourceKind.COUNCIL_TAX, supplier="Revenues and Benefits"
    )
    path = tmp_path / "extract.csv"
    path.write_text(
        "record_id,household_id,given_name,family_name,date_of_birth,sex,address_line1,postcode,from_date\n"
        "CT-1,ACC-9,Amara,Okafor,14/05/2016,F,12 Example Road,ZY1 2AB,01/09/2025\n"
        "CT-2,ACC-9,Chidi,Okafor,2012-02-03,M,12 Example Road,ZY1 2AB,01/09/2025\n",
        encoding="utf-8",
    )
    imported = source_import_file(actor=manager, source=source, path=path, received_on=date(2026, 10, 30))
    receipt = Disclosure.objects.get(pk=imported.disclosure_id)
    records = SourceRecord.objects.filter(source_import=imported)
    assert sorted(receipt.subjects.values_list("subject_id", flat=True)) == sorted(records.values_list("pk", flat=True))

    child = child_factory()
    candidate = match_candidate_factory(record_keys=[f"{source.pk}:CT-1"])
    candidate_confirm(candidate=candidate, actor=officer, rationale="On no roll", child=child)

    assert disclosure_list_for_subject(subject=child).get() == receipt
    assert disclosure_list_for_subject(subject=records.get(record_ref="CT-2")).get() == receipt
    assert receipt.subjects.count() == 3  # the two rows received, and the child one of them turned out to be


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_the_people_each_existing_disclosure_was_about(
    user_factory, child_factory, source_import_factory, roll_return_factory
):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    before = [("privacy", "0002_accesspurpose")]
    # The people and records are made with today's models first: going back to privacy 0002 also takes back the
    # migrations of other apps that came after it (a return's link to a case, say), which today's models expect.
    officer, child = user_factory(), child_factory()
    extract = source_import_factory()
    rows = [SourceRecord.objects.create(source_import=extract, kind="council_tax", line=n, record_ref=f"R{n}")
            for n in (2, 3)]  # fmt: skip
    matched = roll_return_factory(child=child)
    try:
        old = migrate(before).loader.project_state(before).apps
        OldDisclosure, OldContentType = (
            old.get_model("privacy", "Disclosure"),
            old.get_model("contenttypes", "ContentType"),
        )

        def logged(subject):
            kind = OldContentType.objects.get_or_create(
                app_label=subject._meta.app_label, model=subject._meta.model_name
            )[0]
            return OldDisclosure.objects.create(
                direction="in", organisation="Somewhere", data_categories=["identity"], purpose="identify_cme",
                lawful_basis="legal_obligation", recorded_by_id=officer.pk, subject_type=kind, subject_id=subject.pk,
            ).pk  # fmt: skip

        about_child, about_extract, about_return = logged(child), logged(extract), logged(matched)

        migrate(leaves)
        ContentType.objects.clear_cache()

        def named(pk):
            return {(s.subject_type.model, s.subject_id) for s in DisclosureSubject.objects.filter(disclosure_id=pk)}

        assert named(about_child) == {("child", child.pk)}
        assert named(about_extract) == {("sourcerecord", row.pk) for row in rows}  # the people, not the file
        assert named(about_return) == {("rollreturn", matched.pk), ("child", child.pk)}

        back = migrate(before).loader.project_state(before).apps  # reversible: each keeps its first subject
        assert back.get_model("privacy", "Disclosure").objects.get(pk=about_child).subject_id == child.pk
    finally:
        migrate(leaves)

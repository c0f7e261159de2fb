"""Every correction keeps its history: the old value, the new, who, when and why, sealed at rest, masked for roles
not cleared for special-category values, written in the same transaction as the change and its audit entry."""

import datetime
import json

import pytest
import time_machine
from django.db import connection

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.services import case_details_correct
from cme.common.errors import ApplicationError
from cme.common.writes import VersionConflictError
from cme.people.history import REASON_REQUIRED_ERROR, WITHHELD, case_history, child_history, history_rows
from cme.people.models import FieldChange
from cme.people.services import carer_link_change, carer_update, child_update, enrolment_correct
from tests.factories.people import CarerRelationshipFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture
def child(child_factory):
    return child_factory(given_name="Precious", family_name="Adeyemi", date_of_birth=datetime.date(2014, 5, 2))


@time_machine.travel(NOW, tick=False)
def test_a_correction_keeps_the_old_value_who_when_and_why(officer, child):
    child_update(
        actor=officer,
        child=child,
        expected_version=1,
        reason="Birth certificate seen",
        date_of_birth=datetime.date(2014, 2, 5),
        family_name="Adeyemi",  # unchanged: no row
    )

    (change,) = FieldChange.objects.all()
    assert (change.record_type, change.record_id, change.child_id) == ("people.child", child.pk, child.pk)
    assert (change.field, change.old_value, change.new_value) == ("date_of_birth", "2014-05-02", "2014-02-05")
    assert (change.actor, change.changed_at, change.reason) == (officer, NOW, "Birth certificate seen")
    entry = AuditEntry.objects.filter(event=AuditEvent.CHILD_CHANGED).select_related("detail").get()
    assert json.loads(entry.detail.data)["fields"] == ["date_of_birth"]
    (row,) = history_rows(child_history(child=child), user=officer)
    assert (row.field, row.old, row.new, row.reason) == (
        "Date of birth",
        "2 May 2014",
        "5 February 2014",
        change.reason,
    )


def test_a_change_without_a_reason_is_refused_and_changes_nothing(officer, child):
    with pytest.raises(ApplicationError, match=REASON_REQUIRED_ERROR):
        child_update(actor=officer, child=child, expected_version=1, reason="  ", given_name="Prescious")
    child.refresh_from_db()
    assert (child.given_name, child.version, FieldChange.objects.count()) == ("Precious", 1, 0)


def test_a_stale_change_writes_no_history(officer, manager, child):
    child_update(actor=manager, child=child, expected_version=1, reason="Spelling", given_name="Presh")
    with pytest.raises(VersionConflictError):
        child_update(actor=officer, child=child, expected_version=1, reason="Spelling", given_name="Prescious")
    assert list(FieldChange.objects.values_list("new_value", flat=True)) == ["Presh"]


def test_old_and_new_values_are_sealed_at_rest(officer, child):
    child_update(actor=officer, child=child, expected_version=1, reason="Told by the school", ethnicity="BAFR")
    with connection.cursor() as cursor:
        cursor.execute("SELECT old_value, new_value FROM people_fieldchange")
        stored = cursor.fetchone()
    assert all(value.startswith("v1:") for value in stored) and "BAFR" not in "".join(stored)
    assert FieldChange.objects.get().new_value == "BAFR"


def test_special_category_values_are_withheld_from_a_role_not_cleared(officer, analyst, child):
    child_update(
        actor=officer,
        child=child,
        expected_version=1,
        reason="Told by the social worker",
        child_protection_plan=True,
        police_probation_involvement=True,
        receives_benefits=True,
        preferred_name="Presh",
    )
    shown = {row.field: (row.old, row.new) for row in history_rows(child_history(child=child), user=officer)}
    assert shown["Subject to a child protection plan"] == ("No", "Yes")
    masked = {row.field: (row.old, row.new) for row in history_rows(child_history(child=child), user=analyst)}
    assert masked["Subject to a child protection plan"] == (WITHHELD, WITHHELD)
    assert masked["The child or family is in touch with the police, probation or youth justice services"] == (
        WITHHELD,
        WITHHELD,
    )  # criminal offence data
    assert masked["Known as"] == ("Not recorded", "Presh")


def test_a_carer_correction_shows_on_the_childs_history(officer, child):
    relationship = CarerRelationshipFactory(child=child, kind="mother")
    carer = relationship.carer
    carer_update(actor=officer, carer=carer, expected_version=1, reason="Spelling on the referral", given_name="Folake")
    carer_link_change(
        actor=officer,
        carer=carer,
        child=child,
        reason="Aunt, not mother",
        kind="aunt_uncle",
        parental_responsibility=False,
        lives_with=True,
    )
    rows = history_rows(child_history(child=child), user=officer)
    assert {(row.record, row.field, row.new) for row in rows} >= {
        ("Carer", "First name", "Folake"),
        ("Carer relationship", "Relationship to the child", "Aunt or uncle"),
    }


@time_machine.travel(NOW, tick=False)
def test_a_case_correction_keeps_the_main_reason_and_the_date_it_replaced(officer, case_factory):
    case = case_factory(officer=officer)
    case_details_correct(
        case=case,
        actor=officer,
        rationale="The school's first absence was earlier",
        expected_version=case.version,
        became_cme_on=datetime.date(2026, 9, 30),
        primary_reason="new_to_area",
    )
    rows = {row.field: (row.old, row.new) for row in history_rows(case_history(case=case), user=officer)}
    assert rows["Missing education since"] == ("20 October 2026", "30 September 2026")
    assert rows["Main reason"] == ("Whereabouts unknown: all contact failed", "New to the area, no school place")
    assert {c.field for c in child_history(child=case.child)} == {"became_cme_on", "primary_reason"}


@time_machine.travel(NOW, tick=False)
def test_a_case_correction_refuses_a_date_in_the_future(officer, case_factory):
    case = case_factory(officer=officer)
    with pytest.raises(ApplicationError) as refused:
        case_details_correct(case=case, actor=officer, rationale="Typo", became_cme_on=datetime.date(2026, 12, 1))
    assert refused.value.field == "became_cme_on" and not FieldChange.objects.exists()


def test_an_enrolment_correction_is_refused_if_someone_changed_it_meanwhile(officer, child, enrolment_factory):
    enrolment = enrolment_factory(child=child, start_date=datetime.date(2023, 9, 4))
    seen = {"start_date": enrolment.start_date}
    enrolment_correct(
        actor=officer,
        enrolment=enrolment,
        reason="Admission register",
        expected=seen,
        start_date=datetime.date(2023, 9, 5),
    )
    with pytest.raises(VersionConflictError):
        enrolment_correct(
            actor=officer, enrolment=enrolment, reason="Other", expected=seen, start_date=datetime.date(2023, 9, 6)
        )
    (change,) = FieldChange.objects.all()
    assert (change.record_type, change.child_id, change.old_value) == ("schools.enrolment", child.pk, "2023-09-04")

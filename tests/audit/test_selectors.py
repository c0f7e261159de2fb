"""audit_search: the DPO finds entries by person, user, object, date and event, newest first, details joined in."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.selectors import audit_search
from cme.audit.services import audit_record

pytestmark = pytest.mark.django_db

LONDON_MIDNIGHT_1_JUNE = datetime.datetime(2026, 5, 31, 23, 0, tzinfo=datetime.UTC)  # BST


@pytest.fixture
def entries(officer, dpo, time_machine):
    def at(moment, **arguments):
        time_machine.move_to(moment, tick=False)
        return audit_record(**arguments).sequence

    return {
        "officer_views_101": at(
            datetime.datetime(2026, 5, 30, 10, tzinfo=datetime.UTC),
            actor=officer,
            event=AuditEvent.CHILD_VIEWED,
            target_type="people.child",
            target_id=101,
            purpose="locate",
            fields=["address"],
        ),
        "officer_closes_case_7": at(
            datetime.datetime(2026, 5, 31, 22, 30, tzinfo=datetime.UTC),  # 23:30 on 31 May in London
            actor=officer,
            event=AuditEvent.CASE_CLOSED,
            target_type="cases.case",
            target_id=7,
            subject_child_id=101,
        ),
        "dpo_views_202": at(
            LONDON_MIDNIGHT_1_JUNE,  # 00:00 on 1 June in London
            actor=dpo,
            event=AuditEvent.CHILD_VIEWED,
            target_type="people.child",
            target_id=202,
        ),
        "dpo_views_case_7": at(
            datetime.datetime(2026, 6, 2, 9, tzinfo=datetime.UTC),
            actor=dpo,
            event=AuditEvent.CASE_VIEWED,
            target_type="cases.case",
            target_id=7,
            subject_child_id=101,
        ),
    }


def sequences(queryset):
    return list(queryset.values_list("sequence", flat=True))


def test_everything_newest_first(entries):
    assert sequences(audit_search()) == [4, 3, 2, 1]


def test_by_person(entries):
    assert sequences(audit_search(child_id=101)) == [4, 2, 1]


def test_by_user(entries, dpo):
    assert sequences(audit_search(actor_id=dpo.pk)) == [4, 3]


def test_by_object(entries):
    assert sequences(audit_search(target_type="cases.case", target_id=7)) == [4, 2]
    assert sequences(audit_search(target_type="people.child", target_id="202")) == [3]


def test_by_date_in_the_councils_time_zone(entries):
    # 31 May runs to midnight in London (23:00 UTC in summer): the entry at 23:30 London time belongs to it.
    assert sequences(audit_search(until=datetime.date(2026, 5, 31))) == [2, 1]
    assert sequences(audit_search(since=datetime.date(2026, 6, 1))) == [4, 3]
    assert sequences(audit_search(since=datetime.date(2026, 6, 1), until=datetime.date(2026, 6, 1))) == [3]


def test_by_exact_time(entries):
    assert sequences(audit_search(since=LONDON_MIDNIGHT_1_JUNE, until=LONDON_MIDNIGHT_1_JUNE)) == [3]
    naive = timezone.make_naive(LONDON_MIDNIGHT_1_JUNE)
    assert sequences(audit_search(since=naive)) == [4, 3]


def test_filters_combine(entries, officer):
    assert sequences(audit_search(child_id=101, actor_id=officer.pk, event=AuditEvent.CASE_CLOSED)) == [2]


def test_details_come_in_the_same_query(entries):
    with CaptureQueriesContext(connection) as queries:
        found = list(audit_search(child_id=101))
        purposes = [entry.detail_or_none.purpose if entry.detail_or_none else None for entry in found]

    assert purposes == [None, None, "locate"]
    assert len(queries) == 1

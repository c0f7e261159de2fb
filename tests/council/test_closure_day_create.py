"""Closure days: one per date, with a reason."""

from datetime import date

import pytest

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.common.errors import ApplicationError
from cme.council.models import CouncilSettings
from cme.council.selectors import closure_day_list, council_settings_get
from cme.council.services import (
    ERROR_CLOSURE_REASON_MISSING,
    closure_day_create,
    closure_day_delete,
    council_settings_update,
    term_period_create,
    term_period_delete,
)

pytestmark = pytest.mark.django_db


def test_a_closure_day_is_recorded_with_its_reason(sysadmin):
    closure_day_create(actor=sysadmin, day=date(2026, 11, 20), reason="INSET day across the borough")
    assert [(closure.day, closure.reason) for closure in closure_day_list()] == [
        (date(2026, 11, 20), "INSET day across the borough")
    ]


def test_a_second_closure_on_the_same_day_is_refused_naming_the_first(sysadmin):
    closure_day_create(actor=sysadmin, day=date(2026, 11, 20), reason="INSET day")
    with pytest.raises(ApplicationError) as refused:
        closure_day_create(actor=sysadmin, day=date(2026, 11, 20), reason="Snow")
    assert refused.value.field == "day"
    assert refused.value.message == "A closure day is already recorded on 20 November 2026: INSET day."


def test_a_closure_without_a_reason_is_refused(sysadmin):
    with pytest.raises(ApplicationError) as refused:
        closure_day_create(actor=sysadmin, day=date(2026, 11, 20), reason="")
    assert (refused.value.field, refused.value.message) == ("reason", ERROR_CLOSURE_REASON_MISSING)


def test_a_deleted_closure_day_is_gone(sysadmin):
    closure = closure_day_create(actor=sysadmin, day=date(2026, 11, 20), reason="Entered by mistake")
    closure_day_delete(actor=sysadmin, closure_day=closure)
    assert not closure_day_list().exists()


def test_removing_a_closure_day_or_a_term_period_is_audited(sysadmin):
    closure = closure_day_create(actor=sysadmin, day=date(2026, 11, 20), reason="Entered by mistake")
    term = term_period_create(actor=sysadmin, name="Autumn 2", first_day=date(2026, 11, 2), last_day=date(2026, 12, 18))
    closure_day_delete(actor=sysadmin, closure_day=closure)
    term_period_delete(actor=sysadmin, term_period=term)
    removed = AuditEntry.objects.filter(event=AuditEvent.SETTINGS_CHANGED, actor_id=sysadmin.pk).order_by("pk")
    assert [(entry.target_type, entry.payload_data) for entry in removed][-2:] == [
        ("council.closureday", {"closure_day": "removed"}),
        ("council.termperiod", {"term_dates": "removed"}),
    ]


def test_reading_the_settings_writes_nothing_and_the_first_change_creates_the_row_on_the_record(sysadmin):
    council = council_settings_get(fresh=True)
    assert council.council_name and not CouncilSettings.objects.exists()
    council_settings_update(actor=sysadmin, council_name="Borough of Testham")
    assert CouncilSettings.objects.get().council_name == "Borough of Testham"
    entries = AuditEntry.objects.filter(event=AuditEvent.SETTINGS_CHANGED, target_type="council.councilsettings")
    assert entries.order_by("pk").first().payload_data == {"settings": "created"}

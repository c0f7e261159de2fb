"""Closure days: one per date, with a reason."""

from datetime import date

import pytest

from cme.common.errors import ApplicationError
from cme.council.selectors import closure_day_list
from cme.council.services import ERROR_CLOSURE_REASON_MISSING, closure_day_create, closure_day_delete

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

"""Entering term dates: a period is saved when it fits, and refused, naming the field, when it does not."""

from datetime import date

import pytest
from django.db import IntegrityError

from cme.common.errors import ApplicationError
from cme.council.models import TermPeriod
from cme.council.selectors import term_period_list
from cme.council.services import (
    ERROR_TERM_ENDS_BEFORE_IT_STARTS,
    ERROR_TERM_NAME_MISSING,
    ERROR_TERM_TOO_LONG,
    term_period_create,
    term_period_delete,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def autumn_2(sysadmin) -> TermPeriod:
    return term_period_create(
        actor=sysadmin, name="Autumn 2 2026", first_day=date(2026, 11, 2), last_day=date(2026, 12, 18)
    )


def test_a_term_period_is_saved_and_listed_in_date_order(sysadmin, autumn_2):
    term_period_create(actor=sysadmin, name=" Autumn 1 2026 ", first_day=date(2026, 9, 3), last_day=date(2026, 10, 23))

    assert [(term.name, term.first_day) for term in term_period_list()] == [
        ("Autumn 1 2026", date(2026, 9, 3)),
        ("Autumn 2 2026", date(2026, 11, 2)),
    ]


def test_a_one_day_term_period_is_allowed(sysadmin):
    day = date(2026, 9, 1)
    term = term_period_create(actor=sysadmin, name="Catch-up day", first_day=day, last_day=day)
    assert term.pk is not None


def test_a_period_that_starts_the_day_after_another_ends_is_allowed(sysadmin, autumn_2):
    term_period_create(actor=sysadmin, name="Extra", first_day=date(2026, 12, 19), last_day=date(2026, 12, 21))
    assert term_period_list().count() == 2


def test_a_period_starting_inside_another_is_refused_on_its_first_day(sysadmin, autumn_2):
    with pytest.raises(ApplicationError) as refused:
        term_period_create(actor=sysadmin, name="Spring 1", first_day=date(2026, 12, 18), last_day=date(2027, 2, 12))

    assert refused.value.field == "first_day"
    assert refused.value.message == "These dates overlap Autumn 2 2026, 2 November 2026 to 18 December 2026."
    assert term_period_list().count() == 1


def test_a_period_ending_inside_another_is_refused_on_its_last_day(sysadmin, autumn_2):
    with pytest.raises(ApplicationError, match="overlap Autumn 2 2026") as refused:
        term_period_create(actor=sysadmin, name="Autumn 1", first_day=date(2026, 9, 3), last_day=date(2026, 11, 2))
    assert refused.value.field == "last_day"


def test_a_period_enclosing_another_is_refused(sysadmin, autumn_2):
    with pytest.raises(ApplicationError, match="overlap Autumn 2 2026") as refused:
        term_period_create(actor=sysadmin, name="Autumn", first_day=date(2026, 9, 3), last_day=date(2026, 12, 21))
    assert refused.value.field == "first_day"


def test_a_period_ending_before_it_starts_is_refused(sysadmin):
    with pytest.raises(ApplicationError) as refused:
        term_period_create(actor=sysadmin, name="Autumn 1", first_day=date(2026, 10, 23), last_day=date(2026, 9, 3))
    assert (refused.value.field, refused.value.message) == ("last_day", ERROR_TERM_ENDS_BEFORE_IT_STARTS)


def test_a_period_longer_than_a_term_is_refused_as_a_likely_mistyped_year(sysadmin):
    with pytest.raises(ApplicationError) as refused:
        term_period_create(actor=sysadmin, name="Autumn 1", first_day=date(2026, 9, 3), last_day=date(2027, 10, 23))
    assert (refused.value.field, refused.value.message) == ("last_day", ERROR_TERM_TOO_LONG)


def test_a_whole_autumn_term_entered_as_one_period_is_allowed(sysadmin):
    term_period_create(actor=sysadmin, name="Autumn 2026", first_day=date(2026, 9, 1), last_day=date(2026, 12, 22))
    assert term_period_list().count() == 1


def test_a_period_without_a_name_is_refused(sysadmin):
    with pytest.raises(ApplicationError) as refused:
        term_period_create(actor=sysadmin, name="  ", first_day=date(2026, 9, 3), last_day=date(2026, 10, 23))
    assert (refused.value.field, refused.value.message) == ("name", ERROR_TERM_NAME_MISSING)


def test_the_database_refuses_a_period_ending_before_it_starts():
    with pytest.raises(IntegrityError):
        TermPeriod.objects.create(name="Backwards", first_day=date(2026, 10, 23), last_day=date(2026, 9, 3))


def test_a_deleted_period_frees_its_dates(sysadmin, autumn_2):
    term_period_delete(actor=sysadmin, term_period=autumn_2)

    term_period_create(actor=sysadmin, name="Autumn 2 2026", first_day=date(2026, 11, 3), last_day=date(2026, 12, 18))
    assert [term.first_day for term in term_period_list()] == [date(2026, 11, 3)]


def test_the_administrator_adds_a_term_through_the_page(sign_in, sysadmin):
    from django.urls import reverse

    from cme.council.models import TermPeriod

    client = sign_in(sysadmin)
    form = {
        "name": "Autumn 1 2027",
        "first_day_0": "2",
        "first_day_1": "9",
        "first_day_2": "2027",
        "last_day_0": "22",
        "last_day_1": "10",
        "last_day_2": "2027",
    }
    assert client.post(reverse("web:manage:term-create"), form).status_code == 302
    assert TermPeriod.objects.get().name == "Autumn 1 2027"
    page = client.get(reverse("web:manage:term-dates")).content.decode()
    assert "Autumn 1 2027" in page and "approximate" not in page

"""Reads about a child: siblings, carers, where they live now and where they lived before."""

from datetime import date

import pytest
from django.utils import timezone

from cme.people.enums import RelationshipKind
from cme.people.models import Child
from cme.people.selectors import (
    child_address_history,
    child_carers,
    child_count,
    child_current_address,
    child_get,
    child_siblings,
)
from tests.factories.people import AddressFactory, CarerRelationshipFactory, ResidenceFactory

pytestmark = pytest.mark.django_db


def test_a_child_is_got_by_id_and_a_missing_one_raises(child_factory):
    child = child_factory()

    assert child_get(child_id=child.pk) == child
    with pytest.raises(Child.DoesNotExist):
        child_get(child_id=child.pk + 1)
    assert child_count() == 1


def test_siblings_are_the_other_children_who_share_a_carer_each_listed_once(child_factory, carer_factory):
    mother, father, stepfather = carer_factory(), carer_factory(), carer_factory()
    child = child_factory(date_of_birth=date(2015, 1, 1))
    full = child_factory(date_of_birth=date(2012, 1, 1))
    half = child_factory(date_of_birth=date(2019, 1, 1))
    unrelated = child_factory()
    for carer, children in ((mother, [child, full, half]), (father, [child, full]), (stepfather, [half, unrelated])):
        for each in children:
            CarerRelationshipFactory(carer=carer, child=each)

    assert list(child_siblings(child=child)) == [full, half]


def test_carers_come_with_their_relationship_in_one_query(child_factory, carer_factory, django_assert_num_queries):
    child = child_factory()
    grandparent = CarerRelationshipFactory(
        child=child, kind=RelationshipKind.GRANDPARENT, parental_responsibility=False, lives_with=False
    )
    mother = CarerRelationshipFactory(child=child, kind=RelationshipKind.MOTHER, parental_responsibility=True)

    with django_assert_num_queries(1):
        rows = [(r, r.carer.family_name) for r in child_carers(child=child)]

    assert [r for r, _ in rows] == [mother, grandparent]


def test_the_current_address_is_the_residence_that_holds_today(child_factory):
    child = child_factory()
    old, current = AddressFactory(postcode="ZY1 1AA"), AddressFactory(postcode="ZY2 2BB")
    ResidenceFactory(child=child, address=old, valid_from=None, valid_to=date(2022, 6, 30))
    ResidenceFactory(child=child, address=current, valid_from=date(2022, 7, 1))

    assert child_current_address(child=child) == current
    assert child_current_address(child=child, on=date(2022, 6, 30)) == old


def test_an_address_from_a_future_date_is_not_current_yet(child_factory):
    child = child_factory()
    today = timezone.localdate()
    ResidenceFactory(child=child, valid_from=date(today.year + 1, 1, 1))

    assert child_current_address(child=child) is None


def test_address_history_is_newest_first_with_unknown_starts_last(child_factory):
    child = child_factory()
    earliest = ResidenceFactory(child=child, valid_from=None, valid_to=date(2018, 12, 31))
    latest = ResidenceFactory(child=child, valid_from=date(2022, 7, 1))
    middle = ResidenceFactory(child=child, valid_from=date(2019, 1, 1), valid_to=date(2022, 6, 30))

    assert list(child_address_history(child=child)) == [latest, middle, earliest]

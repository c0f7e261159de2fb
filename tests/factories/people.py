"""Factories for children, carers and the rows about them (synthetic only)."""

import datetime

import factory

from cme.people.enums import ContactKind, ContactLabel, PersonNameKind, RelationshipKind
from cme.people.models import (
    Address,
    Carer,
    CarerRelationship,
    Child,
    ContactPoint,
    FormerUpn,
    PersonName,
    Residence,
)
from cme.people.names import search_keys_fill


class _SearchKeysFactory(factory.django.DjangoModelFactory):
    """Fills the name search keys, as the services do, so that factory-made people can be found by child_search."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = search_keys_fill(model_class(*args, **kwargs))
        person.save()
        return person


class ChildFactory(_SearchKeysFactory):
    class Meta:
        model = Child

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    sex = "F"
    date_of_birth = datetime.date(2016, 3, 14)


class CarerFactory(_SearchKeysFactory):
    class Meta:
        model = Carer

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")


class PersonNameFactory(_SearchKeysFactory):
    class Meta:
        model = PersonName

    child = factory.SubFactory(ChildFactory)
    kind = PersonNameKind.FORMER
    family_name = factory.Faker("last_name", locale="en_GB")


class FormerUpnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormerUpn

    child = factory.SubFactory(ChildFactory)
    upn = "B801200005001"


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    carer = factory.SubFactory(CarerFactory)
    kind = ContactKind.PHONE
    label = ContactLabel.MOBILE
    value = factory.Sequence(lambda n: f"+447700900{n % 1000:03d}")  # Ofcom's drama range: nobody's number


class CarerRelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarerRelationship

    carer = factory.SubFactory(CarerFactory)
    child = factory.SubFactory(ChildFactory)
    kind = RelationshipKind.MOTHER
    parental_responsibility = True
    lives_with = True


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    line1 = factory.Sequence(lambda n: f"{n + 1} Fennick Road")
    town = "Wyndley"
    postcode = "ZY1 2AB"  # ZY is not a postcode area in use, so no synthetic address is a real one


class ResidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residence

    address = factory.SubFactory(AddressFactory)
    child = factory.SubFactory(ChildFactory)
    valid_from = datetime.date(2020, 1, 1)

"""Factories for children and carers (synthetic only)."""

import datetime

import factory

from cme.people.models import Carer, Child


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    sex = "F"
    date_of_birth = datetime.date(2016, 3, 14)


class CarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carer

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    phone_mobile = "+447700900123"

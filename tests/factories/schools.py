"""Factories for schools and enrolments."""

import datetime

import factory

from cme.schools.models import Enrolment, School


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 900000 + n)
    la_code = "888"
    la_name = "Wyndley"
    establishment_number = factory.Sequence(lambda n: f"{2000 + n % 8000:04d}")
    name = factory.Sequence(lambda n: f"Riverside Primary School {n}")
    type_name = "Community school"
    phase_name = "Primary"
    status = "Open"
    statutory_low_age = 4
    statutory_high_age = 11
    postcode = "WY1 1AA"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    child = factory.SubFactory("tests.factories.people.ChildFactory")
    school = factory.SubFactory(SchoolFactory)
    start_date = datetime.date(2025, 9, 3)

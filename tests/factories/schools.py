"""Factories for schools and enrolments."""

import datetime

import factory

from cme.schools.enums import ReturnChannel, ReturnKind
from cme.schools.models import Enrolment, PartTimeTimetable, RollReturn, School


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


class PartTimeTimetableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartTimeTimetable

    school = factory.SubFactory(SchoolFactory)
    started_on = datetime.date(2026, 9, 8)
    hours_per_week = 12
    reason = "Medical: a phased return after an operation."
    parent_agreed = True
    next_review_on = datetime.date(2026, 10, 6)


class RollReturnFactory(factory.django.DjangoModelFactory):
    """A deletion under ground G by default; `timetable_started=True` makes a part-time timetable's first return."""

    class Meta:
        model = RollReturn

    class Params:
        timetable_started = factory.Trait(
            kind=ReturnKind.PART_TIME_TIMETABLE,
            deletion_ground="",
            event_date=datetime.date(2026, 9, 8),
            hours_per_week=12,
            next_review_on=datetime.date(2026, 10, 6),
            timetable_reason="Medical: a phased return after an operation.",
            parent_agreed=True,
            timetable=factory.SubFactory(PartTimeTimetableFactory, school=factory.SelfAttribute("..school")),
        )

    school = factory.SubFactory(SchoolFactory)
    kind = ReturnKind.DELETION
    channel = ReturnChannel.WEB
    received_on = datetime.date(2026, 11, 2)
    dedupe_key = factory.Sequence(lambda n: f"{n:064d}")
    given_name = "Leon"
    family_name = "Barker"
    date_of_birth = datetime.date(2015, 3, 14)
    event_date = datetime.date(2026, 10, 20)
    deletion_ground = "G"
    address_line1 = "4 Mill Lane"
    address_postcode = "WY1 3DF"
    parents = factory.LazyFunction(lambda: [{"name": "Dana Barker", "address": "", "phone": "+447700900456"}])

"""Factories for users, teams and organisations (synthetic, Faker en_GB)."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from cme.accounts.enums import OrganisationKind, Role
from cme.accounts.models import Organisation, Team, User

from .schools import SchoolFactory

PASSWORD = "correct-horse-battery-2026"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Partner agency {n}")
    kind = OrganisationKind.CHILDRENS_SOCIAL_CARE
    email = "team@example.org"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = Role.CME_OFFICER
    password = factory.django.Password(PASSWORD)
    school = factory.Maybe(
        factory.LazyAttribute(lambda user: user.role == Role.SCHOOL_USER), factory.SubFactory(SchoolFactory), None
    )
    organisation = factory.Maybe(
        factory.LazyAttribute(lambda user: user.role == Role.PARTNER_USER),
        factory.SubFactory(OrganisationFactory),
        None,
    )


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True

"""Factories for referrals, cases, enquiries and notes."""

import datetime

import factory

from cme.cases.enums import CaseStatus, CmeReason, EnquiryAgency, ReferralSource
from cme.cases.models import Case, Enquiry, Note, Referral

from .accounts import UserFactory
from .people import ChildFactory


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    source = ReferralSource.SCHOOL
    received_on = datetime.date(2026, 11, 2)
    concerns = "Not seen at school since half-term; phone numbers unobtainable."
    referrer_name = "Attendance lead"
    recorded_by = factory.SubFactory(UserFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    child = factory.SubFactory(ChildFactory)
    status = CaseStatus.OPEN
    officer = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda case: case.officer.team if case.officer else None)
    primary_reason = CmeReason.WHEREABOUTS_UNKNOWN
    became_cme_on = datetime.date(2026, 10, 20)
    opened_by = factory.LazyAttribute(lambda case: case.officer)
    opened_on = datetime.date(2026, 11, 2)


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    case = factory.SubFactory(CaseFactory)
    agency = EnquiryAgency.HOUSING
    requested_on = datetime.date(2026, 11, 3)
    recorded_by = factory.LazyAttribute(lambda enquiry: enquiry.case.officer)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    case = factory.SubFactory(CaseFactory)
    author = factory.LazyAttribute(lambda note: note.case.officer)
    text = "Home visit: no answer; neighbour says the family left in October."

"""Loading the synthetic borough: all of it, one demo user per role, and only where demo mode allows it."""

import io

import pytest
from django.core.management import CommandError, call_command

from cme.accounts.enums import Role
from cme.accounts.models import User
from cme.demo.generator import generate_borough
from cme.demo.loader import DEMO_PASSWORD, DEMO_USERS, DemoDataRefused, demo_data_load
from cme.people.enums import ContactKind, ContactLabel
from cme.people.models import Carer, CarerRelationship, Child, ContactPoint, Residence
from cme.schools.enrolments import OUTSIDE_REGISTER_STATUS
from cme.schools.enums import EnrolmentSource
from cme.schools.models import Enrolment, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_borough():
    return generate_borough(seed=11, children=300, schools=8)


def test_the_whole_borough_and_the_demo_users_are_loaded(settings, small_borough):
    settings.CME_DEMO = True
    counts = demo_data_load(borough=small_borough)
    assert Child.objects.count() == counts["children"] == len(small_borough.children)
    assert Carer.objects.count() == len(small_borough.carers)
    # Besides the borough's, the schools in other councils' areas that closed cases name (cme.demo.casework).
    assert School.objects.exclude(status=OUTSIDE_REGISTER_STATUS).count() == len(small_borough.schools)
    # Besides the borough's, the enrolments of children found on a school's roll when their case closed.
    assert Enrolment.objects.filter(source=EnrolmentSource.DEMO).count() == len(small_borough.enrolments)
    assert not Enrolment.objects.exclude(source__in=[EnrolmentSource.DEMO, EnrolmentSource.CASE_CLOSURE]).exists()
    assert CarerRelationship.objects.count() == len(small_borough.relationships)
    assert Residence.objects.filter(child__isnull=False).count() >= len(small_borough.children)
    signing_in = {user.username: user.role for user in User.objects.all() if user.has_usable_password()}
    assert signing_in == {u.username: u.role for u in DEMO_USERS}  # colleagues on the caseload cannot sign in


def test_demo_users_sign_in_with_the_published_password(settings, small_borough):
    settings.CME_DEMO = True
    demo_data_load(borough=small_borough)
    for demo in DEMO_USERS:
        assert User.objects.get(username=demo.username).check_password(DEMO_PASSWORD)
    assert User.objects.get(username="school").school is not None
    assert User.objects.get(username="partner").organisation is not None
    assert User.objects.get(username="officer").team is not None


def test_phone_numbers_are_stored_in_e164(settings, small_borough):
    settings.CME_DEMO = True
    demo_data_load(borough=small_borough)
    mobiles = ContactPoint.objects.filter(kind=ContactKind.PHONE, label=ContactLabel.MOBILE)
    phones = list(mobiles.values_list("value", flat=True))
    assert phones and all(p.startswith("+447700900") and len(p) == 13 for p in phones)


def test_production_settings_refuse_to_create_demo_users(settings, small_borough):
    settings.CME_DEMO = False
    with pytest.raises(DemoDataRefused, match="only be loaded in demo mode"):
        demo_data_load(borough=small_borough)
    assert not User.objects.exists()


def test_a_database_with_data_is_refused_unless_forced(settings, small_borough, user_factory):
    settings.CME_DEMO = True
    user_factory(role=Role.ANALYST, username="existing")
    with pytest.raises(DemoDataRefused, match="not empty"):
        demo_data_load(borough=small_borough)
    assert User.objects.filter(username="existing").exists()
    demo_data_load(borough=small_borough, force=True)
    assert not User.objects.filter(username="existing").exists()
    assert Child.objects.count() == len(small_borough.children)


def test_the_command_refuses_a_non_empty_database_and_if_empty_skips_quietly(settings, user_factory):
    settings.CME_DEMO = True
    user_factory(role=Role.ANALYST)
    with pytest.raises(CommandError, match="not empty"):
        call_command("demo_data", "--children", "100")
    out = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "already holds data" in out.getvalue()


def test_every_stored_code_is_one_the_models_allow(settings, small_borough):
    settings.CME_DEMO = True
    demo_data_load(borough=small_borough)
    for model in (Child, Carer, CarerRelationship, School, Enrolment):
        for field in model._meta.get_fields():
            if getattr(field, "choices", None):
                stored = set(model.objects.values_list(field.name, flat=True).distinct()) - {""}
                allowed = {value for value, _ in field.flatchoices}
                assert stored <= allowed, f"{model.__name__}.{field.name}: {stored - allowed}"


def test_the_demo_has_casework_in_every_state(settings):
    from cme.cases.enums import CaseStatus, ReferralStatus
    from cme.cases.models import Case, Decision, Enquiry, Note, Referral

    settings.CME_DEMO = True
    demo_data_load(borough=generate_borough(seed=11, children=2000, schools=10))
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert Enquiry.objects.exists() and Note.objects.exists()
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert closed.exclude(outcome="").count() == closed.count() > 0
    # every case change has its decision, by a named person with a reason
    assert not Decision.objects.filter(rationale="").exists()
    assert all(case.decisions.exists() for case in Case.objects.all())


def test_the_demo_shows_sign_offs_waiting_and_school_histories(settings):
    from cme.accounts.models import User
    from cme.cases.enums import CaseStatus, SignOffState
    from cme.cases.models import Case
    from cme.cases.selectors import sign_offs_waiting
    from cme.schools.enums import EnrolmentSource
    from cme.schools.models import Enrolment

    settings.CME_DEMO = True
    demo_data_load(borough=generate_borough(seed=11, children=2000, schools=10))
    waiting = list(sign_offs_waiting(user=User.objects.get(username="manager")))
    assert len(waiting) >= 2 and all(request.state == SignOffState.WAITING for request in waiting)
    assert all(request.case.status != CaseStatus.CLOSED for request in waiting)
    assert Enrolment.objects.filter(source=EnrolmentSource.CASE_CLOSURE).exists()
    assert Enrolment.objects.filter(leave_date__isnull=False).exists()  # histories with a school left behind
    on_roll = Case.objects.filter(status=CaseStatus.CLOSED, outcome__in=["on_roll_this_la", "on_roll_other_la"])
    assert on_roll.exists() and not on_roll.filter(destination_school__isnull=True).exists()

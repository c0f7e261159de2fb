"""Users and roles: bindings enforced by the database, no superusers, and an administrator who cannot read casework."""

import pytest
import rules
from django.db import IntegrityError, transaction
from django.urls import reverse

from cme.accounts.enums import Role
from cme.accounts.models import User
from cme.accounts.services import user_create, user_update
from cme.common.errors import ApplicationError

pytestmark = pytest.mark.django_db

# Everything the system administrator may do. A later change granting them more must change this list on purpose.
SYSADMIN_PERMISSIONS = {
    "accounts.view_own_account",
    "accounts.manage_users",
    "accounts.manage_teams",
    "accounts.manage_organisations",
    "accounts.view_role_grants",  # to see the grants they asked for wait: never to decide them
    "council.change_settings",
    "schools.view_school",
    "web.view_home",
    "api.view_schema",
    "transfers.manage_councils",  # the register of councils cases are transferred between, with their public keys
    "webhooks.manage_webhooks",  # the council's other systems told of events (ids and links, never people)
}


def granted(user) -> set[str]:
    return {name for name in rules.permissions.permissions if user.has_perm(name)}


def test_the_system_administrator_holds_only_administrative_permissions(sysadmin):
    assert granted(sysadmin) == SYSADMIN_PERMISSIONS


def test_a_deactivated_user_holds_no_permission(officer):
    officer.is_active = False
    assert granted(officer) == set()


def test_a_school_user_must_belong_to_a_school(school):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nobody", role=Role.SCHOOL_USER)
    User.objects.create(username="somebody", role=Role.SCHOOL_USER, school=school)


def test_only_school_users_are_bound_to_a_school(school):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="officer-at-school", role=Role.CME_OFFICER, school=school)


def test_a_partner_user_must_belong_to_an_organisation():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="partner", role=Role.PARTNER_USER)


def test_superusers_cannot_exist():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_superuser(username="root", email="root@example.org", password="x" * 20, role=Role.SYSADMIN)


def test_user_create_refuses_a_taken_username_and_a_weak_password(officer):
    with pytest.raises(ApplicationError, match="already in use"):
        user_create(
            actor=None,
            username=officer.username.upper(),
            first_name="A",
            last_name="B",
            email="a@example.org",
            role=Role.ANALYST,
            password="a-long-enough-passphrase",
        )
    with pytest.raises(Exception, match="too short"):
        user_create(
            actor=None,
            username="new",
            first_name="A",
            last_name="B",
            email="a@example.org",
            role=Role.ANALYST,
            password="short",
        )
    assert not User.objects.filter(username="new").exists()


def test_changing_role_drops_a_binding_the_new_role_does_not_allow(sysadmin, school):
    user = user_create(
        actor=sysadmin,
        username="moving",
        first_name="M",
        last_name="V",
        email="m@example.org",
        role=Role.SCHOOL_USER,
        school=school,
        password="a-long-enough-passphrase",
    )
    user_update(
        actor=sysadmin,
        user=user,
        first_name="M",
        last_name="V",
        email="m@example.org",
        role=Role.ANALYST,
        team=None,
        school=school,
    )
    user.refresh_from_db()
    assert user.role == Role.ANALYST and user.school is None


def test_an_administrator_cannot_deactivate_themselves(sysadmin):
    with pytest.raises(ApplicationError, match="your own account"):
        user_update(
            actor=sysadmin,
            user=sysadmin,
            first_name="S",
            last_name="A",
            email="s@example.org",
            role=Role.SYSADMIN,
            team=None,
            is_active=False,
        )


def test_adding_a_user_through_the_page(sign_in, sysadmin, school):
    client = sign_in(sysadmin)
    form = {
        "username": "newschooluser",
        "first_name": "Nadia",
        "last_name": "Shah",
        "email": "nadia@example.org",
        "job_title": "Attendance lead",
        "role": Role.SCHOOL_USER,
        "school": school.pk,
        "password": "a-long-enough-passphrase",
    }
    response = client.post(reverse("web:manage:user-create"), form)
    assert response.status_code == 302
    assert User.objects.get(username="newschooluser").school == school


def test_a_school_user_without_a_school_is_refused_with_an_error_summary(sign_in, sysadmin):
    form = {
        "username": "x1",
        "first_name": "X",
        "last_name": "Y",
        "email": "x@example.org",
        "role": Role.SCHOOL_USER,
        "password": "a-long-enough-passphrase",
    }
    response = sign_in(sysadmin).post(reverse("web:manage:user-create"), form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "Choose the school this user works for" in html
    assert not User.objects.filter(username="x1").exists()

"""Nobody grants themselves children: a role that reads children's records takes effect only when a second person
(a CME manager or the DPO, never the requester nor the account itself) approves it; both steps are audited."""

import pytest
import rules
from django.db import IntegrityError, transaction
from django.urls import reverse

from cme.accounts.enums import CHILD_READING_ROLES, GrantDecision, Role
from cme.accounts.grants import role_grant_decide, role_grant_request
from cme.accounts.models import RoleGrant, User
from cme.accounts.services import user_create, user_provision, user_update
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.common.errors import ApplicationError

pytestmark = pytest.mark.django_db

# Permissions that open a child's record, its casework or a child search.
CHILD_PERMISSIONS = ("people.view_child", "people.search_children", "cases.view_caseload", "cases.view_referral")


def test_every_role_that_can_open_a_child_s_record_needs_approval():
    for role in Role:
        probe = User(username=f"probe-{role}", role=role, is_active=True)
        if any(rules.has_perm(name, probe) for name in CHILD_PERMISSIONS):
            assert role in CHILD_READING_ROLES, f"{role.label} reads children's records but is granted without approval"


def _update(actor, user, *, role, is_active=True, team=None):
    return user_update(
        actor=actor,
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        role=role,
        team=team,
        is_active=is_active,
    )


def test_the_administrator_cannot_make_themselves_a_manager(sysadmin, manager):
    changed = _update(sysadmin, sysadmin, role=Role.CME_MANAGER)

    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.SYSADMIN  # nothing changed yet
    assert not sysadmin.has_perm("people.view_child")
    grant = changed.requested_grant
    assert (grant.decision, grant.role, grant.requested_by) == (GrantDecision.PENDING, Role.CME_MANAGER, sysadmin)

    role_grant_decide(actor=manager, grant=grant, approve=True)
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.CME_MANAGER


def test_a_new_caseworker_account_is_inactive_until_a_second_person_approves(sysadmin, dpo, team):
    user = user_create(
        actor=sysadmin,
        username="newofficer",
        first_name="Nia",
        last_name="Owusu",
        email="nia@example.org",
        role=Role.CME_OFFICER,
        team=team,
        password="a-long-enough-passphrase",
    )
    assert not user.is_active and not user.has_perm("people.view_child")
    assert user.requested_grant.decision == GrantDecision.PENDING

    role_grant_decide(actor=dpo, grant=user.requested_grant, approve=True)

    user.refresh_from_db()
    assert user.is_active and user.role == Role.CME_OFFICER and user.team == team
    assert user.has_perm("people.view_child")


def test_reactivating_a_caseworker_needs_approval_again(sysadmin, officer):
    _update(sysadmin, officer, role=Role.CME_OFFICER, is_active=False)
    officer.refresh_from_db()
    assert not officer.is_active

    changed = _update(sysadmin, officer, role=Role.CME_OFFICER, is_active=True)

    officer.refresh_from_db()
    assert not officer.is_active and changed.requested_grant is not None


def test_roles_that_read_no_child_take_effect_at_once(sysadmin, officer):
    _update(sysadmin, officer, role=Role.ANALYST)

    officer.refresh_from_db()
    assert officer.role == Role.ANALYST and not RoleGrant.objects.exists()


def test_an_account_never_approves_a_grant_to_itself(sysadmin, dpo):
    grant = role_grant_request(actor=sysadmin, user=dpo, role=Role.CME_MANAGER)

    with pytest.raises(ApplicationError, match="your own account"):
        role_grant_decide(actor=dpo, grant=grant, approve=True)

    dpo.refresh_from_db()
    assert dpo.role == Role.DPO


def test_the_requester_never_decides_their_own_request(manager, user_factory):
    analyst = user_factory(role=Role.ANALYST)
    grant = role_grant_request(actor=manager, user=analyst, role=Role.CME_OFFICER)

    with pytest.raises(ApplicationError, match="You asked for this role yourself"):
        role_grant_decide(actor=manager, grant=grant, approve=True)


def test_only_a_manager_or_the_dpo_decides(sysadmin, officer, analyst, user_factory):
    grant = role_grant_request(actor=sysadmin, user=user_factory(role=Role.ANALYST), role=Role.CME_MANAGER)

    for actor in (sysadmin, officer, analyst):
        with pytest.raises(ApplicationError, match="Only a CME manager or the data protection officer"):
            role_grant_decide(actor=actor, grant=grant, approve=True)


def test_the_database_refuses_a_decision_by_the_requester_or_the_grantee(sysadmin, analyst):
    grant = RoleGrant.objects.create(user=analyst, role=Role.CME_MANAGER, requested_by=sysadmin)
    for decider in (sysadmin, analyst):
        with pytest.raises(IntegrityError), transaction.atomic():
            RoleGrant.objects.filter(pk=grant.pk).update(decision=GrantDecision.APPROVED, decided_by=decider)


def test_a_refused_grant_changes_nothing_and_a_decided_one_cannot_be_decided_again(sysadmin, manager, analyst):
    grant = role_grant_request(actor=sysadmin, user=analyst, role=Role.CME_MANAGER)

    role_grant_decide(actor=manager, grant=grant, approve=False)

    analyst.refresh_from_db()
    assert analyst.role == Role.ANALYST
    with pytest.raises(ApplicationError, match="already been decided"):
        role_grant_decide(actor=manager, grant=grant, approve=True)


def test_one_request_waits_at_a_time(sysadmin, analyst):
    role_grant_request(actor=sysadmin, user=analyst, role=Role.CME_MANAGER)

    with pytest.raises(ApplicationError, match="already waiting"):
        role_grant_request(actor=sysadmin, user=analyst, role=Role.CME_OFFICER)


def test_both_steps_are_audited(sysadmin, manager, analyst):
    grant = role_grant_request(actor=sysadmin, user=analyst, role=Role.CME_MANAGER)
    role_grant_decide(actor=manager, grant=grant, approve=True)

    entries = AuditEntry.objects.filter(target_type="accounts.user", target_id=str(analyst.pk)).order_by("sequence")
    assert [(entry.event, entry.actor_id) for entry in entries] == [
        (AuditEvent.ROLE_GRANT_REQUESTED, sysadmin.pk),
        (AuditEvent.ROLE_GRANT_APPROVED, manager.pk),
    ]
    assert entries[1].payload_data == {"role": "cme_manager", "grant": grant.pk}


def test_the_operator_s_service_provisions_a_role_directly():
    user = user_provision(
        username="seeded",
        first_name="S",
        last_name="D",
        email="s@example.org",
        role=Role.CME_MANAGER,
        password=None,
    )
    assert user.is_active and user.role == Role.CME_MANAGER
    assert not RoleGrant.objects.exists()


def test_the_pages_ask_then_a_manager_approves(sign_in, client, sysadmin, manager):
    form = {
        "username": "pagesofficer",
        "first_name": "Pat",
        "last_name": "Ages",
        "email": "pat@example.org",
        "role": Role.CME_OFFICER,
        "password": "a-long-enough-passphrase",
    }
    response = sign_in(sysadmin).post(reverse("web:manage:user-create"), form, follow=True)
    assert "waits for approval by a CME manager or the data protection officer" in response.content.decode()
    grant = RoleGrant.objects.get(user__username="pagesofficer")

    client.logout()
    manager_client = sign_in(manager)
    listing = manager_client.get(reverse("web:manage:role-grant-list")).content.decode()
    assert "Pat Ages" in listing and reverse("web:manage:role-grant-decide", args=[grant.pk]) in listing
    response = manager_client.post(reverse("web:manage:role-grant-decide", args=[grant.pk]), {"decision": "approve"})

    assert response.status_code == 302
    assert User.objects.get(username="pagesofficer").is_active


def test_the_decision_page_shows_an_error_summary_when_nothing_is_chosen(sign_in, sysadmin, manager, analyst):
    grant = role_grant_request(actor=sysadmin, user=analyst, role=Role.CME_MANAGER)

    response = sign_in(manager).post(reverse("web:manage:role-grant-decide", args=[grant.pk]), {})

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "Select whether you approve the role" in html

"""Role grants that need a second person: nobody gives an account (their own least of all) a role that reads
children's records alone.

The system administrator asks (`role_grant_request`, or through `user_create` and `user_update`, which turn a
child-reading role into a request); a CME manager or the DPO who is neither the requester nor the account approves
or refuses it (`role_grant_decide`). Only then does the role take effect. Both steps are audited.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError

from .enums import CHILD_READING_ROLES, GrantDecision, Role
from .models import RoleGrant, Team, User
from .policies import is_dpo, is_manager

ERROR_NOT_CHILD_READING = "That role does not read children's records: set it on the user's page."
ERROR_ALREADY_PENDING = "A role for this user is already waiting for approval: it must be decided first."
ERROR_NOT_PENDING = "This request has already been decided."
ERROR_NOT_AN_APPROVER = "Only a CME manager or the data protection officer can decide a role request."
ERROR_OWN_REQUEST = "You asked for this role yourself: someone else must decide it."
ERROR_OWN_ACCOUNT = "This request is for your own account: someone else must decide it."


def role_needs_approval(role: str) -> bool:
    return role in CHILD_READING_ROLES


def gains_child_reading_role(user: User, *, role: str, is_active: bool) -> bool:
    """Whether giving `user` this role and active state would let them read children's records as they cannot now."""
    if not (is_active and role_needs_approval(role)):
        return False
    return not (user.pk is not None and user.is_active and user.role == role)


def request_within(*, actor: User, user: User, role: Role, team: Team | None) -> RoleGrant:
    """`role_grant_request` inside the caller's transaction (user_create and user_update use it)."""
    if not role_needs_approval(role):
        raise ApplicationError(ERROR_NOT_CHILD_READING, field="role")
    if RoleGrant.objects.select_for_update().filter(user=user, decision=GrantDecision.PENDING).exists():
        raise ApplicationError(ERROR_ALREADY_PENDING, field="role")
    grant = RoleGrant.objects.create(user=user, role=role, team=team, requested_by=actor)
    audit_record(
        actor=actor,
        event=AuditEvent.ROLE_GRANT_REQUESTED,
        target=user,
        related=grant,
        payload={"role": str(role), "grant": grant.pk},
    )
    return grant


@transaction.atomic
def role_grant_request(*, actor: User, user: User, role: Role, team: Team | None = None) -> RoleGrant:
    """Ask for `user` to be given `role` (one that reads children's records); it waits for a second person."""
    return request_within(actor=actor, user=user, role=role, team=team)


@transaction.atomic
def role_grant_decide(*, actor: User, grant: RoleGrant, approve: bool) -> RoleGrant:
    """Approve or refuse a pending grant. The approver is a CME manager or the DPO, and neither the requester nor
    the account the role is for. Approving gives the account the role (and team), and makes it active."""
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if not (is_manager(actor) or is_dpo(actor)):
        raise ApplicationError(ERROR_NOT_AN_APPROVER)
    if grant.decision != GrantDecision.PENDING:
        raise ApplicationError(ERROR_NOT_PENDING)
    if actor.pk == grant.user_id:
        raise ApplicationError(ERROR_OWN_ACCOUNT)
    if actor.pk == grant.requested_by_id:
        raise ApplicationError(ERROR_OWN_REQUEST)
    grant.decision = GrantDecision.APPROVED if approve else GrantDecision.REFUSED
    grant.decided_by, grant.decided_at = actor, timezone.now()
    grant.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
    if approve:
        user = grant.user
        user.role, user.team, user.school, user.organisation = grant.role, grant.team, None, None
        user.is_active = True
        user.full_clean()
        user.save(update_fields=["role", "team", "school", "organisation", "is_active"])
    audit_record(
        actor=actor,
        event=AuditEvent.ROLE_GRANT_APPROVED if approve else AuditEvent.ROLE_GRANT_REFUSED,
        target=grant.user,
        related=grant,
        payload={"role": grant.role, "grant": grant.pk},
    )
    return grant


def role_grant_list(*, decision: str | None = GrantDecision.PENDING) -> QuerySet[RoleGrant]:
    """Grants with their people loaded, newest first; pending ones by default."""
    grants = RoleGrant.objects.select_related("user", "team", "requested_by", "decided_by")
    return grants.filter(decision=decision) if decision else grants

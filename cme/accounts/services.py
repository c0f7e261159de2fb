"""Writes to accounts: every function takes the acting user explicitly and validates before saving."""

from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError

from .enums import OrganisationKind, Role
from .grants import gains_child_reading_role, role_needs_approval
from .grants import request_within as role_grant_request_within
from .models import Organisation, Team, User

ERROR_SELF_DEACTIVATE = "You cannot deactivate your own account."
ERROR_USERNAME_TAKEN = "That username is already in use."
ERROR_NO_SUCH_USER = "There is no active user with that username."
ERROR_TOKEN_DAYS = "A token must expire after between 1 and 365 days."  # noqa: S105 - a message, not a secret
ERROR_NO_SUCH_TOKEN = "There is no API token with that id."  # noqa: S105 - a message, not a secret
ERROR_TEAM_EXISTS = "A team with that name already exists."
ERROR_ORGANISATION_EXISTS = "An organisation with that name already exists."


def _bind_role(user: User, *, role: Role, school, organisation) -> None:
    """Set the role and the one binding it allows: a school for school users, an organisation for partners."""
    user.role = role
    user.school = school if role == Role.SCHOOL_USER else None
    user.organisation = organisation if role == Role.PARTNER_USER else None


def _user_new(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    password: str | None,
    team: Team | None,
    school,
    organisation: Organisation | None,
    job_title: str,
    is_active: bool,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(ERROR_USERNAME_TAKEN, field="username")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, team=team)
    user.job_title = job_title
    user.is_active = is_active
    _bind_role(user, role=role, school=school, organisation=organisation)
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_provision(
    *,
    actor: User | None = None,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    password: str | None,
    team: Team | None = None,
    school=None,
    organisation: Organisation | None = None,
    job_title: str = "",
) -> User:
    """Create an active user holding `role` at once, whatever the role: for the operator only (the demo loader, the
    command line, tests' set-up), never for the administrator's pages, which go through `user_create`.

    `password` None leaves the account unable to sign in until one is set.
    """
    user = _user_new(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        password=password,
        team=team,
        school=school,
        organisation=organisation,
        job_title=job_title,
        is_active=True,
    )
    audit_record(actor=actor, event=AuditEvent.USER_CREATED, target=user, payload={"role": str(role), "direct": True})
    return user


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    password: str | None,
    team: Team | None = None,
    school=None,
    organisation: Organisation | None = None,
    job_title: str = "",
) -> User:
    """Create a user for the administrator. A role that reads children's records does not take effect yet: the
    account is made inactive and a grant of the role waits for a second person (`cme.accounts.grants`); the new
    user's `requested_grant` is that grant (None when the role took effect).
    """
    needs_approval = role_needs_approval(role)
    user = _user_new(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        password=password,
        team=team,
        school=school,
        organisation=organisation,
        job_title=job_title,
        is_active=not needs_approval,
    )
    audit_record(
        actor=actor, event=AuditEvent.USER_CREATED, target=user, payload={"role": str(role), "active": user.is_active}
    )
    user.requested_grant = (
        role_grant_request_within(actor=actor, user=user, role=role, team=team) if needs_approval else None
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    team: Team | None,
    school=None,
    organisation: Organisation | None = None,
    job_title: str = "",
    is_active: bool = True,
) -> User:
    """Change a user's details, role or binding; an administrator may not deactivate their own account.

    A change that would let the account read children's records as it cannot now (a caseworker role, or activating
    one) is not made: the other changes are, and a grant of the role waits for a second person. The returned user's
    `requested_grant` is that grant, or None.
    """
    if user.pk == actor.pk and not is_active:
        raise ApplicationError(ERROR_SELF_DEACTIVATE, field="is_active")
    requested = gains_child_reading_role(user, role=role, is_active=is_active)
    user.first_name, user.last_name, user.email, user.job_title = first_name, last_name, email, job_title
    if requested:
        # Keep the role, team and active state as they are until the grant is approved.
        grant = role_grant_request_within(actor=actor, user=user, role=role, team=team)
    else:
        grant = None
        user.team, user.is_active = team, is_active
        _bind_role(user, role=role, school=school, organisation=organisation)
    user.full_clean()
    user.save()
    event = AuditEvent.USER_CHANGED if user.is_active else AuditEvent.USER_DEACTIVATED
    audit_record(actor=actor, event=event, target=user, payload={"role": str(user.role), "active": user.is_active})
    user.requested_grant = grant
    if not is_active:
        # For good: the tokens are deleted, so reactivating the account does not bring them back.
        api_tokens_revoke_all(actor=actor, user=user)
    return user


@transaction.atomic
def user_two_factor_reset(*, actor: User, user: User) -> int:
    """Remove the user's authenticator devices so they must set one up at their next sign-in; returns how many."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, event=AuditEvent.USER_CHANGED, target=user, payload={"two_factor_reset": True})
    return deleted


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> None:
    """Clear the failed sign-in attempts that locked `user` out (django-axes keeps them by username, as typed)."""
    axes_reset(username=user.username)
    AccessAttempt.objects.filter(username__iexact=user.username).delete()
    audit_record(actor=actor, event=AuditEvent.USER_CHANGED, target=user, payload={"unlocked": True})


COMMAND_LINE_USERNAME = "cme-command-line"


@transaction.atomic
def command_line_user_get() -> User:
    """The account a command-line import is recorded under, created (and audited) the first time it is needed.

    Every receipt must name who recorded it (Disclosure.recorded_by); `cme import` acts for the operator, who is not
    a user of the web service, so the receipts name this account. It cannot sign in (inactive, no password).
    """
    user, created = User.objects.get_or_create(
        username=COMMAND_LINE_USERNAME,
        defaults={"role": Role.SYSADMIN, "is_active": False, "first_name": "Command-line", "last_name": "import"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(
            actor=None, event=AuditEvent.USER_CREATED, target=user, payload={"role": str(user.role), "active": False}
        )
    return user


def totp_device_start(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed authenticator device, creating one with a fresh secret if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm `device` if `token` is its current code; any older confirmed devices of the user are removed."""
    if device.user_id != user.pk or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def team_create(*, actor: User | None, name: str, description: str = "") -> Team:
    if Team.objects.filter(name__iexact=name).exists():
        raise ApplicationError(ERROR_TEAM_EXISTS, field="name")
    team = Team(name=name, description=description)
    team.full_clean()
    team.save()
    audit_record(actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=team, payload={"team": "created"})
    return team


@transaction.atomic
def organisation_create(*, actor: User | None, name: str, kind: OrganisationKind, email: str = "") -> Organisation:
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ApplicationError(ERROR_ORGANISATION_EXISTS, field="name")
    organisation = Organisation(name=name, kind=kind, email=email)
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor, event=AuditEvent.SETTINGS_CHANGED, target=organisation, payload={"organisation": "created"}
    )
    return organisation


def api_token_create(*, actor: User | None, username: str, days: int = 90) -> str:
    """Create an API token for the active user `username` and return it; only its hash is stored."""
    if not 1 <= days <= 365:
        raise ApplicationError(ERROR_TOKEN_DAYS, field="days")
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ApplicationError(ERROR_NO_SUCH_USER, field="username")
    instance, token = AuthToken.objects.create(user=user, expiry=timedelta(days=days))
    audit_record(
        actor=actor, event=AuditEvent.USER_CHANGED, target=user, payload={"api_token_created": instance.token_key}
    )
    return token


@transaction.atomic
def api_token_revoke(*, actor: User | None, token_id: str, user: User | None = None) -> User:
    """Revoke the API token `token_id` (its first characters, as `cme token list` shows them); returns its owner.

    With `user`, only a token of theirs is found: a person revoking their own token cannot name someone else's.
    """
    tokens = AuthToken.objects.select_related("user").filter(token_key=token_id.strip())
    if user is not None:
        tokens = tokens.filter(user=user)
    token = tokens.first()
    if token is None:
        raise ApplicationError(ERROR_NO_SUCH_TOKEN, field="token_id")
    owner = token.user
    AuthToken.objects.filter(digest=token.digest).delete()
    audit_record(
        actor=actor, event=AuditEvent.USER_CHANGED, target=owner, payload={"api_token_revoked": token.token_key}
    )
    return owner


@transaction.atomic
def api_tokens_revoke_all(*, actor: User | None, user: User) -> int:
    """Revoke every API token of `user`; returns how many there were."""
    keys = sorted(AuthToken.objects.filter(user=user).values_list("token_key", flat=True))
    AuthToken.objects.filter(user=user).delete()
    for key in keys:
        audit_record(actor=actor, event=AuditEvent.USER_CHANGED, target=user, payload={"api_token_revoked": key})
    return len(keys)


@transaction.atomic
def user_task_emails_set(*, user: User, choice: str) -> User:
    """The person's own choice of task emails (none, daily, immediate): audited as a change to their account."""
    from .enums import TaskEmails

    if choice not in TaskEmails.values:
        raise ApplicationError("Choose how often to get emails about your tasks", field="task_emails")
    User.objects.filter(pk=user.pk).update(task_emails=choice)
    user.task_emails = choice
    audit_record(actor=user, event=AuditEvent.USER_CHANGED, target=user, payload={"task_emails": choice})
    return user

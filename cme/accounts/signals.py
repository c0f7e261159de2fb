"""Sign-ins, failed sign-ins, sign-outs and lockouts go into the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record


def _record(**kwargs) -> None:
    with transaction.atomic():
        audit_record(**kwargs)


@receiver(user_logged_in, dispatch_uid="cme.audit.sign_in")
def audit_sign_in(sender, request, user, **kwargs) -> None:
    _record(actor=user, event=AuditEvent.SIGN_IN, target=user)


@receiver(user_logged_out, dispatch_uid="cme.audit.sign_out")
def audit_sign_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        _record(actor=user, event=AuditEvent.SIGN_OUT, target=user)


@receiver(user_login_failed, dispatch_uid="cme.audit.sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username tried may be a person's name or a mistyped password: it belongs in the erasable detail only.
    detail = {"username": credentials.get("username", "")}
    # A refused single sign-on (cme.accounts.oidc) says why, which email the provider vouched for, and whose account.
    refusal = getattr(request, "cme_sign_in_refusal", None) or {}
    if refusal:
        detail = {"method": "single sign-on", "username": refusal.get("email", ""), "reason": refusal["reason"]}
        if refusal.get("check"):
            detail["check"] = refusal["check"]
    _record(actor=None, event=AuditEvent.SIGN_IN_FAILED, target=refusal.get("user"), detail=detail)


@receiver(user_locked_out, dispatch_uid="cme.audit.locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    _record(actor=None, event=AuditEvent.LOCKED_OUT, detail={"username": username or ""})

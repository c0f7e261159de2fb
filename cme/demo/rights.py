"""Demo rights requests: a few of each kind, so the DPO's list shows clocks running, stopped, due soon and overdue."""

from datetime import timedelta

from django.utils import timezone

from cme.people.models import Child
from cme.rights import services
from cme.rights.enums import IdentityCheck, Outcome, PauseReason, RequesterRole, RequestKind


def demo_rights_load(*, actor) -> dict[str, int]:
    """Log the demo requests as the DPO `actor`, about the first children of the borough."""
    today = timezone.localdate()
    children = list(Child.objects.order_by("pk").values_list("pk", flat=True)[:4])
    if len(children) < 4:
        return {"rights_requests": 0}

    def log(kind, days_ago, name, details, child=None, **extra):
        request = services.request_record(
            actor=actor, kind=kind, requester_name=name, requester_role=RequesterRole.PARENT, details=details,
            received_on=today - timedelta(days=days_ago), **extra,
        )  # fmt: skip
        if child is not None:
            services.request_subject_add(actor=actor, request=request, kind="child", number=child)
        return request

    log(RequestKind.ACCESS, 40, "Demo parent A", "A copy of everything you hold about my daughter.", children[0],
        identity=IdentityCheck.KNOWN)  # fmt: skip
    waiting = log(RequestKind.ACCESS, 12, "Demo parent B", "All records about my son and me.", children[1])
    services.clock_pause(
        actor=actor, request=waiting, reason=PauseReason.IDENTITY, started_on=today - timedelta(days=10),
        note="Asked for a copy of a utility bill and photo identity.",
    )  # fmt: skip
    log(RequestKind.ERASURE, 26, "Demo parent C", "Please delete my child's record: we never lived here.", children[2])
    log(RequestKind.COMPLAINT, 25, "Demo parent D", "I was not told my information was shared with housing.")
    services.public_report_submit(
        name="Demo parent E", contact="parent.e@example.org", child_name="Demo child, born 2016",
        details="My daughter's surname is spelt wrongly in your letter.",
    )  # fmt: skip
    closed = log(RequestKind.OBJECTION, 50, "Demo parent F", "I object to you contacting my GP.", children[3])
    services.request_close(
        actor=actor, request=closed, outcome=Outcome.REFUSED,
        reason="Enquiries to locate a child missing education are a statutory duty (Education Act 1996 s.436A).",
    )  # fmt: skip
    return {"rights_requests": 6}

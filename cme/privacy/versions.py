"""The privacy notice as a versioned document: each published version kept as it read, with what changed.

The notice is built from the catalogue (cme.privacy.notice), so a change to the catalogue, the council's details or
a retention period can change it. `notice_version_check` compares the notice as it would read today with the version
in force, section by section (`notice_outline`); when they differ it makes (or refreshes) the one draft, with the
changes in plain words. The data protection officer publishes it (`notice_version_publish`), giving the date it is
next due for review. The check runs every day (cme.privacy.tasks.notice_check_task) and whenever the DPO opens the
notice versions page.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError

from .models import NoticeState, NoticeVersion
from .notice import Controller, Notice, notice_build
from .retention import retention_periods

REVIEW_MONTHS = 12
ERROR_REVIEW_PAST = "The next review date must be in the future"
ERROR_REVIEW_FAR = "The next review must be within two years"
FIRST_VERSION = "First published version."
NO_CHANGE = "Reviewed: no change to what the notice says."


def notice_current_build() -> Notice:
    """The notice as the catalogue, the council's settings and its retention periods make it today."""
    council_model = apps.get_model("council.CouncilSettings")
    council = council_model.objects.filter(pk=1).first() or council_model(pk=1)
    return notice_build(controller=Controller.from_settings(council), periods=retention_periods())


def notice_outline(notice: Notice) -> dict[str, list[str]]:
    """What the notice says, section by section, as lines of plain words: what versions are compared on."""
    controller = notice.controller
    return {
        "Who we are": [
            f"Controller: {controller.name}",
            f"Data protection officer: {controller.dpo_name}, {controller.dpo_email}",
            *([f"Address: {controller.dpo_address}"] if controller.dpo_address else []),
            *([f"Service email: {controller.service_email}"] if controller.service_email else []),
            *([f"Complaints: {controller.complaints_url}"] if controller.complaints_url else []),
        ],
        "What information we hold": [
            f"{c.label}: {c.plain} About: {'; '.join(c.subjects)}." + ("" if c.recorded else " Only in free text.")
            for c in notice.categories
        ],
        "What people write down": list(notice.free_text),
        "Where the information comes from": [_party(p) for p in notice.sources],
        "How we use it": [f"{p.label}: {p.plain}" for p in notice.purposes],
        "Our legal basis": [
            *[f"{b.label}: {b.plain}" for b in notice.lawful_bases],
            *[f"{b.label}: {b.plain}" for b in notice.special_conditions],
            *[f"{b.label}: {b.plain}" for b in notice.criminal_conditions],
            *[f"{s.title}" for s in notice.statutes],
        ],
        "Who we share it with": [_party(p) for p in notice.recipients],
        "How long we keep it": [f"{r.label}: {r.period}, from {r.starts_from}" for r in notice.retention],
        "How we keep it safe": [f"{m.name}: {m.plain}" for m in notice.security],
        "Your rights": [f"{r.name}: {r.plain}" for r in notice.rights],
    }


def _party(party) -> str:
    what = f" What: {'; '.join(party.categories)}." if party.categories else ""
    return f"{party.label}: {party.plain}{what}" + (" And case records." if party.includes_case_records else "")


def notice_changes(before: dict[str, list[str]] | None, after: dict[str, list[str]]) -> list[str]:
    """What changed from `before` to `after`, section by section, in plain words."""
    if not before:
        return [FIRST_VERSION]
    changes = []
    for section in after.keys() | before.keys():
        old, new = before.get(section, []), after.get(section, [])
        added = [line for line in new if line not in old]
        removed = [line for line in old if line not in new]
        changes += [f"{section}: added \u201c{line}\u201d" for line in added]
        changes += [f"{section}: removed \u201c{line}\u201d" for line in removed]
    order = {section: index for index, section in enumerate(after)}
    return sorted(changes, key=lambda change: (order.get(change.split(":")[0], len(order)), change))


def notice_version_current() -> NoticeVersion | None:
    """The version in force: the latest published."""
    return NoticeVersion.objects.filter(state=NoticeState.PUBLISHED).order_by("-number").first()


def notice_version_draft() -> NoticeVersion | None:
    return NoticeVersion.objects.filter(state=NoticeState.DRAFT).first()


def notice_version_list():
    """Published versions, newest first."""
    return NoticeVersion.objects.filter(state=NoticeState.PUBLISHED).order_by("-number").select_related("published_by")


def _render(notice: Notice, version: NoticeVersion | None, *, draft: bool = False) -> str:
    return render_to_string("privacy/notice_body.html", {"notice": notice, "version": version, "draft_preview": draft})


@transaction.atomic
def notice_version_check(*, actor=None, notice: Notice | None = None) -> NoticeVersion | None:
    """Make or refresh the draft when the notice as it would read today differs from the version in force.

    Returns the draft, or None when the version in force still says what the notice says. A draft the catalogue has
    moved back from (it no longer differs) is withdrawn.
    """
    notice = notice or notice_current_build()
    outline = notice_outline(notice)
    current = notice_version_current()
    draft = NoticeVersion.objects.select_for_update().filter(state=NoticeState.DRAFT).first()
    if current is not None and current.outline == outline:
        if draft is not None:
            draft.state = NoticeState.WITHDRAWN
            draft.save(update_fields=["state"])
        return None
    if draft is not None and draft.outline == outline:
        return draft
    changes = notice_changes(current.outline if current else None, outline)
    if draft is None:
        draft = NoticeVersion(state=NoticeState.DRAFT)
    draft.outline, draft.changes, draft.html = outline, changes, _render(notice, None, draft=True)
    draft.save()
    audit_record(
        actor=actor,
        event=AuditEvent.NOTICE_DRAFTED,
        target=draft,
        payload={"changes": len(changes), "previous": current.number if current else None},
    )
    return draft


def review_due_default(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + REVIEW_MONTHS // 12)
    except ValueError:  # 29 February
        return today.replace(year=today.year + REVIEW_MONTHS // 12, day=28)


@transaction.atomic
def notice_version_publish(*, actor, review_due_on: datetime.date, notice: Notice | None = None) -> NoticeVersion:
    """Publish the notice as it reads today as the next version, due for review on `review_due_on`.

    With a draft waiting, that draft is published (refreshed first if the catalogue has moved on). With none, the
    DPO has reviewed the notice and found nothing to change: the new version says so and moves the review date on.
    """
    today = timezone.localdate()
    if review_due_on <= today:
        raise ApplicationError(ERROR_REVIEW_PAST, field="review_due_on")
    if review_due_on > today + datetime.timedelta(days=731):
        raise ApplicationError(ERROR_REVIEW_FAR, field="review_due_on")
    notice = notice or notice_current_build()
    draft = notice_version_check(actor=actor, notice=notice)
    current = notice_version_current()
    if draft is None:
        draft = NoticeVersion(state=NoticeState.DRAFT, outline=notice_outline(notice), changes=[NO_CHANGE])
    last = NoticeVersion.objects.filter(number__isnull=False).order_by("-number").values_list("number", flat=True)
    draft.number = (last.first() or 0) + 1
    draft.state = NoticeState.PUBLISHED
    draft.published_at, draft.published_by, draft.review_due_on = timezone.now(), actor, review_due_on
    draft.html = _render(notice, draft)
    draft.save()
    audit_record(
        actor=actor,
        event=AuditEvent.NOTICE_PUBLISHED,
        target=draft,
        payload={"number": draft.number, "previous": current.number if current else None},
    )
    return draft

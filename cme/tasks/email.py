"""Emails about officers' tasks: a daily summary, and an alert at once when a safeguarding concern arrives.

An email leaves the council's systems, so it never carries a child's name or details, nor a case or return
reference: only what kinds of task are waiting, how many, and a link to cme, where the person signs in to see them.
Sent by Django's email backend over SMTP, or by GOV.UK Notify's official Python client (`CME_EMAIL_SERVICE`).
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from cme.accounts.enums import TaskEmails
from cme.accounts.models import User

from .registry import caseworkers, count_by_kind, task_list_for, task_list_holders

logger = logging.getLogger(__name__)

SERVICE_NAME = "cme"


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def _link(path: str) -> str:
    return f"{settings.CME_SITE_URL}{path}"


def digest_message(*, user: User, today: date) -> Message | None:
    """The daily summary for `user`: counts by kind of task and a link; None when nothing is waiting."""
    tasks = task_list_for(user=user, today=today)
    if not tasks:
        return None
    overdue = sum(task.overdue for task in tasks)
    lines = [
        f"You have {len(tasks)} task{'s' if len(tasks) != 1 else ''} in {SERVICE_NAME}"
        + (f", {overdue} overdue." if overdue else "."),
        "",
    ]
    for row in count_by_kind(tasks):
        extra = [f"{row.overdue} overdue"] if row.overdue else []
        extra += [f"{row.safeguarding} about a safeguarding concern"] if row.safeguarding else []
        lines.append(f"- {row.kind_label}: {row.total}" + (f" ({', '.join(extra)})" if extra else ""))
    lines += [
        "",
        f"See your tasks: {_link(reverse('web:tasks:list'))}",
        "",
        "This email names no child. Sign in to see the details.",
        'To change how often you get these emails, go to "Your account".',
    ]
    subject = f"Your {SERVICE_NAME} tasks: {len(tasks)} waiting" + (f", {overdue} overdue" if overdue else "")
    return Message(to=user.email, subject=subject, body="\n".join(lines))


def safeguarding_message(*, user: User) -> Message:
    """The alert sent at once: a safeguarding concern is waiting for triage. Nothing about whom."""
    body = "\n".join(
        [
            f"A school's return raising a safeguarding concern has arrived in {SERVICE_NAME} and is waiting to be "
            "triaged today.",
            "",
            f"See the returns waiting: {_link(reverse('web:returns:inbox'))}",
            "",
            "This email names no child. Sign in to see the details.",
            'To change how often you get these emails, go to "Your account".',
        ]
    )
    return Message(to=user.email, subject=f"Safeguarding concern waiting in {SERVICE_NAME}", body=body)


def send(message: Message) -> None:
    """Send one message by the configured service. Raises whatever the service raises."""
    if settings.CME_EMAIL_SERVICE == "notify":
        from notifications_python_client.notifications import NotificationsAPIClient

        client = NotificationsAPIClient(settings.CME_NOTIFY_API_KEY, base_url=settings.CME_NOTIFY_BASE_URL)
        client.send_email_notification(
            email_address=message.to,
            template_id=settings.CME_NOTIFY_TEMPLATE_ID,
            personalisation={"subject": message.subject, "body": message.body},
        )
        return
    send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to], fail_silently=False)


def _recipients(choices, *, people=None) -> list[User]:
    people = task_list_holders() if people is None else people
    return list(people.filter(task_emails__in=choices).exclude(email="").order_by("pk"))


def _send_each(messages: list[Message]) -> int:
    sent = 0
    for message in messages:
        try:
            send(message)
        except Exception:  # one bad address or a service hiccup must not stop the others
            logger.exception("A task email could not be sent.")
        else:
            sent += 1
    return sent


def digests_send(*, today: date) -> int:
    """Send each person with a task list (caseworkers, and the DPO for data rights requests) who chose daily (or
    immediate) emails their summary, when they have tasks; return how many were sent."""
    messages = [
        message
        for user in _recipients([TaskEmails.DAILY, TaskEmails.IMMEDIATE])
        if (message := digest_message(user=user, today=today)) is not None
    ]
    return _send_each(messages)


def safeguarding_alerts_send() -> int:
    """Email every caseworker who chose immediate emails that a safeguarding concern is waiting; return how many."""
    people = _recipients([TaskEmails.IMMEDIATE], people=caseworkers())  # intake: caseworkers triage it, not the DPO
    return _send_each([safeguarding_message(user=user) for user in people])

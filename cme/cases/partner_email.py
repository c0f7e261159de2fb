"""The reminder emailed to a partner agency about an enquiry it has not answered.

An email leaves the council's systems, so, like the task emails (cme.tasks.email), it names no child and carries no
detail of the enquiry: only that one is waiting, its reference, and a link to it in cme, where the partner signs in.
"""

from django.conf import settings
from django.urls import reverse

from cme.tasks.email import SERVICE_NAME, Message

from .models import Enquiry


def chaser_message(*, to: str, enquiry: Enquiry, interval: int) -> Message:
    link = f"{settings.CME_SITE_URL}{reverse('web:partners:enquiry', args=[enquiry.pk])}"
    reminder = "A reminder" if interval == 1 else f"Reminder {interval}"
    body = "\n".join(
        [
            f"The council's children missing education service sent your organisation an enquiry in {SERVICE_NAME} "
            f"(reference {enquiry.reference}). It has not been answered yet.",
            "",
            f"See and answer the enquiry: {link}",
            "",
            "This email names no child. Sign in to see the details.",
        ]
    )
    return Message(to=to, subject=f"{reminder}: enquiry {enquiry.reference} is waiting for your answer", body=body)

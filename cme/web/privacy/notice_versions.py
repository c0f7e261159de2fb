"""The data protection officer's page for the privacy notice's versions: the draft a catalogue change made, what it
changes, and publishing it (cme.privacy.versions)."""

import datetime

from django import forms
from django.utils import timezone
from django.views.generic import TemplateView

from cme.privacy.versions import (
    notice_version_check,
    notice_version_current,
    notice_version_list,
    notice_version_publish,
    review_due_default,
)
from cme.web.forms import GovukDateField, GovukForm
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView

PERMISSION = "privacy.publish_notice"


class NoticeVersionsView(PermissionRequiredMixin, TemplateView):
    """The draft (checked for on every visit: the catalogue may have changed since the daily check), and the
    published versions with their dates and authors."""

    permission_required = PERMISSION
    template_name = "privacy/notice_versions.html"
    nav_section = "privacy-notice"

    def get_context_data(self, **kwargs):
        draft = notice_version_check(actor=self.request.user)
        current = notice_version_current()
        return super().get_context_data(
            draft=draft,
            current=current,
            overdue=current is not None and current.review_due_on and current.review_due_on < timezone.localdate(),
            versions=notice_version_list()[:100],
            **kwargs,
        )


class PublishForm(GovukForm):
    title = "Publish the privacy notice"
    submit_label = "Publish this version"
    review_due_on = GovukDateField(
        label="Next review due",
        help_text="No more than two years away. For example, 1 12 2027",
    )
    confirm = forms.BooleanField(
        label="I have read the notice as it will be published",
        error_messages={"required": "Confirm that you have read the notice"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("review_due_on", review_due_default())


class NoticePublishView(ServiceFormView):
    permission_required = PERMISSION
    form_class = PublishForm
    nav_section = "privacy-notice"
    success_url_name = "web:privacy:notice-versions"

    def perform(self, form):
        due = form.cleaned_data["review_due_on"]
        if isinstance(due, datetime.datetime):
            due = due.date()
        return notice_version_publish(actor=self.request.user, review_due_on=due)

    def success_message(self, version) -> str:
        return f"Version {version.number} of the privacy notice is published."

"""The data protection officer's retention pages: disposal batches, their approval, legal holds and certificates."""

from django import forms
from django.apps import apps
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import TemplateView, View

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.common.errors import ApplicationError
from cme.council.services import retention_periods_set
from cme.privacy.models import BatchState, DisposalBatch, DisposalItem, HoldState, LegalHold
from cme.privacy.retention import (
    RULES,
    batch_certificate,
    disposal_batch_approve,
    disposal_batch_counts,
    disposal_batch_list,
    disposal_batch_sample,
    disposal_item_exclude,
    legal_hold_list,
    legal_hold_place,
    legal_hold_release,
    retention_periods,
)
from cme.web.forms import GovukForm
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView

PERMISSION = "privacy.manage_retention"


class RetentionView(PermissionRequiredMixin, TemplateView):
    """Disposal batches, newest first, with the holds in force and the periods the rules apply."""

    permission_required = PERMISSION
    template_name = "privacy/retention/index.html"
    nav_section = "privacy-retention"

    def get_context_data(self, **kwargs):
        periods = retention_periods()
        rules = [(RULES[code], periods[code]) for code in RULES]
        return super().get_context_data(
            batches=disposal_batch_list()[:100],
            holds=legal_hold_list(active_only=True).count(),
            rules=rules,
            **kwargs,
        )


class _BatchMixin:
    def dispatch(self, request, *args, batch_id: int, **kwargs):
        self.batch = get_object_or_404(DisposalBatch, pk=batch_id)
        return super().dispatch(request, *args, **kwargs)


class BatchDetailView(_BatchMixin, PermissionRequiredMixin, TemplateView):
    """One batch: counts by rule, a sample of its records, what holds keep back and why."""

    permission_required = PERMISSION
    template_name = "privacy/retention/batch.html"
    nav_section = "privacy-retention"

    def get_context_data(self, **kwargs):
        audit_record(
            actor=self.request.user,
            event=AuditEvent.DISPOSAL_BATCH_VIEWED,
            target=self.batch,
            payload={"batch": self.batch.pk},
        )
        sample = disposal_batch_sample(self.batch)
        described = _describe([item for items in sample.values() for item in items])
        return super().get_context_data(
            batch=self.batch,
            counts=disposal_batch_counts(self.batch),
            sample=[
                (RULES[code], [(item, described.get(item.pk, "")) for item in items]) for code, items in sample.items()
            ],
            excluded=self.batch.items.filter(state="excluded").select_related("decided_by")[:200],
            holds=legal_hold_list(active_only=True).select_related("subject_type"),
            can_change=self.batch.state == BatchState.PROPOSED,
            **kwargs,
        )


def _describe(items: list[DisposalItem]) -> dict[int, str]:
    """A few words about each sampled record, enough to check it is due: never a name."""
    Child = apps.get_model("people.Child")
    children = {
        pk: born
        for pk, born in Child.objects.filter(
            pk__in=[i.record_id for i in items if i.record_type == "people.child"]
        ).values_list("pk", "date_of_birth")
    }
    words = {}
    for item in items:
        if item.record_type == "people.child" and item.record_id in children:
            words[item.pk] = f"Born {children[item.record_id]:%B %Y}".replace(" 0", " ")
    return words


class ApproveForm(GovukForm):
    title = "Approve this disposal"
    submit_label = "Approve disposal"
    confirm = forms.BooleanField(
        label="I have reviewed the batch: its records may be deleted for good",
        error_messages={"required": "Confirm that you have reviewed the batch"},
    )


class BatchApproveView(_BatchMixin, ServiceFormView):
    permission_required = PERMISSION
    form_class = ApproveForm
    template_name = "privacy/retention/approve.html"
    nav_section = "privacy-retention"

    def get_context_data(self, **kwargs):
        return super().get_context_data(batch=self.batch, counts=disposal_batch_counts(self.batch), **kwargs)

    def perform(self, form):
        return disposal_batch_approve(actor=self.request.user, batch=self.batch)

    def success_message(self, batch) -> str:
        return f"Disposal batch {batch.pk} approved. It is disposed of the next time `cme retention dispose` runs."

    def get_success_url(self) -> str:
        return reverse("web:privacy:retention-batch", kwargs={"batch_id": self.batch.pk})


class ReasonForm(GovukForm):
    title = "Keep this record"
    submit_label = "Keep it out of the batch"
    reason = forms.CharField(
        label="Why is it to be kept?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say why this record is to be kept"},
    )


class ItemExcludeView(ServiceFormView):
    permission_required = PERMISSION
    form_class = ReasonForm
    template_name = "privacy/retention/reason.html"
    nav_section = "privacy-retention"

    def dispatch(self, request, *args, item_id: int, **kwargs):
        self.item = get_object_or_404(DisposalItem.objects.select_related("batch"), pk=item_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, rule=RULES.get(self.item.rule), **kwargs)

    def perform(self, form):
        return disposal_item_exclude(actor=self.request.user, item=self.item, reason=form.cleaned_data["reason"])

    def success_message(self, item) -> str:
        return "The record is kept out of the batch."

    def get_success_url(self) -> str:
        return reverse("web:privacy:retention-batch", kwargs={"batch_id": self.item.batch_id})


class HoldListView(PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "privacy/retention/holds.html"
    nav_section = "privacy-retention"

    def get_context_data(self, **kwargs):
        return super().get_context_data(holds=legal_hold_list()[:500], **kwargs)


class HoldForm(GovukForm):
    title = "Place a legal hold"
    submit_label = "Place the hold"
    KINDS = (("child", "A child"), ("case", "A case"))
    kind = forms.ChoiceField(label="What is to be held?", choices=KINDS, widget=forms.RadioSelect,
                             error_messages={"required": "Choose a child or a case"})  # fmt: skip
    number = forms.IntegerField(label="Its record number", min_value=1,
                                error_messages={"required": "Enter the record number",
                                                "invalid": "Enter the record number as a whole number",
                                                "min_value": "Enter a record number of 1 or more"})  # fmt: skip
    reason = forms.CharField(
        label="Why is disposal suspended?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="For example, a claim notified, an inquiry's order, a court order.",
        error_messages={"required": "Say why disposal is suspended"},
    )


class HoldCreateView(ServiceFormView):
    permission_required = PERMISSION
    form_class = HoldForm
    nav_section = "privacy-retention"
    success_url_name = "web:privacy:retention-holds"

    def perform(self, form):
        data = form.cleaned_data
        label = "people.Child" if data["kind"] == "child" else "cases.Case"
        subject = apps.get_model(label).objects.filter(pk=data["number"]).first()
        if subject is None:
            raise ApplicationError(f"There is no {data['kind']} with record number {data['number']}.", field="number")
        return legal_hold_place(actor=self.request.user, subject=subject, reason=data["reason"])

    def success_message(self, hold) -> str:
        return "Legal hold placed: nothing of the child is disposed of while it is in force."


class ReleaseForm(ReasonForm):
    title = "Release this legal hold"
    submit_label = "Release the hold"
    reason = forms.CharField(
        label="Why is the hold released?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say why the hold is released"},
    )


class HoldReleaseView(ServiceFormView):
    permission_required = PERMISSION
    form_class = ReleaseForm
    template_name = "privacy/retention/reason.html"
    nav_section = "privacy-retention"
    success_url_name = "web:privacy:retention-holds"

    def dispatch(self, request, *args, hold_id: int, **kwargs):
        self.hold = get_object_or_404(LegalHold, pk=hold_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(hold=self.hold, active=self.hold.state == HoldState.ACTIVE, **kwargs)

    def perform(self, form):
        return legal_hold_release(actor=self.request.user, hold=self.hold, reason=form.cleaned_data["reason"])

    def success_message(self, hold) -> str:
        return "Legal hold released."


class PeriodsForm(GovukForm):
    title = "Retention periods"
    submit_label = "Save the periods"

    def __init__(self, *args, periods: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for code, rule in RULES.items():
            self.fields[code] = forms.IntegerField(
                label=f"{rule.label} (months)",
                help_text=f"From {rule.starts_from}. The default is {rule.default_months} months.",
                min_value=0,
                max_value=1200,
                initial=periods[code],
                error_messages={
                    "required": f"Enter the months for: {rule.label.lower()}",
                    "invalid": "Enter a whole number of months",
                    "min_value": "Enter 0 months or more",
                    "max_value": "Enter 1,200 months or fewer",
                },
            )
        from crispy_forms_gds.layout import Layout, Submit

        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))


class PeriodsView(ServiceFormView):
    permission_required = "council.change_retention_periods"
    form_class = PeriodsForm
    nav_section = "privacy-retention"
    success_url_name = "web:privacy:retention"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "periods": retention_periods()}

    def perform(self, form):
        defaults = {code: rule.default_months for code, rule in RULES.items()}
        return retention_periods_set(actor=self.request.user, periods=form.cleaned_data, defaults=defaults)

    def success_message(self, changed) -> str:
        return "Retention periods saved." if changed else "No period changed."


class _CertificateMixin(_BatchMixin):
    def certificate(self) -> dict:
        if self.batch.state != BatchState.DISPOSED:
            raise Http404("This batch has not been disposed of, so it has no certificate yet.")
        return batch_certificate(self.batch)


class CertificateView(_CertificateMixin, PermissionRequiredMixin, TemplateView):
    """The disposal certificate: rules, counts by kind of record, dates, approver, batch. No personal data."""

    permission_required = PERMISSION
    template_name = "privacy/retention/certificate.html"
    nav_section = "privacy-retention"

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate(), **kwargs)


class CertificatePdfView(_CertificateMixin, PermissionRequiredMixin, View):
    permission_required = PERMISSION

    def get(self, request, **kwargs):
        from weasyprint import HTML

        html = render_to_string("privacy/retention/certificate_pdf.html", {"certificate": self.certificate()})
        pdf = HTML(string=html).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="disposal-certificate-{self.batch.pk}.pdf"'
        return response

"""Partner agencies working in cme: their inbox, an enquiry to answer, a referral to accept; and the officers' list
of enquiries waiting on partners.

A partner's pages open a record only through cme.cases.partner_access (their organisation's, audited; anything
else is "not found", audited); they show the copy of the child's details that was shared, never the case.
"""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from cme.cases.enums import EnquiryResult
from cme.cases.partner_access import access_partner_enquiry, access_partner_referral
from cme.cases.partner_selectors import (
    enquiries_waiting_on_partners,
    enquiry_partner_state,
    organisations_waited_on,
    partner_enquiries_for_user,
    partner_referrals_for_user,
)
from cme.cases.services.partners import enquiry_answer_mark_read, partner_referral_accept
from cme.cases.services.partners import enquiry_partner_answer as answer_service
from cme.common.access import audit_list_read, refuse_not_found
from cme.common.errors import ApplicationError

from ..cases.views import CaseAccessMixin
from ..mixins import AuditedListMixin, PermissionRequiredMixin, ServiceFormView
from . import forms


def _shared_rows(shared: dict) -> list[tuple[str, object]]:
    """The shared copy as (label, value) rows, in a fixed order; carers as a list."""
    rows = []
    if "name" in shared:
        rows.append(("Name", shared["name"]))
    if shared.get("name_known_by"):
        rows.append(("Known as", shared["name_known_by"]))
    if "date_of_birth" in shared:
        rows.append(("Date of birth", date.fromisoformat(shared["date_of_birth"])))
    if "address" in shared:
        rows.append(("Last known address", shared["address"] or "Not known"))
    if "carers" in shared:
        rows.append(("Parents and carers", shared["carers"]))
    return rows


class PartnerInboxView(PermissionRequiredMixin, TemplateView):
    """Everything sent to the partner's organisation: enquiries waiting first, then referrals."""

    permission_required = "cases.view_partner_inbox"
    template_name = "partners/inbox.html"
    nav_section = "partners-inbox"

    def get_context_data(self, **kwargs):
        user = self.request.user
        enquiries = list(partner_enquiries_for_user(user=user))
        referrals = list(partner_referrals_for_user(user=user))
        route = self.request.resolver_match.view_name
        audit_list_read(
            user=user, target_type="cases.enquiry", route=route, shown=[e.pk for e in enquiries], total=len(enquiries)
        )
        audit_list_read(
            user=user,
            target_type="cases.partnerreferral",
            route=route,
            shown=[r.pk for r in referrals],
            total=len(referrals),
        )
        today = timezone.localdate()
        return super().get_context_data(
            organisation=user.organisation,
            waiting=[e for e in enquiries if e.result == EnquiryResult.AWAITING],
            answered=[e for e in enquiries if e.result != EnquiryResult.AWAITING],
            referrals=referrals,
            today=today,
            **kwargs,
        )


class PartnerEnquiryView(ServiceFormView):
    """One enquiry: what it shares of the child, and the answer form while it waits."""

    permission_required = "cases.answer_partner_enquiry"
    form_class = forms.PartnerAnswerForm
    template_name = "partners/enquiry.html"
    nav_section = "partners-inbox"
    success_url_name = "web:partners:inbox"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.enquiry = access_partner_enquiry(user=request.user, enquiry_id=kwargs["partner_enquiry_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.enquiry.version}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enquiry=self.enquiry,
            shared_rows=_shared_rows(self.enquiry.shared),
            today=timezone.localdate(),
            **kwargs,
        )

    def perform(self, form):
        return answer_service(
            enquiry=self.enquiry,
            actor=self.request.user,
            result=form.cleaned_data["result"],
            findings=form.cleaned_data["findings"],
            expected_version=form.cleaned_data["version"],
        )

    def success_message(self, enquiry) -> str:
        return f"Your answer to enquiry {enquiry.reference} has been sent to the council."


class PartnerReferralView(ServiceFormView):
    """One referral (an escalation to children's social care): what it shares, and accepting it."""

    permission_required = "cases.view_partner_inbox"
    form_class = forms.PartnerReferralAcceptForm
    template_name = "partners/referral.html"
    nav_section = "partners-inbox"
    success_url_name = "web:partners:inbox"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.referral = access_partner_referral(user=request.user, referral_id=kwargs["partner_referral_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            referral=self.referral, shared_rows=_shared_rows(self.referral.shared), **kwargs
        )

    def perform(self, form):
        return partner_referral_accept(
            referral=self.referral, actor=self.request.user, response=form.cleaned_data["response"]
        )

    def success_message(self, referral) -> str:
        return f"Referral {referral.reference} accepted. The CME officer can see that you have it."


class WaitingOnPartnersView(AuditedListMixin, PermissionRequiredMixin, ListView):
    """The officer's list: unanswered enquiries sent to partners on cases in their caseload, by organisation."""

    permission_required = "cases.view_waiting_on_partners"
    template_name = "partners/waiting.html"
    nav_section = "partners-waiting"
    listed_type = "cases.enquiry"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = forms.WaitingFilterForm(self.request.GET or None)
        organisation = self.filter_form.cleaned_data["organisation"] if self.filter_form.is_valid() else None
        return enquiries_waiting_on_partners(
            user=self.request.user, organisation_id=organisation.pk if organisation else None
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            filter_form=self.filter_form,
            organisations=organisations_waited_on(user=self.request.user),
            rows=[(e, enquiry_partner_state(e, today)) for e in context["object_list"]],
            today=today,
        )
        return context


class EnquiryAnswerReadView(CaseAccessMixin, PermissionRequiredMixin, View):
    """The officer marks a partner's answer as read (POST only): its task leaves their list."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        enquiry = self.case.enquiries.filter(pk=kwargs["enquiry_id"]).first()
        if enquiry is None:
            raise refuse_not_found(user=request.user, target_type="cases.enquiry", target_id=kwargs["enquiry_id"])
        try:
            enquiry_answer_mark_read(enquiry=enquiry, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Answer from {enquiry.organisation.name} marked as read.")
        return redirect(reverse("web:cases:detail", args=[self.case.pk]) + "#enquiries")

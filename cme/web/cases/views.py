"""Casework pages: referrals and their triage, the case page, and every action on a case."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from cme.cases import services
from cme.cases.access import access_case, access_referral
from cme.cases.enums import EnquiryAgency, ReferralStatus
from cme.cases.models import Document, Enquiry, Note
from cme.cases.partner_selectors import enquiry_partner_state
from cme.cases.priority import case_flag, flagged_first, referral_flag
from cme.cases.selectors import (
    case_list,
    case_list_for_user,
    case_timeline,
    children_known,
    open_cases,
    referral_list_for_user,
    sign_off_for_case,
    sign_offs_waiting,
    team_caseload,
)
from cme.common.access import audit_list_read
from cme.common.errors import ApplicationError
from cme.people.access import access_child
from cme.people.history import case_history, history_rows
from cme.schools.selectors import school_get
from cme.web.mixins import AuditedListMixin, PermissionRequiredMixin, ServiceFormView

from . import forms


class CaseAccessMixin:
    """Opens the case named in the URL through `access_case` (404 if the user may not see it) before anything else.

    The permission check then runs against the case itself (`get_permission_object`).
    """

    permission_required = "cases.work_case"
    nav_section = "cases"
    template_name = "cases/case_form.html"
    load_detail = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = access_case(user=request.user, case_id=kwargs["case_id"], detail=self.load_detail)
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.case

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, **kwargs)

    def get_success_url(self) -> str:
        return reverse("web:cases:detail", args=[self.case.pk])


class CaseListView(AuditedListMixin, PermissionRequiredMixin, ListView):
    listed_type = "cases.case"
    permission_required = "cases.view_caseload"
    template_name = "cases/case_list.html"
    nav_section = "cases"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form, self.filters = forms.CaseFilterForm.filters_from(self.request.GET, user=self.request.user)
        # High risk first (issue 11 point 4), then the list's own order.
        return flagged_first(case_list(user=self.request.user, filters=self.filters), case_flag(), "due_on", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filter_form, filters=self.filters, **kwargs)
        count = context["paginator"].count
        context["list_caption"] = f"{count} case{'' if count == 1 else 's'}"
        return context

    def audit_criteria(self) -> dict[str, str]:
        return self.filters.criteria()


class CaseDetailView(CaseAccessMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "cases.view_case"
    template_name = "cases/case_detail.html"
    load_detail = True

    # A case that has run for years has hundreds of notes. The page opens on the newest, with a link to all of them
    # (`?show=all`), so it stays quick to read and to load; nothing is hidden from someone who asks.
    NOTES_SHOWN = 10
    HISTORY_SHOWN = 15

    def get_context_data(self, **kwargs):
        case = self.case
        enquiries = list(case.enquiries.select_related("organisation", "answered_by"))
        today = timezone.localdate()
        for enquiry in enquiries:
            enquiry.partner_state = enquiry_partner_state(enquiry, today)
        checklist = [(agency, [e for e in enquiries if e.agency == agency]) for agency in EnquiryAgency]
        carers = case.child.carer_relationships.select_related("carer").order_by("-parental_responsibility", "pk")
        notes = [note for note in case.notes.all() if not note.is_corrected]
        timeline = case_timeline(case=case)
        show_all = self.request.GET.get("show") == "all"
        return super().get_context_data(
            timeline=timeline if show_all else timeline[: self.HISTORY_SHOWN],
            timeline_total=len(timeline),
            checklist=checklist,
            carer_relationships=list(carers),
            notes=notes if show_all else notes[: self.NOTES_SHOWN],
            notes_total=len(notes),
            show_all=show_all,
            can_reallocate=self.request.user.has_perm("cases.reallocate_case", case),
            sign_off=sign_off_for_case(case=case) if case.is_open else None,
            partner_referrals=list(case.partner_referrals.select_related("organisation", "accepted_by")),
            can_sign_off=self.request.user.has_perm("cases.sign_off_case"),
            letters_unsent=list(case.letters.filter(sent_on__isnull=True).select_related("document")),
            **kwargs,
        )


class CaseloadView(PermissionRequiredMixin, TemplateView):
    """A manager's view of every caseworker's load, to balance work."""

    permission_required = "cases.view_team_caseload"
    template_name = "cases/caseload.html"
    nav_section = "caseload"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=team_caseload(manager=self.request.user), **kwargs)


class _CaseFormView(CaseAccessMixin, ServiceFormView):
    """A form about one case whose versioned fields start from the case as read."""

    def get_initial(self):
        return {"version": self.case.version}


class CaseDetailsCorrectView(_CaseFormView):
    """Correct the main reason and the "missing education since" date, with why; the old values stay in the history."""

    form_class = forms.CaseDetailsCorrectForm

    def get_initial(self):
        return {
            **super().get_initial(),
            "primary_reason": self.case.primary_reason,
            "became_cme_on": self.case.became_cme_on,
        }

    def perform(self, form):
        data = form.cleaned_data
        return services.case_details_correct(
            case=self.case,
            actor=self.request.user,
            primary_reason=data["primary_reason"],
            became_cme_on=data["became_cme_on"],
            rationale=data["rationale"],
            expected_version=data["version"],
        )

    def success_message(self, case) -> str:
        return "Case details saved. The old values are kept in the case's history."


class CaseHistoryView(CaseAccessMixin, PermissionRequiredMixin, TemplateView):
    """Every correction of the case's details: field, old value, new value, who, when, why."""

    permission_required = "cases.view_case"
    template_name = "cases/case_history.html"

    def get_context_data(self, **kwargs):
        rows = history_rows(case_history(case=self.case), user=self.request.user)
        return super().get_context_data(rows=rows, masked_any=any(row.masked for row in rows), **kwargs)


class CaseStatusView(_CaseFormView):
    form_class = forms.CaseStatusForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def perform(self, form):
        data = form.cleaned_data
        return services.case_status_change(
            case=self.case,
            actor=self.request.user,
            status=data["status"],
            rationale=data["rationale"],
            expected_version=data["version"],
        )

    def success_message(self, case) -> str:
        return f"Status changed to {case.get_status_display().lower()}."


class CaseRiskView(_CaseFormView):
    form_class = forms.CaseRiskForm

    def get_initial(self):
        return {**super().get_initial(), "risk_level": self.case.risk_level}

    def perform(self, form):
        data = form.cleaned_data
        return services.case_set_risk(
            case=self.case,
            actor=self.request.user,
            risk_level=data["risk_level"],
            rationale=data["rationale"],
            expected_version=data["version"],
        )

    def success_message(self, case) -> str:
        return f"Risk level set to {case.get_risk_level_display().lower()}."


class CaseReallocateView(_CaseFormView):
    permission_required = "cases.reallocate_case"
    form_class = forms.CaseReallocateForm

    def perform(self, form):
        data = form.cleaned_data
        return services.case_reallocate(
            case=self.case,
            actor=self.request.user,
            officer=data["officer"],
            rationale=data["rationale"],
            expected_version=data["version"],
        )

    def success_message(self, case) -> str:
        return f"Case allocated to {case.officer.display_name}."


class CaseEscalateView(CaseAccessMixin, ServiceFormView):
    form_class = forms.CaseEscalateForm

    def perform(self, form):
        return services.case_escalate(case=self.case, actor=self.request.user, **form.cleaned_data)

    def success_message(self, decision) -> str:
        return f"{decision.get_kind_display()} recorded, and the disclosure logged."


class CaseSaoView(CaseAccessMixin, ServiceFormView):
    form_class = type(
        "SaoForm",
        (forms.RationaleForm,),
        {"title": "Start school attendance order steps", "submit_label": "Record decision"},
    )

    def perform(self, form):
        self.decision = services.case_start_sao(case=self.case, actor=self.request.user, **form.cleaned_data)
        return self.decision

    def get_success_url(self) -> str:
        # The process's own page: its steps, deadlines and letters (cme.web.letters.views.AttendanceOrderView).
        return reverse("web:cases:sao-detail", args=[self.case.pk, self.decision.details["attendance_order"]])

    def success_message(self, decision) -> str:
        return "School attendance order process started. Record each step here as it is taken."


class CaseCloseView(_CaseFormView):
    """The closing page: the outcome, where the child went (school, council or country) and when, and why.

    When the council's settings need a manager's sign-off, the same page asks for it instead of closing.
    """

    form_class = forms.CaseCloseForm
    template_name = "cases/case_close.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(waiting=sign_off_for_case(case=self.case), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        urn = data["destination_school_urn"].strip()
        school = school_get(urn=int(urn)) if urn.isdigit() and not data["destination_school_name"].strip() else None
        if urn and school is None and not data["destination_school_name"].strip():
            raise ApplicationError(ERROR_URN_NOT_IN_REGISTER, field="destination_school_name")
        destination = services.closure_destination(
            outcome=data["outcome"],
            school=school,
            other_school_name=data["destination_school_name"] if school is None else "",
            other_school_urn=urn if school is None else "",
            council=data["destination_council"],
            country=data["destination_country"],
            on=data["destination_on"],
        )
        return services.case_close_or_ask(
            case=self.case,
            actor=self.request.user,
            outcome=data["outcome"],
            rationale=data["rationale"],
            expected_version=data["version"],
            destination=destination,
        )

    def success_message(self, result) -> str:
        if result.awaiting_sign_off:
            return "Sent to a manager for sign-off. The case stays open until a manager signs it off."
        return f"Case closed: {result.case.get_outcome_display().lower()}."


ERROR_URN_NOT_IN_REGISTER = "No school with this URN is in the register: enter the school's name too"


class SignOffQueueView(PermissionRequiredMixin, TemplateView):
    """Sign-offs: for a manager, requests to close a case waiting for them (oldest first); for an officer, their
    requests a manager sent back (`sign_offs_waiting`)."""

    permission_required = "cases.view_caseload"
    template_name = "cases/sign_off_queue.html"
    nav_section = "sign-offs"

    def get_context_data(self, **kwargs):
        waiting = list(sign_offs_waiting(user=self.request.user))
        audit_list_read(
            user=self.request.user,
            target_type="cases.case",
            route="web:cases:sign-offs",
            shown=[request.case_id for request in waiting],
            total=len(waiting),
        )
        return super().get_context_data(
            waiting=waiting, is_manager=self.request.user.has_perm("cases.sign_off_case"), **kwargs
        )


class _SignOffMixin(CaseAccessMixin):
    """Opens the case (access_case: 404 outside the caseload, audited) and then the request named in the URL, which
    must be that case's; only a manager may act on it (403 for an officer who may see the case)."""

    permission_required = "cases.sign_off_case"
    nav_section = "sign-offs"
    template_name = "cases/sign_off.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = access_case(user=request.user, case_id=kwargs["case_id"])
            if request.user.has_perm(self.permission_required, self.case):
                requests = self.case.sign_offs.select_related("requested_by", "decided_by", "destination_school")
                self.sign_off = get_object_or_404(requests, pk=kwargs["sign_off_id"])
        return super(CaseAccessMixin, self).dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(sign_off=self.sign_off, **kwargs)

    def get_success_url(self) -> str:
        return reverse("web:cases:sign-offs")


class SignOffApproveView(_SignOffMixin, ServiceFormView):
    form_class = forms.SignOffApproveForm

    def perform(self, form):
        return services.sign_off_approve(
            request=self.sign_off, actor=self.request.user, rationale=form.cleaned_data["rationale"]
        )

    def success_message(self, case) -> str:
        return f"Signed off. {case.reference} is closed: {case.get_outcome_display().lower()}."


class SignOffSendBackView(_SignOffMixin, ServiceFormView):
    form_class = forms.SignOffSendBackForm

    def perform(self, form):
        return services.sign_off_send_back(
            request=self.sign_off, actor=self.request.user, reason=form.cleaned_data["reason"]
        )

    def success_message(self, request) -> str:
        return f"Sent back to {request.requested_by}. {request.case.reference} stays open."


class CaseReopenView(_CaseFormView):
    form_class = forms.CaseReopenForm

    def perform(self, form):
        data = form.cleaned_data
        return services.case_reopen(
            case=self.case, actor=self.request.user, rationale=data["rationale"], expected_version=data["version"]
        )

    def success_message(self, case) -> str:
        return "Case reopened."


class EnquiryCreateView(CaseAccessMixin, ServiceFormView):
    form_class = forms.EnquiryForm

    def get_initial(self):
        agency = self.request.GET.get("agency", "")
        return {"agency": agency} if agency in EnquiryAgency.values else {}

    def perform(self, form):
        return services.enquiry_request(case=self.case, actor=self.request.user, **form.cleaned_data)

    def success_message(self, enquiry) -> str:
        return f"Enquiry to {enquiry.get_agency_display().lower()} recorded."


class EnquiryResponseView(CaseAccessMixin, ServiceFormView):
    form_class = forms.EnquiryResponseForm
    template_name = "cases/enquiry_response.html"

    def get_enquiry(self) -> Enquiry:
        return get_object_or_404(Enquiry, pk=self.kwargs["enquiry_id"], case=self.case)

    def get_initial(self):
        return {"version": self.get_enquiry().version}

    def get_context_data(self, **kwargs):
        return super().get_context_data(enquiry=self.get_enquiry(), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.enquiry_record_response(
            enquiry=self.get_enquiry(),
            actor=self.request.user,
            responded_on=data["responded_on"],
            result=data["result"],
            findings=data["findings"],
            expected_version=data["version"],
        )

    def success_message(self, enquiry) -> str:
        return f"Response from {enquiry.get_agency_display().lower()} recorded."


class NoteCreateView(CaseAccessMixin, ServiceFormView):
    form_class = forms.NoteForm

    def perform(self, form):
        return services.note_add(case=self.case, actor=self.request.user, **form.cleaned_data)

    def success_message(self, note) -> str:
        return "Note added."


class NoteCorrectView(CaseAccessMixin, ServiceFormView):
    form_class = forms.NoteCorrectForm
    template_name = "cases/note_correct.html"

    def get_note(self) -> Note:
        return get_object_or_404(Note, pk=self.kwargs["note_id"], case=self.case)

    def get_initial(self):
        return {"text": self.get_note().text}

    def get_context_data(self, **kwargs):
        return super().get_context_data(note=self.get_note(), **kwargs)

    def perform(self, form):
        return services.note_correct(note=self.get_note(), actor=self.request.user, **form.cleaned_data)

    def success_message(self, note) -> str:
        return "Note corrected. The original is kept with the case history."


class DocumentUploadView(CaseAccessMixin, ServiceFormView):
    form_class = forms.DocumentForm

    def perform(self, form):
        data = form.cleaned_data
        return services.document_upload(
            case=self.case,
            actor=self.request.user,
            uploaded_file=data["file"],
            kind=data["kind"],
            title=data["title_text"],
        )

    def success_message(self, document) -> str:
        return f"Document {document.title} uploaded."


class DocumentDownloadView(CaseAccessMixin, PermissionRequiredMixin, View):
    """Streams the stored file as an attachment, after recording the download."""

    def get(self, request, case_id: int, document_id: int):
        document = get_object_or_404(Document, pk=document_id, case=self.case)
        download = services.document_download_open(document=document, actor=request.user)
        response = FileResponse(
            download.file, as_attachment=True, filename=document.original_name, content_type=document.content_type
        )
        response["Cache-Control"] = "no-store"
        return response


class ReferralListView(AuditedListMixin, PermissionRequiredMixin, ListView):
    listed_type = "cases.referral"
    permission_required = "cases.view_referral"
    template_name = "cases/referral_list.html"
    nav_section = "referrals"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", ReferralStatus.RECEIVED)
        status = status if status in ReferralStatus.values else ""
        referrals = referral_list_for_user(user=self.request.user, status=status)
        return flagged_first(referrals, referral_flag(), "received_on", "pk")  # safeguarding first (issue 11 point 4)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=ReferralStatus.choices, status=self.request.GET.get("status", ReferralStatus.RECEIVED), **kwargs
        )


class ReferralCreateView(ServiceFormView):
    """Record a referral about a child already known (from the child's page or search)."""

    permission_required = "cases.create_referral"
    form_class = forms.ReferralForm
    template_name = "cases/referral_form.html"
    nav_section = "referrals"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.child = access_child(
                user=request.user, child_id=kwargs["child_id"], session_key=request.session.session_key
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(child=self.child, **kwargs)

    def perform(self, form):
        self.referral = services.referral_create(actor=self.request.user, child=self.child, **form.cleaned_data)
        return self.referral

    def get_success_url(self) -> str:
        return reverse("web:referrals:detail", args=[self.referral.pk])

    def success_message(self, referral) -> str:
        return "Referral recorded. It is waiting to be triaged."


class ReferralAccessMixin:
    """Opens the referral in the URL through `access_referral` (404 if the user may not see it) before anything else."""

    nav_section = "referrals"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.referral = access_referral(user=request.user, referral_id=kwargs["referral_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(referral=self.referral, **kwargs)


class ReferralDetailView(ReferralAccessMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "cases.view_referral"
    template_name = "cases/referral_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(decisions=self.referral.decisions.select_related("decided_by"), **kwargs)


class _ReferralTriageView(ReferralAccessMixin, ServiceFormView):
    permission_required = "cases.triage_referral"

    def get_context_data(self, **kwargs):
        """Already known (issue 11 point 3): the child's open case, earlier cases and other referrals, with links."""
        known = children_known(child_ids=[self.referral.child_id], exclude_referral_id=self.referral.pk)
        return super().get_context_data(already_known=known.get(self.referral.child_id), **kwargs)


class ReferralAcceptView(_ReferralTriageView):
    form_class = forms.ReferralAcceptForm
    template_name = "cases/referral_triage.html"

    def open_cases(self):
        return list(open_cases(case_list_for_user(user=self.request.user)).filter(child_id=self.referral.child_id))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "open_cases": self.open_cases()}

    def perform(self, form):
        data = form.cleaned_data
        existing = None
        if data["case"] != "new":
            existing = next(case for case in self.open_cases() if str(case.pk) == data["case"])
        self.accepted = services.referral_accept(
            referral=self.referral,
            actor=self.request.user,
            rationale=data["rationale"],
            case=existing,
            primary_reason=data["primary_reason"] or None,
            became_cme_on=data["became_cme_on"],
            risk_level=data["risk_level"],
        )
        return self.accepted

    def get_success_url(self) -> str:
        return reverse("web:cases:detail", args=[self.accepted.pk])

    def success_message(self, case) -> str:
        return f"Referral accepted into {case.reference}."


class ReferralNoFurtherActionView(_ReferralTriageView):
    form_class = type(
        "NfaForm", (forms.RationaleForm,), {"title": "No further action", "submit_label": "Record decision"}
    )
    template_name = "cases/referral_triage.html"

    def perform(self, form):
        return services.referral_no_further_action(referral=self.referral, actor=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("web:referrals:list")

    def success_message(self, referral) -> str:
        return "Referral closed with no further action."

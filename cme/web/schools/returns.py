"""Schools' returns on the web: school users send them and follow them at a summary level; officers triage them in
an inbox and watch the children at risk. A school user only ever sees their own school's returns, and never a case."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from cme.cases.models import Case
from cme.cases.selectors import children_known
from cme.common.access import audit_list_read
from cme.common.errors import ApplicationError
from cme.people.access import access_child
from cme.people.ages import year_group_label
from cme.schools.access import access_return, access_return_suggestions, access_school_return
from cme.schools.enums import AtRiskReason, ReturnChannel, ReturnKind, TriageState
from cme.schools.models import PartTimeTimetable, RollReturn, School
from cme.schools.returns import selectors, services
from cme.schools.returns.csvfile import template_csv
from cme.schools.returns.files import ReturnFileRejected
from cme.web.filters import choice_param, int_param
from cme.web.mixins import AuditedListMixin, PermissionRequiredMixin, ServiceFormView

from . import forms

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # a 10,000-row CSV is about 3 MB; a 2,000-pupil CTF a few MB more


# --- school users -------------------------------------------------------------------------------------------------


class SchoolReturnListView(AuditedListMixin, PermissionRequiredMixin, ListView):
    """A school's own returns and what the council did with them, in summary; its open part-time timetables."""

    listed_type = "schools.rollreturn"
    permission_required = "schools.view_own_returns"
    template_name = "returns/school_list.html"
    nav_section = "returns"
    paginate_by = 50

    def get_queryset(self):
        return selectors.returns_for_school(school_id=self.request.user.school_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(item, selectors.return_school_view(item)) for item in context["object_list"]]
        context["timetables"] = selectors.open_timetables_for_school(school_id=self.request.user.school_id)
        context["school"] = self.request.user.school
        context["today"] = timezone.localdate()
        return context


class SchoolReturnDetailView(PermissionRequiredMixin, TemplateView):
    """What the school sent, and the summary status. A return of another school is "not found"."""

    permission_required = "schools.view_own_return"
    template_name = "returns/school_detail.html"
    nav_section = "returns"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.roll_return = access_school_return(user=request.user, return_id=kwargs["return_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.roll_return

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            roll_return=self.roll_return, school_view=selectors.return_school_view(self.roll_return), **kwargs
        )


class ReturnKindView(ServiceFormView):
    """The first question: which kind of return."""

    permission_required = "schools.submit_return"
    form_class = forms.ReturnKindForm
    nav_section = "returns"

    def form_valid(self, form):
        return redirect("web:returns:create", kind=form.cleaned_data["kind"])


class _SubmitView(ServiceFormView):
    permission_required = "schools.submit_return"
    nav_section = "returns"
    template_name = "returns/return_form.html"

    def submit(self, **kwargs) -> RollReturn:
        """Call the service; its problem with "parents" goes on the first parent's name, which the form asks first."""
        try:
            self.created = services.return_submit(actor=self.request.user, channel=ReturnChannel.WEB, **kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "parents" in error.error_dict:
                error.error_dict["parent1_name"] = error.error_dict.pop("parents")
            raise
        return self.created

    def get_success_url(self) -> str:
        return reverse("web:returns:school-detail", args=[self.created.pk])

    def success_message(self, roll_return) -> str:
        return f"{roll_return.get_kind_display()} sent to the council."


class ReturnCreateView(_SubmitView):
    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in forms.FORMS:
            raise Http404
        self.form_class = forms.FORMS[kwargs["kind"]]
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return self.submit(school=self.request.user.school, kind=form.kind, values=form.values())


class _TimetableReturnView(_SubmitView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.timetable = get_object_or_404(
                PartTimeTimetable, pk=kwargs["timetable_id"], school_id=request.user.school_id or 0
            )
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        values = {**services.timetable_pupil_values(self.timetable), **form.values(), "timetable": self.timetable}
        return self.submit(school=self.timetable.school, kind=form.kind, values=values)


class TimetableReviewView(_TimetableReturnView):
    form_class = forms.TimetableReviewForm


class TimetableEndView(_TimetableReturnView):
    form_class = forms.TimetableEndForm


class ReturnsUploadView(ServiceFormView):
    """A CSV in the template or a CTF: all or nothing, with every problem listed on the page."""

    permission_required = "schools.upload_returns"
    form_class = forms.ReturnsUploadForm
    template_name = "returns/upload.html"
    nav_section = "returns"

    def perform(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ApplicationError("The file is larger than 50 MB: split it into smaller files", field="file")
        channel = ReturnChannel(form.cleaned_data["file_format"])
        try:
            report = services.returns_import(
                content=upload.read(),
                file_name=upload.name,
                channel=channel,
                actor=self.request.user,
                school=self.request.user.school,
            )
        except ReturnFileRejected as error:
            raise ApplicationError(error.message, field="file") from error
        if report.rejected:
            self.problems = report.errors
            raise ApplicationError(
                f"The file was not imported: {len(report.errors)} problems, listed below. Nothing was saved.",
                field="file",
            )
        return report

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form, problems=getattr(self, "problems", [])))

    def get_success_url(self) -> str:
        if self.request.user.has_perm("schools.view_own_returns"):
            return reverse("web:returns:school-list")
        return reverse("web:returns:inbox")

    def success_message(self, report) -> str:
        message = f"{report.created} returns received; {report.unchanged} were already held."
        if report.warnings and report.created:
            message += (
                f" {len(report.warnings)} details were in a form the service does not know: they were kept as written"
                " and are listed on each return for an officer to tidy."
            )
        return message


class ReturnsTemplateView(PermissionRequiredMixin, TemplateView):
    """The CSV template, with its header line; docs/returns.md explains each column."""

    permission_required = "schools.upload_returns"

    def get(self, request, *args, **kwargs):
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="returns.csv"'
        return response


# --- officers -------------------------------------------------------------------------------------------------------


class ReturnInboxView(AuditedListMixin, PermissionRequiredMixin, ListView):
    listed_type = "schools.rollreturn"
    permission_required = "schools.view_return_inbox"
    template_name = "returns/inbox.html"
    nav_section = "returns-inbox"
    paginate_by = 50

    def get_queryset(self):
        return selectors.return_inbox(
            state=self.request.GET.get("state", TriageState.RECEIVED), kind=self.request.GET.get("kind", "")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            states=TriageState.choices,
            state=self.request.GET.get("state", TriageState.RECEIVED),
            kinds=ReturnKind.choices,
            kind=self.request.GET.get("kind", ""),
            counts=selectors.return_inbox_counts(),
            **kwargs,
        )
        already_known_attach(self.request, context["object_list"])
        return context


def already_known_attach(request, returns) -> None:
    """Each row says when the child already has a record, an open case or earlier ones, with links (issue 11 point 3);
    the children so named are audited as a list shown."""
    rows = list(returns)
    by_return = selectors.returns_known_children(rows)
    known = children_known(child_ids=[child_id for ids in by_return.values() for child_id in ids])
    for item in rows:
        item.already_known = [known[child_id] for child_id in by_return.get(item.pk, []) if child_id in known]
    if known:
        audit_list_read(user=request.user, target_type="people.child", route="web:returns:inbox", shown=list(known),
                        total=len(known))  # fmt: skip


class ReturnAccessMixin:
    """Opens the return through `access_return` (audited; not found for anyone who does not triage returns)."""

    nav_section = "returns-inbox"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.roll_return = access_return(user=request.user, return_id=kwargs["return_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(roll_return=self.roll_return, **kwargs)

    def get_success_url(self) -> str:
        return reverse("web:returns:detail", args=[self.roll_return.pk])


class ReturnDetailView(ReturnAccessMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "schools.view_return_inbox"
    template_name = "returns/detail.html"

    def get_context_data(self, **kwargs):
        timetable = self.roll_return.timetable if self.roll_return.timetable_id else None
        suggestions = []
        if self.roll_return.child_id is None and self.roll_return.triage_state == TriageState.RECEIVED:
            suggestions = access_return_suggestions(user=self.request.user, roll_return=self.roll_return)
        return super().get_context_data(
            suggestions=suggestions,
            next_step=selectors.return_next_step(roll_return=self.roll_return),
            timetable_dates=selectors.timetable_dates(timetable) if timetable else None,
            decisions=self.roll_return.decisions.select_related("decided_by"),
            already_known=children_known(child_ids=[self.roll_return.child_id]).get(self.roll_return.child_id),
            **kwargs,
        )


class ReturnMatchView(ReturnAccessMixin, ServiceFormView):
    permission_required = "schools.triage_return"
    form_class = forms.MatchForm
    template_name = "returns/triage.html"

    def get_form_kwargs(self):
        self.suggestions = access_return_suggestions(user=self.request.user, roll_return=self.roll_return)
        return {**super().get_form_kwargs(), "suggestions": self.suggestions}

    def perform(self, form):
        choice, rationale = form.cleaned_data["child"], form.cleaned_data["rationale"]
        if choice == "new":
            return services.return_child_create(
                roll_return=self.roll_return,
                actor=self.request.user,
                rationale=rationale,
                shown_children=[suggestion.child.pk for suggestion in self.suggestions],
            )
        suggested = next(s.child for s in self.suggestions if str(s.child.pk) == choice)
        # Linking the return to a child already held opens their record: the caseload-and-purpose rule applies.
        child = access_child(
            user=self.request.user, child_id=suggested.pk, session_key=self.request.session.session_key
        )
        services.return_match_confirm(
            roll_return=self.roll_return, child=child, actor=self.request.user, rationale=rationale
        )
        return child

    def success_message(self, child) -> str:
        return f"Return matched to {child}."


class ReturnReferView(ReturnAccessMixin, ServiceFormView):
    permission_required = "schools.triage_return"
    form_class = type(
        "ReferForm",
        (forms.TriageRationaleForm,),
        {"title": "Refer for CME enquiries", "submit_label": "Create referral"},
    )
    template_name = "returns/triage.html"

    def perform(self, form):
        self.referral = services.return_refer(
            roll_return=self.roll_return, actor=self.request.user, **form.cleaned_data
        )
        return self.referral

    def get_success_url(self) -> str:
        if isinstance(self.referral, Case):  # the evidence joined the child's open case
            return reverse("web:cases:detail", args=[self.referral.pk])
        return reverse("web:referrals:detail", args=[self.referral.pk])

    def success_message(self, outcome) -> str:
        if isinstance(outcome, Case):
            return f"The child already has an open case, {outcome.reference}: the return was added to it."
        return "Referral created from the return. Triage it to open a case."


class ReturnNoFurtherActionView(ReturnAccessMixin, ServiceFormView):
    permission_required = "schools.triage_return"
    form_class = type(
        "ReturnNfaForm", (forms.TriageRationaleForm,), {"title": "No further action", "submit_label": "Record decision"}
    )
    template_name = "returns/triage.html"

    def perform(self, form):
        return services.return_no_further_action(
            roll_return=self.roll_return, actor=self.request.user, **form.cleaned_data
        )

    def success_message(self, roll_return) -> str:
        return "Return closed with no further action."


class AtRiskListView(AuditedListMixin, PermissionRequiredMixin, TemplateView):
    """Children at risk of missing education, with their clocks, filtered by school, year group and reason."""

    listed_type = "schools.rollreturn"
    listed_key = "rows"

    def listed_id(self, row) -> int:
        return row.roll_return.pk

    permission_required = "schools.view_at_risk"
    template_name = "returns/at_risk.html"
    nav_section = "at-risk"

    def get_queryset(self) -> list:
        """The rows for the filters asked for (the export asks this too, so the file is the list as shown)."""
        params = self.request.GET
        return selectors.at_risk_list(
            school_id=int_param(params, "school"),
            year_group=int_param(params, "year", minimum=-1, maximum=14),
            reason=choice_param(params, "reason", AtRiskReason.values),
        )

    def get_context_data(self, **kwargs):
        params = self.request.GET
        school_id = int_param(params, "school")
        year_group = int_param(params, "year", minimum=-1, maximum=14)
        year = "" if year_group is None else str(year_group)
        reason = choice_param(params, "reason", AtRiskReason.values)
        rows = self.get_queryset()
        schools = School.objects.filter(returns__isnull=False).distinct().order_by("name")
        return super().get_context_data(
            rows=rows,
            schools=schools,
            school_id=school_id,
            years=[(str(n), year_group_label(n)) for n in range(0, 12)],
            year=year,
            reasons=AtRiskReason.choices,
            reason=reason,
            **kwargs,
        )

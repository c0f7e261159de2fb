"""Data matching pages: the review queue and each candidate's evidence, runs, sources and their imports."""

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import ListView, TemplateView

from cme.cases.models import Case
from cme.cases.selectors import children_known
from cme.council.selectors import council_settings_get
from cme.matching import services
from cme.matching.access import (
    access_candidate,
    access_candidate_known_children,
    access_import_rejections,
    source_import_visible,
)
from cme.matching.enums import CandidateKind, SourceKind
from cme.matching.evidence import (
    agreement_chart,
    candidate_evidence,
    plain_date,
    run_count_rows,
    run_setting_rows,
    threshold_explanation,
)
from cme.matching.models import DataSource, MatchRun
from cme.matching.selectors import (
    QUEUE_FILTERS,
    candidate_queue,
    candidate_queue_counts,
    candidate_record_details,
    data_source_list,
    match_run_latest_finished,
    match_run_list,
    model_agreement,
    rejected_rows_for,
    school_rolls_in_use,
    source_import_list,
)
from cme.matching.sources import COLUMNS, REQUIRED, csv_template, template_header
from cme.people.access import access_child, access_child_possible_duplicates
from cme.web.mixins import AuditedListMixin, PermissionRequiredMixin, ServiceFormView

from . import forms

QUEUE_VIEWS = (
    ("to_review", "To review"),
    ("confirmed", "Confirmed"),
    ("dismissed", "Dismissed"),
    ("no_longer_found", "No longer found"),
)


class CandidateQueueView(AuditedListMixin, PermissionRequiredMixin, ListView):
    """The review queue: children proposed by matching, waiting for an officer's decision."""

    listed_type = "matching.matchcandidate"
    permission_required = "matching.view_candidates"
    template_name = "matching/queue.html"
    nav_section = "matching-queue"
    paginate_by = 50

    def view_name(self) -> str:
        view = self.request.GET.get("view", "to_review")
        return view if view in QUEUE_FILTERS else "to_review"

    def get_queryset(self):
        kind = self.request.GET.get("kind", "")
        return candidate_queue(view=self.view_name(), kind=kind if kind in CandidateKind.values else "")

    def get_context_data(self, **kwargs):
        counts = candidate_queue_counts()
        return super().get_context_data(
            views=[(value, label, counts[value]) for value, label in QUEUE_VIEWS],
            view=self.view_name(),
            latest_run=match_run_list().first(),
            can_start_run=self.request.user.has_perm("matching.start_run"),
            **kwargs,
        )


class CandidateAccessMixin:
    """Opens the candidate in the URL through `access_candidate` (audited; 404 if the user may not see it)."""

    nav_section = "matching-queue"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.candidate = access_candidate(user=request.user, candidate_id=kwargs["candidate_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(candidate=self.candidate, **kwargs)

    def get_success_url(self) -> str:
        return reverse("web:matching:candidate", args=[self.candidate.pk])


class CandidateDetailView(CandidateAccessMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "matching.view_candidates"
    template_name = "matching/candidate_detail.html"

    def get_context_data(self, **kwargs):
        candidate = self.candidate
        shown = candidate_evidence(candidate, details=candidate_record_details(candidate=candidate))
        return super().get_context_data(
            shown=shown,
            decisions=candidate.decisions.select_related("decided_by"),
            can_review=self.request.user.has_perm("matching.review_candidate"),
            already_known=self.already_known(),
            **kwargs,
        )

    def already_known(self) -> list:
        """The child the candidate is about, or children already held who may be them (the duplicate check, audited),
        with their cases and waiting referrals (issue 11 point 3)."""
        candidate = self.candidate
        if candidate.child_id:
            ids = [candidate.child_id]
        else:
            duplicates = access_child_possible_duplicates(
                user=self.request.user,
                given_name=candidate.given_name,
                family_name=candidate.family_name,
                date_of_birth=candidate.date_of_birth,
                postcode=candidate.postcode,
                related=candidate,
            )
            ids = [duplicate.id for duplicate in duplicates]
        known = children_known(child_ids=ids)
        return [known[child_id] for child_id in ids if child_id in known]


class CandidateConfirmView(CandidateAccessMixin, ServiceFormView):
    permission_required = "matching.review_candidate"
    form_class = forms.CandidateConfirmForm
    template_name = "matching/candidate_review.html"

    def known_children(self) -> dict:
        """The records the referral may be about: the child the run linked, or children cme holds who may be them."""
        if not hasattr(self, "_known"):
            if self.candidate.child_id:
                self._known = {self.candidate.child.pk: self.candidate.child}
            else:
                matches = access_candidate_known_children(user=self.request.user, candidate=self.candidate)
                self._known = {match.child.pk: match.child for match in matches}
        return self._known

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "known": list(self.known_children().values()), "new_allowed": not self.candidate.child_id}

    def perform(self, form):
        choice = form.cleaned_data["child"]
        child = None
        if choice != forms.NEW_CHILD:
            # A referral about a child already held opens their record: the caseload-and-purpose rule applies.
            child = access_child(
                user=self.request.user,
                child_id=self.known_children()[int(choice)].pk,
                session_key=self.request.session.session_key,
            )
        self.referral = services.candidate_confirm(candidate=self.candidate, actor=self.request.user,
                                                   rationale=form.cleaned_data["rationale"], child=child,
                                                   shown_children=list(self.known_children()))  # fmt: skip
        return self.referral

    def get_success_url(self) -> str:
        if isinstance(self.referral, Case):  # the evidence joined the child's open case
            return reverse("web:cases:detail", args=[self.referral.pk])
        return reverse("web:referrals:detail", args=[self.referral.pk])

    def success_message(self, outcome) -> str:
        if isinstance(outcome, Case):
            return f"Match confirmed. The child has an open case, {outcome.reference}: the records were added to it."
        return "Match confirmed. A referral from data matching is waiting to be triaged."


class CandidateDismissView(CandidateAccessMixin, ServiceFormView):
    permission_required = "matching.review_candidate"
    form_class = forms.CandidateDismissForm
    template_name = "matching/candidate_review.html"

    def perform(self, form):
        return services.candidate_dismiss(candidate=self.candidate, actor=self.request.user,
                                          rationale=form.cleaned_data["rationale"])  # fmt: skip

    def success_message(self, decision) -> str:
        return "Match dismissed. It will be proposed again only if new records about the child arrive."


class MatchRunListView(PermissionRequiredMixin, ListView):
    permission_required = "matching.view_runs"
    template_name = "matching/run_list.html"
    nav_section = "matching"
    paginate_by = 25

    def get_queryset(self):
        return match_run_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_start_run=self.request.user.has_perm("matching.start_run"), **_rolls_context(self.request), **kwargs
        )


def _rolls_context(request) -> dict:
    """Each school's roll in use, how old it is, and those older than the council allows (flagged before a run)."""
    rolls = school_rolls_in_use()
    return {
        "school_rolls": rolls,
        "stale_rolls": [roll for roll in rolls if roll.is_stale],
        "roll_max_age_days": council_settings_get().roll_max_age_days,
        "can_view_sources": request.user.has_perm("matching.view_sources"),
    }


class MatchRunDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "matching.view_runs"
    template_name = "matching/run_detail.html"
    nav_section = "matching"

    def get_context_data(self, **kwargs):
        run = get_object_or_404(MatchRun.objects.select_related("started_by"), pk=self.kwargs["run_id"])
        settings = run.settings or {}
        return super().get_context_data(
            run=run,
            settings_rows=run_setting_rows(settings),
            count_rows=run_count_rows(run.counts),
            imports=[
                {**item, "received_on": plain_date(item.get("received_on"))} for item in settings.get("imports", [])
            ],
            school_rolls_used=[
                {**roll, "received_on": date.fromisoformat(roll["received_on"])}
                for roll in settings.get("school_rolls", [])
            ],
            model_size=len(str(run.model_json)) if run.model_json else 0,
            **kwargs,
        )


class ModelOverTimeView(PermissionRequiredMixin, TemplateView):
    """How well the matching's scores agreed with officers' decisions, run after run, and how the thresholds were
    chosen. Counts only: no child is named."""

    permission_required = "matching.view_model_agreement"
    template_name = "matching/model_over_time.html"
    nav_section = "matching"

    def get_context_data(self, **kwargs):
        agreements = model_agreement()
        latest = agreements[0].run if agreements else match_run_latest_finished()
        return super().get_context_data(
            agreements=agreements,
            chart=agreement_chart(list(reversed(agreements))),
            thresholds=threshold_explanation((latest.settings or {}) if latest else {}),
            **kwargs,
        )


class MatchRunStartView(ServiceFormView):
    permission_required = "matching.start_run"
    form_class = forms.MatchRunStartForm
    nav_section = "matching"
    template_name = "matching/run_start.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_rolls_context(self.request), **kwargs)

    def perform(self, form):
        self.run = services.match_run_queue(
            actor=self.request.user,
            on_date=form.cleaned_data.get("on_date"),
            options={"retrain": bool(form.cleaned_data.get("retrain"))},
        )
        return self.run

    def get_success_url(self) -> str:
        return reverse("web:matching:run", args=[self.run.pk])

    def success_message(self, run) -> str:
        return "Match run started. It runs in the background: refresh this page to see how far it has got."


class DataSourceListView(PermissionRequiredMixin, TemplateView):
    permission_required = "matching.view_sources"
    template_name = "matching/source_list.html"
    nav_section = "matching"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sources=data_source_list(),
            imports=source_import_list()[:50],
            kinds=SourceKind.choices,
            can_register=self.request.user.has_perm("matching.register_source"),
            can_import=self.request.user.has_perm("matching.import_source"),
            **kwargs,
        )


class DataSourceCreateView(ServiceFormView):
    permission_required = "matching.register_source"
    form_class = forms.DataSourceForm
    nav_section = "matching"
    success_url_name = "web:matching:sources"

    def perform(self, form):
        return services.data_source_register(actor=self.request.user, **form.cleaned_data)

    def success_message(self, source) -> str:
        return f"{source.name} registered. Its extracts can now be imported."


class SourceImportCreateView(ServiceFormView):
    permission_required = "matching.import_source"
    form_class = forms.SourceImportForm
    template_name = "matching/import_form.html"
    nav_section = "matching"

    def dispatch(self, request, *args, **kwargs):
        self.source = get_object_or_404(DataSource, pk=kwargs["source_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.source, **kwargs)

    def perform(self, form):
        upload = form.cleaned_data["upload"]
        self.source_import = services.source_import_queue(
            actor=self.request.user,
            source=self.source,
            upload=upload,
            file_name=upload.name,
            received_on=form.cleaned_data["received_on"],
        )
        return self.source_import

    def get_success_url(self) -> str:
        return reverse("web:matching:import", args=[self.source_import.pk])

    def success_message(self, source_import) -> str:
        return "Extract uploaded. It is imported in the background: refresh this page to see the result."


class SourceImportDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "matching.view_sources"
    template_name = "matching/import_detail.html"
    nav_section = "matching"

    def get_context_data(self, **kwargs):
        source_import = source_import_visible(user=self.request.user, import_id=self.kwargs["import_id"])
        return super().get_context_data(
            source_import=source_import,
            can_see_rows=self.request.user.has_perm("matching.view_rejected_rows"),
            **kwargs,
        )


class RejectedRowsView(PermissionRequiredMixin, TemplateView):
    """The rows an import held back, with their lines and reasons, for an officer to take up with the supplier."""

    permission_required = "matching.view_rejected_rows"
    template_name = "matching/rejected_rows.html"
    nav_section = "matching"

    def get_context_data(self, **kwargs):
        source_import = access_import_rejections(user=self.request.user, import_id=self.kwargs["import_id"])
        return super().get_context_data(
            source_import=source_import, rows=rejected_rows_for(source_import=source_import)[:1000], **kwargs
        )


class TemplateDownloadView(PermissionRequiredMixin, View):
    """The CSV template (header line only) for one kind of source."""

    permission_required = "matching.view_sources"

    def get(self, request, kind: str):
        if kind not in SourceKind.values:
            raise Http404
        response = HttpResponse(csv_template(kind), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cme-{kind.replace("_", "-")}-template.csv"'
        return response


class TemplateGuideView(PermissionRequiredMixin, TemplateView):
    """What each template column means, and which columns each kind of source cannot do without."""

    permission_required = "matching.view_sources"
    template_name = "matching/templates.html"
    nav_section = "matching"

    def get_context_data(self, **kwargs):
        kinds = [(kind, label, template_header(kind), REQUIRED[kind]) for kind, label in SourceKind.choices]
        return super().get_context_data(columns=COLUMNS, kinds=kinds, **kwargs)

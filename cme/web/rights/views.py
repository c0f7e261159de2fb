"""The DPO's rights-request pages, and the public "tell us something is wrong" form. Thin: services do the work."""

from axes.helpers import get_client_ip_address
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, ListView, TemplateView

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record_read
from cme.common.errors import ApplicationError
from cme.frontdoor.flood import flood_count
from cme.people.models import Carer, Child
from cme.privacy.models import ProcessingRestriction
from cme.privacy.restriction import restriction_lift, restrictions_in_force
from cme.privacy.selectors import subject_access_packs_for_request
from cme.rights import services
from cme.rights.enums import RequestKind, RequestStatus
from cme.rights.models import RightsRequest
from cme.rights.selectors import held_by_basis, request_clock, request_list, request_subjects, rights_requests_due
from cme.web.filters import choice_param
from cme.web.mixins import PermissionRequiredMixin, PublicPageMixin, ServiceFormView

from . import forms

PERMISSION = "rights.manage_requests"
NAV = "privacy-rights"


class RequestListView(PermissionRequiredMixin, ListView):
    permission_required = PERMISSION
    template_name = "rights/list.html"
    nav_section = NAV
    paginate_by = 50

    def filters(self) -> dict:
        params = self.request.GET
        return {
            "status": choice_param(params, "status", ["active", *RequestStatus.values]) or "active",
            "kind": choice_param(params, "kind", RequestKind.values),
        }

    def get_queryset(self):
        return request_list(**self.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clocks = [request_clock(r) for r in context["object_list"]]
        return {
            **context,
            **self.filters(),
            "clocks": clocks,
            "due": rights_requests_due(self.request.user),
            "kinds": RequestKind.choices,
            "statuses": [("active", "Open or clock stopped"), *RequestStatus.choices],
        }


class RequestCreateView(ServiceFormView):
    permission_required = PERMISSION
    form_class = forms.RequestForm
    nav_section = NAV

    def perform(self, form):
        self.created = services.request_record(actor=self.request.user, **form.cleaned_data)
        return self.created

    def success_message(self, result) -> str:
        return f"Request {result.reference} logged."

    def get_success_url(self) -> str:
        return reverse("web:rights:detail", kwargs={"request_id": self.created.pk})


class _RequestMixin:
    """Opens the request named in the URL (404 if there is none)."""

    def dispatch(self, request, *args, request_id: int, **kwargs):
        self.rights_request = get_object_or_404(RightsRequest, pk=request_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(rights_request=self.rights_request, **kwargs)

    def get_success_url(self) -> str:
        return reverse("web:rights:detail", kwargs={"request_id": self.rights_request.pk})


class RequestDetailView(_RequestMixin, PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "rights/detail.html"
    nav_section = NAV

    def get_context_data(self, **kwargs):
        req = self.rights_request
        subjects = request_subjects(req)
        restricted = restrictions_in_force()
        rows = [
            {
                "kind": kind,
                "number": number,
                "record": record,
                "restricted": kind == "child" and number in restricted,
            }
            for kind, number, record in subjects
        ]
        audit_record_read(
            actor=self.request.user,
            target=req,
            event=AuditEvent.RIGHTS_REQUEST_VIEWED,
            payload={"subjects": [[kind, number] for kind, number, _ in subjects]},
        )
        packs = []
        if req.kind == RequestKind.ACCESS:  # the subject access packs gathered for this request (cme.privacy.sar)
            packs = list(subject_access_packs_for_request(reference=req.reference))
        return super().get_context_data(
            clock=request_clock(req),
            subjects=rows,
            pauses=list(req.pauses.all()),
            Kind=RequestKind,
            packs=packs,
            **kwargs,
        )


class _RequestFormView(_RequestMixin, ServiceFormView):
    permission_required = PERMISSION
    nav_section = NAV
    template_name = "rights/form.html"
    message = ""

    def success_message(self, result) -> str:
        return self.message


class SubjectAddView(_RequestFormView):
    form_class = forms.SubjectForm
    message = "Person added to the request."

    def perform(self, form):
        return services.request_subject_add(actor=self.request.user, request=self.rights_request, **form.cleaned_data)


class IdentityView(_RequestFormView):
    form_class = forms.IdentityForm
    message = "Identity check recorded."

    def get_initial(self):
        return {"identity": self.rights_request.identity, "notes": self.rights_request.identity_notes}

    def perform(self, form):
        data = form.cleaned_data
        return services.request_identity_record(
            actor=self.request.user, request=self.rights_request, identity=data["identity"], notes=data["notes"]
        )


class PauseView(_RequestFormView):
    form_class = forms.PauseForm
    message = "The clock is stopped until you restart it."

    def perform(self, form):
        return services.clock_pause(actor=self.request.user, request=self.rights_request, **form.cleaned_data)


class ResumeView(_RequestFormView):
    form_class = forms.ResumeForm
    message = "The clock is running again."

    def perform(self, form):
        return services.clock_resume(actor=self.request.user, request=self.rights_request, **form.cleaned_data)


class ExtendView(_RequestFormView):
    form_class = forms.ExtendForm
    message = "Extended. Tell the requester, with the reason."

    def perform(self, form):
        return services.request_extend(actor=self.request.user, request=self.rights_request, **form.cleaned_data)


class CloseView(_RequestFormView):
    form_class = forms.CloseForm
    message = "Request closed."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "complaint": self.rights_request.kind == RequestKind.COMPLAINT}

    def perform(self, form):
        return services.request_close(actor=self.request.user, request=self.rights_request, **form.cleaned_data)


class AcknowledgeView(_RequestFormView):
    form_class = forms.AcknowledgeForm
    message = "Acknowledgement recorded."

    def perform(self, form):
        return services.complaint_acknowledge(actor=self.request.user, request=self.rights_request, **form.cleaned_data)


class IcoView(_RequestFormView):
    form_class = forms.IcoForm
    message = "Saved."

    def get_initial(self):
        req = self.rights_request
        return {"stage": req.ico_stage, "reference": req.ico_reference, "outcome": req.ico_outcome}

    def perform(self, form):
        return services.complaint_ico_record(actor=self.request.user, request=self.rights_request, **form.cleaned_data)


# --- decisions about a person named on the request ------------------------------------------------------------------


class _SubjectMixin(_RequestMixin):
    """The child (or carer) named in the URL, provided the request names them; 404 otherwise."""

    model = Child
    key = "child_id"

    def dispatch(self, request, *args, **kwargs):
        number = kwargs.pop(self.key)
        self.person = self.model.objects.filter(pk=number).first()
        self.number = number
        return super().dispatch(request, *args, **kwargs)

    def setup_subject(self):
        named = {(kind, number) for kind, number, _ in request_subjects(self.rights_request)}
        if self.person is None or (self.model.__name__.lower(), self.number) not in named:
            raise Http404


class _SubjectFormView(_SubjectMixin, _RequestFormView):
    kinds: tuple = ()

    def get(self, request, *args, **kwargs):
        self.setup_subject()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_subject()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person, wrong_kind=self.kinds and self.rights_request.kind not in self.kinds, **kwargs
        )


class RectifyChildView(_SubjectFormView):
    form_class = forms.ChildCorrectionForm
    template_name = "rights/rectify.html"
    kinds = (RequestKind.RECTIFICATION,)
    message = "Correction made. The old value is kept in the record's history."
    FIELDS = ("given_name", "middle_names", "family_name", "preferred_name", "date_of_birth", "upn", "first_language")

    def get_initial(self):
        # The DPO sees the current values to correct them: a read of the record for the request, audited.
        audit_record_read(
            actor=self.request.user,
            target=self.person,
            purpose="administer_service",
            purpose_text=f"Rights request {self.rights_request.reference}",
            fields=list(self.FIELDS),
        )
        return {**{name: getattr(self.person, name) for name in self.FIELDS}, "version": self.person.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version, reason = data.pop("version"), data.pop("reason")
        return services.rectification_apply(
            actor=self.request.user,
            request=self.rights_request,
            person=self.person,
            changes=data,
            expected_version=version,
            reason=reason,
        )


class RectifyCarerView(RectifyChildView):
    model = Carer
    key = "carer_id"
    form_class = forms.CarerCorrectionForm
    FIELDS = ("given_name", "middle_names", "family_name")


class RestrictView(_SubjectFormView):
    template_name = "rights/form.html"
    kinds = (RequestKind.RESTRICTION, RequestKind.RECTIFICATION, RequestKind.OBJECTION, RequestKind.ERASURE)
    message = "The child's records are restricted: nothing about them can be changed or shared until it is lifted."

    def get_form(self, form_class=None):
        return forms.ReasonForm(
            title="Restrict the use of this child's records", submit_label="Restrict", **self.get_form_kwargs()
        )

    def perform(self, form):
        return services.request_restrict(
            actor=self.request.user, request=self.rights_request, child=self.person, reason=form.cleaned_data["reason"]
        )


class _DecideView(_SubjectFormView):
    template_name = "rights/decide.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(held=held_by_basis(child_id=self.person.pk), **kwargs)


class ErasureView(_DecideView):
    kinds = (RequestKind.ERASURE,)
    message = "Erasure decided."

    def get_form(self, form_class=None):
        choices = (("yes", "Grant: erase the child's records now"), ("no", "Refuse"))
        return forms.DecisionForm(title="Decide on the erasure request", choices=choices, **self.get_form_kwargs())

    def perform(self, form):
        data = form.cleaned_data
        return services.erasure_decide(
            actor=self.request.user,
            request=self.rights_request,
            child=self.person,
            grant=data["decision"],
            reason=data["reason"],
        )


class ObjectionView(_DecideView):
    kinds = (RequestKind.OBJECTION,)
    message = "Objection decided."

    def get_form(self, form_class=None):
        choices = (
            ("yes", "Uphold: stop using the child's records (they are restricted)"),
            ("no", "Do not uphold: the council has compelling grounds to go on"),
        )
        return forms.DecisionForm(title="Decide on the objection", choices=choices, **self.get_form_kwargs())

    def perform(self, form):
        data = form.cleaned_data
        return services.objection_decide(
            actor=self.request.user,
            request=self.rights_request,
            child=self.person,
            uphold=data["decision"],
            reason=data["reason"],
        )


# --- restrictions ------------------------------------------------------------------------------------------------


class RestrictionListView(PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "rights/restrictions.html"
    nav_section = NAV

    def get_context_data(self, **kwargs):
        restrictions = ProcessingRestriction.objects.select_related("placed_by", "lifted_by")[:500]
        return super().get_context_data(restrictions=restrictions, **kwargs)


class RestrictionLiftView(ServiceFormView):
    permission_required = PERMISSION
    template_name = "rights/form.html"
    nav_section = NAV
    success_url_name = "web:rights:restrictions"

    def dispatch(self, request, *args, restriction_id: int, **kwargs):
        self.restriction = get_object_or_404(ProcessingRestriction, pk=restriction_id)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return forms.ReasonForm(title="Lift the restriction", submit_label="Lift it", **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        return super().get_context_data(restriction=self.restriction, **kwargs)

    def perform(self, form):
        return restriction_lift(
            actor=self.request.user, restriction=self.restriction, reason=form.cleaned_data["reason"]
        )

    def success_message(self, result) -> str:
        return "Restriction lifted."


# --- the public form ---------------------------------------------------------------------------------------------

RATE_LIMIT = 5  # forms an address may send
RATE_WINDOW = 60 * 60  # in this many seconds
SENT_KEY = "cme_report_reference"


def _client_address(request) -> str:
    """The sender's address as the sign-in lockout reads it (behind a proxy: AXES_IPWARE_PROXY_COUNT, operating.md)."""
    return get_client_ip_address(request) or "unknown"


class SomethingWrongView(PublicPageMixin, FormView):
    """The notice asks families to tell the council when something is wrong or has changed: this is where they do.

    No sign-in; CSRF as every form; a honeypot field that only bots fill; at most RATE_LIMIT forms an hour from one
    address (Django's cache). What arrives is a rectification request for the DPO, who links it to the child."""

    template_name = "rights/something_wrong.html"
    form_class = forms.SomethingWrongForm

    def form_valid(self, form):
        data = form.cleaned_data
        if data["website"]:
            # A bot: pretend it went, keep nothing.
            return redirect("web:something-wrong-sent")
        # Counted in the configured cache, so the limit holds across gunicorn workers when it is shared (flood.py).
        sent = flood_count(form="something-wrong", address=_client_address(self.request), window=RATE_WINDOW)
        if sent > RATE_LIMIT:
            form.add_error(None, "You have sent several messages in the last hour. Try again later, or phone us.")
            return self.form_invalid(form)
        try:
            created = services.public_report_submit(
                name=data["name"], contact=data["contact"], child_name=data["child_name"], details=data["details"]
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        self.request.session[SENT_KEY] = created.reference
        return redirect("web:something-wrong-sent")


class SomethingWrongSentView(PublicPageMixin, TemplateView):
    template_name = "rights/something_wrong_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reference=self.request.session.get(SENT_KEY, ""), **kwargs)

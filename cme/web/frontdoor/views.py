"""The front door (`/report/`): question pages anyone may use without signing in, and the officers' pages that
decide what each report is about. Thin: the services in cme.frontdoor do the work.

The public pages keep the answers in the session (server-side state: no JavaScript needed), one question a page,
then a check-your-answers page with change links, then a confirmation with the reference and nothing else: no record
is ever shown back. They speak the reporter's language (`?lang=`, else the browser's, among settings.LANGUAGES)."""

from datetime import date

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from cme.cases.models import Case
from cme.frontdoor import services
from cme.frontdoor.access import access_report
from cme.frontdoor.enums import ReportKind, SharingBasis
from cme.frontdoor.flood import flood_count
from cme.frontdoor.selectors import reports_decided, reports_waiting
from cme.people.access import access_child, audit_possible_duplicates_shown
from cme.web.mixins import AuditedListMixin, PermissionRequiredMixin, PublicPageMixin, ServiceFormView

from . import forms

FLOOD_LIMIT = 5  # reports one address may send an hour (a family reporting several children, a busy office)
SESSION_KEY = "cme_front_door"
LANGUAGE_KEY = "cme_front_door_language"
SENT_KEY = "cme_front_door_sent"

PUBLIC_STEPS = ["child-name", "child-age", "child-address", "child-school", "concerns", "safety", "about-you",
                "your-details"]  # fmt: skip
PROFESSIONAL_STEPS = ["your-details", "sharing-basis", "child-name", "child-age", "child-address", "child-school",
                      "concerns", "safety"]  # fmt: skip
FORMS = {
    "child-name": forms.ChildNameForm,
    "child-age": forms.ChildAgeForm,
    "child-address": forms.ChildAddressForm,
    "child-school": forms.ChildSchoolForm,
    "concerns": forms.ConcernsForm,
    "safety": forms.SafetyForm,
    "about-you": forms.AboutYouForm,
    "your-details": forms.YourDetailsForm,
    "sharing-basis": forms.SharingBasisForm,
}
# The answer whose presence says a step was answered.
ANSWERED_BY = {
    "child-name": "child_given_name",
    "child-age": "child_date_of_birth",
    "child-address": "child_address",
    "child-school": "child_school",
    "concerns": "concerns",
    "safety": "safeguarding_concern",
    "about-you": "is_anonymous",
    "your-details": "reporter_name",
    "sharing-basis": "sharing_basis",
}


def _client_address(request) -> str:
    return get_client_ip_address(request) or "unknown"


def front_door_language(request) -> str:
    """The language the reporter chose (`?lang=`, kept in the session), else the browser's best among LANGUAGES."""
    codes = [code for code, _name in settings.LANGUAGES]
    chosen = request.GET.get("lang")
    if chosen in codes:
        request.session[LANGUAGE_KEY] = chosen
        return chosen
    if request.session.get(LANGUAGE_KEY) in codes:
        return request.session[LANGUAGE_KEY]
    return translation.get_language_from_request(request) if settings.USE_I18N else settings.LANGUAGE_CODE


class FrontDoorMixin(PublicPageMixin):
    """A public front-door page: no sign-in, in the reporter's language (only here: staff pages stay English)."""

    kind = ReportKind.PUBLIC

    def dispatch(self, request, *args, **kwargs):
        self.kind = ReportKind.PROFESSIONAL if kwargs.get("kind") == "professional" else ReportKind.PUBLIC
        self.language = front_door_language(request)
        with translation.override(self.language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response.headers["Content-Language"] = self.language
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response

    # The answers so far, per kind of report.
    def answers(self) -> dict:
        return self.request.session.get(SESSION_KEY, {}).get(self.kind, {})

    def answers_save(self, values: dict) -> None:
        store = self.request.session.get(SESSION_KEY, {})
        store[self.kind] = {**store.get(self.kind, {}), **values}
        self.request.session[SESSION_KEY] = store

    def answers_clear(self) -> None:
        store = self.request.session.get(SESSION_KEY, {})
        store.pop(self.kind, None)
        self.request.session[SESSION_KEY] = store

    def steps(self) -> list[str]:
        steps = PROFESSIONAL_STEPS if self.kind == ReportKind.PROFESSIONAL else PUBLIC_STEPS
        if self.kind == ReportKind.PUBLIC and self.answers().get("is_anonymous", False):
            steps = [step for step in steps if step != "your-details"]
        return steps

    def url(self, name: str, step: str | None = None) -> str:
        kind = "professional" if self.kind == ReportKind.PROFESSIONAL else "public"
        if step:
            return reverse(f"web:frontdoor:{name}", kwargs={"kind": kind, "step": step})
        return reverse(f"web:frontdoor:{name}", kwargs={"kind": kind})

    def first_unanswered(self) -> str | None:
        answers = self.answers()
        return next((step for step in self.steps() if ANSWERED_BY[step] not in answers), None)

    def get_context_data(self, **kwargs):
        kwargs.pop("kind", None)
        languages = [(code, name, code == self.language) for code, name in settings.LANGUAGES]
        return super().get_context_data(
            kind=self.kind, professional=self.kind == ReportKind.PROFESSIONAL, languages=languages,
            language=self.language, **kwargs,
        )  # fmt: skip


class StartView(FrontDoorMixin, TemplateView):
    template_name = "frontdoor/start.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(first_url=self.url("step", self.steps()[0]), **kwargs)


class StepView(FrontDoorMixin, FormView):
    template_name = "frontdoor/question.html"

    def dispatch(self, request, *args, **kwargs):
        self.step = kwargs["step"]
        if self.step not in FORMS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.step not in self.steps():
            return redirect(self.url("check"))
        return super().get(request, *args, **kwargs)

    def get_form_class(self):
        if self.step == "your-details" and self.kind == ReportKind.PROFESSIONAL:
            return forms.ProfessionalDetailsForm
        return FORMS[self.step]

    def get_initial(self):
        answers = self.answers()
        initial = dict(answers)
        if answers.get("child_date_of_birth"):
            initial["child_date_of_birth"] = date.fromisoformat(answers["child_date_of_birth"])
        if "safeguarding_concern" in answers:
            initial["safeguarding"] = forms.YES if answers["safeguarding_concern"] else forms.NO
        if "is_anonymous" in answers:
            initial["named"] = forms.NO if answers["is_anonymous"] else forms.YES
        return initial

    def back_url(self) -> str:
        if self.request.GET.get("change"):
            return self.url("check")
        steps = self.steps()
        index = steps.index(self.step) if self.step in steps else 0
        return self.url("step", steps[index - 1]) if index else self.url("start")

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.back_url(), **kwargs)

    def form_valid(self, form):
        values = form.stored(form.cleaned_data)
        if self.step == "child-age":  # the step is answered even when both are blank
            values["child_date_of_birth"] = values.get("child_date_of_birth") or ""
        if self.step == "child-name":
            values.setdefault("child_given_name", "")
        self.answers_save(values)
        following = self.first_unanswered()
        if self.request.GET.get("change") or following is None:
            if following is not None:  # a changed answer asks a question not yet answered (who you are)
                return redirect(self.url("step", following) + "?change=1")
            return redirect(self.url("check"))
        steps = self.steps()
        index = steps.index(self.step) if self.step in steps else -1
        later = [step for step in steps[index + 1 :] if ANSWERED_BY[step] not in self.answers()]
        return redirect(self.url("step", later[0]) if later else self.url("check"))


def answer_rows(kind: ReportKind, answers: dict, change_url) -> list[dict]:
    """The rows of the check-your-answers page, each with its change link."""
    blank = _("Not known")
    rows = []

    def row(step, key, value, hidden):
        rows.append({"key": key, "value": value or blank, "href": change_url(step) + "?change=1", "hidden": hidden})

    if kind == ReportKind.PROFESSIONAL:
        row("your-details", _("Your name"), answers.get("reporter_name"), _("your name"))
        row("your-details", _("Your organisation"), answers.get("reporter_organisation"), _("your organisation"))
        row("your-details", _("Your role"), answers.get("reporter_relationship"), _("your role"))
        contact = "\n".join(v for v in (answers.get("reporter_phone"), answers.get("reporter_email")) if v)
        row("your-details", _("How to contact you"), contact, _("how to contact you"))
        basis = answers.get("sharing_basis")
        row("sharing-basis", _("Lawful basis"), SharingBasis(basis).label if basis else "", _("the lawful basis"))
    name = " ".join(v for v in (answers.get("child_given_name"), answers.get("child_family_name")) if v)
    row("child-name", _("Child's name"), name, _("the child's name"))
    born = answers.get("child_date_of_birth")
    if born:
        day = date.fromisoformat(born)
        age = f"{day.day} {translation.gettext(day.strftime('%B'))} {day.year}"
    else:
        age = answers.get("child_age")
    row("child-age", _("Age or date of birth"), age, _("the child's age or date of birth"))
    row("child-address", _("Address or area"), answers.get("child_address"), _("the child's address"))
    row("child-school", _("School last attended"), answers.get("child_school"), _("the school"))
    row("concerns", _("Why you think they are missing education"), answers.get("concerns"), _("why"))
    worried = answers.get("safeguarding_concern")
    safety = (_("Yes") + (": " + answers["safeguarding_details"] if answers.get("safeguarding_details") else "")) \
        if worried else _("No")  # fmt: skip
    row("safety", _("Worried about their safety"), safety, _("whether you are worried"))
    if kind == ReportKind.PUBLIC:
        anonymous = answers.get("is_anonymous")
        row("about-you", _("Who you are"), _("Anonymous") if anonymous else _("I have given my details"),
            _("whether to tell us who you are"))  # fmt: skip
        if not anonymous:
            row("your-details", _("Your name"), answers.get("reporter_name"), _("your name"))
            row("your-details", _("How you know the child"), answers.get("reporter_relationship"),
                _("how you know the child"))  # fmt: skip
            contact = "\n".join(v for v in (answers.get("reporter_phone"), answers.get("reporter_email")) if v)
            row("your-details", _("How to contact you"), contact, _("how to contact you"))
    return rows


class CheckView(FrontDoorMixin, FormView):
    """Check your answers, then send. The flood limit and the honeypot are checked here, where a report is made."""

    template_name = "frontdoor/check.html"
    form_class = forms.SendForm

    def get(self, request, *args, **kwargs):
        missing = self.first_unanswered()
        if missing is not None:
            return redirect(self.url("step", missing))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rows = answer_rows(self.kind, self.answers(), lambda step: self.url("step", step))
        return super().get_context_data(rows=rows, **kwargs)

    def form_valid(self, form):
        address = _client_address(self.request)
        if form.cleaned_data["website"]:
            # A robot filled in the field no person sees: pretend it went, keep nothing, say so once an hour.
            if flood_count(form="front-door-robot", address=address) == 1:
                services.refusal_record(reason="robot")
            self.answers_clear()
            self.request.session[SENT_KEY] = ""
            return redirect(self.url("sent"))
        missing = self.first_unanswered()
        if missing is not None:
            return redirect(self.url("step", missing))
        sent = flood_count(form="front-door", address=address)
        if sent > FLOOD_LIMIT:
            if sent == FLOOD_LIMIT + 1:
                services.refusal_record(reason="flood")
            form.add_error(None, _("You have sent several reports in the last hour. Try again later, or phone us."))
            return self.form_invalid(form)
        report = services.report_submit(kind=self.kind, answers=self._answers_typed(), language=self.language)
        self.answers_clear()
        self.request.session[SENT_KEY] = report.reference
        return redirect(self.url("sent"))

    def _answers_typed(self) -> dict:
        answers = dict(self.answers())
        born = answers.get("child_date_of_birth")
        answers["child_date_of_birth"] = date.fromisoformat(born) if born else None
        return answers


class SentView(FrontDoorMixin, TemplateView):
    template_name = "frontdoor/sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reference=self.request.session.get(SENT_KEY, ""), **kwargs)


# --- the officers' pages (English) ------------------------------------------------------------------------------


class ReportListView(AuditedListMixin, PermissionRequiredMixin, ListView):
    listed_type = "frontdoor.frontdoorreport"
    permission_required = "cases.triage_referral"
    template_name = "frontdoor/staff_list.html"
    nav_section = "referrals"
    paginate_by = 50

    def get_queryset(self):
        return reports_waiting()

    def get_context_data(self, **kwargs):
        return super().get_context_data(decided=reports_decided(), **kwargs)


class ReportAccessMixin:
    nav_section = "referrals"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.report = access_report(user=request.user, report_id=kwargs["report_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)

    def get_success_url(self) -> str:
        return reverse("web:frontdoor-staff:list")


class ReportDecideView(ReportAccessMixin, ServiceFormView):
    """The report, the children it may be (the duplicate check), and the officer's decision."""

    permission_required = "cases.triage_referral"
    form_class = forms.StaffDecisionForm
    template_name = "frontdoor/staff_decide.html"

    @cached_property
    def duplicates(self):
        return services.report_possible_duplicates(self.report) if self.report.state == "received" else []

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "duplicates": self.duplicates}

    def get_initial(self):
        return {
            "shown": ",".join(str(d.id) for d in self.duplicates),
            "given_name": self.report.child_given_name,
            "family_name": self.report.child_family_name,
            "date_of_birth": self.report.child_date_of_birth,
        }

    def get_context_data(self, **kwargs):
        if self.duplicates:
            audit_possible_duplicates_shown(user=self.request.user, duplicates=self.duplicates)
        return super().get_context_data(duplicates=self.duplicates, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        child = None
        if data["child"] != "new":
            child = access_child(user=self.request.user, child_id=int(data["child"]),
                                 session_key=self.request.session.session_key)  # fmt: skip
        self.result = services.report_refer(
            report=self.report,
            actor=self.request.user,
            rationale=data["rationale"],
            child=child,
            shown_children=[int(i) for i in data["shown"].split(",") if i.strip().isdigit()],
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
        )
        return self.result

    def get_success_url(self) -> str:
        if isinstance(self.result, Case):
            return reverse("web:cases:detail", args=[self.result.pk])
        return reverse("web:referrals:detail", args=[self.result.pk])

    def success_message(self, result) -> str:
        if isinstance(result, Case):
            return f"The child already has an open case, {result.reference}: the report was added to it."
        return "Referral created from the report. Triage it to open a case."


class ReportNoFurtherActionView(ReportAccessMixin, ServiceFormView):
    permission_required = "cases.triage_referral"
    form_class = forms.StaffNoFurtherActionForm
    template_name = "frontdoor/staff_decide.html"

    def perform(self, form):
        return services.report_no_further_action(report=self.report, actor=self.request.user, **form.cleaned_data)

    def success_message(self, report) -> str:
        return f"Report {report.reference} closed with no further action."

"""Letter templates (the manager edits the council's wording, with a preview), letters on a case, and the school
attendance order process page."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from cme.cases import services
from cme.cases.attendance_order_selectors import attendance_orders_for_case, next_stages
from cme.cases.attendance_orders import rule_for
from cme.cases.enums import AttendanceOrderStage, LetterKind
from cme.cases.letters import MERGE_FIELDS, SAMPLE_VALUES, TemplateRefused, letter_content
from cme.cases.models import AttendanceOrder, AttendanceOrderStep, Letter, LetterTemplate
from cme.people.models import Carer
from cme.web.cases.views import CaseAccessMixin
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView

from . import forms

TEMPLATE_PERMISSION = "cases.change_letter_templates"


class LetterTemplateListView(PermissionRequiredMixin, TemplateView):
    permission_required = TEMPLATE_PERMISSION
    template_name = "letters/template_list.html"
    nav_section = "manage-letters"

    def get_context_data(self, **kwargs):
        saved = {row.kind: row for row in LetterTemplate.objects.select_related("updated_by")}
        rows = [{"kind": kind, "saved": saved.get(kind.value)} for kind in LetterKind]
        return super().get_context_data(rows=rows, **kwargs)


class LetterTemplateEditView(ServiceFormView):
    """Edit one letter's wording. "Preview" renders it with made-up details; "Save" checks and saves it."""

    permission_required = TEMPLATE_PERMISSION
    form_class = forms.LetterTemplateForm
    template_name = "letters/template_edit.html"
    nav_section = "manage-letters"
    success_url_name = "web:letters:template-list"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.kind = LetterKind(kwargs["letter_kind"])
        except ValueError as error:
            raise Http404("No such letter.") from error
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "title": f"Letter: {self.kind.label}"}

    def get_initial(self):
        text = services.letter_template_get(self.kind)
        return {"subject": text.subject, "body": text.body, "version": text.version}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=self.kind,
            merge_fields=MERGE_FIELDS.items(),
            is_default=services.letter_template_get(self.kind).is_default,
            **kwargs,
        )

    def form_valid(self, form):
        if "preview" in self.request.POST:
            data = form.cleaned_data
            try:
                content = letter_content(subject=data["subject"], body=data["body"], values=SAMPLE_VALUES)
            except TemplateRefused as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                return self.form_invalid(form)
            # body_html is the author's text escaped, in <p> and <br> only (cme.cases.letters.paragraphs_html).
            preview = {"subject": content.subject, "body": mark_safe(content.body_html)}  # noqa: S308
            return self.render_to_response(self.get_context_data(form=form, preview=preview))
        return super().form_valid(form)

    def perform(self, form):
        data = form.cleaned_data
        return services.letter_template_save(
            actor=self.request.user,
            kind=self.kind,
            subject=data["subject"],
            body=data["body"],
            expected_version=data["version"],
        )

    def success_message(self, row) -> str:
        return f"The wording of “{self.kind.label}” is saved. New letters use it from now on."


# --- Letters on a case ------------------------------------------------------------------------------------------------


class LetterCreateView(CaseAccessMixin, ServiceFormView):
    """Produce a letter as a PDF document on the case: a "we are trying to find your child" letter, an enquiry to an
    agency, or (with ?step=) the notice for a school attendance order step."""

    form_class = forms.LetterCreateForm

    def step(self) -> AttendanceOrderStep | None:
        step_id = self.request.GET.get("step", "")
        if not step_id.isdigit():
            return None
        return get_object_or_404(AttendanceOrderStep, pk=int(step_id), order__case=self.case)

    def get_form_kwargs(self):
        step = self.step()
        kinds = None
        if step is not None:
            letter = rule_for(step.order.regime, step.stage).letter
            kinds = [letter] if letter else []
            if not kinds:
                raise Http404("This step sends no letter.")
        return {
            **super().get_form_kwargs(),
            "carer_relationships": self.case.child.carer_relationships.select_related("carer"),
            "enquiries": self.case.enquiries.all(),
            "kinds": kinds,
        }

    def get_initial(self):
        step = self.step()
        if step is not None:
            return {
                "kind": rule_for(step.order.regime, step.stage).letter,
                "carer": str(step.order.carer_id or ""),
            }
        return {}

    def perform(self, form):
        data = form.cleaned_data
        carer = Carer.objects.filter(pk=data["carer"]).first() if data.get("carer") else None
        enquiry = self.case.enquiries.filter(pk=data["enquiry"]).first() if data.get("enquiry") else None
        return services.letter_generate(
            case=self.case, actor=self.request.user, kind=data["kind"], carer=carer, enquiry=enquiry, step=self.step()
        )

    def success_message(self, letter) -> str:
        title = letter.document.title
        return f"Letter produced: “{title}”. It is in the case's documents. Record it as sent once it has gone."


class LetterSentView(CaseAccessMixin, ServiceFormView):
    form_class = forms.LetterSentForm

    def get_letter(self) -> Letter:
        return get_object_or_404(Letter, pk=self.kwargs["letter_id"], case=self.case)

    def get_context_data(self, **kwargs):
        return super().get_context_data(letter=self.get_letter(), **kwargs)

    def perform(self, form):
        return services.letter_mark_sent(
            letter=self.get_letter(), actor=self.request.user, sent_on=form.cleaned_data["sent_on"]
        )

    def success_message(self, letter) -> str:
        return f"Letter recorded as sent to {letter.recipient_name}, and the disclosure logged."


# --- School attendance orders ---------------------------------------------------------------------------------------


class _OrderMixin(CaseAccessMixin):
    def get_order(self) -> AttendanceOrder:
        if not hasattr(self, "_order"):
            self._order = get_object_or_404(
                AttendanceOrder.objects.select_related("carer"), pk=self.kwargs["order_id"], case=self.case
            )
        return self._order


class AttendanceOrderView(_OrderMixin, PermissionRequiredMixin, TemplateView):
    """The process: each step with its section, decision, deadline and letter; the next steps the law allows."""

    permission_required = "cases.view_case"
    template_name = "letters/attendance_order.html"

    def get_context_data(self, **kwargs):
        order = self.get_order()
        (order,) = [o for o in attendance_orders_for_case(case=self.case) if o.pk == order.pk]
        steps = [
            {"step": step, "rule": rule_for(order.regime, step.stage), "letters": list(step.letters.all())}
            for step in order.steps.all()
        ]
        today = timezone.localdate()
        return super().get_context_data(
            order=order,
            steps=steps,
            today=today,
            next_steps=[(stage, rule_for(order.regime, stage)) for stage in next_stages(order)],
            **kwargs,
        )


class AttendanceOrderStepView(_OrderMixin, ServiceFormView):
    form_class = forms.AttendanceOrderStepForm

    def stage(self) -> AttendanceOrderStage:
        """The step named by ?stage=, or the first the law allows next; 404 for one that cannot come next."""
        allowed = next_stages(self.get_order())
        wanted = self.request.GET.get("stage", "")
        if not wanted and allowed:
            return allowed[0]
        try:
            stage = AttendanceOrderStage(wanted)
        except ValueError as error:
            raise Http404("No such step.") from error
        if stage not in allowed:
            raise Http404("That step cannot come next.")
        return stage

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "order": self.get_order(),
            "stage": self.stage(),
            "carer_relationships": self.case.child.carer_relationships.select_related("carer"),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(order=self.get_order(), **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        carer_id = data.pop("carer", None)
        carer = Carer.objects.filter(pk=carer_id).first() if carer_id else None
        return services.attendance_order_step_record(
            order=self.get_order(), actor=self.request.user, stage=self.stage(), carer=carer, **data
        )

    def get_success_url(self) -> str:
        return reverse("web:cases:sao-detail", args=[self.case.pk, self.get_order().pk])

    def success_message(self, step) -> str:
        message = f"{step.get_stage_display()} recorded."
        if step.period_ends_on:
            message += f" The parent's period ends on {step.period_ends_on.day} {step.period_ends_on:%B %Y}."
        return message


def start_redirect(case, decision) -> str:
    order_id = decision.details.get("attendance_order")
    return reverse("web:cases:sao-detail", args=[case.pk, order_id])

"""The data protection officer's subject access pages: make a pack, review it with its redactions highlighted and
their reasons, withhold more or lift a redaction (each with a reason), approve, and release (a disclosure in the log).

Nothing is downloadable as final before approval: the draft files say DRAFT on every page.
"""

import io
import zipfile

from django import forms
from django.apps import apps
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView, View

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record, audit_record_read
from cme.common.errors import ApplicationError
from cme.privacy.models import PackState, Redaction, SubjectAccessPack
from cme.privacy.sar.services import (
    pack_approve,
    pack_create,
    pack_files,
    pack_release,
    redaction_add,
    redaction_lift,
)
from cme.web.forms import GovukForm
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView

PERMISSION = "privacy.manage_subject_access"
SHOWN_PER_PAGE = 200


class PackListView(PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "privacy/sar/list.html"
    nav_section = "privacy-sar"

    def get_context_data(self, **kwargs):
        packs = list(SubjectAccessPack.objects.defer("content").select_related("created_by")[:200])
        if packs:
            audit_record_read(
                actor=self.request.user,
                event=AuditEvent.LIST_VIEWED,
                target_type="privacy.subjectaccesspack",
                payload={"shown": [pack.pk for pack in packs]},
            )
        return super().get_context_data(packs=packs, **kwargs)


class PackCreateForm(GovukForm):
    title = "Gather a subject access pack"
    submit_label = "Gather the pack"
    child = forms.IntegerField(label="The child's record number", min_value=1,
                               error_messages={"required": "Enter the child's record number",
                                               "invalid": "Enter the record number as a whole number",
                                               "min_value": "Enter a record number of 1 or more"})  # fmt: skip
    requester_name = forms.CharField(label="Who is asking?", max_length=200,
                                     help_text="The child, or the parent or carer asking for them.",
                                     error_messages={"required": "Enter the name of the person asking"})  # fmt: skip
    requester_carer = forms.IntegerField(
        label="If a parent or carer is asking, their record number (optional)",
        required=False,
        min_value=1,
        help_text="Their own details are then not withheld from them.",
        error_messages={"invalid": "Enter the record number as a whole number"},
    )
    request_reference = forms.CharField(label="Request reference (optional)", max_length=100, required=False)


class PackCreateView(ServiceFormView):
    permission_required = PERMISSION
    form_class = PackCreateForm
    nav_section = "privacy-sar"

    def get_initial(self):
        """From a rights request's page: the child, the requester and the request's reference filled in."""
        wanted = ("child", "requester_name", "request_reference")
        return {**super().get_initial(), **{k: self.request.GET[k][:200] for k in wanted if self.request.GET.get(k)}}

    def perform(self, form):
        data = form.cleaned_data
        if not apps.get_model("people.Child").objects.filter(pk=data["child"]).exists():
            raise ApplicationError(f"There is no child with record number {data['child']}.", field="child")
        carer = data.get("requester_carer")
        if (
            carer
            and not apps.get_model("people.CarerRelationship")
            .objects.filter(child_id=data["child"], carer_id=carer)
            .exists()
        ):
            raise ApplicationError("That carer is not linked to this child.", field="requester_carer")
        pack = pack_create(
            child=data["child"], requester_name=data["requester_name"], requester_carer=carer, actor=self.request.user
        )
        if data.get("request_reference"):
            SubjectAccessPack.objects.filter(pk=pack.pk).update(request_reference=data["request_reference"])
        self.made = pack
        return pack

    def success_message(self, pack) -> str:
        return (
            f"Pack {pack.pk} gathered, with {pack.redactions.count():,} redactions found. Review it before approving."
        )

    def get_success_url(self) -> str:
        return reverse("web:privacy:sar-pack", kwargs={"pack_id": self.made.pk})


class _PackMixin:
    def dispatch(self, request, *args, pack_id: int, **kwargs):
        self.pack = get_object_or_404(SubjectAccessPack, pk=pack_id)
        return super().dispatch(request, *args, **kwargs)


def _highlighted(text: str, spans: list[Redaction]) -> list[tuple[str, Redaction | None]]:
    """The text in pieces: (words, None) as they are, (words, redaction) where a redaction withholds them."""
    pieces, position = [], 0
    for redaction in sorted(spans, key=lambda r: r.start):
        if redaction.start < position:
            continue
        pieces.append((text[position : redaction.start], None))
        pieces.append((text[redaction.start : redaction.end], redaction))
        position = redaction.end
    pieces.append((text[position:], None))
    return [(words, redaction) for words, redaction in pieces if words]


class PackDetailView(_PackMixin, PermissionRequiredMixin, TemplateView):
    """The draft as gathered, one section at a time, every redaction highlighted with its reason."""

    permission_required = PERMISSION
    template_name = "privacy/sar/pack.html"
    nav_section = "privacy-sar"

    def get_context_data(self, **kwargs):
        pack = self.pack
        sections = pack.content.get("sections", [])
        chosen = self.request.GET.get("section", "")
        section = next((s for s in sections if s["model"] == chosen), sections[0] if sections else None)
        redactions = list(pack.redactions.select_related("added_by", "lifted_by"))
        by_item: dict[str, list[Redaction]] = {}
        for redaction in redactions:
            by_item.setdefault(redaction.item, []).append(redaction)
        page = max(1, _int(self.request.GET.get("page"), 1))
        items = section["items"] if section else []
        shown = items[(page - 1) * SHOWN_PER_PAGE : page * SHOWN_PER_PAGE]
        rows = []
        for item in shown:
            mine = by_item.get(item["key"], [])
            whole = [r for r in mine if not r.field and r.in_force]
            fields = []
            for field in item["fields"]:
                if field["value"] is None:
                    continue
                spans = [r for r in mine if r.field == field["name"] and r.start is not None and r.in_force]
                entire = [r for r in mine if r.field == field["name"] and r.start is None and r.in_force]
                fields.append({**field, "pieces": _highlighted(field["value"], spans), "entire": entire})
            rows.append({"key": item["key"], "whole": whole, "fields": fields})
        audit_record(
            actor=self.request.user,
            event=AuditEvent.SUBJECT_ACCESS_PACK_VIEWED,
            target=pack,
            payload={"section": section["model"] if section else "", "shown": len(shown)},
        )
        in_force = [r for r in redactions if r.in_force]
        return super().get_context_data(
            pack=pack,
            sections=[(s["model"], s["title"], len(s["items"])) for s in sections],
            section=section,
            rows=rows,
            page=page,
            pages=max(1, -(-len(items) // SHOWN_PER_PAGE)),
            in_force=len(in_force),
            lifted=[r for r in redactions if not r.in_force],
            by_reason=_count_by_reason(in_force),
            can_change=pack.state == PackState.DRAFT,
            **kwargs,
        )


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _count_by_reason(redactions: list[Redaction]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for redaction in redactions:
        counts[redaction.get_reason_display()] = counts.get(redaction.get_reason_display(), 0) + 1
    return sorted(counts.items())


class WithholdForm(GovukForm):
    title = "Withhold part of the pack"
    submit_label = "Withhold it"
    item = forms.CharField(
        label="Which record?",
        max_length=120,
        help_text='As shown on the pack, for example "cases.Note:12".',
        error_messages={"required": "Enter which record to withhold from"},
    )
    field = forms.CharField(
        label="Which part of it? (optional)",
        max_length=60,
        required=False,
        help_text="As shown beside the value, for example text. Leave blank to withhold the whole record.",
    )
    words = forms.CharField(
        label="Which words? (optional)",
        max_length=500,
        required=False,
        help_text="Every place these words appear in that part is withheld. Leave blank for all of it.",
    )
    note = forms.CharField(
        label="Why are you withholding it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why you are withholding this"},
    )


class WithholdView(_PackMixin, ServiceFormView):
    permission_required = PERMISSION
    form_class = WithholdForm
    nav_section = "privacy-sar"

    def get_initial(self):
        return {"item": self.request.GET.get("item", "")[:120], "field": self.request.GET.get("field", "")[:60]}

    def perform(self, form):
        data = form.cleaned_data
        return redaction_add(
            pack=self.pack,
            actor=self.request.user,
            item=data["item"].strip(),
            field=data["field"].strip(),
            words=data["words"],
            note=data["note"],
        )

    def success_message(self, added) -> str:
        return f"Withheld: {len(added)} place{'s' if len(added) != 1 else ''}."

    def get_success_url(self) -> str:
        return reverse("web:privacy:sar-pack", kwargs={"pack_id": self.pack.pk})


class LiftForm(GovukForm):
    title = "Release this part after all"
    submit_label = "Lift the redaction"
    reason = forms.CharField(label="Why can it be released?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text="For example: the person agreed, or the requester already knows it.",
                             error_messages={"required": "Enter why this can be released after all"})  # fmt: skip


class LiftView(ServiceFormView):
    permission_required = PERMISSION
    form_class = LiftForm
    template_name = "privacy/sar/lift.html"
    nav_section = "privacy-sar"

    def dispatch(self, request, *args, redaction_id: int, **kwargs):
        self.redaction = get_object_or_404(Redaction.objects.select_related("pack"), pk=redaction_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(redaction=self.redaction, **kwargs)

    def perform(self, form):
        return redaction_lift(redaction=self.redaction, actor=self.request.user, reason=form.cleaned_data["reason"])

    def success_message(self, redaction) -> str:
        return "Redaction lifted: that part will be released."

    def get_success_url(self) -> str:
        return reverse("web:privacy:sar-pack", kwargs={"pack_id": self.redaction.pack_id})


class ApproveForm(GovukForm):
    title = "Approve this pack"
    submit_label = "Approve the pack"
    confirm = forms.BooleanField(
        label="I have reviewed the pack and its redactions: it may be released",
        error_messages={"required": "Confirm that you have reviewed the pack"},
    )


class ApproveView(_PackMixin, ServiceFormView):
    permission_required = PERMISSION
    form_class = ApproveForm
    nav_section = "privacy-sar"

    def perform(self, form):
        return pack_approve(pack=self.pack, actor=self.request.user)

    def success_message(self, pack) -> str:
        return f"Pack {pack.pk} approved. Release it when it is sent."

    def get_success_url(self) -> str:
        return reverse("web:privacy:sar-pack", kwargs={"pack_id": self.pack.pk})


class ReleaseForm(GovukForm):
    title = "Release this pack"
    submit_label = "Record the release"
    recipient = forms.CharField(label="Who is it being sent to?", max_length=200,
                                error_messages={"required": "Enter who the pack is being sent to"})  # fmt: skip


class ReleaseView(_PackMixin, ServiceFormView):
    permission_required = PERMISSION
    form_class = ReleaseForm
    nav_section = "privacy-sar"

    def get_initial(self):
        return {"recipient": self.pack.requester_name}

    def perform(self, form):
        return pack_release(pack=self.pack, actor=self.request.user, recipient=form.cleaned_data["recipient"])

    def success_message(self, pack) -> str:
        return f"Pack {pack.pk} released to {pack.released_to}; the disclosure log records it."

    def get_success_url(self) -> str:
        return reverse("web:privacy:sar-pack", kwargs={"pack_id": self.pack.pk})


class PackDownloadView(_PackMixin, PermissionRequiredMixin, View):
    """The pack as a ZIP of pack.pdf, pack.json and the documents: `draft` always (marked DRAFT), `final` only once
    approved."""

    permission_required = PERMISSION

    def get(self, request, kind: str, **kwargs):
        final = kind == "final"
        if final and self.pack.state == PackState.DRAFT:
            raise Http404("This pack has not been approved.")
        files = pack_files(self.pack, final=final)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        audit_record_read(
            actor=request.user,
            event=AuditEvent.EXPORT,
            target=self.pack,
            payload={"kind": kind, "files": len(files)},
        )
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        label = "final" if final else "DRAFT"
        response["Content-Disposition"] = f'attachment; filename="subject-access-pack-{self.pack.pk}-{label}.zip"'
        return response

"""The DPO's audit trail pages: every entry, newest first, page by page, with people's and records' names; the
CSV download; and a check of the whole chain started here and run in the background."""

import io
import re
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.generic import TemplateView, View

from cme.accounts.models import User
from cme.audit.events import AuditEvent
from cme.audit.formatters import audit_sentence, object_phrase
from cme.audit.models import AuditVerification
from cme.audit.selectors import audit_search
from cme.audit.services import audit_export_csv, audit_verification_start
from cme.cases.models import Case
from cme.people.merging import child_merged_ids
from cme.people.models import Carer, Child
from cme.web.forms import GovukDateField, GovukForm
from cme.web.mixins import PermissionRequiredMixin

PAGE_SIZE = 50
STALE = timedelta(minutes=30)
_OBJECT = re.compile(r"([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*):([0-9]{1,18})")
_NUMBER = re.compile(r"[0-9]{1,18}")  # an id; str.isdigit() would pass "²", which int() refuses
_NAME_MARK = "\x00"  # stands for the target's name in a sentence until the link is put in


class AuditSearchForm(GovukForm):
    title = "Audit trail"
    submit_label = "Search"
    child_id = forms.IntegerField(
        label="Child (record number)",
        required=False,
        min_value=1,
        max_value=2**62,
        error_messages={
            "invalid": "Enter the child's record number, like 1234",
            "min_value": "Enter the child's record number, like 1234",
            "max_value": "Enter the child's record number, like 1234",
        },
    )
    actor = forms.ModelChoiceField(
        label="User", queryset=User.objects.order_by("last_name", "first_name"), required=False, empty_label="Anyone"
    )
    event = forms.ChoiceField(label="What happened", required=False, choices=[("", "Anything"), *AuditEvent.choices])
    since = GovukDateField(label="From", required=False)
    until = GovukDateField(label="To", required=False)
    record = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"

    def clean_record(self) -> tuple[str, str] | None:
        match = _OBJECT.fullmatch(self.cleaned_data.get("record") or "")
        return (match[1], match[2]) if match else None

    def filters(self) -> dict:
        data = self.cleaned_data
        target_type, target_id = data.get("record") or (None, None)
        return {
            "child_id": data.get("child_id"),
            "actor_id": data["actor"].pk if data.get("actor") else None,
            "event": data.get("event") or None,
            "since": data.get("since"),
            "until": data.get("until"),
            "target_type": target_type,
            "target_id": target_id,
        }


class _Names:
    """Names and audit-search links for the people and records a page of entries mentions, a few queries in all."""

    def __init__(self, entries):
        ids: dict[str, set[int]] = {}
        for entry in entries:
            for object_type, object_id in (
                (entry.target_type, entry.target_id),
                (entry.related_type, entry.related_id),
            ):
                if object_type and _NUMBER.fullmatch(object_id):
                    ids.setdefault(object_type, set()).add(int(object_id))
            if entry.subject_child_id:
                ids.setdefault("people.child", set()).add(entry.subject_child_id)
            if entry.actor_id:
                ids.setdefault("accounts.user", set()).add(entry.actor_id)
        self.users = {user.pk: user.display_name for user in User.objects.filter(pk__in=ids.get("accounts.user", ()))}
        self.children = {
            child.pk: str(child)
            for child in Child.objects.filter(pk__in=ids.get("people.child", ())).only("given_name", "family_name")
        }
        carers = Carer.objects.filter(pk__in=ids.get("people.carer", ())).only("given_name", "family_name")
        self.carers = {carer.pk: str(carer) for carer in carers}
        cases = Case.objects.filter(pk__in=ids.get("cases.case", ())).values_list("pk", "child_id")
        self.case_children = dict(cases)

    def child(self, child_id: int | None) -> str:
        if not child_id:
            return ""
        name = self.children.get(child_id, f"child {child_id} (record deleted)")
        return format_html('<a class="govuk-link" href="?child_id={}">{}</a>', child_id, name)

    def user(self, user_id: int | None, fallback: str) -> str:
        if not user_id:
            return fallback or "Someone"
        name = self.users.get(user_id, fallback or f"user {user_id}")
        return format_html('<a class="govuk-link" href="?actor={}">{}</a>', user_id, name)

    def record(self, object_type: str, object_id: str) -> str:
        """The record's name, linked to every entry about it."""
        number = int(object_id) if _NUMBER.fullmatch(object_id) else None
        if object_type == "people.child" and number in self.children:
            name = f"{self.children[number]} (child {number})"
        elif object_type == "people.carer" and number in self.carers:
            name = f"{self.carers[number]} (carer {number})"
        elif object_type == "accounts.user" and number in self.users:
            name = self.users[number]
        elif object_type == "cases.case" and self.case_children.get(number) in self.children:
            name = f"{object_phrase(object_type, object_id)} ({self.children[self.case_children[number]]})"
        else:
            name = object_phrase(object_type, object_id)
        return format_html('<a class="govuk-link" href="?record={}:{}">{}</a>', object_type, object_id, name)

    def sentence(self, entry) -> str:
        """The entry's sentence, with the actor's and the record's names as links (everything else escaped)."""
        marked = _NAME_MARK + "actor" + _NAME_MARK if entry.actor_id else None  # else "Someone signing in as …"
        text = audit_sentence(entry, actor_name=marked)
        parts = text.split(_NAME_MARK)
        links = {"actor": self.user(entry.actor_id, entry.actor_username)}
        if entry.target_type:
            phrase = object_phrase(entry.target_type, entry.target_id)
            links["target"] = self.record(entry.target_type, entry.target_id)
        html = []
        for index, part in enumerate(parts):
            if index % 2 and part in links:
                html.append(links[part])
            elif entry.target_type and phrase in part:
                before, _, after = part.partition(phrase)
                html.append(format_html("{}{}{}", before, links["target"], after))
            else:
                html.append(format_html("{}", part))
        return format_html("{}" * len(html), *html)


class AuditSearchView(PermissionRequiredMixin, TemplateView):
    """The DPO's view of the audit trail: who did what to whose record, when, and why; newest first, every entry
    reachable page by page (`?before=SEQUENCE` shows the entries older than that one)."""

    permission_required = "privacy.view_audit"
    template_name = "privacy/audit_search.html"
    nav_section = "privacy-audit"

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        before = params.pop("before", [""])[-1]
        form = AuditSearchForm(params or None)
        filters = form.filters() if form.is_bound and form.is_valid() else {}
        entries = []
        if not form.errors:
            # A child's trail includes the entries about the records merged into them (cme.people.merging).
            also = child_merged_ids([filters["child_id"]]) if filters.get("child_id") else ()
            entries = audit_search(**filters, also_child_ids=also)
            if _NUMBER.fullmatch(before):
                entries = entries.filter(sequence__lt=int(before))
            entries = list(entries[: PAGE_SIZE + 1])
        older = entries[PAGE_SIZE - 1].sequence if len(entries) > PAGE_SIZE else None  # the last one shown
        entries = entries[:PAGE_SIZE]
        names = _Names(entries)
        rows = [(entry, names.sentence(entry), names.child(entry.subject_child_id)) for entry in entries]
        return super().get_context_data(
            form=form,
            rows=rows,
            page_size=PAGE_SIZE,
            first_page=not before,
            older_query=_query(params, before=older) if older else "",
            newest_query=_query(params),
            export_query=params.urlencode(),
            verification=AuditVerification.objects.first(),
            can_verify=self.request.user.has_perm("privacy.verify_audit"),
            **kwargs,
        )


def _query(params, **extra) -> str:
    query = params.copy()
    for key, value in extra.items():
        query[key] = value
    return query.urlencode()


class AuditVerifyView(PermissionRequiredMixin, View):
    """Start a check of the whole chain in the background (POST); the audit page shows its result when done."""

    permission_required = "privacy.verify_audit"

    def post(self, request):
        # One at a time; a check that never finished (a worker stopped) stops blocking after STALE.
        running = AuditVerification.objects.filter(
            finished_at__isnull=True, started_at__gte=timezone.now() - STALE
        ).exists()
        if running:
            messages.info(request, "A check of the audit trail is already running.")
        else:
            audit_verification_start(actor=request.user)
            messages.success(request, "The check of the audit trail has started. Its result appears here when done.")
        return redirect(reverse("web:privacy:audit") + "#audit-check")


class AuditExportView(PermissionRequiredMixin, View):
    """The same search as CSV. The export is itself written to the audit trail before any row leaves."""

    permission_required = "privacy.view_audit"

    def get(self, request):
        params = request.GET.copy()
        params.pop("before", None)
        form = AuditSearchForm(params or None)
        filters = form.filters() if form.is_bound and form.is_valid() else {}
        buffer = io.StringIO()
        audit_export_csv(actor=request.user, out=buffer, via="web", **filters)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        response["Cache-Control"] = "no-store"
        return response

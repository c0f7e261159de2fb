"""Children's records: search, the child's page, adding and changing a child, carers and addresses."""

from django.contrib import messages
from django.db import transaction
from django.forms.utils import ErrorDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from cme.cases.selectors import case_list_for_user
from cme.common.access import refuse_not_found
from cme.common.errors import ApplicationError
from cme.people import merging, services
from cme.people.access import (
    access_carer_of_child,
    access_child,
    access_child_search,
    audit_possible_duplicates_shown,
    child_visible,
)
from cme.people.enums import ChildMergeState, ContactKind
from cme.people.history import child_history, history_rows
from cme.people.models import CarerRelationship, Child
from cme.people.selectors import (
    child_address_history,
    child_carers,
    child_current_address,
    child_possible_duplicates,
    child_siblings,
)
from cme.privacy.masking import may_see_sensitive, sensitive_field_names
from cme.schools.returns.selectors import timetables_for_child
from cme.web.forms import long_date
from cme.web.mixins import PermissionRequiredMixin, ServiceFormView

from . import forms

CHILD_DETAIL_FIELDS = (
    "given_name",
    "middle_names",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "upn",
    "nhs_number",
    "first_language",
)
# The child's circumstances, in the order the child's page shows them. Those the catalogue marks special category or
# criminal offence data are shown and edited only by roles cleared for them (cme.privacy.masking).
CHILD_CIRCUMSTANCE_FIELDS = (
    "ethnicity",
    "traveller",
    "sen_provision",
    "ehcp",
    "looked_after",
    "child_protection_plan",
    "police_probation_involvement",
    "immigration_involvement",
    "receives_benefits",
    "service_child",
    "young_carer",
)


def child_circumstances(child, *, user) -> list[tuple[str, str, str, bool]]:
    """(field name, label, value in plain words, withheld) for each circumstance of `child` shown to `user`."""
    withheld = set() if may_see_sensitive(user) else sensitive_field_names(Child)
    rows = []
    for name in CHILD_CIRCUMSTANCE_FIELDS:
        field = Child._meta.get_field(name)
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        if name in withheld:
            rows.append((name, label, "Withheld", True))
            continue
        value = getattr(child, name)
        shown = (
            (getattr(child, f"get_{name}_display")() or "Not known") if field.choices else ("Yes" if value else "No")
        )
        rows.append((name, label, shown, False))
    return rows


class ChildSearchView(PermissionRequiredMixin, TemplateView):
    """Search runs on GET so results can be bookmarked and the back button works; nothing is written."""

    permission_required = "people.search_children"
    template_name = "people/child_search.html"
    nav_section = "children"

    def get_context_data(self, **kwargs):
        form = forms.ChildSearchForm(self.request.GET or None)
        matches = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            matches = access_child_search(
                user=self.request.user,
                name=data["name"],
                date_of_birth=data["date_of_birth"],
                upn=data["upn"],
                postcode=data["postcode"],
            )
        return super().get_context_data(form=form, matches=matches, **kwargs)


class ChildAccessMixin:
    """Opens the child in the URL through `access_child` before anything else: not found (404) if the user may not
    see children's records; outside their caseload, only once they have said why in this sign-in session (the
    purpose question comes first and brings them back: cme.web.middleware)."""

    permission_required = "people.view_child"
    nav_section = "children"
    asks_purpose = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if self.asks_purpose:
                self.child = access_child(
                    user=request.user, child_id=kwargs["child_id"], session_key=request.session.session_key
                )
            else:
                self.child = child_visible(user=request.user, child_id=kwargs["child_id"])
            self.open_related(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def open_related(self, request, **kwargs) -> None:
        """Open what else the URL names (a carer, an enrolment) once the child is open; 404 unless it is theirs."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(child=self.child, **kwargs)

    def get_success_url(self) -> str:
        return reverse("web:children:detail", args=[self.child.pk])


class AccessPurposeView(ChildAccessMixin, ServiceFormView):
    """Why are you opening this record? Asked when the child is outside the user's caseload."""

    form_class = forms.AccessPurposeForm
    template_name = "people/access_purpose.html"
    asks_purpose = False

    def perform(self, form):
        return services.child_purpose_state(
            actor=self.request.user, child=self.child, session_key=self.request.session.session_key, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        target = self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return reverse("web:children:detail", args=[self.child.pk])


class ChildDetailView(ChildAccessMixin, PermissionRequiredMixin, TemplateView):
    template_name = "people/child_detail.html"

    def get_template_names(self):
        if self.child.merged_into_id is not None:
            return ["people/child_merged.html"]  # a merged record's page points to the record it is part of now
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        child = self.child
        merges = merging.child_merges(child=child)
        if child.merged_into_id is not None:
            merge = next((m for m in merges if m.merged_id == child.pk and m.state == ChildMergeState.MERGED), None)
            return super().get_context_data(merge=merge, **kwargs)
        kwargs["merges"] = [m for m in merges if m.state != ChildMergeState.PROPOSED]
        kwargs["merge_proposals"] = [m for m in merges if m.state == ChildMergeState.PROPOSED]
        kwargs["merge_in_force"] = merging.child_merge_in_force(survivor=child)
        circumstances = child_circumstances(child, user=self.request.user)
        return super().get_context_data(
            carers=child_carers(child=child).prefetch_related("carer__contact_points"),
            current_address=child_current_address(child=child),
            addresses=child_address_history(child=child),
            siblings=child_siblings(child=child),
            other_names=child.other_names.all(),
            former_upns=child.former_upns.all(),
            cases=case_list_for_user(user=self.request.user).filter(child=child),
            enrolments=child.enrolments.select_related("school", "started_by", "ended_by").order_by(
                "-start_date", "-pk"
            ),
            timetables=timetables_for_child(child_id=child.pk),
            circumstances=circumstances,
            circumstances_withheld=any(row[3] for row in circumstances),
            **kwargs,
        )


class ChildCreateView(ServiceFormView):
    """Add a child. No silent duplicates: when children already held may be the same one, the page shows them with
    why (names, date of birth, the evidence; nothing else of their record) and the officer chooses one of them, so
    the new information joins that record, or "a different child" with a reason; either is recorded."""

    permission_required = "people.change_child"
    form_class = forms.ChildCreateForm
    template_name = "people/child_create.html"
    nav_section = "children"
    same_child = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        data = kwargs.get("data")
        if data is not None and data.get("duplicates_shown"):
            base = forms.ChildForm(data=data)
            if base.is_valid():
                # The choices the officer answered: the same check again (they were audited when first shown).
                details = base.cleaned_data
                kwargs["duplicates"] = child_possible_duplicates(**_duplicate_check_details(details))
        return kwargs

    def possible_duplicates(self, form, error):
        """Show the children who may be the same one side by side with the child being added, and ask."""
        audit_possible_duplicates_shown(user=self.request.user, duplicates=error.duplicates)
        data = self.request.POST.copy()
        data["duplicates_shown"] = "1"
        shown = self.get_form_class()(data=data, duplicates=error.duplicates)
        shown.is_valid()
        shown._errors = ErrorDict()
        shown.add_error(None, error.message)
        return self.render_to_response(self.get_context_data(form=shown))

    def perform(self, form):
        data = dict(form.cleaned_data)
        choice = data.pop("same_as", "")
        reason = data.pop("duplicate_reason", "")
        data.pop("duplicates_shown", None)
        if choice and choice != forms.NEW_CHILD:
            child = child_visible(user=self.request.user, child_id=int(choice))
            self.child = services.child_same_as_new(actor=self.request.user, child=child, reason=reason, **data)
            self.same_child = True
        else:
            self.child = services.child_create(
                actor=self.request.user, **data, confirmed_new=choice == forms.NEW_CHILD, reason=reason
            )
        return self.child

    def get_success_url(self) -> str:
        return reverse("web:children:detail", args=[self.child.pk])

    def success_message(self, child) -> str:
        if self.same_child:
            return f"The details you entered were added to {child}'s record."
        return f"{child} added."


def _duplicate_check_details(details: dict) -> dict:
    return {
        name: details.get(name, "")
        for name in ("given_name", "family_name", "preferred_name", "date_of_birth", "upn", "nhs_number")
    }


class ChildUpdateView(ChildAccessMixin, ServiceFormView):
    permission_required = "people.change_child"
    form_class = forms.ChildUpdateForm
    template_name = "people/child_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        names = (*CHILD_DETAIL_FIELDS, *CHILD_CIRCUMSTANCE_FIELDS)
        return {**{name: getattr(self.child, name) for name in names}, "version": self.child.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.child_update(actor=self.request.user, child=self.child, expected_version=version, **data)

    def success_message(self, child) -> str:
        return "Details saved. The old values are kept in the history of changes."


class ChildHistoryView(ChildAccessMixin, PermissionRequiredMixin, TemplateView):
    """Every correction about the child: field, old value, new value, who, when, why; sensitive values masked."""

    template_name = "people/child_history.html"

    def get_context_data(self, **kwargs):
        rows = history_rows(child_history(child=self.child), user=self.request.user)
        return super().get_context_data(rows=rows, masked_any=any(row.masked for row in rows), **kwargs)


class _ChildCarerMixin(ChildAccessMixin):
    """A carer of the child in the URL, opened from the child's record (access_carer_of_child); 404 unless they
    care for this child."""

    def open_related(self, request, **kwargs) -> None:
        self.carer = access_carer_of_child(
            user=request.user, child=self.child, carer_id=kwargs["carer_id"], session_key=request.session.session_key
        )
        self.relationship = CarerRelationship.objects.get(child=self.child, carer=self.carer)

    def get_context_data(self, **kwargs):
        return super().get_context_data(carer=self.carer, **kwargs)


class CarerUpdateView(_ChildCarerMixin, ServiceFormView):
    """Change a carer's details and how they are related to the child, with why; the old values are kept."""

    permission_required = "people.change_child"
    form_class = forms.CarerUpdateForm
    template_name = "people/child_form.html"

    def get_initial(self):
        carer, relationship = self.carer, self.relationship
        return {
            "title_choice": carer.title,
            **{name: getattr(carer, name) for name in ("given_name", "middle_names", "family_name", "sex")},
            "date_of_birth": carer.date_of_birth,
            "marital_status": carer.marital_status,
            "kind": relationship.kind,
            "parental_responsibility": relationship.parental_responsibility,
            "lives_with": relationship.lives_with,
            "version": carer.version,
        }

    @transaction.atomic
    def perform(self, form):
        data = dict(form.cleaned_data)
        actor = self.request.user
        carer = services.carer_update(
            actor=actor,
            carer=self.carer,
            child=self.child,
            expected_version=data["version"],
            reason=data["reason"],
            title=data["title_choice"],
            **{name: data[name] for name in ("given_name", "middle_names", "family_name", "sex", "date_of_birth")},
            marital_status=data["marital_status"],
        )
        services.carer_link_change(
            actor=actor,
            carer=carer,
            child=self.child,
            reason=data["reason"],
            kind=data["kind"],
            parental_responsibility=data["parental_responsibility"],
            lives_with=data["lives_with"],
        )
        return carer

    def success_message(self, carer) -> str:
        return f"{carer}'s details saved. The old values are kept in the history of changes."


class EnrolmentCorrectView(ChildAccessMixin, ServiceFormView):
    """Correct a school enrolment of the child (dates, status, why the name was deleted), with why."""

    permission_required = "people.change_child"
    form_class = forms.EnrolmentCorrectForm
    template_name = "people/child_form.html"
    FIELDS = ("status", "start_date", "leave_date", "deletion_ground")

    def open_related(self, request, **kwargs) -> None:
        self.enrolment = self.child.enrolments.select_related("school").filter(pk=kwargs["enrolment_id"]).first()
        if self.enrolment is None:
            raise refuse_not_found(user=request.user, target_type="schools.enrolment", target_id=kwargs["enrolment_id"])

    def get_initial(self):
        return {name: getattr(self.enrolment, name) for name in self.FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(enrolment=self.enrolment, **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.enrolment_correct(
            actor=self.request.user,
            enrolment=self.enrolment,
            reason=data.pop("reason"),
            expected={name: getattr(self.enrolment, name) for name in self.FIELDS},
            **data,
        )

    def success_message(self, enrolment) -> str:
        return "Enrolment saved. The old values are kept in the history of changes."


class CarerCreateView(ChildAccessMixin, ServiceFormView):
    """Add a carer and link them to the child, with their contact details, all or nothing."""

    permission_required = "people.change_child"
    form_class = forms.CarerForm
    template_name = "people/child_form.html"

    @transaction.atomic
    def perform(self, form):
        data = form.cleaned_data
        actor = self.request.user
        carer = services.carer_create(
            actor=actor,
            title=data["title_choice"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            marital_status=data["marital_status"],
        )
        services.carer_link(
            actor=actor,
            carer=carer,
            child=self.child,
            kind=data["kind"],
            parental_responsibility=data["parental_responsibility"],
            lives_with=data["lives_with"],
        )
        if data["phone"]:
            services.contact_add(
                actor=actor, person=carer, kind=ContactKind.PHONE, value=data["phone"], label=data["phone_label"]
            )
        if data["email"]:
            services.contact_add(actor=actor, person=carer, kind=ContactKind.EMAIL, value=data["email"])
        return carer

    def success_message(self, carer) -> str:
        return f"{carer} added as a carer."


class AddressRecordView(ChildAccessMixin, ServiceFormView):
    permission_required = "people.change_child"
    form_class = forms.AddressForm
    template_name = "people/child_form.html"

    def perform(self, form):
        return services.address_record(actor=self.request.user, person=self.child, **form.cleaned_data)

    def success_message(self, residence) -> str:
        return "New address recorded. The previous one is kept in the address history."


# --- Merging two records of one child (cme.people.merging) ----------------------------------------------------------

COMPARED_FIELDS = (*CHILD_DETAIL_FIELDS, *CHILD_CIRCUMSTANCE_FIELDS)


def merge_comparison(survivor, merged, *, user) -> list[tuple[str, str, str, bool]]:
    """(label, this record's value, the other's, differ) for each fact, in plain words; withheld fields masked."""
    withheld = set() if may_see_sensitive(user) else sensitive_field_names(Child)
    rows = []
    for name in COMPARED_FIELDS:
        field = Child._meta.get_field(name)
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        if name in withheld:
            rows.append((label, "Withheld", "Withheld", False))
            continue
        values = []
        for child in (survivor, merged):
            value = getattr(child, name)
            if field.choices:
                shown = getattr(child, f"get_{name}_display")() or "Not known"
            elif isinstance(value, bool):
                shown = "Yes" if value else "No"
            elif name == "date_of_birth":
                shown = long_date(value)
            else:
                shown = value or "Not known"
            values.append(str(shown))
        rows.append((label, values[0], values[1], getattr(survivor, name) != getattr(merged, name)))
    return rows


class ChildMergeView(ChildAccessMixin, ServiceFormView):
    """Merge another record into this child's: choose it (from the possible duplicates, or by its number), see both
    side by side with the differences marked, then a manager merges, with a rationale (an officer proposes, and a
    manager decides). When the evidence suggests twins or siblings the manager must confirm they are one child."""

    permission_required = "people.propose_child_merge"
    form_class = forms.MergeForm
    template_name = "people/child_merge.html"

    def open_related(self, request, **kwargs) -> None:
        self.other, self.choose_form = None, forms.MergeChooseForm(request.GET if "other" in request.GET else None)
        if self.child.merged_into_id is not None:
            raise refuse_not_found(user=request.user, target_type="people.child", target_id=self.child.pk)
        other_id = request.POST.get("other") if request.method == "POST" else None
        if other_id is None and self.choose_form.is_bound and self.choose_form.is_valid():
            other_id = self.choose_form.cleaned_data["other"]
        if other_id is None:
            return
        try:
            other_id = int(other_id)
        except ValueError:
            return
        if other_id == self.child.pk:
            self.choose_form.add_error("other", merging.SAME_RECORD_ERROR)
            return
        self.other = access_child(user=request.user, child_id=other_id, session_key=request.session.session_key)
        if self.other.merged_into_id is not None:
            self.choose_form.add_error("other", merging.ALREADY_MERGED_ERROR.format(child=self.other))
            self.other = None

    @property
    def is_manager(self) -> bool:
        return self.request.user.has_perm("people.merge_children")

    def get(self, request, *args, **kwargs):
        if self.other is None:
            return self.render_to_response(self.chooser_context())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.other is None:
            return self.render_to_response(self.chooser_context())
        if request.POST.get("decision") == "decline" and self.is_manager:
            return self.decline()
        return super().post(request, *args, **kwargs)

    def chooser_context(self):
        child = self.child
        duplicates = [
            duplicate
            for duplicate in child_possible_duplicates(
                given_name=child.given_name,
                family_name=child.family_name,
                preferred_name=child.preferred_name,
                date_of_birth=child.date_of_birth,
                upn=child.upn,
                nhs_number=child.nhs_number,
            )
            if duplicate.id != child.pk
        ]
        if duplicates:
            audit_possible_duplicates_shown(user=self.request.user, duplicates=duplicates)
        proposals = [m for m in merging.child_merges(child=child) if m.state == ChildMergeState.PROPOSED]
        return {"child": child, "choose_form": self.choose_form, "duplicates": duplicates, "proposals": proposals}

    def warnings(self) -> list[str]:
        return merging.merge_warnings(survivor=self.child, merged=self.other)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "warnings": self.warnings(), "manager": self.is_manager}

    def get_initial(self):
        return {"other": self.other.pk, "survivor_version": self.child.version, "merged_version": self.other.version}

    def get_context_data(self, **kwargs):
        proposal = merging.child_merge_proposal(survivor=self.child, merged=self.other)
        return super().get_context_data(
            other=self.other,
            comparison=merge_comparison(self.child, self.other, user=self.request.user),
            warnings=[merging.WARNINGS[code] for code in self.warnings()],
            moves=merging.merge_what_moves(merged=self.other),
            proposal=proposal,
            is_manager=self.is_manager,
            decline_form=kwargs.pop("decline_form", None) or forms.MergeDeclineForm(),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        if not self.is_manager:
            self.proposed = True
            return merging.child_merge_propose(
                actor=self.request.user, survivor=self.child, merged=self.other, rationale=data["rationale"]
            )
        self.proposed = False
        return merging.child_merge(
            actor=self.request.user,
            survivor=self.child,
            merged=self.other,
            rationale=data["rationale"],
            survivor_version=data["survivor_version"],
            merged_version=data["merged_version"],
            warnings_confirmed=data.get("warnings_confirmed", False),
        )

    def decline(self):
        decline_form = forms.MergeDeclineForm(self.request.POST)
        proposal = merging.child_merge_proposal(survivor=self.child, merged=self.other)
        if decline_form.is_valid() and proposal is not None:
            try:
                merging.child_merge_decline(
                    actor=self.request.user, merge=proposal, rationale=decline_form.cleaned_data["decline_rationale"]
                )
            except ApplicationError as error:
                decline_form.add_error(None, error.message)
            else:
                messages.success(self.request, "Recorded: these records are not to be merged.")
                return redirect(self.get_success_url())
        return self.render_to_response(self.get_context_data(form=self.get_form(), decline_form=decline_form))

    def success_message(self, merge) -> str:
        if self.proposed:
            return "Merge proposed. A manager will decide."
        return f"Records merged: record {merge.merged_id} is now part of this record. A manager can undo this."


class ChildMergeUndoView(ChildAccessMixin, ServiceFormView):
    """Undo the latest merge into this child's record, with a rationale: what was there before is restored."""

    permission_required = "people.merge_children"
    form_class = forms.MergeUndoForm
    template_name = "people/child_merge_undo.html"

    def open_related(self, request, **kwargs) -> None:
        self.merge = merging.child_merge_in_force(survivor=self.child)

    def get_initial(self):
        return {"merge": self.merge.pk if self.merge else None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(merge=self.merge, **kwargs)

    def perform(self, form):
        if self.merge is None or form.cleaned_data["merge"] != self.merge.pk:
            raise ApplicationError("This merge has changed since you opened the page. Check it, then try again.")
        rationale = form.cleaned_data["rationale"]
        return merging.child_merge_undo(actor=self.request.user, merge=self.merge, rationale=rationale)

    def success_message(self, merge) -> str:
        return f"Merge undone: record {merge.merged_id} is a record of its own again."

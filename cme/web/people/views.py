"""Children's records: search, the child's page, adding and changing a child, carers and addresses."""

from django.db import transaction
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from cme.cases.selectors import case_list_for_user
from cme.common.access import refuse_not_found
from cme.people import services
from cme.people.access import (
    access_carer_of_child,
    access_child,
    access_child_search,
    audit_possible_duplicates_shown,
    child_visible,
)
from cme.people.enums import ContactKind
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

    def get_context_data(self, **kwargs):
        child = self.child
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

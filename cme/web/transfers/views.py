"""Moving a case to another council: making the package from the case page, taking in what another council sent
(package or receipt), choosing the child a package is about, and the system administrator's register of councils."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import ListView, TemplateView

from cme.common.errors import ApplicationError
from cme.transfers import crypto, services
from cme.transfers.access import access_incoming_transfer, access_waiting_transfer
from cme.transfers.enums import IncomingState
from cme.transfers.selectors import council_list, incoming_list, outgoing_get, transfers_of_case
from cme.web.cases.views import CaseAccessMixin
from cme.web.mixins import AuditedListMixin, PermissionRequiredMixin, ServiceFormView

from . import forms


def _download(data: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Sending ----------------------------------------------------------------------------------------------------


class TransferMakeView(CaseAccessMixin, ServiceFormView):
    permission_required = "transfers.make_transfer"
    form_class = forms.TransferMakeForm
    template_name = "transfers/transfer_make.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            councils_known=council_list().exists(), transfers=list(transfers_of_case(case=self.case)), **kwargs
        )

    def perform(self, form):
        data = form.cleaned_data
        self.made = services.transfer_make(
            actor=self.request.user,
            case=self.case,
            council=data["council"],
            rationale=data["rationale"],
            include_notes=data["include_notes"],
            close_case=data["close_case"],
        )
        return self.made

    def success_message(self, made) -> str:
        words = f"Transfer package made for {made.transfer.council.name}, and the disclosure logged."
        if made.closed:
            words += " The case is closed: on roll or known in another council."
        elif made.sign_off_asked:
            words += " Closing the case needs a manager's sign-off: it has been asked for."
        return words

    def get_success_url(self) -> str:
        return reverse("web:transfers:sent", args=[self.case.pk, self.made.transfer.pk])


class _SentMixin(CaseAccessMixin, PermissionRequiredMixin):
    permission_required = "cases.view_case"

    def transfer(self):
        transfer = outgoing_get(case=self.case, transfer_id=self.kwargs["transfer_id"])
        if transfer is None:
            raise Http404
        return transfer


class TransferSentView(_SentMixin, TemplateView):
    template_name = "transfers/transfer_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(transfer=self.transfer(), **kwargs)


class TransferPackageView(_SentMixin, View):
    permission_required = "transfers.make_transfer"

    def get(self, request, case_id: int, transfer_id: int):
        transfer = self.transfer()
        data = services.transfer_package_download(actor=request.user, transfer=transfer)
        return _download(data, services.package_file_name(transfer))


# --- Receiving --------------------------------------------------------------------------------------------------


class TransferReceivedListView(AuditedListMixin, PermissionRequiredMixin, ListView):
    listed_type = "transfers.incomingtransfer"
    permission_required = "transfers.receive_transfer"
    template_name = "transfers/received_list.html"
    nav_section = "transfers"
    paginate_by = 50

    def get_queryset(self):
        return incoming_list()


class TransferImportView(ServiceFormView):
    permission_required = "transfers.receive_transfer"
    form_class = forms.TransferFileForm
    template_name = "transfers/transfer_import.html"
    nav_section = "transfers"

    def perform(self, form):
        upload = form.cleaned_data["file"]
        self.result = services.transfer_import(actor=self.request.user, data=upload.read())
        return self.result

    def success_message(self, result) -> str:
        if result.is_receipt:
            return f"{result.transfer.council.name}'s receipt recorded: transfer {result.transfer.reference} arrived."
        if result.waiting:
            return ""
        return f"Transfer from {result.incoming.council.name} received: referral opened. Send the receipt back."

    def get_success_url(self) -> str:
        if self.result.is_receipt:
            return reverse("web:transfers:received")
        if self.result.waiting:
            return reverse("web:transfers:child", args=[self.result.incoming.pk])
        return reverse("web:transfers:received-detail", args=[self.result.incoming.pk])


class TransferReceivedView(PermissionRequiredMixin, TemplateView):
    permission_required = "transfers.receive_transfer"
    template_name = "transfers/received_detail.html"
    nav_section = "transfers"

    def get_context_data(self, **kwargs):
        incoming = access_incoming_transfer(user=self.request.user, transfer_id=self.kwargs["incoming_id"])
        return super().get_context_data(incoming=incoming, waiting=incoming.state == IncomingState.WAITING, **kwargs)


class TransferChildView(ServiceFormView):
    permission_required = "transfers.receive_transfer"
    form_class = forms.TransferChildForm
    template_name = "transfers/transfer_child.html"
    nav_section = "transfers"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            try:
                self.waiting = access_waiting_transfer(user=request.user, transfer_id=kwargs["incoming_id"])
            except ApplicationError as error:  # refused again, or this council's keys are not set up
                messages.error(request, error.message)
                return redirect("web:transfers:received")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "duplicates": self.waiting.duplicates}

    def get_context_data(self, **kwargs):
        return super().get_context_data(waiting=self.waiting, **kwargs)

    def perform(self, form):
        choice = form.cleaned_data["child"]
        new = choice == forms.NEW_CHILD
        self.incoming = services.transfer_receive(
            actor=self.request.user,
            incoming=self.waiting.incoming,
            child_id=None if new else int(choice),
            new_child_reason=form.cleaned_data["reason"] if new else "",
        )
        return self.incoming

    def success_message(self, incoming) -> str:
        return f"Transfer from {incoming.council.name} received: referral opened. Send the receipt back."

    def get_success_url(self) -> str:
        return reverse("web:transfers:received-detail", args=[self.incoming.pk])


class TransferReceiptView(PermissionRequiredMixin, View):
    permission_required = "transfers.receive_transfer"

    def get(self, request, incoming_id: int):
        incoming = access_incoming_transfer(user=request.user, transfer_id=incoming_id)
        if incoming.state != IncomingState.RECEIVED:
            raise Http404
        data = services.transfer_receipt_file(actor=request.user, incoming=incoming)
        return _download(data, services.receipt_file_name(incoming))


# --- The register of councils -----------------------------------------------------------------------------------


class CouncilListView(PermissionRequiredMixin, TemplateView):
    permission_required = "transfers.manage_councils"
    template_name = "transfers/council_list.html"
    nav_section = "manage-councils"

    def get_context_data(self, **kwargs):
        councils = [
            (
                council,
                crypto.fingerprint_words(council.signing_key_fingerprint),
                crypto.fingerprint_words(council.encryption_key_fingerprint),
            )
            for council in council_list(active_only=False)
        ]
        try:
            card = services.council_card_own()
            own = {
                "card": card,
                "signing": crypto.fingerprint_words(card["signing_key_fingerprint"]),
                "encryption": crypto.fingerprint_words(card["encryption_key_fingerprint"]),
            }
            not_ready = ""
        except services.TransferNotReady as error:
            own, not_ready = None, error.message
        return super().get_context_data(councils=councils, own=own, not_ready=not_ready, **kwargs)


class CouncilAddView(ServiceFormView):
    permission_required = "transfers.manage_councils"
    form_class = forms.CouncilAddForm
    nav_section = "manage-councils"
    success_url_name = "web:transfers:councils"

    def perform(self, form):
        return services.council_add(actor=self.request.user, **form.cleaned_data)

    def success_message(self, council) -> str:
        return f"{council} added. Read the fingerprints back to them before sending anything."

"""The system administrator's webhook pages under /manage/webhooks/: endpoints, their secrets and delivery logs."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from cme.web.mixins import PermissionRequiredMixin, ServiceFormView
from cme.webhooks import services
from cme.webhooks.models import WebhookEndpoint
from cme.webhooks.selectors import webhook_delivery_log, webhook_endpoint_list

from .forms import WebhookEndpointChangeForm, WebhookEndpointForm, WebhookSecretForm

PERMISSION = "webhooks.manage_webhooks"
NAV = "manage-webhooks"
SECRET_SESSION_KEY = "webhook_secret_once"  # noqa: S105 - a session key name: the new secret, shown once


class WebhookEndpointListView(PermissionRequiredMixin, ListView):
    permission_required = PERMISSION
    template_name = "webhooks/endpoint_list.html"
    nav_section = NAV

    def get_queryset(self):
        return webhook_endpoint_list()


class WebhookEndpointCreateView(ServiceFormView):
    permission_required = PERMISSION
    form_class = WebhookEndpointForm
    nav_section = NAV

    def perform(self, form):
        endpoint, secret = services.webhook_endpoint_create(actor=self.request.user, **form.cleaned_data)
        self.request.session[SECRET_SESSION_KEY] = {"endpoint": endpoint.pk, "secret": secret}
        return endpoint

    def get_success_url(self) -> str:
        endpoint = self.request.session.get(SECRET_SESSION_KEY, {}).get("endpoint")
        return reverse("web:manage:webhook-detail", args=[endpoint])

    def success_message(self, endpoint) -> str:
        return f"Endpoint {endpoint.name} added."


class _EndpointMixin:
    def get_endpoint(self) -> WebhookEndpoint:
        if not hasattr(self, "_endpoint"):
            self._endpoint = get_object_or_404(WebhookEndpoint, pk=self.kwargs["endpoint_id"])
        return self._endpoint


class WebhookEndpointDetailView(_EndpointMixin, PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "webhooks/endpoint_detail.html"
    nav_section = NAV

    def get_context_data(self, **kwargs):
        endpoint = self.get_endpoint()
        shown = self.request.session.get(SECRET_SESSION_KEY) or {}
        secret = None
        if shown.get("endpoint") == endpoint.pk:
            secret = shown.get("secret")
            del self.request.session[SECRET_SESSION_KEY]  # once: a reload no longer shows it
        return super().get_context_data(
            endpoint=endpoint, secret=secret, deliveries=webhook_delivery_log(endpoint=endpoint), **kwargs
        )


class WebhookEndpointChangeView(_EndpointMixin, ServiceFormView):
    permission_required = PERMISSION
    form_class = WebhookEndpointChangeForm
    nav_section = NAV

    def get_initial(self):
        endpoint = self.get_endpoint()
        return {"url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}

    def perform(self, form):
        services.webhook_endpoint_update(actor=self.request.user, endpoint=self.get_endpoint(), **form.cleaned_data)
        return self.get_endpoint()

    def get_success_url(self) -> str:
        return reverse("web:manage:webhook-detail", args=[self.get_endpoint().pk])

    def success_message(self, endpoint) -> str:
        return f"Endpoint {endpoint.name} changed."


class WebhookSecretRotateView(_EndpointMixin, ServiceFormView):
    permission_required = PERMISSION
    form_class = WebhookSecretForm
    nav_section = NAV
    template_name = "webhooks/secret_rotate.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(endpoint=self.get_endpoint(), **kwargs)

    def perform(self, form):
        endpoint = self.get_endpoint()
        secret = services.webhook_secret_rotate(actor=self.request.user, endpoint=endpoint)
        self.request.session[SECRET_SESSION_KEY] = {"endpoint": endpoint.pk, "secret": secret}
        return endpoint

    def get_success_url(self) -> str:
        return reverse("web:manage:webhook-detail", args=[self.get_endpoint().pk])

    def success_message(self, endpoint) -> str:
        return "New secret made. The old one no longer signs messages."

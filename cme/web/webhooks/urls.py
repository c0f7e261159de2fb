from django.urls import path

from . import views

# Mounted under /manage/ in the `manage` namespace, beside users, teams and organisations.
webhook_urls = [
    path("webhooks/", views.WebhookEndpointListView.as_view(), name="webhook-list"),
    path("webhooks/new/", views.WebhookEndpointCreateView.as_view(), name="webhook-create"),
    path("webhooks/<int:endpoint_id>/", views.WebhookEndpointDetailView.as_view(), name="webhook-detail"),
    path("webhooks/<int:endpoint_id>/change/", views.WebhookEndpointChangeView.as_view(), name="webhook-change"),
    path("webhooks/<int:endpoint_id>/secret/", views.WebhookSecretRotateView.as_view(), name="webhook-secret"),
]

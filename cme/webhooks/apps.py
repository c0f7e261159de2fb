from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "cme.webhooks"
    label = "webhooks"
    verbose_name = "Outbound events"

    def ready(self) -> None:
        from cme.audit.signals import entry_recorded

        from .hooks import audit_entry_recorded

        entry_recorded.connect(audit_entry_recorded, dispatch_uid="cme.webhooks")

from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "cme.council"
    verbose_name = "Council settings"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import policies  # noqa: F401 - registers the permissions
        from .models import CouncilSettings
        from .selectors import council_settings_forget

        post_save.connect(council_settings_forget, sender=CouncilSettings, dispatch_uid="council-settings-forget")
        post_delete.connect(council_settings_forget, sender=CouncilSettings, dispatch_uid="council-settings-forget")

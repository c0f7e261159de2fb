from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "cme.council"
    verbose_name = "Council settings"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

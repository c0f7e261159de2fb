from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "cme.transfers"
    verbose_name = "Case transfers between councils"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cme.reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

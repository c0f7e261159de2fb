from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cme.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

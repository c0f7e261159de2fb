from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cme.cases"
    verbose_name = "Casework"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

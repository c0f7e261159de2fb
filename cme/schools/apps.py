from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "cme.schools"
    verbose_name = "Schools"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "cme.matching"
    verbose_name = "Data matching"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

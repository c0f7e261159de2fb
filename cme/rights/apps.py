from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "cme.rights"
    verbose_name = "Rights requests"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

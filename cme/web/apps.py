from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cme.web"
    label = "web"
    verbose_name = "Web pages"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

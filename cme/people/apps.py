from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cme.people"
    verbose_name = "People"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cme.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - registers the permissions

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cme.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import policies, signals  # noqa: F401 - registers the permissions and the audit receivers

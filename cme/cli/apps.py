from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "cme.cli"
    label = "cme_cli"
    verbose_name = "Command line"

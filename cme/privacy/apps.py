from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "cme.privacy"
    verbose_name = "Privacy"

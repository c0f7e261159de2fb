from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "cme.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door"

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cme.people"
    verbose_name = "People"

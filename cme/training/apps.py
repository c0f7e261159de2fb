from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "cme.training"
    label = "training"
    verbose_name = "Training site"

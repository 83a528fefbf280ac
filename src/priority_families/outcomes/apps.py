from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "priority_families.outcomes"
    label = "outcomes"

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "priority_families.claims"
    label = "claims"

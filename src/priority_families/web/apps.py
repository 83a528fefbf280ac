from django.apps import AppConfig


class WebConfig(AppConfig):
    """The family tracker: users and roles, the access log, published refresh results and case work."""

    name = "priority_families.web"
    label = "web"
    verbose_name = "Family tracker"

from django.apps import AppConfig


class CaseRecordConfig(AppConfig):
    """The case record: cases, attachments and baselines, claims, users' roles and the access log."""

    name = "priority_families.casedb"
    label = "casedb"
    verbose_name = "Case record"

    def ready(self) -> None:
        from priority_families.casedb import audit

        audit.connect()

"""The tracker's tables: reference data, people's roles, the access log, published results and case work.

Three kinds of table live here:
- reference data and roles (areas, agencies, teams, profiles) kept by administrators;
- published refresh results (families, members, evidence, why-lines, partner records), copied from the
  DuckDB store by `publish_refresh` and never edited by hand: each publish replaces them whole;
- case work people enter (cases, status history, triage decisions, notes, plan actions, sustainability
  checks), changed only through `casework` functions, each in a transaction with its access-log row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from priority_families.outcomes.models import AppendOnly, ImmutableRecordError


class Role(models.TextChoices):
    LEAD_WORKER = "lead_worker", "Lead worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    ANALYST = "analyst", "Programme analyst"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class Area(models.Model):
    """An area the programme is organised by (a postcode district, locality or ward group)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name or self.code


class Agency(models.Model):
    """A lead agency that lead workers belong to (family intervention, early help, a housing provider...)."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team of lead workers under one manager, covering some areas."""

    name = models.CharField(max_length=200, unique=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    areas = models.ManyToManyField(Area, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What a user may see and do: their role, and for workers and managers their team and agency."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_role_display()})"


class ProgrammeTarget(models.Model):
    """The number of families the council agreed to work with in a programme year (April to March)."""

    year = models.PositiveIntegerField(unique=True, help_text="the year the programme year starts in")
    families = models.PositiveIntegerField()

    class Meta:
        ordering = ("-year",)

    def __str__(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}: {self.families}"


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    CHANGE = "change", "Changed"
    DENIED = "denied", "Refused"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign in"
    SIGN_OUT = "sign_out", "Signed out"
    PUBLISH = "publish", "Published refresh"


class AccessLogError(ImmutableRecordError):
    """An attempt to change or delete the append-only access log."""


class AccessLog(AppendOnly):
    """Who did what to which record, when and from where. Append-only; administrators search it."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    target = models.CharField(max_length=200, blank=True, default="", db_index=True)
    detail = models.CharField(max_length=500, blank=True, default="")
    path = models.CharField(max_length=500, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)

    frozen_error = AccessLogError

    class Meta:
        ordering = ("-at", "-id")


# --- Published refresh results (replaced whole by each publish) -----------------------------------------


class PublishedRefresh(models.Model):
    """A refresh published into the tracker; the latest one is what every page shows."""

    refresh_id = models.CharField(max_length=100)
    as_of = models.DateField()
    plan_id = models.CharField(max_length=100)
    authority = models.CharField(max_length=200, blank=True, default="")
    families = models.PositiveIntegerField()
    eligible = models.PositiveIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.CharField(max_length=150)

    class Meta:
        ordering = ("-published_at", "-id")


class Family(models.Model):
    """A family from the latest refresh: eligible ones, and any family that already has a case."""

    family_id = models.CharField(max_length=64, unique=True)
    eligible = models.BooleanField()
    headlines = models.CharField(max_length=500, blank=True, default="")
    headline_count = models.PositiveIntegerField()
    priority = models.FloatField()
    members = models.PositiveIntegerField()
    area = models.CharField(max_length=20, blank=True, default="", db_index=True)

    class Meta:
        ordering = ("-priority", "family_id")
        verbose_name_plural = "families"
        # the cohort list walks this index in its order and stops after a page, whatever the filter
        indexes = (models.Index(fields=["-priority", "family_id"], name="family_cohort_order"),)

    def headline_list(self) -> list[str]:
        return [h for h in self.headlines.split(";") if h]


class Member(models.Model):
    """A person in a published family, with what people search by (name, date of birth, postcode)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="people")
    person_id = models.CharField(max_length=64)
    first_name = models.CharField(max_length=200, blank=True, default="")
    last_name = models.CharField(max_length=200, blank=True, default="")
    dob = models.DateField(null=True)
    sex = models.CharField(max_length=1, blank=True, default="")
    postcode = models.CharField(max_length=10, blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ("dob", "person_id")
        indexes = (models.Index(fields=["last_name"]), models.Index(fields=["postcode"]),
                   models.Index(fields=["person_id"], name="member_person"),
                   models.Index(fields=["dob"], name="member_dob"))


class NameWord(models.Model):
    """One word of a member's first or last name, normalised (see `queries.name_words`), for indexed search.

    "Smith-Jones" gives `smith` and `jones`, "Wiśniewski" gives `wisniewski`: a search word matches the
    start of any word of a person's names with an index range instead of scanning every member's names.
    """

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="name_words")
    person_id = models.CharField(max_length=64)
    word = models.CharField(max_length=200)

    class Meta:
        # (word, person, family) answers a search word from the index alone; (person, word) checks the
        # same person's other words one probe at a time
        indexes = (models.Index(fields=["word", "person_id", "family"], name="name_word_person_family"),
                   models.Index(fields=["person_id", "word"], name="name_word_person"))


class EvidenceRow(models.Model):
    """A partner record behind a met indicator: `(source, record_id)` points back at the extract row."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="evidence")
    headline = models.CharField(max_length=64)
    indicator = models.CharField(max_length=64)
    person_id = models.CharField(max_length=64, blank=True, default="")
    source = models.CharField(max_length=100)
    record_id = models.CharField(max_length=100)
    fact_date = models.DateField(null=True)
    value = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ("headline", "indicator", "fact_date", "source", "record_id")


class WhyLine(models.Model):
    """One indicator's value against its threshold for a family: met, or how close it came."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="why")
    headline = models.CharField(max_length=64)
    indicator = models.CharField(max_length=64)
    person_id = models.CharField(max_length=64, blank=True, default="")
    value = models.FloatField(null=True)
    value_text = models.CharField(max_length=200, blank=True, default="")
    comparison = models.CharField(max_length=4, blank=True, default="")
    threshold = models.FloatField(null=True)
    met = models.BooleanField()

    class Meta:
        ordering = ("-met", "headline", "indicator", "person_id")

    def shown(self) -> str:
        if self.value is None:
            return self.value_text or "no value"
        return f"{self.value:g} against {self.comparison} {self.threshold:g}"


class PartnerRecord(models.Model):
    """A partner record about a family member: the family page's timeline."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="timeline")
    person_id = models.CharField(max_length=64)
    fact = models.CharField(max_length=64)
    source = models.CharField(max_length=100)
    record_id = models.CharField(max_length=100)
    event_date = models.DateField(null=True)
    kind = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ("-event_date", "fact", "record_id")


# --- Case work (entered by people, changed only through `casework`) -------------------------------------


class CaseStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    TRIAGED = "triaged", "Triaged"
    NOT_ALLOCATED = "not_allocated", "Not to be allocated"
    ATTACHED = "attached", "Attached"
    ASSESSED = "assessed", "Assessed"
    PLAN_AGREED = "plan_agreed", "Plan agreed"
    PROGRESS = "progress", "Making progress"
    CLAIMED = "claimed", "Claimed"
    CLOSED = "closed", "Closed"
    STEPPED_DOWN = "stepped_down", "Stepped down"


class NotAllocatedReason(models.TextChoices):
    SOCIAL_CARE_CASE = "social_care_case", "Social care case"
    NEEDS_DATA_CHECK = "needs_data_check", "Needs data check"
    SINGLE_AGENCY_NEED = "single_agency_need", "Single-agency need"
    MOVED_OUT_OF_AREA = "moved_out_of_area", "Moved out of area"
    DEFERRED = "deferred", "Deferred"
    FALSE_POSITIVE = "false_positive", "False positive"


class Case(models.Model):
    """The council's work with one family: where it is in the workflow and who leads it."""

    family_id = models.CharField(max_length=64, unique=True)
    area = models.CharField(max_length=20, blank=True, default="", db_index=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.IDENTIFIED)
    lead_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    not_allocated_reason = models.CharField(max_length=30, choices=NotAllocatedReason.choices, blank=True, default="")
    identified_on = models.DateField()
    attached_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("family_id",)


class StatusChange(models.Model):
    """One step of a case's status history (append-only by convention: only `casework` writes it)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True, default="")
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    reason = models.CharField(max_length=500, blank=True, default="")
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("at", "id")


class CaseNote(models.Model):
    """A lead worker's or manager's note on the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-at", "-id")


class PlanAction(models.Model):
    """An action in the family plan: what, who, by when, and whether it is done."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("done", "due_on", "id")


class SustainabilityCheck(models.Model):
    """A check, every 6 months for 2 years after a claim, that the family's results have lasted."""

    class Outcome(models.TextChoices):
        DUE = "due", "Due"
        SUSTAINED = "sustained", "Sustained"
        NOT_SUSTAINED = "not_sustained", "Not sustained"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="checks")
    due_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.DUE)
    by = models.CharField(max_length=150, blank=True, default="")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("due_on",)
        constraints = (models.UniqueConstraint(fields=["case", "due_on"], name="one_check_per_date"),)

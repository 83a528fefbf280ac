"""The team around the family: members from partner agencies, team meetings, referrals, the whole-family
assessment, the family map, the case file, levels of support and workers' capacity.

Written only through `casedb.team` (and `outcomes.casefile` for documents), each change in one transaction with
its access-log row. Rows that record what happened (a member's dates, a meeting, a step of level) are kept:
removing a member dates the row, a step writes a new row, nothing is deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from priority_families.casedb.models.cases import Case, PlanAction


class RoleOnCase(models.TextChoices):
    LEAD_WORKER = "lead_worker", "Lead worker"
    SCHOOL = "school", "School"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    JOBCENTRE = "jobcentre", "Jobcentre adviser"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    ADULT_SERVICES = "adult_services", "Adult services"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SOCIAL_CARE = "social_care", "Children's social care"
    OTHER = "other", "Other"


class CaseMember(models.Model):
    """A practitioner on a family's team, from `added_on` until `removed_on` (a member sees the family only
    between those dates: `web.access.cases_for`)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    agency = models.CharField(max_length=200)
    role_on_case = models.CharField(max_length=20, choices=RoleOnCase.choices)
    added_on = models.DateField()
    added_by = models.CharField(max_length=150)
    removed_on = models.DateField(null=True, blank=True)
    removed_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ("removed_on", "added_on", "id")
        constraints = (models.UniqueConstraint(fields=["case", "user"], condition=models.Q(removed_on__isnull=True),
                                               name="one_current_membership"),)


class TeamMeeting(models.Model):
    """A meeting of the team around the family: when, who came, what was decided (its actions join the plan)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    attended = models.TextField(help_text="who attended, one per line")
    decisions = models.TextField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)
    actions = models.ManyToManyField(PlanAction, blank=True, related_name="meetings")

    class Meta:
        ordering = ("-held_on", "-id")

    def attendees(self) -> list[str]:
        return [line.strip() for line in self.attended.splitlines() if line.strip()]


class ReferralStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a decision"
    MORE_INFO = "more_info", "More information asked for"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class DeclineReason(models.TextChoices):
    THRESHOLD_NOT_MET = "threshold_not_met", "Does not meet the programme's criteria"
    SOCIAL_CARE = "social_care", "Open to children's social care"
    ALREADY_SUPPORTED = "already_supported", "Already supported by another service"
    OUT_OF_AREA = "out_of_area", "Lives outside the council's area"
    NO_CONSENT = "no_consent", "The family has not agreed to the referral"
    SINGLE_AGENCY = "single_agency", "A single-agency need"


class Referral(models.Model):
    """A practitioner's referral of a family: who, the worries against the plan's headlines, what the family
    knows and agreed to; matched to known families by `casedb.referral_match`; decided by the programme team."""

    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals")
    referrer_agency = models.CharField(max_length=200)
    headlines = models.CharField(max_length=500, help_text="the plan's headlines worried about, ;-separated")
    criteria = models.CharField(max_length=2000, blank=True, default="",
                                help_text="the plan's criteria the referrer saw (headline.indicator), ;-separated")
    worries = models.TextField()
    family_knows = models.TextField()
    consent = models.BooleanField()
    status = models.CharField(max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.WAITING)
    family_id = models.CharField(max_length=64, blank=True, default="", db_index=True,
                                 help_text="the known family the referred people matched, if any")
    match_detail = models.CharField(max_length=500, blank=True, default="")
    same_as = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats",
                                help_text="the earlier referral of the same family")
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True, default="")
    decision_note = models.TextField(blank=True, default="")
    decided_by = models.CharField(max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-at", "-id")

    def headline_list(self) -> list[str]:
        return [h for h in self.headlines.split(";") if h]

    def criteria_list(self) -> list[str]:
        return [c for c in self.criteria.split(";") if c]


class ReferredPerson(models.Model):
    """One person named in a referral, as the referrer wrote them."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="people")
    first_name = models.CharField(max_length=200)
    last_name = models.CharField(max_length=200)
    dob = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=10, blank=True, default="")
    person_id = models.CharField(max_length=64, blank=True, default="", help_text="the known person matched")

    class Meta:
        ordering = ("id",)


class Assessment(models.Model):
    """A whole-family assessment: its date and author; one line per headline of the plan."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    author = models.CharField(max_length=150)
    scale = models.CharField(max_length=100, blank=True, default="", help_text="the scale scores are on")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-assessed_on", "-id")


class AssessmentLine(models.Model):
    """One headline of an assessment: the needs, the strengths, the family's own view, and a score."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="lines")
    headline = models.CharField(max_length=64)
    needs = models.TextField(blank=True, default="")
    strengths = models.TextField(blank=True, default="")
    family_view = models.TextField(blank=True, default="")
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("id",)


class MapPerson(models.Model):
    """Someone a worker adds to the family map beside the household the data found (the resolved data is
    never changed): a grandparent who cares for the children, a father living elsewhere."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="map_people")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=200)
    lives = models.CharField(max_length=200, help_text="who they live with, or where")
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)


class DocumentKind(models.TextChoices):
    SPECIALIST_ASSESSMENT = "specialist_assessment", "Specialist assessment"
    FAMILY_PLAN = "family_plan", "Family plan"
    CONSENT = "consent", "Consent form"
    LETTER = "letter", "Letter"
    REPORT = "report", "Report"
    OTHER = "other", "Other"


class CaseDocument(models.Model):
    """A document on the case file, kept outside the web root by its sha256 (`outcomes.casefile`)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-at", "-id")


class LevelChange(models.Model):
    """A case's level of support from `on`: set at first, then stepped up or down (the latest row is the level
    now). Levels are the council's list (`casedb.levels`), kept by their code."""

    class Step(models.TextChoices):
        SET = "set", "Set"
        UP = "up", "Stepped up"
        DOWN = "down", "Stepped down"
        SAME = "same", "Kept"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="levels")
    level = models.CharField(max_length=50)
    step = models.CharField(max_length=10, choices=Step.choices)
    on = models.DateField()
    reason = models.CharField(max_length=500)
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("on", "id")


class WorkerCapacity(models.Model):
    """How much weighted work a lead worker's contract allows (the caseload view compares against it)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capacity")
    capacity = models.DecimalField(max_digits=6, decimal_places=1)
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "worker capacities"

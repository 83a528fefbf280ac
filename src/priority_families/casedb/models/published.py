"""Published refresh results, copied from the DuckDB store by `publish_refresh` and replaced whole by each
publish; never edited by hand."""

from __future__ import annotations

from django.db import models


class TrackerRefresh(models.Model):
    """A refresh published into the tracker (each publish adds one); the latest is what every page shows."""

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
    area = models.CharField(max_length=100, blank=True, default="", db_index=True)
    # where the family lives by the refresh's geography lookup (blank without one, or off the lookup)
    ward_code = models.CharField(max_length=20, blank=True, default="")
    ward = models.CharField(max_length=100, blank=True, default="")
    district = models.CharField(max_length=100, blank=True, default="")
    locality = models.CharField(max_length=100, blank=True, default="")

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


class FamilyProgress(models.Model):
    """Each attached family's lines true at attachment with their measures' states on the refresh in force.

    Computed for every attached family at once by `outcomes.progress.publish_progress` when a refresh is
    published and when an attachment or attestation changes it, so the family page reads rows instead of
    evaluating the plan on every view. `refresh_id` says which refresh the rows were judged on.
    """

    family_id = models.CharField(max_length=64, db_index=True)
    refresh_id = models.CharField(max_length=100)
    headline = models.CharField(max_length=64)
    indicator = models.CharField(max_length=64)
    measure = models.CharField(max_length=64, blank=True, default="")
    line_status = models.CharField(max_length=30)
    headline_status = models.CharField(max_length=30)
    earliest = models.DateField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ("family_id", "headline", "indicator", "id")

"""Publishing a refresh into the tracker: what is copied, and that a second publish replaces the first."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from priority_families.casedb.models import (
    Case,
    CaseStatus,
    EvidenceRow,
    Family,
    Member,
    PartnerRecord,
    StatusChange,
    TrackerRefresh,
    WhyLine,
)
from priority_families.casedb.publish import PublishError, publish_refresh
from priority_families.core.engine import Workspace

pytestmark = pytest.mark.django_db


def _store(county: Path, sql: str) -> int:
    with duckdb.connect(str(county / "store.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()[0][0]


def test_publish_copies_eligible_families_with_members_evidence_and_why(published, county):
    eligible = _store(county, "SELECT count(*) FROM cohort WHERE eligible")
    assert eligible > 0
    assert Family.objects.count() == eligible == published.eligible
    assert Member.objects.count() == _store(
        county, "SELECT count(*) FROM family_members JOIN cohort USING (family_id) WHERE eligible")
    assert EvidenceRow.objects.count() == _store(
        county, "SELECT count(*) FROM indicator_hits JOIN cohort USING (family_id) WHERE eligible")
    assert WhyLine.objects.count() == _store(
        county, "SELECT count(*) FROM indicator_values JOIN cohort USING (family_id) WHERE eligible")
    assert PartnerRecord.objects.count() == published.timeline > 0
    top = Family.objects.first()
    assert top.priority == _store(county, "SELECT max(priority) FROM cohort WHERE eligible")
    assert Case.objects.filter(status=CaseStatus.IDENTIFIED).count() == eligible
    assert StatusChange.objects.count() == eligible


def test_second_publish_replaces_results_and_keeps_cases(published, county):
    case = Case.objects.first()
    case.status = CaseStatus.TRIAGED
    case.save()
    again = publish_refresh(Workspace(path=county), by="test")
    assert again.new_cases == 0
    assert Family.objects.count() == published.families
    assert Member.objects.count() == published.members
    assert TrackerRefresh.objects.count() == 2
    assert Case.objects.get(pk=case.pk).status == CaseStatus.TRIAGED
    assert StatusChange.objects.count() == published.eligible


def test_a_family_with_a_case_stays_published_when_no_longer_eligible(published, county):
    ineligible = _store(county, "SELECT min(family_id) FROM cohort WHERE NOT eligible")
    Case.objects.create(family_id=ineligible, status=CaseStatus.ATTACHED, identified_on="2015-01-01")
    publish_refresh(Workspace(path=county), by="test")
    family = Family.objects.get(family_id=ineligible)
    assert family.eligible is False
    assert family.people.count() > 0


def test_publish_without_identification_is_refused(db, tmp_path):
    with duckdb.connect(str(tmp_path / "store.duckdb")) as con:
        con.execute("CREATE TABLE records (x INTEGER)")
    with pytest.raises(PublishError, match="pf identify"):
        publish_refresh(Workspace(path=tmp_path), by="test")
    assert Family.objects.count() == 0

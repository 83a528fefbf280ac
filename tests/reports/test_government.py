"""The government's returns: the Family Monitoring Data sample (reproducible, at least 10%, seed recorded),
Family Progress Data (problems at the start and now), the pseudonymised national evaluation extract (refused
without the council's key, which never reaches the output), and the calendar of returns."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import math
from datetime import date
from pathlib import Path

import pytest

from priority_families.casedb.models import Attachment, BaselineLine, BaselineMember
from priority_families.outcomes.progress import family_progress
from priority_families.reports.calendar_of_returns import CalendarError, returns_calendar
from priority_families.reports.government import (
    KEY_VARIABLE,
    GovernmentReturnError,
    evaluation_key,
    family_monitoring,
    family_progress_data,
    national_evaluation,
)

from .county import LATER

KEY = b"k" * 40


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_the_monitoring_sample_is_reproducible_at_least_a_tenth_and_records_its_seed(claimed_county, tmp_path):
    families = sorted(Attachment.objects.values_list("family_id", flat=True))
    for seed, share in ((1, 0.1), (2, 0.5), (3, 1.0)):
        sample = family_monitoring(claimed_county, LATER, seed, tmp_path / f"s{seed}", share)
        k = max(1, math.ceil(len(families) * share))
        by_hand = sorted(sorted(families, key=lambda f: (hashlib.sha256(f"{seed}:{f}".encode()).hexdigest(), f))[:k])
        assert sample.families == by_hand and sample.population == len(families)
        manifest = json.loads((tmp_path / f"s{seed}" / "fmd-2016-12-31.json").read_text())
        assert (manifest["seed"], manifest["share"], manifest["drawn_from"]) == (seed, share, len(families))
        rows = _rows(tmp_path / f"s{seed}" / "fmd-2016-12-31.csv")
        assert [r["family_id"] for r in rows] == by_hand
        assert {r["ward"] for r in rows} <= {"Abbey", "Bridge"}
    again = family_monitoring(claimed_county, LATER, 2, tmp_path / "again", 0.5)
    assert again.families == family_monitoring(claimed_county, LATER, 2, tmp_path / "s2", 0.5).families
    with pytest.raises(GovernmentReturnError, match="between 10% and 100%"):
        family_monitoring(claimed_county, LATER, 1, tmp_path / "x", 0.05)
    assert not (tmp_path / "x").exists()


@pytest.mark.django_db
def test_progress_data_holds_each_familys_problems_at_the_start_and_now(claimed_county, tmp_path):
    rows = _rows(family_progress_data(claimed_county, LATER, tmp_path))
    at_start = {(f, h) for f, h in BaselineLine.objects.values_list("attachment__family_id", "headline")}
    now = {(f, r["headline"]): r["headline_status"] for f in Attachment.objects.values_list("family_id", flat=True)
           for r in family_progress(claimed_county, f)}
    assert rows and {(r["family_id"], r["headline"]) for r in rows if r["problem_at_start"] == "true"} == at_start
    for r in rows:
        if (r["family_id"], r["headline"]) in now:
            assert r["now"] == now[(r["family_id"], r["headline"])]


@pytest.mark.django_db
def test_the_evaluation_extract_is_pseudonymised_under_the_councils_key(claimed_county, tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    with pytest.raises(GovernmentReturnError, match="no pseudonymisation key"):
        evaluation_key()
    short = tmp_path / "short.key"
    short.write_bytes(b"secret")
    with pytest.raises(GovernmentReturnError, match="at least 32"):
        evaluation_key(short)
    monkeypatch.setenv(KEY_VARIABLE, KEY.decode())
    path = national_evaluation(claimed_county, LATER, evaluation_key(), tmp_path / "a")
    text = path.read_text()
    rows = _rows(path)
    members = list(BaselineMember.objects.values_list("attachment__family_id", "person_id", "dob"))
    assert len(rows) == len(members)
    expected = {(hmac.new(KEY, f"family:{f}".encode(), hashlib.sha256).hexdigest(),
                 hmac.new(KEY, f"person:{p}".encode(), hashlib.sha256).hexdigest(), str(d.year)) for f, p, d in members}
    assert {(r["family_pseudonym"], r["person_pseudonym"], r["year_of_birth"]) for r in rows} == expected
    for f, p, d in members:  # no id of ours, no date of birth, never the key
        assert f not in text and p not in text and d.isoformat() not in text
    assert KEY.decode() not in text
    other = national_evaluation(claimed_county, LATER, b"o" * 40, tmp_path / "b")
    assert {r["family_pseudonym"] for r in _rows(other)}.isdisjoint({r["family_pseudonym"] for r in rows})


def test_the_calendar_of_returns(tmp_path):
    due = returns_calendar(2015)
    quarterly = [d for d in due if d.name.startswith("Quarterly return")]
    assert [d.period_end for d in quarterly] == [date(2015, 6, 30), date(2015, 9, 30), date(2015, 12, 31),
                                                 date(2016, 3, 31)]
    assert all((d.due_on - d.period_end).days == 30 for d in quarterly)
    fmd = [d for d in due if d.name.startswith("Family Monitoring")]
    assert [(d.period, d.due_on) for d in fmd] == [("2015/16", date(2016, 5, 30))]
    assert [d.due_on for d in due] == sorted(d.due_on for d in due)
    bad = tmp_path / "bad.yaml"
    bad.write_text("returns:\n  - name: x\n    every: weekly\n    due_days_after: 3\n")
    with pytest.raises(CalendarError, match=r"returns\[0\] needs"):
        returns_calendar(2015, bad)

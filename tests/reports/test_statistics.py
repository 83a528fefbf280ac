"""Results and cohort statistics equal the same figures computed by another route: per family from the
progress the tracker shows, and from the ledger and the case record in Python."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from priority_families.casedb.models import Attachment, ClaimStep, StepKind
from priority_families.core.calendar import financial_year
from priority_families.outcomes.progress import family_progress
from priority_families.reports.statistics import TO_DATE, programme_statistics

from .county import FAMILIES, LATER

pytestmark = pytest.mark.django_db


def test_worked_with_and_claims_per_programme_year_equal_the_ledger(claimed_county):
    stats = programme_statistics(claimed_county, LATER)
    years = Counter(financial_year(a.attached_on) for a in Attachment.objects.all())
    assert stats.worked_with == [*sorted(years.items()), (TO_DATE, Attachment.objects.count())]
    submitted = ClaimStep.objects.filter(step=StepKind.SUBMITTED)
    by_year = Counter((financial_year(s.on), s.claim.route) for s in submitted)
    assert submitted.count() > 0
    assert [(y, r, n) for y, r, n in stats.claimed if y != TO_DATE] == sorted((y, r, n) for (y, r), n in by_year.items())
    assert stats.claimed_to_date() == submitted.count()


def test_results_and_combinations_equal_each_familys_progress(claimed_county):
    stats = programme_statistics(claimed_county, LATER)
    claimed = set(ClaimStep.objects.filter(step=StepKind.SUBMITTED).values_list("claim__family_id", flat=True))
    met: dict[str, set[str]] = {}
    for n in range(FAMILIES):
        for row in family_progress(claimed_county, f"F{n}"):
            if row["headline_status"] == "met":
                met.setdefault(f"F{n}", set()).add(row["headline"])
    per_headline = Counter(h for heads in met.values() for h in heads)
    per_headline_claimed = Counter(h for f, heads in met.items() if f in claimed for h in heads)
    assert per_headline, "some family must meet a result for the test to mean anything"
    assert sorted((h, n, c) for y, h, n, c in stats.results if y == TO_DATE) == sorted(
        (h, n, per_headline_claimed[h]) for h, n in per_headline.items())
    assert {y for y, *_ in stats.results} == {"2015-16", TO_DATE}  # all attached in 2015-16
    combos = Counter(" + ".join(sorted(heads)) for heads in met.values())
    assert sorted((c, n) for c, n, _ in stats.combinations) == sorted(combos.items())


def test_cohort_profile_and_before_after_from_the_built_records(claimed_county):
    stats = programme_statistics(claimed_county, LATER)
    p = stats.profile
    # odd families' adults are on ESA and nobody works; F2's child is a child in need
    assert (p.families, p.adults, p.adults_out_of_work_benefits, p.workless_families) == (6, 6, 3, 3)
    assert (p.children, p.child_in_need, p.child_protection, p.looked_after) == (6, 1, 0, 0)
    assert p.share("adults_out_of_work_benefits") == 0.5
    rows = {name: (n, before, after) for name, n, before, after in stats.before_after}
    assert rows["offences"] == (6, 12.0, 1.0)  # two each before; F3's adult in Sept 2016 (May 2016 is outside)
    assert rows["permanent exclusions"] == (6, 1.0, 0.0)
    assert rows["fixed term exclusions"] == (6, 0.0, 1.0)
    assert rows["ASB incidents"] == (6, 1.0, 0.0)
    assert rows["unauthorised absence rate"] == (6, 30 / 200, 5 / 100)  # three terms each side, 2014-summer not


def test_every_ward_is_listed_with_zeros_and_counts_equal_the_case_record(claimed_county):
    stats = programme_statistics(claimed_county, LATER)
    claimed = set(ClaimStep.objects.filter(step=StepKind.SUBMITTED).values_list("claim__family_id", flat=True))
    abbey = {f"F{n}" for n in range(3)}
    worked = set(Attachment.objects.values_list("family_id", flat=True))
    rows = {ward: (ident, w, c) for ward, ident, w, c in stats.by_area}
    assert set(rows) == {"Abbey", "Bridge", "Empty Ward"}
    assert rows["Empty Ward"] == (0, 0, 0)
    assert rows["Abbey"][1:] == (len(abbey & worked), len(abbey & claimed))
    assert rows["Bridge"][1:] == (len(worked - abbey), len(claimed - abbey))
    district = programme_statistics(claimed_county, LATER, level="district").by_area
    assert [(d, w) for d, _, w, _ in district] == [("City", 6), ("Shire", 0)]
    assert stats.by_agency == [("Police", 3), ("School", 3)]


def test_a_date_before_any_refresh_is_refused(claimed_county):
    from priority_families.refresh import RefreshError

    with pytest.raises(RefreshError, match="no published refresh"):
        programme_statistics(claimed_county, date(2015, 1, 1))
    with pytest.raises(ValueError, match="no geography level"):
        programme_statistics(claimed_county, LATER, level="parish")


def test_closures_are_counted_per_reason_of_the_closed_list(claimed_county):
    from priority_families.casedb.casework import Actor, CaseworkError, close_case
    from priority_families.casedb.models import (
        Case,
        CaseClosure,
        CaseClosureError,
        ClosureReason,
        StatusChange,
    )

    close_case("F0", ClosureReason.NEEDS_MET, date(2016, 10, 1), Actor("manager"))
    close_case("F2", ClosureReason.DISENGAGED, date(2016, 11, 1), Actor("manager"))
    with pytest.raises(CaseworkError, match="cannot be closed"):
        close_case("F0", ClosureReason.OTHER, date(2016, 11, 1), Actor("manager"))
    assert Case.objects.get(family_id="F0").status == "closed"
    assert StatusChange.objects.filter(case__family_id="F0", to_status="closed", reason="Needs met").exists()
    stats = programme_statistics(claimed_county, LATER)
    by_hand = Counter(CaseClosure.objects.filter(on__lte=LATER).values_list("reason", flat=True))
    assert dict(stats.closed) == {r: by_hand.get(r, 0) for r in ClosureReason.values}
    assert stats.closed_for("needs_met") == 1
    assert programme_statistics(claimed_county, date(2016, 10, 15)).closed_for("disengaged") == 0  # not yet
    with pytest.raises(CaseClosureError):
        CaseClosure.objects.all().delete()


def test_combinations_per_programme_year_add_up_to_the_combinations_to_date(claimed_county):
    stats = programme_statistics(claimed_county, LATER)
    by_year = Counter()
    for _year, combination, n, _claimed in stats.combinations_by_year:
        by_year[combination] += n
    assert by_year == Counter({c: n for c, n, _ in stats.combinations})
    assert {y for y, *_ in stats.combinations_by_year} == {"2015-16"}

"""Geography everywhere: the cohort, triage, the dashboard and the quarterly return by ward, district, locality
or postcode district; every ward listed (the synthetic county's Heathfield has no family); codes sorted by their
numbers. Each figure is checked against the same figure counted another way, straight from the refresh's
store (`geography.FAMILY_PLACES_SQL` over the eligible families), not through the code under test."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from priority_families.casedb.figures import figures_by_place
from priority_families.casedb.models import AccessLog, Agency, Area, Case, CaseStatus, Family, Team, Ward
from priority_families.casedb.places import NO_LOOKUP, UNPLACED, count_by_place, place_level
from priority_families.core.engine import Workspace
from priority_families.core.sorting import natural_key
from priority_families.geography import FAMILY_PLACES_SQL
from priority_families.reports.returns import ReturnError, quarterly_return
from priority_families.synth.geography import EMPTY_WARD

LEVEL_COLUMN = {"ward": "ward", "district": "district", "locality": "locality"}


def _from_store(workspace, level: str) -> Counter:
    """Eligible families per area at `level`, every area of the lookup included (zeros), from the store."""
    with Workspace(path=workspace).connect() as con:
        column = LEVEL_COLUMN[level]
        rows = con.execute(
            f"SELECT p.{column} FROM cohort c JOIN ({FAMILY_PLACES_SQL}) p USING (family_id) "
            "WHERE c.eligible").fetchall()
        areas = {a for (a,) in con.execute(f"SELECT DISTINCT {'ward' if level == 'ward' else column} "
                                            "FROM geography_wards").fetchall()}
    counted = Counter(a or "" for (a,) in rows)
    return Counter({**dict.fromkeys(areas, 0), **counted})


def test_natural_order_puts_ng2_before_ng10():
    assert sorted(["NG10", "NG2", "NG1", "Ward 10", "Ward 9"], key=natural_key) == \
        ["NG1", "NG2", "NG10", "Ward 9", "Ward 10"]


def test_the_cohort_carries_each_familys_ward_district_and_locality(county):
    with Workspace(path=county).connect() as con:
        differ = con.execute(
            f"SELECT COUNT(*) FROM cohort c JOIN ({FAMILY_PLACES_SQL}) p USING (family_id) "
            "WHERE c.ward IS DISTINCT FROM p.ward OR c.district IS DISTINCT FROM p.district "
            "OR c.locality IS DISTINCT FROM p.locality OR c.ward_code IS DISTINCT FROM p.ward_code").fetchall()[0][0]
        placed = con.execute("SELECT COUNT(*) FROM cohort WHERE ward IS NOT NULL").fetchall()[0][0]
    assert differ == 0 and placed > 0


@pytest.mark.parametrize("level", ["ward", "district", "locality"])
def test_every_area_is_listed_and_each_count_equals_the_stores(published, county, level):
    expected = _from_store(county, level)
    rows = figures_by_place(Case.objects.all(), level)
    assert {r["place"]: r["identified"] for r in rows} == dict(expected)
    assert [r["place"] for r in rows] == sorted(expected, key=lambda p: (p == "", natural_key(p)))
    if level == "ward":
        assert expected[EMPTY_WARD] == 0 and EMPTY_WARD in [r["label"] for r in rows]
        assert sum(r["identified"] for r in rows) == Case.objects.count()


def test_the_published_wards_are_the_lookups(published, county):
    with Workspace(path=county).connect() as con:
        wards = con.execute("SELECT ward_code, ward, district, locality FROM geography_wards").fetchall()
    assert set(Ward.objects.values_list("code", "name", "district", "locality")) == set(wards)
    assert Family.objects.exclude(ward="").exists()


def test_without_a_lookup_areas_are_postcode_districts_and_the_page_says_so(published):
    Ward.objects.all().delete()
    level = place_level("ward")
    assert level.level == "area" and level.note == NO_LOOKUP
    rows = count_by_place(Case.objects.all(), "area", {"n": Count("id")})
    areas = [r["place"] for r in rows]
    assert areas == sorted(areas, key=natural_key) and len(areas) > 1
    assert {r["place"]: r["n"] for r in rows} == dict(Counter(Case.objects.values_list("area", flat=True)))


def test_an_unknown_level_is_refused(db):
    with pytest.raises(ValueError, match="no level 'parish'"):
        place_level("parish")


def _manager_covers_every_area(people) -> None:
    team = Team.objects.get(name="North")
    team.areas.set([Area.objects.get_or_create(code=a)[0] for a in
                    Case.objects.order_by().values_list("area", flat=True).distinct()])


def test_triage_lists_every_ward_with_its_waiting_families(published, people, signed_in, county):
    _manager_covers_every_area(people)
    page = signed_in("manager").get(reverse("web:triage"), {"by": "ward"}).content.decode()
    for ward in Ward.objects.values_list("name", flat=True):
        assert ward.replace("'", "&#x27;") in page
    expected = _from_store(county, "ward")
    busiest = max(expected, key=expected.get)
    link = reverse("web:triage-place", args=["ward", busiest])
    assert f'href="{link}"' in page
    assert reverse("web:triage-place", args=["ward", EMPTY_WARD]) not in page  # nobody waits there: no link


def test_a_ward_meeting_pages_links_each_family_and_allocates(published, people, signed_in, county):
    _manager_covers_every_area(people)
    expected = _from_store(county, "ward")
    busiest = max(expected, key=expected.get)
    client = signed_in("manager")
    url = reverse("web:triage-place", args=["ward", busiest])
    page = client.get(url).content.decode()
    waiting = list(Case.objects.filter(family_id__in=Family.objects.filter(ward=busiest).values("family_id"),
                                       status=CaseStatus.IDENTIFIED).values_list("family_id", flat=True))
    assert len(waiting) == expected[busiest]
    shown = [f for f in waiting if reverse("web:family", args=[f]) in page]
    assert len(shown) == min(20, len(waiting))
    assert "---------" not in page and "None" not in page
    assert AccessLog.objects.filter(target=f"triage ward {busiest}").exists()
    family_id = shown[0]
    worker = get_user_model().objects.get(username="worker")
    response = client.post(reverse("web:triage-place-decide", args=["ward", busiest, family_id]), {
        f"{family_id}-decision": "allocate", f"{family_id}-agency": str(Agency.objects.get(name="Family Support").pk),
        f"{family_id}-worker": str(worker.pk), "page": "1"})
    assert response.status_code == 302 and response["Location"].startswith(url)
    case = Case.objects.get(family_id=family_id)
    assert case.status == CaseStatus.TRIAGED and case.lead_worker == worker


def test_a_ward_meeting_refuses_a_family_of_another_ward(published, people, signed_in, county):
    _manager_covers_every_area(people)
    expected = _from_store(county, "ward")
    busiest = max(expected, key=expected.get)
    elsewhere = Family.objects.exclude(ward=busiest).exclude(ward="").filter(eligible=True).first()
    response = signed_in("manager").post(
        reverse("web:triage-place-decide", args=["ward", busiest, elsewhere.family_id]),
        {f"{elsewhere.family_id}-decision": "not_allocate", f"{elsewhere.family_id}-reason": "declined"})
    assert response.status_code == 404
    assert Case.objects.get(family_id=elsewhere.family_id).status == CaseStatus.IDENTIFIED


def test_the_dashboard_groups_by_the_level_chosen(published, signed_in, county):
    page = signed_in("analyst").get(reverse("web:dashboard"), {"by": "locality"}).content.decode()
    assert "Families by locality" in page
    for locality, n in _from_store(county, "locality").items():
        assert f'{locality}</th><td class="govuk-table__cell govuk-table__cell--numeric" data-label="Identified">' \
               f"{n}</td>" in page


def test_the_quarterly_return_by_ward_lists_every_ward(published, county, settings):
    result = quarterly_return(Workspace(path=county), "2015Q3", by="ward")
    expected = _from_store(county, "ward")
    assert result.level == "ward" and result.note == ""
    by_ward = {area: identified for area, identified, _attached in result.by_area}
    assert by_ward == {(k or UNPLACED): v for k, v in expected.items()}
    assert by_ward[EMPTY_WARD] == 0
    assert "return_by_ward" in result.tables()
    districts = quarterly_return(Workspace(path=county), "2015Q3", by="area").by_area
    assert [a for a, *_ in districts] == sorted((a for a, *_ in districts), key=natural_key)
    with pytest.raises(ReturnError, match="no area level"):
        quarterly_return(Workspace(path=county), "2015Q3", by="parish")


def test_the_returns_page_groups_by_ward(published, signed_in):
    page = signed_in("analyst").get(reverse("web:returns"), {"quarter": "2015Q3", "by": "ward"}).content.decode()
    assert "By ward" in page and EMPTY_WARD in page

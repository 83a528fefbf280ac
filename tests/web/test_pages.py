"""Cohort search, filters and export; dashboard figures; claims and evidence packs; the review queue."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from priority_families.casedb.models import Claim, Family, Member, ProgrammeTarget, SpotCheck
from priority_families.core.vocabulary import label

pytestmark = pytest.mark.django_db


def _families(response) -> set[str]:
    page = response.content.decode()
    return {f.family_id for f in Family.objects.all() if f'pf-secondary">{f.family_id}</span>' in page}


def test_search_by_name_dob_and_postcode_finds_the_family(signed_in, published):
    client = signed_in("analyst")
    member = Member.objects.exclude(dob=None).exclude(last_name="").select_related("family").first()
    fid = member.family.family_id
    expected_by_name = set(Member.objects.filter(last_name__icontains=member.last_name)
                           .values_list("family__family_id", flat=True))
    assert _families(client.get(reverse("web:cohort"), {"q": member.last_name.lower()})) == expected_by_name
    for q in (member.dob.isoformat(), member.dob.strftime("%d/%m/%Y"), member.postcode):
        found = _families(client.get(reverse("web:cohort"), {"q": q}))
        assert fid in found, q
    assert _families(client.get(reverse("web:cohort"), {"q": "Zzyzxqq"})) == set()


def test_filters_by_headline_area_status_and_priority(signed_in, published):
    client = signed_in("analyst")
    family = Family.objects.first()
    headline = family.headline_list()[0]
    with_headline = {f.family_id for f in Family.objects.all() if headline in f.headline_list()}
    assert _families(client.get(reverse("web:cohort"), {"headline": headline})) == with_headline
    in_area = set(Family.objects.filter(area=family.area).values_list("family_id", flat=True))
    assert _families(client.get(reverse("web:cohort"), {"area": family.area})) == in_area
    assert _families(client.get(reverse("web:cohort"), {"status": "attached"})) == set()
    top = set(Family.objects.filter(priority__gte=family.priority).values_list("family_id", flat=True))
    assert _families(client.get(reverse("web:cohort"), {"priority": family.priority})) == top


def test_export_is_a_workbook_of_the_filtered_families(signed_in, published):
    family = Family.objects.first()
    response = signed_in("analyst").get(reverse("web:cohort-export"), {"area": family.area})
    book = zipfile.ZipFile(io.BytesIO(response.content))
    strings = book.read("xl/sharedStrings.xml").decode()
    expected = Family.objects.filter(area=family.area)
    assert all(f.family_id in strings for f in expected)
    assert all(f.family_id not in strings for f in Family.objects.exclude(area=family.area))


def test_family_page_shows_members_evidence_timeline_and_why(signed_in, published):
    family = Family.objects.first()
    page = signed_in("analyst").get(reverse("web:family", args=[family.family_id])).content.decode()
    member = family.people.first()
    evidence = family.evidence.first()
    record = family.timeline.first()
    assert member.person_id in page
    assert f"record {evidence.record_id}" in page and f"record {record.record_id}" in page
    assert escape(label("source", evidence.source)) in page and escape(label("source", record.source)) in page
    assert "Why this family was identified" in page


def test_dashboard_figures_against_target(signed_in, published):
    ProgrammeTarget.objects.create(year=2015, families=40)
    response = signed_in("analyst").get(reverse("web:dashboard"))
    page = response.content.decode()
    assert f'data-figure="identified">{published.eligible}<' in page
    assert "target of 40" in page and "Families by ward" in page and "By lead agency" in page


def test_auditor_opens_a_claims_evidence_pack(signed_in, published):
    family = Family.objects.first()
    Claim.objects.create(family_id=family.family_id, route="significant_sustained", window="2016-03",
                         claimed_on=date(2016, 3, 31), plan_id="nottinghamshire-2015", amount=Decimal(800),
                         pack_sha256="0" * 64)
    SpotCheck.objects.create(window="2016-03", family_id=family.family_id, seed=1, share=0.1)
    client = signed_in("auditor")
    listing = client.get(reverse("web:claims")).content.decode()
    assert family.family_id in listing and "Sampled" in listing
    pack = client.get(reverse("web:evidence-pack", args=[family.family_id]))
    assert pack.status_code == 200 and "Sampled for audit" in pack.content.decode()
    assert client.get(reverse("web:evidence-pack", args=["F999999"])).status_code == 404
    assert client.get(reverse("web:family", args=[family.family_id])).status_code == 404  # read-only: no case data


def test_review_queue_shows_pairs_side_by_side_and_stores_a_decision(signed_in, published, county, tmp_path,
                                                                      settings):
    import shutil

    import duckdb

    ws = tmp_path / "ws"
    shutil.copytree(county, ws)
    settings.WORKSPACE = ws
    client = signed_in("analyst")
    page = client.get(reverse("web:review")).content.decode()
    with duckdb.connect(str(ws / "store.duckdb"), read_only=True) as con:
        pair = con.execute("SELECT source_l, record_id_l, source_r, record_id_r FROM review_queue "
                           "ORDER BY match_probability DESC, record_key_l, record_key_r LIMIT 1").fetchall()[0]
    from django.utils.html import escape

    from priority_families.core.vocabulary import label

    for source, record_id in (pair[:2], pair[2:]):
        assert f'{escape(label("source", source))} <span class="govuk-hint govuk-!-display-inline">{record_id}</span>' in page
    response = client.post(reverse("web:review-decide"), dict(zip(
        ["source_l", "record_id_l", "source_r", "record_id_r"], pair, strict=True), decision="not_a_match"))
    assert response.status_code == 302
    with duckdb.connect(str(ws / "store.duckdb"), read_only=True) as con:
        stored = con.execute("SELECT decision, reviewer FROM review_decisions").fetchall()
    assert stored == [("not_a_match", "analyst")]


def test_quarterly_return_page(signed_in, published):
    client = signed_in("analyst")
    page = client.get(reverse("web:returns"), {"quarter": "2015Q3"})
    assert page.status_code == 200, page.content.decode()[:2000]
    text = page.content.decode()
    assert "Families identified" in text and "By postcode district" in text
    bad = client.get(reverse("web:returns"), {"quarter": "2015-3"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()


def test_application_logs_hold_no_personal_data(signed_in, published, caplog):
    import logging

    member = Member.objects.exclude(last_name="").exclude(dob=None).select_related("family").first()
    client = signed_in("analyst")
    with caplog.at_level(logging.DEBUG):
        client.get(reverse("web:cohort"), {"q": member.last_name})
        client.get(reverse("web:family", args=[member.family.family_id]))
        client.get(reverse("web:cohort-export"))
        client.get(reverse("web:family", args=["F-NOPE"]))
    text = caplog.text
    assert member.family.family_id in text  # the logs say what was opened...
    for personal in (member.last_name, member.first_name, member.dob.isoformat(), member.postcode):
        assert personal not in text, personal  # ...never who is in it


def test_cohort_pages_keep_the_filters(signed_in, published, monkeypatch):
    from priority_families.web.views import common

    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    client = signed_in("analyst")
    first = client.get(reverse("web:cohort"), {"priority": "0"}).content.decode()
    assert 'class="govuk-pagination"' in first and "priority=0&amp;page=2" in first
    seen = set()
    pages = -(-Family.objects.count() // 2)
    for n in range(1, pages + 1):
        seen |= _families(client.get(reverse("web:cohort"), {"priority": "0", "page": n}))
    assert seen == set(Family.objects.values_list("family_id", flat=True))


def test_analyst_publishes_the_latest_refresh_from_the_refreshes_page(signed_in, published):
    from priority_families.casedb.models import TrackerRefresh

    response = signed_in("analyst").post(reverse("web:publish"))
    assert response.status_code == 302 and TrackerRefresh.objects.count() == 2
    assert signed_in("worker").post(reverse("web:publish")).status_code == 404
    assert TrackerRefresh.objects.count() == 2


def test_analyst_draws_a_reproducible_spot_check_sample(signed_in, published):
    from priority_families.casedb.models import ClaimStep, StepKind

    for family in Family.objects.all()[:4]:
        claim = Claim.objects.create(family_id=family.family_id, route="significant_sustained", window="2016-03",
                                     claimed_on=date(2016, 3, 31), plan_id="nottinghamshire-2015",
                                     amount=Decimal(800), pack_sha256="0" * 64)
        ClaimStep.objects.create(claim=claim, step=StepKind.SUBMITTED, by="Signatory", on=date(2016, 4, 5),
                                 recorded_by="t")  # a spot check draws from submitted claims
    client = signed_in("analyst")
    assert "Draw a spot-check sample" in client.get(reverse("web:claims")).content.decode()
    assert "Draw a spot-check sample" not in signed_in("auditor").get(reverse("web:claims")).content.decode()
    client.post(reverse("web:spot-check"), {"window": "2016-03", "share": "0.5", "seed": "7"})
    drawn = set(SpotCheck.objects.filter(window="2016-03").values_list("family_id", flat=True))
    assert len(drawn) == 2
    client.post(reverse("web:spot-check"), {"window": "2016-03", "share": "0.5", "seed": "7"})
    assert set(SpotCheck.objects.filter(window="2016-03").values_list("family_id", flat=True)) == drawn


def test_a_quarter_beyond_the_calendar_is_a_clear_400(signed_in, published, people):
    client = signed_in("analyst")
    for quarter in ("9999Q4", "0000Q1"):
        response = client.get(reverse("web:returns"), {"quarter": quarter})
        assert response.status_code == 400 and "like 2015Q2" in response.content.decode()


def test_review_decisions_are_accepted_only_for_pairs_in_the_queue(signed_in, published, people, settings, tmp_path):
    import shutil

    import duckdb

    from priority_families.core.engine import Workspace
    from priority_families.refresh import review_queue_page

    ws = tmp_path / "ws"
    shutil.copytree(settings.WORKSPACE, ws)
    settings.WORKSPACE = ws
    client = signed_in("analyst")
    bogus = {"source_l": "police", "record_id_l": "NOT-QUEUED-1", "source_r": "education",
             "record_id_r": "NOT-QUEUED-2", "decision": "match"}
    client.post(reverse("web:review-decide"), bogus)

    def decided() -> int:
        with duckdb.connect(str(ws / "store.duckdb"), read_only=True) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            return con.execute("SELECT count(*) FROM review_decisions").fetchall()[0][0] \
                if "review_decisions" in tables else 0

    assert decided() == 0
    pairs, _total = review_queue_page(Workspace(path=ws))
    assert pairs, "the test county should queue at least one pair for review"
    pair = {k: pairs[0][k] for k in ("source_l", "record_id_l", "source_r", "record_id_r")}
    client.post(reverse("web:review-decide"), {**pair, "decision": "not_a_match"})
    assert decided() == 1

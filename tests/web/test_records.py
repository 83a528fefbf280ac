"""A family's partner records page: every record reachable a page at a time, filtered, and each view logged."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from priority_families.casedb.models import AccessAction, AccessLog, Family, PartnerRecord
from priority_families.core.vocabulary import label
from priority_families.web.views.families import TIMELINE_ON_PAGE
from priority_families.web.views.records import RECORDS_PER_PAGE

pytestmark = pytest.mark.django_db


def _shown(page: str) -> list[str]:
    """Each record shown, as "source label record id" (the source as its label, the id as secondary text)."""
    return [f"{unescape(source)} {record}" for source, record in re.findall(
        r'<td class="govuk-table__cell">([^<>]+)<br><span class="govuk-body-s pf-secondary">record ([^<>]+)</span>'
        r"</td></tr>", page)]


def _as_shown(r: PartnerRecord) -> str:
    return f"{label('source', r.source)} {r.record_id}"


def _busiest() -> Family:
    from django.db.models import Count

    return Family.objects.annotate(n=Count("timeline")).order_by("-n", "family_id").first()


def test_the_family_page_shows_the_newest_records_and_links_to_all(signed_in, published):
    family = _busiest()
    page = signed_in("analyst").get(reverse("web:family", args=[family.family_id])).content.decode()
    newest = [_as_shown(r) for r in family.timeline.all()[:TIMELINE_ON_PAGE]]
    assert sorted(newest) == sorted(_shown(page))
    total = family.timeline.count()
    assert f"All {total} partner record" in page and reverse("web:family-records", args=[family.family_id]) in page
    if total > TIMELINE_ON_PAGE:
        oldest = family.timeline.all()[total - 1]
        assert _as_shown(oldest) not in _shown(page)


def test_every_record_is_reachable_page_by_page_and_filtered_by_source(signed_in, published):
    PartnerRecord.objects.bulk_create([  # enough records for several pages
        PartnerRecord(family=_busiest(), person_id="P-extra", fact="offence", source="police",
                      record_id=f"EXTRA{i:03d}", event_date=None) for i in range(RECORDS_PER_PAGE + 5)])
    family = _busiest()
    client = signed_in("analyst")
    url = reverse("web:family-records", args=[family.family_id])
    seen: list[str] = []
    for number in range(1, -(-family.timeline.count() // RECORDS_PER_PAGE) + 1):
        seen += _shown(client.get(url, {"page": number}).content.decode())
    assert sorted(seen) == sorted(_as_shown(r) for r in family.timeline.all())
    police = client.get(url, {"source": "police"}).content.decode()
    assert f"{family.timeline.filter(source='police').count()} records" in police
    assert all(s.startswith(label("source", "police") + " ") for s in _shown(police))
    rows = AccessLog.objects.filter(username="analyst", action=AccessAction.VIEW, target=f"family {family.family_id}",
                                    detail__startswith="partner records")
    assert rows.filter(detail__contains="source='police'").count() == 1


def test_a_date_range_the_wrong_way_round_is_an_error(signed_in, published):
    family = _busiest()
    response = signed_in("analyst").get(reverse("web:family-records", args=[family.family_id]),
                                        {"since": "2015-06-01", "until": "2015-01-01"})
    page = response.content.decode()
    assert "govuk-error-summary" in page and "on or after the start date" in page


def test_a_worker_outside_the_family_gets_the_same_404_logged(signed_in, published):
    family = _busiest()
    response = signed_in("worker").get(reverse("web:family-records", args=[family.family_id]))
    assert response.status_code == 404
    assert AccessLog.objects.filter(username="worker", action=AccessAction.DENIED).exists()

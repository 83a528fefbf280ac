"""The review queue as a reviewer reads it: a page at a time, each pair with why it is uncertain and its fields
compared side by side, and every page view in the access log."""

from __future__ import annotations

import re

from django.urls import reverse

from priority_families.casedb.models import AccessLog
from priority_families.core.engine import Workspace
from priority_families.core.vocabulary import label
from priority_families.refresh import review_queue_page
from priority_families.web.views import oversight


def test_the_queue_pages_and_explains_each_pair(signed_in, published, people, settings, monkeypatch):
    pairs, total = review_queue_page(Workspace(path=settings.WORKSPACE), limit=1000)
    assert total >= 3, "the test county should queue a few pairs for review"
    monkeypatch.setattr(oversight, "REVIEW_PAGE_SIZE", 2)
    client = signed_in("analyst")

    first = client.get(reverse("web:review")).content.decode()
    second = client.get(reverse("web:review"), {"page": 2}).content.decode()
    assert f"Pair 1 of {total}" in first and f"Pair 2 of {total}" in first and "Pair 3 of" not in first
    assert f"Pair 3 of {total}" in second and "Pair 1 of" not in second
    assert 'rel="next"' in first and 'rel="prev"' in second

    for page, shown in ((first, pairs[:2]), (second, pairs[2:4])):
        for pair in shown:
            assert label("review_reason", pair["why"]) in page
            assert pair["record_id_l"] in page and pair["record_id_r"] in page
        verdicts = re.findall(r'data-verdict="(\w+)"', page)
        assert len(verdicts) == 6 * len(shown)
        expected = ["same" if (p[f"{f}_l"] or "").__str__().lower() == (p[f"{f}_r"] or "").__str__().lower()
                    and p[f"{f}_l"] not in (None, "") and p[f"{f}_r"] not in (None, "") else None
                    for p in shown for f in ("first_name", "last_name", "dob", "sex", "address", "postcode")]
        assert [v == "same" for v in verdicts] == [e == "same" for e in expected]
    views = AccessLog.objects.filter(target="review queue").values_list("detail", flat=True)
    assert any(d.startswith("page 2: 2 of") for d in views)


def test_a_pair_explains_why_a_high_score_was_not_linked(published, settings):
    pairs, _total = review_queue_page(Workspace(path=settings.WORKSPACE), limit=1000)
    assert all(p["why"] in {"below_match", "fits_two_people"} for p in pairs)
    below = [p for p in pairs if p["why"] == "below_match"]
    assert below and all(p["match_probability"] < 0.999999 for p in below)

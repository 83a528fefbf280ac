"""The tracker with a family claimed twice (national-2012's progress to work beside its results claim): the
claims page lists both, each claim has its own evidence page linking the other, the spot-check verdict goes to
the claim whose page it was recorded on, and the figures count two claims for one family."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from priority_families.casedb.figures import ledger_figures, programme_figures
from priority_families.casedb.models import Case, Claim, ClaimStep, SpotCheck, StepKind

pytestmark = pytest.mark.django_db
WINDOW = "2016-03"


def _submitted(family_id: str, route: str, group: str, amount: int) -> Claim:
    claim = Claim.objects.create(family_id=family_id, route=route, claim_group=group, window=WINDOW,
                                 claimed_on=date(2016, 3, 31), plan_id="national-2012", amount=Decimal(amount),
                                 pack_sha256="0" * 64)
    for step in (StepKind.PROPOSED, StepKind.SUBMITTED):
        ClaimStep.objects.create(claim=claim, step=step, by="t", on=date(2016, 4, 5), recorded_by="t")
    return claim


def test_a_family_claimed_twice_shows_both_claims_and_each_has_its_page(signed_in, published):
    from priority_families.claims.life import draw_spot_check

    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True).first()
    results = _submitted(family_id, "turned_around", "results", 2100)
    work = _submitted(family_id, "progress_to_work", "work", 300)
    assert draw_spot_check(WINDOW, 1.0, seed=0, actor="t") == [f"{family_id}:turned_around",
                                                              f"{family_id}:progress_to_work"]
    assert SpotCheck.objects.count() == 2  # a sample draws claims, not families
    totals = programme_figures(Case.objects.all())[0]
    assert (totals.claimed, totals.claims) == (1, 2) and totals == ledger_figures()  # one family, two claims

    auditor = signed_in("auditor")
    listing = auditor.get(reverse("web:claims")).content.decode()
    assert "?route=turned_around" in listing and "?route=progress_to_work" in listing
    assert "£2100" in listing and "£300" in listing
    url = reverse("web:evidence-pack", args=[family_id])
    page = auditor.get(url + "?route=progress_to_work").content.decode()
    assert "£300" in page and "data-other-claims" in page and "£2100" in page  # links the other claim
    assert 'name="route" value="progress_to_work"' in page  # the verdict goes to this claim
    response = auditor.post(reverse("web:spot-check-verdict", args=[family_id]),
                            {"verdict": "invalid", "reason": "no Work Programme record", "route": "progress_to_work"})
    assert response.status_code == 302 and response["Location"].endswith("?route=progress_to_work")
    assert ClaimStep.objects.filter(claim=work, step=StepKind.WITHDRAWN).exists()
    assert not ClaimStep.objects.filter(claim=results, step__in=(StepKind.WITHDRAWN, StepKind.SPOT_CHECKED)).exists()
    totals = programme_figures(Case.objects.all())[0]
    assert (totals.claimed, totals.claims) == (1, 1) and totals == ledger_figures()  # one family, one claim left


def test_the_auditors_home_links_each_sampled_claim_to_its_own_page(signed_in, published):
    from priority_families.claims.life import draw_spot_check

    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True).first()
    _submitted(family_id, "turned_around", "results", 2100)
    _submitted(family_id, "progress_to_work", "work", 300)
    draw_spot_check(WINDOW, 1.0, seed=0, actor="t")
    home = signed_in("auditor").get(reverse("web:home")).content.decode()
    page = reverse("web:evidence-pack", args=[family_id])
    assert f'href="{page}?route=turned_around"' in home and f'href="{page}?route=progress_to_work"' in home
    assert "progress to work claim, window 2016-03" in home

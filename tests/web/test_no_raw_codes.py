"""No page shows a raw code where a label exists: every page a role uses, rendered with a family attached,
attested, claimed and sampled, is scanned (its text, not its markup) for the vocabulary's codes, for Python's
None, Django's "---------" and its "Enter a number."."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from priority_families.casedb import casework
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import (
    Agency,
    Area,
    BaselineLine,
    Case,
    Claim,
    SampleKind,
    SpotCheck,
    Team,
    TrackerRefresh,
)
from priority_families.core.engine import Workspace
from priority_families.outcomes.attach import attach_allocated
from priority_families.plans.loader import load_plan

NEVER = ("None", "---------", "Enter a number.")


def codes() -> set[str]:
    """Codes that read as codes (with an underscore) from the plan in force's vocabulary and its measures."""
    plan = load_plan(TrackerRefresh.objects.first().plan_id)
    vocabulary = plan.vocabulary()
    found = {code for group in vocabulary.groups.values() for code in group if "_" in code}
    found |= {m.id for h in plan.headlines for m in h.results if "_" in m.id}
    return found


def text_of(html: str) -> str:
    """What a person reads: the page without scripts, styles and markup."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def scene(published, people, county, settings, tmp_path, django_user_model) -> str:
    settings.MEDIA_ROOT = tmp_path / "evidence"
    family_id = Case.objects.order_by("-family_id").values_list("family_id", flat=True).first()
    case = Case.objects.get(family_id=family_id)
    Team.objects.get(name="North").areas.set([Area.objects.get_or_create(code=case.area)[0]])
    casework.allocate(family_id, Agency.objects.get(name="Family Support"),
                      django_user_model.objects.get(username="worker"), Actor("manager"))
    attach_allocated(Workspace(path=county), family_id, date(2015, 8, 31), "worker")
    line = BaselineLine.objects.filter(attachment__family_id=family_id).first()
    from priority_families.outcomes.attest import attest

    attest(family_id, line.headline, line.indicator, "Wendy Worker", "Engaged", "letter.pdf",
           [b"%PDF-1.4 synthetic"], "worker", attested_on=date(2015, 12, 1))
    claim = Claim.objects.create(family_id=family_id, route="significant_sustained", window="2016-03",
                                 claimed_on=date(2016, 3, 31), plan_id=TrackerRefresh.objects.first().plan_id,
                                 amount=Decimal(800), pack_sha256="0" * 64)
    SpotCheck.objects.create(kind=SampleKind.SPOT_CHECK, window="2016-03", family_id=family_id, claim=claim,
                             seed=1, share=0.1)
    return family_id


def _pages(family_id: str, ward: str) -> dict[str, list[str]]:
    return {
        "worker": ["/", reverse("web:family", args=[family_id]), reverse("web:family-records", args=[family_id]),
                   reverse("web:cohort"), reverse("web:dashboard")],
        "manager": ["/", reverse("web:triage"), reverse("web:triage-place", args=["ward", ward]),
                    reverse("web:dashboard") + "?by=district"],
        "analyst": ["/", reverse("web:cohort") + "?q=a", reverse("web:returns") + "?quarter=2015Q3&by=ward"],
        "auditor": ["/", reverse("web:claims"), reverse("web:evidence-pack", args=[family_id])],
    }


def test_no_page_shows_a_raw_code_none_or_djangos_defaults(scene, signed_in):
    from priority_families.casedb.models import Family

    ward = Family.objects.exclude(ward="").values_list("ward", flat=True).first()
    raw = codes()
    found = []
    for username, urls in _pages(scene, ward).items():
        client = signed_in(username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            text = text_of(response.content.decode())
            found += [(username, url, word) for word in NEVER if word in text]
            found += [(username, url, code) for code in raw if re.search(rf"\b{re.escape(code)}\b", text)]
    assert not found, "\n".join(map(str, found))


def test_the_scan_would_catch_a_raw_code():
    assert re.search(r"\bschool_census\b", text_of("<td>school_census</td>"))
    assert "None" in text_of("<p>None</p>") and "school_census" not in text_of('<td class="school_census">x</td>')


def test_an_unknown_code_reads_as_words_not_blank():
    from priority_families.web.templatetags.ux import case_status

    assert case_status("plan_agreed") == "Plan agreed" and case_status("brand_new") == "brand new"


@pytest.mark.parametrize("value", ["12345", ""])
def test_the_triage_forms_say_what_to_choose(value, published, people, signed_in):
    from priority_families.web.forms import AllocateForm

    form = AllocateForm({"x-decision": "allocate", "x-agency": value}, prefix="x")
    assert not form.is_valid()
    html = str(form["agency"]) + " ".join(e for errors in form.errors.values() for e in errors)
    assert "---------" not in html and "Choose a lead agency" in html

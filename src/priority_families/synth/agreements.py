"""The synthetic county's register of information-sharing agreements, written beside its extracts.

One agreement per partner, covering exactly the sources and extract kinds the county's partners send, so a
refresh of the synthetic county runs under live agreements. Health data carries its Article 9 condition and
criminal-offence data its DPA 2018 condition, as a real register must. The review date is two years after the
start of the year the register is written, so the demo's agreements are live whenever it is run.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from priority_families.ingest.agreements import AGREEMENTS_FILE, Register
from priority_families.ingest.schema import PERSON_COLUMNS

PUBLIC_TASK = "6(1)(e) public task: Children Act 1989 s.17, Children Act 2004 s.10, Localism Act 2011 s.1"
HEALTH = ("9(2)(h) health or social care", "DPA 2018 Schedule 1 Part 1 para 2 (health or social care)")
CRIMINAL = "DPA 2018 Schedule 1 Part 2 para 6 (statutory and government purposes); Article 10"
# partner id: (name, sources, extract kinds, lawful basis kind, identifiers it may be sent back as flags)
PARTNERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]] = {
    "schools": ("Synthetown schools (school census)", ("school_census",),
                ("school_attendance", "exclusion", "education_status"), "public", ("upn",)),
    "police": ("Synthshire Police", ("police", "youth_justice"),
               ("offence", "asb_incident", "domestic_abuse", "missing_episode"), "criminal", ()),
    "probation": ("Synthshire Probation Service", ("probation",), ("justice", "breach"), "criminal", ()),
    "housing": ("Synthetown Homes", ("housing",), ("asb_intervention", "breach", "housing"), "public", ()),
    "marac": ("Synthetown MARAC", ("marac",), ("marac",), "public", ()),
    "dwp": ("Department for Work and Pensions (Jobcentre Plus)", ("dwp",), ("benefit", "employment"), "public",
            ("ni_number",)),
    "work_programme": ("Work Programme provider", ("work_programme",), ("work_progress",), "public", ()),
    "social_care": ("Synthetown children's social care", ("social_care", "mash"),
                    ("social_care", "exploitation_risk", "referral"), "public", ()),
    "connexions": ("Connexions", ("connexions",), ("neet",), "public", ()),
    "gp_practices": ("Synthetown GP practices (CCG)", ("health",), ("health",), "health", ("nhs_number",)),
    "acute_trust": ("Synthetown University Hospitals", ("acute_trust",), ("ae_attendance",), "health", ()),
}


def county_register(authority: str, as_of: date, written_on: date | None = None) -> Register:
    """The register of the synthetic county whose extracts are as of `as_of`."""
    written_on = written_on or date.today()
    agreements = []
    for partner, (name, sources, facts, basis, flags) in PARTNERS.items():
        lawful = {"article_6": PUBLIC_TASK}
        if basis == "health":
            lawful |= {"article_9": HEALTH[0], "dpa_2018_condition": HEALTH[1]}
        elif basis == "criminal":
            lawful |= {"dpa_2018_condition": CRIMINAL}
        agreements.append({
            "id": f"ISP-{partner.upper().replace('_', '-')}", "partner": partner, "sources": list(sources),
            "facts": list(facts), "fields": list(PERSON_COLUMNS),
            "purpose": f"Identify families for the Supporting Families programme and prove their results ({name})",
            "lawful_basis": lawful, "signed_by": f"Information governance lead, {name}",
            "signed_on": date(as_of.year - 1, 4, 1), "review_on": date(written_on.year + 2, 1, 1),
            "retention_years": 6,
            "flags_back": {"identifiers": list(flags), "marker": True} if flags else None,
        })
    return Register.model_validate({"authority": authority,
                                    "partners": [{"id": p, "name": v[0]} for p, v in PARTNERS.items()],
                                    "agreements": agreements})


def write_register(folder: Path, authority: str, as_of: date) -> Path:
    """`agreements.yaml` in a refresh folder."""
    path = folder / AGREEMENTS_FILE
    data = county_register(authority, as_of).model_dump(mode="json", exclude_none=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path

"""Test helper: a tiny published store for governance tests: three families, records from a GP practice
(health, with NHS numbers), the police (offences) and schools, published under an agreements register."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from identify.builders import Fact, Person, build_store, dated, spell
from ingest.builders import agreement
from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.identify.run import identify_families
from priority_families.ingest.agreements import Register
from priority_families.ingest.refresh import record_refresh
from priority_families.plans.loader import load_plan, load_plan_text
from priority_families.refresh import PublishGuard, check_agreements, check_sources

AS_OF = date(2015, 8, 31)
PLAN = "nottinghamshire-2015"
SOURCE_OF = {"health": "gp", "offence": "police", "domestic_abuse": "police", "benefit": "dwp",
             "marac": "police"}
# valid NHS numbers (mod 11) per person; P4's GP record carries a mistyped one
NHS = {"P1": "9434765919", "P2": "9434765870", "P3": "9434765862", "P4": "9434765000", "P5": "4010232137"}
FAMILIES = {"F1": [Person("P1", date(1980, 1, 1)), Person("P2", date(2005, 5, 5))],
            "F2": [Person("P3", date(1985, 1, 1)), Person("P4", date(2010, 1, 1))],
            "F3": [Person("P5", date(1985, 1, 1))]}
FACTS: list[Fact] = [
    dated("offence", "P1", date(2015, 3, 1)), dated("offence", "P2", date(2015, 6, 1)),
    dated("domestic_abuse", "P1", date(2015, 7, 1)), spell("benefit", "P1", date(2014, 1, 1), date(2015, 10, 1),
                                                          kind="JSA"),
    dated("offence", "P3", date(2015, 3, 1)), dated("marac", "P3", date(2015, 7, 1)),
    dated("health", "P1", date(2015, 2, 1), kind="mental_health"),
    dated("health", "P2", date(2015, 2, 2), kind="adhd"),
    dated("health", "P4", date(2015, 2, 3), kind="adhd"),
    dated("health", "P5", date(2015, 2, 4), kind="mental_health"),
    dated("offence", "P5", date(2015, 3, 1)),
]


def register() -> Register:
    """GP practices may be sent NHS numbers and the marker; the police may be sent nothing."""
    return Register.model_validate({
        "authority": "Testshire",
        "partners": [{"id": "gp_practices", "name": "GP practices"}, {"id": "police", "name": "Police"},
                     {"id": "dwp", "name": "DWP"}],
        "agreements": [
            agreement(id="ISP-GP", partner="gp_practices", sources=["gp"], facts=["health"], retention_years=2,
                      flags_back={"identifiers": ["nhs_number"], "marker": True}),
            agreement(id="ISP-POLICE", partner="police", sources=["police"],
                      facts=["offence", "domestic_abuse", "marac"], flags_back=None),
            agreement(id="ISP-DWP", partner="dwp", sources=["dwp"], facts=["benefit"],
                      flags_back={"identifiers": ["ni_number", "record_id"], "marker": False}),
        ]})


def governance_workspace(path: Path) -> Workspace:
    """Publish the store: records with names and NHS numbers per source, identified under the plan."""
    ws = Workspace(Settings(workspace=path, threads=1))
    with ws.publishing(fresh=True) as con:
        build_store(con, FAMILIES, FACTS)
        con.execute("ALTER TABLE records ADD COLUMN first_name VARCHAR; ALTER TABLE records ADD COLUMN last_name "
                    "VARCHAR; ALTER TABLE records ADD COLUMN nhs_number_std VARCHAR; ALTER TABLE records ADD COLUMN "
                    "nhs_number_valid BOOLEAN; ALTER TABLE records ADD COLUMN upn_std VARCHAR; ALTER TABLE records "
                    "ADD COLUMN upn_valid BOOLEAN; ALTER TABLE records ADD COLUMN ni_number_std VARCHAR; "
                    "ALTER TABLE records ADD COLUMN ni_number_valid BOOLEAN")
        sources = " ".join(f"WHEN '{fact}' THEN '{source}'" for fact, source in SOURCE_OF.items())
        nhs = " ".join(f"WHEN '{p}' THEN '{n}'" for p, n in NHS.items())
        con.execute(f"UPDATE records r SET source = CASE r.fact {sources} END, first_name = 'NAME-' || rp.person_id, "
                    f"last_name = 'TEST', nhs_number_std = CASE WHEN r.fact = 'health' THEN CASE rp.person_id {nhs} "
                    "END END, ni_number_std = CASE WHEN r.fact = 'benefit' THEN 'QQ123456C' END "
                    "FROM record_person rp WHERE rp.record_key = r.record_key")
        con.execute("UPDATE records SET nhs_number_valid = nhs_number_std IS NOT NULL AND nhs_number_std <> "
                    "'9434765000', ni_number_valid = ni_number_std IS NOT NULL")
        con.execute("ALTER TABLE record_person ADD COLUMN source VARCHAR; ALTER TABLE record_person ADD COLUMN "
                    "record_id VARCHAR")
        con.execute("UPDATE record_person rp SET source = r.source, record_id = r.record_id FROM records r "
                    "WHERE r.record_key = rp.record_key")
        record_refresh(con, "refresh-governance", AS_OF)
        guard = PublishGuard(max_shrink=1.0, checked_on=AS_OF)
        check_sources(con, guard)
        check_agreements(con, register(), guard)
        identify_families(con, load_plan(PLAN), AS_OF, plan_text=load_plan_text(PLAN))
    return ws

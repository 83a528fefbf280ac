"""The assessed row's test as SQL on its own: the latest attestation dated by e decides, and a scored tool's later
score must be better in the plan's direction (lower for a tool that reads that way), on tiny hand-built tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from plans.test_assessed_rows_schema import ASSESSED, _plan
from plans.test_plans import _write
from priority_families.core.sql import load_rows
from priority_families.outcomes import measures  # not its test_sql by name: pytest would collect it
from priority_families.plans.loader import load_plan_file

E = date(2016, 6, 1)


def _verdicts(tmp_path, better: str, said: list[tuple]) -> dict[str, tuple[bool, bool]]:
    """{family: (ok, awaiting)} for families F1-F3 scored 30 at assessment, with these attestations."""
    plan = load_plan_file(_write(tmp_path, _plan(ASSESSED.replace("better: lower", f"better: {better}"))))
    (ref,) = measures.plan_tests(plan)
    con = duckdb.connect()
    load_rows(con, "assessed_rows", {"family_id": "VARCHAR", "headline": "VARCHAR", "measure": "VARCHAR",
                                     "from_on": "DATE", "score": "DECIMAL(8, 2)"},
              [(f, "crime", "wellbeing_improved", date(2015, 9, 1), Decimal(30)) for f in ("F1", "F2", "F3")])
    load_rows(con, "row_said", {"family_id": "VARCHAR", "measure": "VARCHAR", "met": "BOOLEAN",
                                "score": "DECIMAL(8, 2)", "attested_on": "DATE", "seq": "BIGINT"}, said)
    rows = con.execute(f"SELECT family_id, ok, attestation FROM ({measures.test_sql(ref, E)})").fetchall()
    return {f: (ok, awaiting) for f, ok, awaiting in rows}


@pytest.mark.parametrize(("better", "met_by"), [("lower", {"F1"}), ("higher", {"F2"})])
def test_the_later_score_must_be_better_the_way_the_plan_reads_the_tool(tmp_path, better, met_by):
    said = [("F1", "wellbeing_improved", better == "lower", Decimal(25), date(2016, 5, 1), 1),
            ("F2", "wellbeing_improved", better == "higher", Decimal(35), date(2016, 5, 1), 2)]
    verdicts = _verdicts(tmp_path, better, said)
    assert {f for f, (ok, _) in verdicts.items() if ok} == met_by
    assert verdicts["F3"] == (False, True)  # no attestation yet: it awaits one


def test_the_latest_attestation_dated_by_e_decides(tmp_path):
    said = [("F1", "wellbeing_improved", True, Decimal(25), date(2016, 5, 1), 1),
            ("F1", "wellbeing_improved", False, Decimal(31), date(2016, 5, 2), 2),  # a correction: not met
            ("F2", "wellbeing_improved", False, Decimal(31), date(2016, 5, 1), 3),
            ("F2", "wellbeing_improved", True, Decimal(20), E.replace(day=2), 4)]  # dated after e: not yet read
    verdicts = _verdicts(tmp_path, "lower", said)
    assert verdicts["F1"] == (False, False) and verdicts["F2"] == (False, False)

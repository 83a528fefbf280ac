"""The workbook's headline labels follow the cohort's headline codes, in their order, on every run."""

from __future__ import annotations

import duckdb

from priority_families.core.vocabulary import register_vocabulary
from priority_families.identify.outputs import COHORT_COLUMNS
from priority_families.identify.workbook import _labelled_sql
from priority_families.plans.loader import load_plan


def test_headline_labels_are_in_the_order_of_the_codes() -> None:
    plan = load_plan("nottinghamshire-2015")
    codes = [h.id for h in plan.headlines][::-1]  # not alphabetical, not the plan's: the row's own order
    con = duckdb.connect()
    con.execute("SET threads = 1")
    register_vocabulary(con, plan.vocabulary())
    columns = ", ".join(f"NULL AS {c}" if c != "headlines" else "? AS headlines" for c in COHORT_COLUMNS)
    con.execute(f"CREATE TABLE cohort AS SELECT {columns}", [";".join(codes)])
    families, _, header, _ = _labelled_sql(plan)
    row = dict(zip(header, con.execute(families).fetchall()[0], strict=True))
    words = plan.vocabulary()
    assert row["headlines (labels)"] == "; ".join(words.label("headline", c) for c in codes)

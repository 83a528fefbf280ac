"""Stable ids across refreshes and the clerical review loop, through the real Workspace publishing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from linkage.builders import filler, make_records, record
from priority_families.core.engine import Workspace
from priority_families.households import build_households
from priority_families.ingest.refresh import record_refresh
from priority_families.linkage import link_records
from priority_families.linkage.review import ReviewImportError
from priority_families.refresh import export_review, import_review, link_workspace

FIRST = date(2015, 8, 31)
SECOND = date(2016, 2, 29)
OLD_HOME = {"postcode": "NG7 2AB", "address": "12 HIGH ST"}
NEW_HOME = {"postcode": "NG5 1CD", "address": "7 OAK AVE"}


def family(home: dict, on: str) -> list[dict]:
    return [
        record("DONNA", "REID", "1984-02-11", sex="F", **home, on=on, record_id="mum"),
        record("KYLE", "REID", "2007-09-30", sex="M", **home, on=on, record_id="kyle"),
        record("MIA", "REID", "2010-01-05", sex="F", **home, on=on, record_id="mia"),
    ]


def refresh(ws: Workspace, rows: list[dict], as_of: date) -> None:
    """What `pf identify` does: a fresh store, ingest (here: a built table), link, households."""
    with ws.publishing(fresh=True) as con:
        make_records(con, rows)
        record_refresh(con, "r", as_of)
        link_records(con, as_of)
        build_households(con, as_of)


def ids(ws: Workspace, sql: str) -> dict:
    con = ws.connect()
    try:
        return dict(con.execute(sql).fetchall())
    finally:
        con.close()


def person_ids(ws: Workspace) -> dict[str, str]:
    return ids(ws, "SELECT record_id, person_id FROM record_person")


def family_of(ws: Workspace) -> dict[str, str]:
    return ids(ws, "SELECT rp.record_id, fm.family_id FROM record_person rp "
                   "JOIN family_members fm USING (person_id)")


def test_family_that_moves_keeps_its_ids_and_new_ids_are_never_reused(tmp_path: Path) -> None:
    ws = Workspace(path=tmp_path)
    others = [record("ALAN", "PRICE", "1950-05-05", sex="M", postcode="NG1 9ZZ", address="1 ELM CL",
                     record_id="alan")]
    refresh(ws, family(OLD_HOME, "2015-01-10") + others + filler(), FIRST)
    before_people, before_family = person_ids(ws), family_of(ws)
    assert before_family["mum"] == before_family["kyle"] == before_family["mia"]
    assert "alan" not in before_family  # no child: a household, not a family

    # six months on: the family moved (newer records at the new home), Alan's records left the window,
    # a new family arrived
    newcomers = [
        record("ZARA", "KHAN", "1990-03-03", sex="F", postcode="NG3 3EE", address="4 ASH RD", record_id="zara"),
        record("ALI", "KHAN", "2014-06-06", sex="M", postcode="NG3 3EE", address="4 ASH RD", record_id="ali"),
    ]
    moved = [dict(r, record_id=r["record_id"] + "-new") for r in family(NEW_HOME, "2016-01-20")]
    refresh(ws, family(OLD_HOME, "2015-01-10") + moved + newcomers + filler(), SECOND)
    after_people, after_family = person_ids(ws), family_of(ws)

    for rid in ("mum", "kyle", "mia"):
        assert after_people[rid] == before_people[rid] == after_people[rid + "-new"]
        assert after_family[rid] == before_family[rid]
    assert after_family["zara"] != before_family["mum"]
    issued_before = {int(p[1:]) for p in before_people.values()}
    assert int(after_people["zara"][1:]) > max(issued_before)  # the counter never goes back
    con = ws.connect()
    lineage = con.execute("SELECT DISTINCT as_of FROM id_lineage ORDER BY 1").fetchall()
    ended = con.execute("SELECT count(*) FROM id_lineage WHERE kind = 'person' AND change = 'ended' "
                        "AND id = ?", [before_people["alan"]]).fetchall()[0][0]
    con.close()
    assert lineage == [(FIRST,), (SECOND,)]
    assert ended == 1


def test_split_family_keeps_id_with_the_majority(tmp_path: Path) -> None:
    ws = Workspace(path=tmp_path)
    rows = family(OLD_HOME, "2015-01-10") + [
        record("LEON", "REID", "1982-08-08", sex="M", **OLD_HOME, on="2015-01-10", record_id="dad"),
        record("AVA", "REID", "2012-12-12", sex="F", **OLD_HOME, on="2015-01-10", record_id="ava"),
    ]
    refresh(ws, rows + filler(), FIRST)
    before = family_of(ws)
    leaving = [record("LEON", "REID", "1982-08-08", sex="M", **NEW_HOME, on="2016-01-01", record_id="dad-2"),
               record("AVA", "REID", "2012-12-12", sex="F", **NEW_HOME, on="2016-01-01", record_id="ava-2")]
    refresh(ws, rows + leaving + filler(), SECOND)
    after = family_of(ws)
    assert after["mum"] == before["mum"]  # three of five stayed: the majority keeps the id
    assert after["dad"] == after["ava"] != before["mum"]


def test_review_decisions_override_the_model_and_survive_a_refresh(tmp_path: Path) -> None:
    ws = Workspace(path=tmp_path)
    rows = [
        record("CHRIS", "DUNN", "1970-07-07", sex="M", **OLD_HOME, record_id="a"),
        # ten days out on the date of birth, at another address: in the review band, not linked
        record("CHRIS", "DUNN", "1970-07-17", sex="M", postcode="NG7 2XX", address="7 OAK AVE", record_id="b"),
    ] + filler()
    refresh(ws, rows, FIRST)
    assert person_ids(ws)["a"] != person_ids(ws)["b"]
    queue = tmp_path / "queue.csv"
    assert export_review(ws, queue) == 1
    con = duckdb.connect()
    con.execute(f"CREATE TABLE q AS SELECT * FROM read_csv('{queue}', all_varchar = true)")
    assert con.execute("SELECT source_l, record_id_l, record_id_r, decision FROM q").fetchall() == [
        ("health", "a", "b", None)]
    decided = tmp_path / "decided.csv"
    con.execute(f"COPY (SELECT * REPLACE ('match' AS decision, 'J Bloggs' AS reviewer, '2015-09-01' AS "
                f"decided_on) FROM q) TO '{decided}' (HEADER)")
    summary = import_review(ws, decided)
    assert (summary.decisions, summary.matches) == (1, 1)

    outcome = link_workspace(ws)  # non-fresh: applies the decision on the published store
    assert outcome.link.result.decisions_applied == 1
    assert person_ids(ws)["a"] == person_ids(ws)["b"]

    refresh(ws, rows, SECOND)  # a fresh refresh carries the decisions over and applies them
    assert person_ids(ws)["a"] == person_ids(ws)["b"]

    con.execute(f"COPY (SELECT * REPLACE ('not_a_match' AS decision, 'J Bloggs' AS reviewer, '2016-03-01' AS "
                f"decided_on) FROM q) TO '{decided}' (HEADER)")
    import_review(ws, decided)
    link_workspace(ws)
    assert person_ids(ws)["a"] != person_ids(ws)["b"]  # the latest decision wins


def test_bad_decisions_file_is_refused_with_line_and_column(tmp_path: Path) -> None:
    ws = Workspace(path=tmp_path)
    refresh(ws, [record("A", "B", "2000-01-01")] + filler(10), FIRST)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "source_l,record_id_l,source_r,record_id_r,decision,reviewer,decided_on\n"
        "health,R1,health,R2,match,JB,2015-09-01\n"
        "health,R1,health,R3,maybe,JB,2015-09-01\n"
        "health,R1,health,R4,match,,2015-13-01\n"
    )
    with pytest.raises(ReviewImportError) as err:
        import_review(ws, bad)
    assert err.value.problems == [(3, "decision", "must be match or not_a_match"),
                                  (4, "decided_on", "not a date YYYY-MM-DD"), (4, "reviewer", "blank")]
    con = ws.connect()
    stored = con.execute("SELECT count(*) FROM review_decisions").fetchall()[0][0]
    con.close()
    assert stored == 0  # nothing stored when any row is bad

"""The evaluation measures on a case small enough to count by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from priority_families.evaluation.linkage import evaluate_linkage
from priority_families.evaluation.truth import TruthError


def test_pairwise_and_bcubed_by_hand(tmp_path: Path) -> None:
    truth = tmp_path / "truth"
    truth.mkdir()
    # truth: records 1,2,3 are person A (household H1), 4 is B (H1), 5 is C (H2)
    (truth / "records.csv").write_text(
        "fact,source,record_id,person_id,household_id,family_id\n"
        "health,s,1,A,H1,\nhealth,s,2,A,H1,\nhealth,s,3,A,H1,\nhealth,s,4,B,H1,\nhealth,s,5,C,H2,\n"
    )
    con = duckdb.connect()
    # ours: {1,2} one person, {3,4} one person (a false merge and a split), {5}; households: p1 in X,
    # p2 and p3 in Y
    con.execute("CREATE TABLE record_person AS SELECT * FROM (VALUES (1, 'p1', 's', '1'), (2, 'p1', 's', '2'), "
                "(3, 'p2', 's', '3'), (4, 'p2', 's', '4'), (5, 'p3', 's', '5')) "
                "t(record_key, person_id, source, record_id)")
    con.execute("CREATE TABLE person_household AS SELECT * FROM (VALUES ('p1', 'X'), ('p2', 'Y'), ('p3', 'Y')) "
                "t(person_id, household_id)")
    e = evaluate_linkage(con, tmp_path)
    # our pairs: (1,2), (3,4) = 2; true pairs: (1,2), (1,3), (2,3) = 3; agreed: (1,2) = 1
    assert e.pair_precision == pytest.approx(1 / 2)
    assert e.pair_recall == pytest.approx(1 / 3)
    # true persons A (mode household X), B (Y), C (Y); truth H1 = {A, B}, H2 = {C}
    # precision: A 1/1, B 1/2, C 1/2; recall: A 1/2, B 1/2, C 1/1
    assert e.household_precision == pytest.approx(2 / 3)
    assert e.household_recall == pytest.approx(2 / 3)
    assert (e.true_persons, e.predicted_persons, e.records_in_truth) == (3, 3, 5)


def test_missing_truth_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TruthError, match="no records.csv"):
        evaluate_linkage(duckdb.connect(), tmp_path)

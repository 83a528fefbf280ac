"""The linkage evaluation gives the same figures whatever order the store's and the truth's rows come in.

A true person that linkage split into two of ours, each in a household of its own and each holding as many
of its records, sits in either household equally well; the evaluation used `mode()`, which took whichever
household it met first, so `families_split` moved between two runs on the same store (3 then 4 at 20,000
people). The tie now goes to the least household id.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linkage.builders import tables_in_order
from priority_families.evaluation.linkage import LinkageEvaluation, evaluate_linkage

HEADER = "fact,source,record_id,person_id,household_id,family_id"
# Truth: family F1 is child A (records 1-4) and parent B (record 5), in one household T1.
TRUTH = [f"health,s,{n},A,T1,F1" for n in range(1, 5)] + ["health,s,5,B,T1,F1"]
# Ours: A split into p1 (records 1, 2) in household X and p2 (records 3, 4) in household Y, with B (p3).
RECORD_PERSON = [(1, "p1", "s", "1"), (2, "p1", "s", "2"), (3, "p2", "s", "3"), (4, "p2", "s", "4"),
                 (5, "p3", "s", "5")]
PERSON_HOUSEHOLD = [("p1", "X"), ("p2", "Y"), ("p3", "Y")]


def evaluate_in_order(folder: Path, reverse: bool, truth: list[str] = TRUTH,
                      record_person: list[tuple] = RECORD_PERSON) -> LinkageEvaluation:
    """Evaluate one store against one truth, every table and the truth file written in the given order or
    its reverse, on one thread (so rows are met in the order they were written)."""
    step = -1 if reverse else 1
    (folder / "truth").mkdir(parents=True, exist_ok=True)
    (folder / "truth" / "records.csv").write_text("\n".join([HEADER, *truth[::step]]) + "\n")
    con = tables_in_order({
        "record_person": ("record_key BIGINT, person_id VARCHAR, source VARCHAR, record_id VARCHAR", record_person),
        "person_household": ("person_id VARCHAR, household_id VARCHAR", PERSON_HOUSEHOLD)}, reverse)
    try:
        return evaluate_linkage(con, folder)
    finally:
        con.close()


def test_a_tied_true_person_goes_to_the_least_household_in_either_row_order(tmp_path: Path) -> None:
    forward, backward = evaluate_in_order(tmp_path / "a", False), evaluate_in_order(tmp_path / "b", True)
    assert forward == backward
    # A: 2 records in X, 2 in Y, the tie goes to X; B is in Y, so F1 is split over X and Y.
    assert (forward.true_families, forward.families_split, forward.families_split_records) == (1, 1, 1)
    # B-cubed over true persons A (in X) and B (in Y), both truly in T1: precision 1 each, recall 1/2 each.
    assert forward.household_precision == pytest.approx(1.0)
    assert forward.household_recall == pytest.approx(1 / 2)


def test_the_household_with_more_records_wins_over_the_least_id(tmp_path: Path) -> None:
    """The tie rule decides ties only: with one more record of A in Y, A is in Y with B and F1 is whole
    (by records it is still split: p1's records are in X)."""
    truth = [*TRUTH, "health,s,6,A,T1,F1"]
    record_person = [*RECORD_PERSON, (6, "p2", "s", "6")]
    forward = evaluate_in_order(tmp_path / "a", False, truth, record_person)
    backward = evaluate_in_order(tmp_path / "b", True, truth, record_person)
    assert forward == backward
    assert (forward.families_split, forward.families_split_records) == (0, 1)
    assert forward.household_recall == pytest.approx(1.0)

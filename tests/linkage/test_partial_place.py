"""Partial agreement on a place is evidence of its own (issue 14, FEBRL point; decision 27): the same house number
in the same postcode with the rest of the line written otherwise, the same street in the same postcode where one line
has no house number ("Beechdale Rd" beside "135 Beechdale Road"), the same house number with a postcode one
character out. Each is a level of the one place comparison, so it keeps its own m and u; the first two are learned
among different people like the other shared-place levels. And the match rate can be rescaled to the recall the
trained model gives the exact rule (`LinkageSettings.match_rate_from_model`; by default where the data says related
people do not share places: decision 28)."""

from __future__ import annotations

import duckdb
import pytest
from splink import DuckDBAPI, Linker

from priority_families.linkage.evidence import _level_case, shared_place_levels
from priority_families.linkage.model import (
    ASSUMED_RECALL,
    _match_rate_from_model,
    _place,
    _trained_levels,
    settings_creator,
    with_place_keys,
)
from priority_families.linkage.settings import LinkageSettings

SAME_NUMBER = "same house number and postcode, line written otherwise"
NO_NUMBER = "same street and postcode, one line without a house number"
NUMBER_SLIP = "same house number, postcode one character out"


def place_level(left: tuple[str | None, str | None], right: tuple[str | None, str | None]) -> str:
    """The place level of one pair of (address line, postcode), with the place keys the model computes."""
    con = duckdb.connect()
    for side, (address, postcode) in (("l", left), ("r", right)):
        one = "(SELECT ?::VARCHAR AS address, ?::VARCHAR AS postcode, split_part(?::VARCHAR, ' ', 1) AS district)"
        con.execute(f"CREATE TABLE d_{side} AS {with_place_keys(one)}", [address, postcode, postcode])
    cols = [r[0] for r in con.execute("DESCRIBE d_l").fetchall()]
    both = ", ".join(f"{side}.{c} AS {c}_{side}" for side in "lr" for c in cols)
    return con.execute(f"SELECT {_level_case(_place())} FROM (SELECT {both} FROM d_l l, d_r r)").fetchall()[0][0]


@pytest.mark.parametrize(("left", "right", "level"), [
    # one door: the street replaced or mistyped past recognition, the building written instead of the street
    (("17 HORSLEY CRES", "NG7 2AB"), ("17 ANNESLEY", "NG7 2AB"), SAME_NUMBER),
    (("8 FAWKNER ST", "NG7 2AB"), ("8 EMERALD COLLEGE", "NG7 2AB"), SAME_NUMBER),
    (("FLAT 3 12 HIGH ST", "NG7 2AB"), ("FLAT 3 12 ELM COURT", "NG7 2AB"), SAME_NUMBER),
    # another flat, or the flat left out: the flat and number must agree, so not one door
    (("FLAT 3 12 HIGH ST", "NG7 2AB"), ("12 MILL RD", "NG7 2AB"), "same postcode"),
    # no number on either side: nothing says one door
    (("HIGH ST", "NG7 2AB"), ("MILL RD", "NG7 2AB"), "same postcode"),
    # the street without its house number
    (("BEECHDALE RD", "NG9 6GN"), ("135 BEECHDALE RD", "NG9 6GN"), NO_NUMBER),
    (("MULGA ST", "NG9 6GN"), ("FLAT 3 10 MULGA ST", "NG9 6GN"), NO_NUMBER),
    (("BEECHDALE RD", "NG9 6GN"), ("135 STATION RD", "NG9 6GN"), "same postcode"),
    # both numbered, another number: the neighbour's level, as before
    (("12 HIGH ST", "NG7 2AB"), ("14 HIGH ST", "NG7 2AB"), "same street and postcode, another house number"),
    # the house number kept, the postcode one character out, the street otherwise
    (("83 CARSLAW ST", "NG7 2AB"), ("83 BROULEE", "NG7 2BA"), NUMBER_SLIP),
    (("83 CARSLAW ST", "NG7 2AB"), ("84 BROULEE", "NG7 2BA"), "postcode one character out"),
    # the line alike at a wholly other postcode is no level of its own: 2 WILLOW DR and 2 WILLOW ST in two towns
    (("2 WILLOW DR", "NG22 8NJ"), ("2 WILLOW ST", "NG10 6HB"), "all other"),
    # exact agreement keeps its level
    (("12 HIGH ST", "NG7 2AB"), ("12 HIGH ST", "NG7 2AB"), "same address and postcode"),
])
def test_partial_agreement_on_a_place_has_its_own_level(left: tuple[str, str], right: tuple[str, str],
                                                        level: str) -> None:
    assert place_level(left, right) == level
    assert place_level(right, left) == level  # a pair's level does not depend on which side is which


def test_one_door_and_the_bare_street_are_learned_among_different_people() -> None:
    """Reached by sharing a postcode, so their u is counted among different people (`evidence`): on a council's data
    two streets of one postcode may share a number, and the data says how often. The postcode slip is not reached
    by those joins and keeps Splink's sampled u."""
    levels = shared_place_levels(_place())
    assert SAME_NUMBER in levels and NO_NUMBER in levels
    assert NUMBER_SLIP not in levels


def test_before_training_a_door_says_more_than_a_postcode() -> None:
    """The prior weights (small data is scored with them) rank the levels by how specific they are."""
    def odds(label: str) -> float:
        level = next(lv for lv in _place()["comparison_levels"] if lv.get("label_for_charts") == label)
        return level["m_probability"] / level["u_probability"]
    assert odds("same address and postcode") > odds(SAME_NUMBER) > odds("same postcode")
    assert odds(NO_NUMBER) > odds("same postcode")
    assert odds(NUMBER_SLIP) > odds("postcode one character out")


def _linker(m_exact: dict[str, float], rate: float) -> Linker:
    """A person model whose three "exact" levels have the given m, and its match rate `rate`."""
    con = duckdb.connect()
    con.execute("CREATE TABLE d (unique_id BIGINT, first_name VARCHAR, last_name VARCHAR)")
    db = DuckDBAPI(connection=con)
    linker = Linker(db.register("d"), settings_creator())
    for comparison, m in m_exact.items():
        _trained_levels(linker, comparison)["exact"].m_probability = m
    linker._settings_obj._probability_two_random_records_match = rate
    return linker


def test_the_match_rate_follows_the_recall_the_model_gives_the_exact_rule() -> None:
    """Where one person's pairs agree exactly on all three fields only 0.28 of the time (FEBRL3), the rate counted
    with the assumed 0.7 undercounts the matches 2.5 times; the rescaled rate corrects it."""
    linker = _linker({"first_name": 0.55, "last_name": 0.53, "dob": 0.96}, 1e-4)
    recall = _match_rate_from_model(linker)
    assert recall == pytest.approx(0.55 * 0.53 * 0.96)
    assert linker._settings_obj._probability_two_random_records_match == pytest.approx(1e-4 * ASSUMED_RECALL / recall)


def test_where_the_model_agrees_with_the_assumed_recall_the_rate_stays() -> None:
    linker = _linker({"first_name": 0.9, "last_name": 0.9, "dob": 0.7 / 0.81}, 1e-4)
    _match_rate_from_model(linker)
    assert linker._settings_obj._probability_two_random_records_match == pytest.approx(1e-4)


def test_the_rescaled_rate_is_bounded_and_read_from_the_data_by_default() -> None:
    """A model that says the exact rule almost never finds a match cannot make every pair a match; and the
    product's default neither always rescales nor never does: it reads the data (decision 28,
    `test_rate_and_street_ends.py`)."""
    linker = _linker({"first_name": 0.01, "last_name": 0.01, "dob": 0.01}, 1e-2)
    _match_rate_from_model(linker)
    assert linker._settings_obj._probability_two_random_records_match == 0.5
    assert LinkageSettings().match_rate_from_model is None

"""The house number with the street's first word is a broad blocking rule (within the pairs budget): it makes a
candidate of one place written with both names swapped (or replaced) and the postcode keyed wrong, which no
other rule pairs (no name in its column, no postcode in common); a street without a house number never pairs
through it, nor the same number on another street."""

from __future__ import annotations

from linkage.builders import record
from linkage.test_house_number_blocking import candidates


def test_names_swapped_and_a_postcode_slip_at_one_house_are_a_candidate() -> None:
    pairs = candidates([
        record("NATHAN", "MORRISON", None, postcode="NG7 2AB", address="59 PEPPIN PL"),
        record("MORRISON", "NATHAN", None, postcode="NG7 2BA", address="59 PEPPIN PLACE"),
    ])
    assert (1, 2) in pairs


def test_both_names_replaced_at_one_house_are_a_candidate() -> None:
    pairs = candidates([
        record("LUCY", "CLARKE", None, postcode="NG4 7AB", address="1 KRIEWALDT CIRCUIT"),
        record("BKOWS", "LUCY", None, postcode="NG4 7AC", address="1 KRIEWALDT CIRCUIT TORQUAY"),
    ])
    assert (1, 2) in pairs


def test_the_same_number_on_another_street_or_no_number_does_not_pair() -> None:
    pairs = candidates([
        record("NATHAN", "MORRISON", None, postcode="NG7 2AB", address="59 PEPPIN PL"),
        record("MORRISON", "NATHAN", None, postcode="NG7 2BA", address="59 HIGH ST"),
        record("LUCY", "CLARKE", None, postcode="NG4 7AB", address="PEPPIN PL"),
        record("CLARKE", "LUCY", None, postcode="NG4 7BA", address="PEPPIN PL"),
    ])
    assert (1, 2) not in pairs and (3, 4) not in pairs

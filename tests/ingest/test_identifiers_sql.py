"""Ingest's SQL identifier checks agree with the Python reference in `identifiers.py`, value for value."""

from __future__ import annotations

import random

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priority_families.ingest import standardise as S
from priority_families.ingest.identifiers import (
    UPN_LETTERS,
    make_nhs_number,
    make_ni_number,
    make_upn,
    nhs_number_is_valid,
    ni_number_is_valid,
    upn_is_valid,
)

CHECKS = {
    "upn": (S.upn_valid(S.upn_std("x")), upn_is_valid),
    "nhs": (S.nhs_number_valid(S.nhs_number_std("x")), nhs_number_is_valid),
    "ni": (S.ni_number_valid(S.ni_number_std("x")), ni_number_is_valid),
}


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def sql_verdicts(con: duckdb.DuckDBPyConnection, check: str, values: list[str]) -> list[bool]:
    """The SQL check over a whole table of values at once (as ingest runs it), in input order."""
    expr = CHECKS[check][0]
    rows = con.execute(
        f"SELECT coalesce({expr}, false) FROM (SELECT unnest(?) AS x, generate_subscripts(?, 1) AS i) ORDER BY i",
        [values, values],
    ).fetchall()
    return [r[0] for r in rows]


def mutate(rng: random.Random, value: str) -> str:
    """Change one character, swap two, or add/remove spacing: the typos partners make."""
    chars = list(value)
    i = rng.randrange(len(chars))
    match rng.randrange(4):
        case 0:
            chars[i] = rng.choice("0123456789")
        case 1:
            j = rng.randrange(len(chars))
            chars[i], chars[j] = chars[j], chars[i]
        case 2:
            chars.insert(i, rng.choice(" -"))
        case _:
            chars[i] = rng.choice(UPN_LETTERS + "IOS")
    return "".join(chars)


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_sql_agrees_with_python_on_generated_and_mistyped(con, check):
    rng = random.Random(7)
    make = {"upn": make_upn, "nhs": make_nhs_number, "ni": make_ni_number}[check]
    valid = [make(rng) for _ in range(2000)]
    values = valid + [mutate(rng, v) for v in valid] + [v.lower() for v in valid[:200]]
    python = [CHECKS[check][1](v) for v in values]
    assert sql_verdicts(con, check, values) == python
    assert all(python[:2000])
    assert not all(python[2000:4000])  # mistypes really do fail checks


identifier_text = st.text(
    alphabet=st.sampled_from(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcqs -\t/é١ı")), max_size=16
)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(identifier_text, min_size=1, max_size=50))
@pytest.mark.parametrize("check", sorted(CHECKS))
def test_sql_agrees_with_python_on_arbitrary_text(con, check, values):
    assert sql_verdicts(con, check, values) == [CHECKS[check][1](v) for v in values]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_mistyped_upn_body_keeps_agreement(con, seed):
    rng = random.Random(seed)
    values = [mutate(rng, make_upn(rng, la_code=rng.choice([838, 892, 941]))) for _ in range(20)]
    assert sql_verdicts(con, "upn", values) == [upn_is_valid(v) for v in values]


def test_known_values(con):
    assert sql_verdicts(con, "nhs", ["943 476 5919", "9434765918", "943-476-5919"]) == [True, False, True]
    assert sql_verdicts(con, "ni", ["AB123456C", "ab 12 34 56 c", "GB123456A", "QQ123456C"]) == [
        True, True, False, False]


def test_blank_identifier_is_null_not_false(con):
    assert con.execute(f"SELECT {CHECKS['upn'][0]} FROM (SELECT '  ' AS x)").fetchall()[0][0] is None

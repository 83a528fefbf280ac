"""How much a shared place says, learned among people the data itself says are different.

Splink estimates u (how often two *different* people agree at a comparison level) from random pairs, which
include the true matches. Where a county's people each have a few records among many thousands, matches are a
tiny share of random pairs and u is the share of different people at one place (a household). Where the data is
mostly duplicates (FEBRL3: 5,000 records of 2,000 people; one random pair in 2,000 is a match), the matches
*are* most of the random pairs that share an address: u for "same address and postcode" came out 7.5e-5, all of
it matches (0.13 of FEBRL3's true pairs agree exactly there, times one random pair in 2,000 being true), so a
shared place was worth 11 bits where different people never share one. Plain Splink weighs street number,
street, locality and postcode as four comparisons, so the same contamination still left it about 40 bits; ours
keeps them one comparison (on a council's data they are one fact, and four comparisons would count a household
four times), so the place's u must be right.

So u of the place levels that say one place or one street (reached by sharing a postcode, an address line or a
house number within a postcode district) is counted among pairs the data says are different people: first names and dates of birth both in
their comparisons' "all other" levels (clearly different names, dates of birth far apart). On a council's data
those are the members of one household (different names, a generation or a few years apart), so u stays the
share of different people at one place; on FEBRL they are nearly none, so u falls to what the data shows. The
count is divided by the pairs of descriptions times the share of random pairs in those "all other" levels
(Splink's own u for them: names and dates of birth are independent of place among different people in a random
pair), and updates a Beta prior with Splink's sampled u as its mean, worth `PRIOR_PAIRS` pairs, so small data
keeps what random sampling said. Set-based SQL on the DuckDB connection that trains the model (both engines train
there), on a random share of the pairs by `unique_id` bucket (independent of every compared field) when they
are many. Where related people share places (namesakes, twins: outside the "all other" levels, so the count
misses them) the caller keeps the sampled u as a floor (`floored`, `model.learn_place_u`; decision 24).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb

from priority_families.linkage.blocking import block_pairs

PRIOR_PAIRS = 100_000  # weight of the sampled u as a Beta prior, in description pairs
COUNTED_PAIRS = 200_000  # pairs sharing a postcode, line or house number read at most (a random share beyond)
# The joins that reach every pair of the levels re-estimated: the same postcode, the same address line, or the
# same house number in one postcode district (a postcode one character out with the line alike).
SHARED_PLACE = (("{s}.postcode",), ("{s}.address",), ("nullif({s}.address_number, '')", "{s}.district"))
# Columns the name, date-of-birth and place comparisons read, carried into each counted pair as `<col>_l/_r`.
COLUMNS = ("first_name", "last_name", "first_forms", "dob", "dob_text", "postcode", "district", "address",
           "address_number")


@dataclass(frozen=True)
class PlaceU:
    """What the count found: the description pairs it stands for (after the share of different people), and per
    re-estimated level, different people's pairs observed and the u kept (the Beta posterior mean)."""

    pairs: float
    observed: dict[str, int]
    u: dict[str, float]


def _else_condition(comparison: dict[str, Any]) -> str:
    """SQL: both values known and the pair in none of `comparison`'s levels but "all other"."""
    levels = comparison["comparison_levels"]
    known = [f"NOT coalesce({lv['sql_condition']}, false)" for lv in levels if lv["sql_condition"] != "ELSE"]
    return "(" + " AND ".join(known) + ")"


def _level_case(place: dict[str, Any]) -> str:
    """SQL: the label of the place level a pair falls in (the first whose condition holds)."""
    whens = " ".join(f"WHEN coalesce({lv['sql_condition']}, false) THEN '{lv['label_for_charts']}'"
                     for lv in place["comparison_levels"] if lv["sql_condition"] != "ELSE")
    return f"CASE {whens} ELSE 'all other' END"


def shared_place_levels(place: dict[str, Any]) -> list[str]:
    """The place levels that say one place or one street, whose every pair shares a postcode, an address line or
    a house number in one district: the levels above "same postcode". That one (another street in the postcode)
    and those below keep Splink's sampled u: on a county's data a postcode is mostly one street, so different
    people are rarely seen there and a sparse count would outweigh what random pairs show.)"""
    labels = [lv["label_for_charts"] for lv in place["comparison_levels"] if not lv.get("is_null_level")]
    return labels[:labels.index("same postcode")]


def place_u_among_different_people(con: duckdb.DuckDBPyConnection, table: str, first: dict[str, Any],
                                   dob: dict[str, Any], place: dict[str, Any], sampled_u: dict[str, float],
                                   different_share: float, prior_pairs: float = PRIOR_PAIRS,
                                   floored: bool = False) -> PlaceU:
    """u of the shared-place levels of `place`, counted among different people's pairs of `table` (columns as
    `link_descriptions` with the place keys). `first`, `dob`: the comparisons whose "all other" levels mark two
    people different; `sampled_u`: Splink's u per level (the prior's mean); `different_share`: the share of
    random pairs in both "all other" levels; `prior_pairs`: the prior's weight; `floored`: never below the
    sampled u (where related people share places: `model.learn_place_u`)."""
    shared = [" AND ".join(f"{k.format(s='l')} = {k.format(s='r')}" for k in keys) for keys in SHARED_PLACE]
    possible = sum(block_pairs(con, f"{table} AS t", tuple(k.format(s="t") for k in keys)) for keys in SHARED_PLACE)
    buckets = max(1, math.ceil(possible / COUNTED_PAIRS))
    sample = f" AND l.unique_id % {buckets} = r.unique_id % {buckets}" if buckets > 1 else ""
    known = "first_name IS NOT NULL AND dob IS NOT NULL"
    cols = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in COLUMNS)
    joined = " UNION ".join(
        f"SELECT l.unique_id AS a, r.unique_id AS b FROM d l JOIN d r ON {on} AND l.unique_id < r.unique_id{sample}"
        for on in shared)
    # The pairs, then their columns, each in a table of its own: with the name and date tests in the same query,
    # DuckDB's planner may join the descriptions to each other on those inequalities first (a cross product).
    con.execute(f"CREATE OR REPLACE TEMP TABLE shared_place_pairs AS WITH d AS (SELECT unique_id, postcode, address, "
                f"address_number, district FROM {table} WHERE {known}) {joined}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE shared_place_pairs AS SELECT {cols} FROM shared_place_pairs p "
                f"JOIN {table} l ON l.unique_id = p.a JOIN {table} r ON r.unique_id = p.b")
    rows = con.execute(
        f"""
        WITH different AS (
            SELECT * FROM shared_place_pairs WHERE first_name_l <> first_name_r AND dob_l <> dob_r
              AND {_else_condition(first)} AND {_else_condition(dob)})
        SELECT {_level_case(place)} AS level, count(*) FROM different GROUP BY ALL
        """
    ).fetchall()
    con.execute("DROP TABLE shared_place_pairs")
    groups = con.execute(
        f"SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM (SELECT count(*) AS c FROM {table} WHERE {known} "
        f"GROUP BY unique_id % {buckets})"
    ).fetchall()[0][0]
    pairs = float(groups) * different_share
    observed = dict(rows)
    levels = shared_place_levels(place)
    u = {label: (observed.get(label, 0) + sampled_u[label] * prior_pairs) / (pairs + prior_pairs)
         for label in levels}
    if floored:
        u = {label: max(value, sampled_u[label]) for label, value in u.items()}
    return PlaceU(pairs, {label: observed.get(label, 0) for label in levels}, u)

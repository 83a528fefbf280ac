"""The council's gazetteer (an LLPG or AddressBase extract), when it sends one: `gazetteer.csv` beside the
extracts (docs/extracts.md, "gazetteer.csv").

Loading: `uprn` (1-12 digits), `address_line1`, optional `address_line2` (read after line 1: a flat in
line 1 and the building in line 2 is one line), `postcode`; standardised by ingest's own expressions into
`gazetteer(uprn, postcode_std, address_std, flat, house_number, street)`. A bad file changes nothing and
its error names the file, line, column and reason.

Matching (as MoJ's `uk_address_matcher` does, in our own SQL): each address description is compared with
the gazetteer entries that share its postcode and house number, or (no postcode written) its house number
flat and the start of its street, or its house number, flat and the end of its street's first word (one slip
of the keyboard rarely changes both; a short street name is blocked on its first letter; two letters swapped
anywhere keep the sorted letters of the first word, a block of their own). Each comparison adds evidence in
bits (postcode, house number, flat, street similarity: 0 for streets of different kinds, `street_similarity`); the best candidate is taken only when it scores at least
`MATCH_BITS` and beats the second best by `MARGIN_BITS` (the distinguishability margin). A best candidate
that does not stand out is no match: its candidates are left to the person's own records or review.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from priority_families.core.sql import sql_str
from priority_families.ingest import standardise as std

GAZETTEER_FILE = "gazetteer.csv"
REQUIRED = ("uprn", "address_line1", "postcode")
MATCH_BITS = 9.0
MARGIN_BITS = 3.0
FULL_BITS = 16.0  # every part agreeing: the score 1.0
# A short street name can lose both its start and its end to one slip: its block is its first letter.
SHORT_WORD = "length(split_part({a}.street, ' ', 1)) <= 5"
# Two letters swapped anywhere in a name keep its letters: "AOK RD", "IHLL ST" and "OFRD ST" are blocked with
# "OAK RD", "HILL ST" and "FORD ST" by the sorted letters of the first word.
LETTERS = "array_to_string(list_sort(string_split(split_part({a}.street, ' ', 1), '')), '')"
# The kinds of street ingest writes as the last word of a street (its abbreviations, `standardise.STREET_WORDS`).
STREET_TYPES = ("RD", "ST", "AVE", "DR", "LN", "CL", "CT", "CRES", "PL", "GDNS", "TER", "GR", "SQ", "WLK", "WAY")
# Ingest abbreviates a kind of street wherever it is a word of the line, so Grove Road is "GR RD" and a typo'd
# "Grrove Road" is "GRROVE RD": far apart letter by letter. Inside a street's name (not its last word) the
# kinds are compared written in full (`named_street`), the first full word ingest reads as each.
NAME_WORDS: dict[str, str] = {short: full for full, short in reversed(std.STREET_WORDS.items())
                               if short in STREET_TYPES and len(full) > len(short)}


def named_street(street: str) -> str:
    """SQL: `street` with each kind of street inside its name (any word but the last) written in full:
    "GR RD" is "GROVE RD", so "GRROVE RD" (a typo ingest could not read) is one slip away from it, as the
    partner wrote it. The last word, the street's own kind, stays abbreviated (`street_similarity`)."""
    out = f"(' ' || {street})"
    for short, full in NAME_WORDS.items():
        out = f"replace({out}, ' {short} ', ' {full} ')"
    return f"ltrim({out})"


def street_similarity(a: str, b: str) -> str:
    """SQL: how alike streets `a` and `b` are (jaro-winkler), 0 when both end in a kind of street and the
    kinds differ: "STATION RD" and "STATION ST" are two streets of one town, not one street with a slip
    (as `uk_address_matcher` compares tokens, not only the whole string). A slip inside the name is
    tolerated; partners abbreviate the kind (ingest reads ROAD and RD alike) but do not swap it."""
    types = ", ".join(f"'{t}'" for t in STREET_TYPES)
    kind_a, kind_b = (f"regexp_extract({x}, ' ([A-Z]+)$', 1)" for x in (a, b))
    return (f"(CASE WHEN {kind_a} IN ({types}) AND {kind_b} IN ({types}) AND {kind_a} <> {kind_b} THEN 0.0 "
            f"ELSE jaro_winkler_similarity({a}, {b}) END)")


class GazetteerError(ValueError):
    """A gazetteer file that cannot be used: names the file, line, column and reason."""


def load_gazetteer(con: duckdb.DuckDBPyConnection, folder: Path) -> int | None:
    """Write `gazetteer` from `folder/gazetteer.csv`; None (and no table) when the folder has none."""
    path = Path(folder) / GAZETTEER_FILE
    if not path.is_file():
        con.execute("DROP TABLE IF EXISTS gazetteer")
        return None
    con.execute(f"CREATE OR REPLACE TEMP TABLE gazetteer_raw AS SELECT *, row_number() OVER () + 1 AS line "
                f"FROM read_csv({sql_str(path)}, header = true, all_varchar = true)")
    try:
        columns = _check(con, path)
        con.execute(f"CREATE OR REPLACE TABLE gazetteer AS {_standardised('address_line2' in columns)} ORDER BY uprn")
    finally:
        con.execute("DROP TABLE IF EXISTS gazetteer_raw")
    return con.execute("SELECT count(*) FROM gazetteer").fetchall()[0][0]


def _check(con: duckdb.DuckDBPyConnection, path: Path) -> set[str]:
    """The file's columns, once every row is usable; else `GazetteerError` for the first bad line."""
    columns = {c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE gazetteer_raw)").fetchall()}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise GazetteerError(f"{path}: line 1: column {missing[0]!r} is missing (needs {', '.join(REQUIRED)})")
    bad = con.execute(
        f"""
        SELECT line, CASE WHEN {std.uprn('uprn')} IS NULL THEN 'uprn' ELSE 'address_line1' END,
               CASE WHEN {std.uprn('uprn')} IS NULL THEN 'is not 1 to 12 digits' ELSE 'is blank' END
        FROM gazetteer_raw WHERE {std.uprn('uprn')} IS NULL OR {std.blank_to_null('address_line1')} IS NULL
        UNION ALL
        SELECT min(line), 'uprn', 'is given twice' FROM gazetteer_raw
        WHERE {std.uprn('uprn')} IS NOT NULL GROUP BY {std.uprn('uprn')} HAVING count(*) > 1
        ORDER BY 1 LIMIT 1
        """
    ).fetchall()
    if bad:
        line, column, reason = bad[0]
        raise GazetteerError(f"{path}: line {line}: column {column!r} {reason}")
    return columns


def _standardised(has_line2: bool) -> str:
    line2 = std.blank_to_null("address_line2") if has_line2 else "NULL"
    line = f"concat_ws(' ', {std.blank_to_null('address_line1')}, {line2})"
    parts = std.address_parts("words")
    return f"""
        SELECT uprn, postcode_std, {std.address_std(std.flat('p'), std.house_number('p'), std.street('p', 'words'))}
                   AS address_std,
               {std.flat('p')} AS flat, {std.house_number('p')} AS house_number,
               {std.street('p', 'words')} AS street
        FROM (SELECT uprn, postcode_std, words, {parts} AS p FROM (
            SELECT {std.uprn('uprn')} AS uprn, {std.postcode_std('postcode')} AS postcode_std,
                   {std.address_words(line)} AS words
            FROM gazetteer_raw))"""


def _score() -> str:
    """Evidence in bits that description `d` is gazetteer entry `g` (token and numeric comparisons);
    `sim` is their streets' jaro-winkler similarity."""
    return """(CASE WHEN d_postcode IS NULL THEN 0 WHEN d_postcode = g_postcode THEN 5 ELSE -5 END
             + CASE WHEN d_house = g_house THEN 4 ELSE -6 END
             + CASE WHEN d_flat IS NOT DISTINCT FROM g_flat THEN 3
                    WHEN d_flat IS NULL OR g_flat IS NULL THEN -2 ELSE -6 END
             + CASE WHEN sim = 1 THEN 4 WHEN sim >= 0.92 THEN 2.5 WHEN sim >= 0.85 THEN 1 ELSE -4 END)"""


def match_gazetteer(con: duckdb.DuckDBPyConnection) -> None:
    """`gazetteer_match(description, place_id, place_status, place_score)` for the descriptions of
    `place_descriptions` the gazetteer names, and `gazetteer_candidates(description, place_id, score)`
    for those it cannot tell apart (within the margin)."""
    same_house = "g.house_number = d.house_number AND g.flat IS NOT DISTINCT FROM d.flat"
    first_word = "right(split_part({a}.street, ' ', 1), 3)"
    short = f"{SHORT_WORD.format(a='g')} AND {SHORT_WORD.format(a='d')}"
    blocks = [
        ("place_descriptions", "g.postcode_std = d.postcode_std AND g.house_number = d.house_number"),
        ("without_postcode", f"{same_house} AND left(g.street, 3) = left(d.street, 3)"),
        ("without_postcode", f"{same_house} AND {first_word.format(a='g')} = {first_word.format(a='d')}"),
        ("without_postcode", f"g.house_number = d.house_number AND left(g.street, 1) = left(d.street, 1) AND {short}"),
        ("without_postcode", f"{same_house} AND {LETTERS.format(a='g')} = {LETTERS.format(a='d')}"),
    ]
    pairs = " UNION ALL ".join(
        f"""SELECT d.description, g.uprn, d.postcode_std AS d_postcode, g.postcode_std AS g_postcode,
                   d.house_number AS d_house, g.house_number AS g_house, d.flat AS d_flat, g.flat AS g_flat,
                   {street_similarity('d.street', 'g.street')} AS sim
            FROM {table} d JOIN named_gazetteer g ON {condition}"""
        for table, condition in blocks
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gazetteer_scored AS
        WITH named_gazetteer AS (SELECT g.* REPLACE ({named_street('g.street')} AS street) FROM gazetteer g),
        without_postcode AS (SELECT * FROM place_descriptions WHERE postcode_std IS NULL),
        scored AS (
            SELECT description, uprn, max({_score()}) AS bits,
                   bool_or(sim = 1 AND d_flat IS NOT DISTINCT FROM g_flat AND d_postcode = g_postcode) AS same
            FROM ({pairs}) GROUP BY description, uprn
        )
        SELECT *, row_number() OVER w AS rank, lead(bits) OVER w AS second_bits
        FROM scored WHERE bits >= {MATCH_BITS}
        WINDOW w AS (PARTITION BY description ORDER BY bits DESC, uprn)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gazetteer_match AS
        SELECT d.description, 'U' || s.uprn AS place_id,
               CASE WHEN s.same THEN 'exact' ELSE 'fuzzy' END AS place_status,
               least(s.bits / {FULL_BITS}, 1.0) AS place_score
        FROM gazetteer_scored s JOIN place_descriptions d USING (description)
        WHERE s.rank = 1 AND (s.second_bits IS NULL OR s.bits - s.second_bits >= {MARGIN_BITS})
          AND d.uprn IS NULL
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gazetteer_candidates AS
        SELECT s.description, 'U' || s.uprn AS place_id, least(s.bits / {FULL_BITS}, 1.0) AS score
        FROM gazetteer_scored s
        JOIN (SELECT description, max(bits) AS best FROM gazetteer_scored GROUP BY description) b USING (description)
        WHERE s.description NOT IN (SELECT description FROM gazetteer_match) AND s.bits > b.best - {MARGIN_BITS}
        """
    )

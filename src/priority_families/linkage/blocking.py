"""Blocking: which pairs of person descriptions the model scores, made by hash joins in DuckDB.

Dates of birth, postcodes and the name pool are bounded while a county grows (1M synthetic people: 10,437
postcodes, 180 descriptions each, under 10,000 first names; the date-of-birth block alone made 117M pairs,
names with the postcode district 373M), so every rule pairs a bounded key with another: date of birth with
either name or the postcode (name typos, nicknames, changed surnames), postcode with the first name or the
address (wrong dates of birth, movers' old records), names with the year and month (a slip in the day),
names with day and month swapped, swapped names. Each rule then keeps only the pairs whose other fields do
not all clearly disagree (`RULES`, the `keep` conditions): at 1M the dropped pairs were 83% of the
candidates and 9 in a million of them reached the review band (benchmarks/README.md, "Linkage").

Evaluating `keep` on every joined candidate costs as much as scoring it, so each rule runs as a few hash
joins whose equalities say the same (`JOINS`): "the place agrees" is the same address, the same postcode,
or one side without an address; "the first names are near" is the same name or a nickname
(`first_group`), a missing name, or two names one typing slip apart (`similar_first_names`, made from
the distinct names). The joins make a subset of `RULES`' pairs: a jaro-winkler match more than one
slip apart, or one surname inside the other, is no longer enough on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

PLACE_AGREES = ("(l.address = r.address OR l.postcode = r.postcode OR "
                "((l.address IS NULL OR r.address IS NULL) AND (l.postcode IS NULL OR r.postcode IS NULL)))")
FIRST_NEAR = ("(l.first_group = r.first_group OR l.first_name = r.last_name OR l.first_name IS NULL "
              "OR r.first_name IS NULL OR jaro_winkler_similarity(l.first_name, r.first_name) >= 0.8)")
LAST_NEAR = ("(l.last_name = r.first_name OR l.last_name IS NULL OR r.last_name IS NULL "
             "OR contains(l.last_name, r.last_name) OR contains(r.last_name, l.last_name) "
             "OR jaro_winkler_similarity(l.last_name, r.last_name) >= 0.8)")
DOB_NEAR = ("(l.dob IS NULL OR r.dob IS NULL OR abs(year(l.dob) - year(r.dob)) <= 1 "
            "OR levenshtein(l.dob_text, r.dob_text) <= 1)")

DOB_LAST = "l.dob = r.dob AND l.last_name = r.last_name"
DOB_FIRST = "l.dob = r.dob AND l.first_name = r.first_name"
POSTCODE_FIRST = "l.postcode = r.postcode AND l.first_name = r.first_name"
POSTCODE_ADDRESS = "l.postcode = r.postcode AND l.address = r.address"
SWAPPED_YEAR = "l.first_name = r.last_name AND l.last_name = r.first_name AND year(l.dob) = year(r.dob)"
NAMES_YEAR = "l.first_name = r.first_name AND l.last_name = r.last_name AND year(l.dob) = year(r.dob)"
NAMES_YEAR_MONTH = f"{NAMES_YEAR} AND month(l.dob) = month(r.dob)"
NAMES_DAY_MONTH_SWAPPED = f"{NAMES_YEAR} AND month(l.dob) = day(r.dob) AND day(l.dob) = month(r.dob)"
DOB_POSTCODE = "l.dob = r.dob AND l.postcode = r.postcode"

# The rules as conditions over a pair (what Splink's settings and charts show).
RULES: tuple[str, ...] = (
    f"{DOB_LAST} AND ({PLACE_AGREES} OR {FIRST_NEAR})",
    f"{DOB_FIRST} AND ({PLACE_AGREES} OR {LAST_NEAR})",
    DOB_POSTCODE,
    f"{POSTCODE_FIRST} AND {DOB_NEAR}",
    f"{POSTCODE_ADDRESS} AND ({DOB_NEAR} OR {FIRST_NEAR})",
    f"{SWAPPED_YEAR} AND (l.address = r.address OR l.postcode = r.postcode OR l.dob = r.dob)",
    f"{NAMES_YEAR_MONTH} AND {PLACE_AGREES}",
    NAMES_DAY_MONTH_SWAPPED,
)


@dataclass(frozen=True)
class Join:
    """One hash join making candidate pairs.

    `keys`: equalities over `l.*`/`r.*`; `side`: a condition on `l.*` alone (only those descriptions are
    joined, to any other); `via`: a table of similar names `(a, b)` linking `l.<column>` to `r.<column>`;
    `keep`: a cheap condition left on the joined pairs. A join whose keys read the same with l and r
    swapped (and no side) makes each pair once (`l < r`); any other makes both orders. The similar
    names are tested after the join (a semi join on the name pair): cheaper than joining through them.
    """

    keys: str
    side: str | None = None
    via: tuple[str, str] | None = None
    keep: str | None = None
    symmetric: bool = True

    def select(self, table: str) -> str:
        """SQL making `(join_key_l, join_key_r)` with join_key_l < join_key_r (repeats possible)."""
        left = f"(SELECT * FROM {table} l WHERE {self.side})" if self.side else table
        ordered = self.symmetric and not self.side
        where = "l.unique_id < r.unique_id" if ordered else "l.unique_id <> r.unique_id"
        if self.via:
            similar, column = self.via
            where += f" AND (l.{column}, r.{column}) IN (SELECT (a, b) FROM {similar})"
        keep = f" AND {self.keep}" if self.keep else ""
        pick = ("l.unique_id, r.unique_id" if ordered
                else "least(l.unique_id, r.unique_id), greatest(l.unique_id, r.unique_id)")
        return f"SELECT {pick} FROM {left} l JOIN {table} r ON {self.keys} WHERE {where}{keep}"


def _place_agrees(keys: str, postcode: bool = True) -> list[Join]:
    """Same address, same postcode, or one side without an address (the place comparison's null level).

    `postcode=False` leaves out the same-postcode join where another join already makes all its pairs
    (date of birth with the postcode; the first name with the postcode and year).
    """
    return [Join(f"{keys} AND l.address = r.address"),
            *([Join(f"{keys} AND l.postcode = r.postcode")] if postcode else []),
            Join(keys, side="l.address IS NULL", keep="(l.postcode IS NULL OR r.postcode IS NULL)")]


def _first_near(keys: str) -> list[Join]:
    return [Join(f"{keys} AND l.first_group = r.first_group"),
            Join(f"{keys} AND l.first_name = r.last_name", symmetric=False),
            Join(keys, side="l.first_name IS NULL"),
            Join(keys, via=("similar_first_names", "first_name"))]


def _last_near(keys: str) -> list[Join]:
    return [Join(f"{keys} AND l.last_name = r.first_name", symmetric=False),
            Join(keys, side="l.last_name IS NULL"),
            Join(keys, via=("similar_last_names", "last_name"))]


def _dob_near(keys: str) -> list[Join]:
    """Same year, a year apart, same day and month (a slip in the year), or one side without a dob."""
    return [Join(f"{keys} AND year(l.dob) = year(r.dob)"),
            Join(f"{keys} AND year(l.dob) = year(r.dob) + 1", symmetric=False),
            Join(f"{keys} AND month(l.dob) = month(r.dob) AND day(l.dob) = day(r.dob)"),
            Join(keys, side="l.dob IS NULL")]


JOINS: tuple[Join, ...] = (
    *_place_agrees(DOB_LAST, postcode=False), *_first_near(DOB_LAST),
    *_place_agrees(DOB_FIRST, postcode=False), *_last_near(DOB_FIRST),
    Join(DOB_POSTCODE),
    *_dob_near(POSTCODE_FIRST),
    *_dob_near(POSTCODE_ADDRESS), *_first_near(POSTCODE_ADDRESS),
    # swapped names: the same address, postcode or date of birth (pairs without a place to compare were
    # 1.7M at 1M people and made 58 links)
    Join(f"{SWAPPED_YEAR} AND l.address = r.address"), Join(f"{SWAPPED_YEAR} AND l.postcode = r.postcode"),
    Join(f"{SWAPPED_YEAR} AND l.dob = r.dob"),
    *_place_agrees(NAMES_YEAR_MONTH, postcode=False),
    Join(NAMES_DAY_MONTH_SWAPPED),
)

# Broad rules on one bounded key catch what the paired rules miss (a date of birth and a name both wrong,
# a whole name replaced at another postcode, both names kept while the date of birth was replaced and the
# postcode mistyped). They are used only while they stay within a budget of pairs per description
# (`LinkageSettings.broad_block_pairs_per_description`): a small council or FEBRL gets them, a county of
# 1M does not (there they make 60-200 pairs per description; names alone 724 at 100k). One name at the same
# house number with two different postcodes catches a person whose postcode and date of birth were both
# keyed wrong, and the other name too (a typo, or replaced); with the postcode the same or unknown the paired
# rules already pair such records, and there these rules only added brothers (WILLIAM and LIAM MOORE, one
# house, born two years apart, merged on our 20k county). Their budget is counted on the two keys alone.
HOUSE_NUMBER = "nullif(address_number, '')"  # the place key (`model.PLACE_KEYS`): '' when the line has none
# The first word of the street after the house number (59 PEPPIN PACE EAGLEHAWK: PEPPIN): with the house number,
# a broad rule pairing one place written with both names and the postcode keyed wrong (names swapped, a postcode
# slip: no other rule pairs them; FEBRL3 8 of its 24 description pairs never a candidate). Two postcodes, as
# the house-number rules: within one postcode the paired rules pair what should be (here, siblings at one
# house merged on our 20k hard county).
STREET_WORD = r"nullif(regexp_extract({s}address, '^(FLAT \S+ )?[0-9]+[A-Z]? (\S+)', 2), '')"
BROAD_RULES: dict[str, tuple[str, ...]] = {
    "l.dob = r.dob": ("dob",),
    "l.postcode = r.postcode": ("postcode",),
    "l.first_name = r.first_name AND l.last_name = r.last_name AND l.district = r.district":
        ("first_name", "last_name", "district"),
    "l.first_name = r.first_name AND l.last_name = r.last_name": ("first_name", "last_name"),
    **{f"l.{name} = r.{name} AND nullif(l.address_number, '') = nullif(r.address_number, '') "
       "AND l.postcode <> r.postcode": (name, HOUSE_NUMBER) for name in ("last_name", "first_name")},
    f"{HOUSE_NUMBER.replace('address', 'l.address')} = {HOUSE_NUMBER.replace('address', 'r.address')} "
    f"AND {STREET_WORD.format(s='l.')} = {STREET_WORD.format(s='r.')} AND l.postcode <> r.postcode":
        (HOUSE_NUMBER, STREET_WORD.format(s="")),
}


def block_pairs(con: duckdb.DuckDBPyConnection, table: str, keys: tuple[str, ...]) -> int:
    """How many pairs blocking `table` on equal `keys` (all known) makes, from group sizes (no join)."""
    known = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    return con.execute(
        f"SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM "
        f"(SELECT count(*) AS c FROM {table} WHERE {known} GROUP BY {', '.join(keys)})"
    ).fetchall()[0][0]


def broad_rules(con: duckdb.DuckDBPyConnection, table: str, budget: float) -> list[str]:
    """The broad rules whose pairs stay within `budget` per description of `table`."""
    n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return [rule for rule, keys in BROAD_RULES.items() if block_pairs(con, table, keys) <= budget * n]


def similar_names(con: duckdb.DuckDBPyConnection, table: str, column: str, out: str) -> None:
    """`out(a, b)`: distinct names of `column` one typing slip apart (they share a one-letter deletion:
    a changed, dropped, added or swapped letter) with jaro-winkler >= 0.8, both orders.

    Works on the distinct names (thousands), not on pairs of descriptions.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        WITH names AS (SELECT DISTINCT {column} AS name FROM {table} WHERE {column} IS NOT NULL),
        variants AS (
            SELECT name, name AS variant FROM names
            UNION ALL
            SELECT name, substr(name, 1, i - 1) || substr(name, i + 1)
            FROM names, range(1, length(name) + 1) AS t(i)
        )
        SELECT DISTINCT x.name AS a, y.name AS b FROM variants x JOIN variants y USING (variant)
        WHERE x.name <> y.name AND jaro_winkler_similarity(x.name, y.name) >= 0.8
        """
    )


def blocked_pairs(con: duckdb.DuckDBPyConnection, table: str, broad: list[str], out: str) -> int:
    """Create `out(join_key_l, join_key_r)`: every distinct pair `JOINS` and the `broad` rules make
    (join_key_l < join_key_r, the layout Splink scores); returns how many.

    A union of joins rather than Splink's own blocking, which excludes a later rule's pairs by
    re-evaluating every earlier rule's whole condition on each of its candidates.
    """
    similar_names(con, table, "first_name", "similar_first_names")
    similar_names(con, table, "last_name", "similar_last_names")
    joins = [*JOINS, *(Join(rule) for rule in broad)]
    union = "\nUNION ALL\n".join(join.select(table) for join in joins)
    # One BIGINT per pair makes the DISTINCT over the joins' repeats cheaper than two columns.
    low, high = con.execute(
        f"SELECT coalesce(min(unique_id), 0), coalesce(max(unique_id), 0) FROM {table}"
    ).fetchall()[0]
    if 0 <= low and high < 2**31:
        con.execute(
            f"CREATE OR REPLACE TABLE {out} AS SELECT k >> 32 AS join_key_l, k & 4294967295 AS join_key_r "
            f"FROM (SELECT DISTINCT (l << 32) | r AS k FROM ({union}) AS p(l, r))"
        )
    else:
        con.execute(
            f"CREATE OR REPLACE TABLE {out} AS SELECT DISTINCT * FROM ({union}) AS p(join_key_l, join_key_r)"
        )
    return con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0]

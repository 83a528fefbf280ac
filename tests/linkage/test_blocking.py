"""Blocking: the hash joins that make candidate pairs say what the rules say.

The rules (`blocking.RULES`) are conditions over a pair; `blocking.JOINS` makes their pairs by equality
joins, with one documented narrowing: names only jaro-winkler-similar count as near when they are one
typing slip apart, and one surname inside another no longer counts on its own. Checked on random
descriptions drawn from tiny pools, so every rule and every null case fires many times.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb

from linkage.builders import make_records, record
from priority_families.linkage import blocking, prepare

FIRST = ["JOHN", "JON", "JOHNNY", "JACK", "MARY", "MARIE", "MAIRY", "SARAH", "SARA", "BILL", "WILLIAM",
         "OKAFOR"]
LAST = ["SMITH", "SMYTH", "SMITHJONES", "JONES", "OKAFOR", "OKAFRO", "JOHN", "MARY"]
STREETS = ["1 HIGH ST", "2 HIGH ST", "1 LOW RD"]
POSTCODES = ["NG1 1AA", "NG1 1AB", "NG2 2BB"]


def _random_records(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    base = date(1980, 3, 12)
    rows = []
    for _ in range(n):
        dob = base + timedelta(days=rng.choice([0, 0, 1, 31, 365, 366, 3650, -1]))
        if rng.random() < 0.1:
            dob = date(dob.year, dob.day, dob.month) if dob.day <= 12 else dob
        rows.append(record(
            rng.choice(FIRST + [None]), rng.choice(LAST + [None]),
            None if rng.random() < 0.15 else dob.isoformat(),
            postcode=None if rng.random() < 0.2 else rng.choice(POSTCODES),
            address=None if rng.random() < 0.2 else rng.choice(STREETS),
        ))
    return rows


def _pairs(con: duckdb.DuckDBPyConnection, condition: str) -> set[tuple[int, int]]:
    """Pairs (l < r) meeting `condition` read either way round."""
    swapped = condition.replace("l.", "x.").replace("r.", "l.").replace("x.", "r.")
    rows = con.execute(
        f"SELECT l.unique_id, r.unique_id FROM link_descriptions l JOIN link_descriptions r "
        f"ON l.unique_id < r.unique_id WHERE coalesce({condition}, false) OR coalesce({swapped}, false)"
    ).fetchall()
    return set(rows)


def _descriptions(seed: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    make_records(con, _random_records(400, seed))
    prepare.describe_records(con)
    return con


def test_joins_make_the_rules_pairs_with_names_one_slip_apart() -> None:
    for seed in (1, 2):
        con = _descriptions(seed)
        blocking.blocked_pairs(con, "link_descriptions", [], "blocked")
        made = set(con.execute("SELECT join_key_l, join_key_r FROM blocked").fetchall())
        assert made, "no pairs at all"
        assert all(left < right for left, right in made)
        every_rule = " OR ".join(f"({rule})" for rule in blocking.RULES)
        assert made <= _pairs(con, every_rule), "a join made a pair no rule allows"
        one_slip = ("damerau_levenshtein({a}, {b}) <= 1 AND jaro_winkler_similarity({a}, {b}) >= 0.8")
        narrowed = (every_rule
                    .replace("jaro_winkler_similarity(l.first_name, r.first_name) >= 0.8",
                             one_slip.format(a="l.first_name", b="r.first_name"))
                    .replace("jaro_winkler_similarity(l.last_name, r.last_name) >= 0.8",
                             one_slip.format(a="l.last_name", b="r.last_name"))
                    .replace("OR contains(l.last_name, r.last_name) "
                             "OR contains(r.last_name, l.last_name) ", ""))
        assert narrowed != every_rule
        missing = _pairs(con, narrowed) - made
        assert not missing, f"{len(missing)} pairs the rules make were not joined, e.g. {sorted(missing)[:3]}"


def test_broad_rules_are_added_whole() -> None:
    con = _descriptions(3)
    blocking.blocked_pairs(con, "link_descriptions", ["l.dob = r.dob"], "blocked")
    made = set(con.execute("SELECT join_key_l, join_key_r FROM blocked").fetchall())
    assert _pairs(con, "l.dob = r.dob") <= made


def test_scoring_in_chunks_gives_the_same_pairs_and_persons() -> None:
    from priority_families.linkage import LinkageSettings, link_records

    def linked(settings: LinkageSettings) -> tuple[set, set]:
        con = duckdb.connect()
        make_records(con, _random_records(400, 4))
        link_records(con, date(2015, 8, 31), settings)
        pairs = set(con.execute("SELECT record_key_l, record_key_r, round(match_probability, 9), route "
                                "FROM link_pairs").fetchall())
        persons = set(con.execute("SELECT string_agg(record_key::VARCHAR, ',' ORDER BY record_key) "
                                  "FROM record_person GROUP BY person_id").fetchall())
        return pairs, persons

    whole = linked(LinkageSettings())
    chunked = linked(LinkageSettings(pairs_per_chunk=500))
    assert len(whole[0]) > 1000, "too few pairs for several chunks"
    assert chunked == whole

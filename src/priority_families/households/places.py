"""Every address a record carries resolved to a place, with a status and a score (issue 14).

Partners write one place many ways, and some ways name no place by themselves. Resolution works on the
distinct address descriptions `(uprn, postcode_std, address_std, flat, house_number)` of `records`, then on
each record (a person's own other records can settle what the description alone cannot):

1. *Anchored* descriptions name a place by themselves: a UPRN (`U<uprn>`), or a postcode and a house
   number (key postcode + house number + flat: "3/12 HIGH ST" and "FLAT 3 12 HIGH ST" agree, flats 3 and
   4 of number 12 stay apart). A description joins its key's commonest description when its street is
   similar (jaro-winkler >= 0.85, a typo), and takes that group's commonest UPRN if it has one. A line
   with a postcode and no house number that is not a street of numbered places there is a named house:
   its own place. With a gazetteer (`households.gazetteer`), descriptions it matches take its UPRN.
2. *Partial* descriptions do not: no postcode and no UPRN, or the street alone. Their candidates are
   anchored places with the same house number and flat and a similar street of the same kind (and the
   same postcode when one is written; `gazetteer.street_similarity`: STATION RD is not STATION ST). One
   candidate: `fuzzy`. Several, or the street alone: the person's own records, then their postcodes, then
   the places of people of their surname, then of relatives whose double-barrelled surname holds theirs,
   decide, when they leave exactly one (`inferred`, `_choose_partial`; `place_evidence` says which).
   Still several: nothing is guessed, the record goes to `place_review` and stays `unresolved`, without a
   place. None: a line with a house number is a place of its own, `unresolved`; the street alone is no
   place. Without a gazetteer, a line that fits one seen place also fits the unseen house of its number
   where its street is seen in another postcode district reaching that number (`_possible_places_elsewhere`).

Statuses: `exact` (the description names the place as written), `fuzzy` (by similarity: score is the
street similarity), `inferred` (by the person's own records or their family's: `place_evidence` says
which), `unresolved`. Place ids are derived from what the place is (UPRN, or a hash of postcode + house
number + flat), never from row order, so a place keeps its id across refreshes.
"""

from __future__ import annotations

from enum import StrEnum

import duckdb

from priority_families.core.sql import has_table
from priority_families.households.gazetteer import (
    LETTERS,
    SHORT_WORD,
    match_gazetteer,
    named_street,
    street_similarity,
)

STREET_SIMILARITY = 0.85
SURNAME_SIMILARITY = 0.9  # a surname written with a slip still names the family (house-numbered lines only)
_STREET = named_street("regexp_replace(address_std, '^(FLAT [0-9A-Z]+ )?([0-9]+[A-Z]? )?', '')")
DESCRIPTION_COLUMNS = ("uprn", "postcode_std", "address_std", "flat", "house_number")
_WORKING_TABLES = ("record_description", "partial_record", "partial_global", "place_resident", "partial_fits",
                   "street_alone_ambiguous", "partial_choice", "partial_candidate", "gazetteer_scored", "gazetteer_match", "gazetteer_candidates")


class PlaceStatus(StrEnum):
    """How an address was resolved to its place (`record_place.place_status`)."""

    EXACT = "exact"
    FUZZY = "fuzzy"
    INFERRED = "inferred"
    UNRESOLVED = "unresolved"


def surname_part(a: str, b: str) -> str:
    """SQL: surname `a` is the start or the end of `b` or the reverse (a child registered WOOD or SMITH in a
    WOOD-SMITH family: ingest drops the hyphen, so WOODSMITH or WOOD SMITH). A part of two letters or fewer
    never counts (an initial is no surname). Weaker evidence than the same surname (HALL is the end of
    MARSHALL), so it is a tier of its own, after it (`_choose_partial`)."""
    compact_a, compact_b = (f"replace({x}, ' ', '')" for x in (a, b))
    part = (f"starts_with({compact_b}, {compact_a}) OR ends_with({compact_b}, {compact_a}) "
            f"OR starts_with({compact_a}, {compact_b}) OR ends_with({compact_a}, {compact_b})")
    return f"(length({compact_a}) >= 3 AND length({compact_b}) >= 3 AND ({part}))"


def same_description(a: str, b: str) -> str:
    """SQL: descriptions `a` and `b` are the same (NULL parts equal)."""
    return " AND ".join(f"{a}.{c} IS NOT DISTINCT FROM {b}.{c}" for c in DESCRIPTION_COLUMNS)


def resolve_places(con: duckdb.DuckDBPyConnection) -> int:
    """Create TEMP `address_place` (per description: place_id, place_status, place_score), TABLE
    `record_place(record_key, place_id, place_status, place_score, place_evidence)` and TABLE
    `place_review`; return the number of places."""
    _describe(con)
    _anchor(con)
    gazetteer = has_table(con, "gazetteer")
    if gazetteer:
        match_gazetteer(con)
        _name_by_gazetteer(con)
    _partial_candidates(con, gazetteer)
    if not gazetteer:
        _possible_places_elsewhere(con)
    _resolve_records(con)
    for table in _WORKING_TABLES:  # free the working tables: at a million people they hold millions of rows
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return con.execute("SELECT count(DISTINCT place_id) FROM record_place").fetchall()[0][0]


def _describe(con: duckdb.DuckDBPyConnection) -> None:
    """`place_descriptions`: each distinct description, its street, records and kind (anchored, partial)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE place_descriptions AS
        WITH d AS (
            SELECT row_number() OVER (ORDER BY address_std, postcode_std, uprn, flat, house_number) AS description, *
            FROM (SELECT uprn, postcode_std, address_std, flat, house_number, {_STREET} AS street, count(*) AS n
                  FROM records WHERE address_std IS NOT NULL GROUP BY ALL)
        ),
        numbered_street AS (
            SELECT DISTINCT postcode_std, street FROM d WHERE postcode_std IS NOT NULL AND house_number IS NOT NULL
        ),
        street_only AS (
            SELECT DISTINCT d.description FROM d JOIN numbered_street s
                ON s.postcode_std = d.postcode_std
                OR (d.postcode_std IS NULL AND left(s.street, 2) = left(d.street, 2))
            WHERE d.house_number IS NULL AND d.uprn IS NULL
              AND {street_similarity('d.street', 's.street')} >= {STREET_SIMILARITY}
        )
        SELECT d.*, (d.uprn IS NOT NULL OR (d.postcode_std IS NOT NULL AND s.description IS NULL)) AS anchored,
               s.description IS NOT NULL AS street_alone
        FROM d LEFT JOIN street_only s USING (description)
        """
    )


def _anchor(con: duckdb.DuckDBPyConnection) -> None:
    """`address_place` for the anchored descriptions (module docstring, step 1)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE address_place AS
        WITH descriptions AS (
            SELECT *, CASE WHEN house_number IS NOT NULL AND postcode_std IS NOT NULL
                           THEN postcode_std || '|' || house_number || '|' || coalesce(flat, '')
                           ELSE coalesce(postcode_std, '') || '|' || address_std END AS place_key
            FROM place_descriptions WHERE anchored
        ),
        representative AS (
            SELECT place_key, first(address_std ORDER BY total DESC, address_std) AS rep_address FROM (
                SELECT place_key, address_std, sum(n) AS total FROM descriptions GROUP BY ALL
            ) GROUP BY place_key
        ),
        joined AS (
            SELECT d.*, jaro_winkler_similarity({named_street('d.address_std')}, {named_street('r.rep_address')})
                       AS similarity,
                   (d.address_std = r.rep_address OR similarity >= {STREET_SIMILARITY}) AS with_rep
            FROM descriptions d JOIN representative r USING (place_key)
        ),
        keyed AS (
            SELECT *, CASE WHEN with_rep THEN place_key ELSE place_key || '|' || address_std END AS group_key
            FROM joined
        ),
        group_uprn AS (
            SELECT group_key, first(uprn ORDER BY total DESC, uprn) AS group_uprn FROM (
                SELECT group_key, uprn, sum(n) AS total FROM keyed WHERE uprn IS NOT NULL GROUP BY ALL
            ) GROUP BY group_key
        )
        SELECT k.description, k.uprn, k.postcode_std, k.address_std, k.flat, k.house_number, k.street,
               CASE WHEN k.uprn IS NOT NULL THEN 'U' || k.uprn
                    WHEN g.group_uprn IS NOT NULL THEN 'U' || g.group_uprn
                    ELSE 'A' || substr(md5(k.group_key), 1, 16) END AS place_id,
               CASE WHEN k.uprn IS NOT NULL OR k.similarity = 1 OR NOT k.with_rep THEN 'exact' ELSE 'fuzzy' END
                   AS place_status,
               CASE WHEN k.uprn IS NOT NULL OR NOT k.with_rep THEN 1.0 ELSE k.similarity END AS place_score
        FROM keyed k LEFT JOIN group_uprn g USING (group_key)
        """
    )
    # A UPRN written on a line without its postcode names the place of that line elsewhere, when the line
    # is known in one postcode only.
    con.execute(
        """
        UPDATE address_place SET place_id = u.place_id FROM (
            SELECT a.place_id AS old_place, 'U' || any_value(b.uprn) AS place_id
            FROM address_place a
            JOIN address_place b ON b.address_std = a.address_std AND b.uprn IS NOT NULL AND b.postcode_std IS NULL
            WHERE a.place_id LIKE 'A%' AND a.address_std IN (
                SELECT address_std FROM address_place WHERE postcode_std IS NOT NULL
                GROUP BY address_std HAVING count(DISTINCT postcode_std) = 1)
            GROUP BY a.place_id HAVING count(DISTINCT b.uprn) = 1
        ) u
        WHERE address_place.place_id = u.old_place
        """
    )


def _name_by_gazetteer(con: duckdb.DuckDBPyConnection) -> None:
    """Anchored places the gazetteer names take its UPRN: a place whose matched descriptions name one UPRN
    becomes `U<uprn>` whole, and each matched description takes its match's status and score."""
    con.execute(
        """
        UPDATE address_place SET place_id = u.place_id FROM (
            SELECT a.place_id AS old_place, any_value(m.place_id) AS place_id
            FROM address_place a JOIN gazetteer_match m USING (description)
            WHERE a.place_id LIKE 'A%' GROUP BY a.place_id HAVING count(DISTINCT m.place_id) = 1
        ) u
        WHERE address_place.place_id = u.old_place
        """
    )
    con.execute(
        """
        UPDATE address_place SET place_id = m.place_id, place_status = m.place_status, place_score = m.place_score
        FROM gazetteer_match m WHERE address_place.description = m.description
        """
    )


def _partial_candidates(con: duckdb.DuckDBPyConnection, gazetteer: bool) -> None:
    """`partial_candidate(description, place_id, score)`: the anchored places a partial description with a
    house number fits (same house number and flat, a similar street, the same postcode when written).

    Blocked on the street's first three letters or the last three of its first word (one slip rarely
    changes both), a short name's first letter, or the sorted letters of the first word (two letters
    swapped), so the join stays small at a million people.
    """
    known = "(SELECT DISTINCT place_id, postcode_std, house_number, flat, street FROM address_place)"
    blocks = []
    short = f"(CASE WHEN {SHORT_WORD} THEN left({{a}}.street, 1) END)"
    for block in ("left({a}.street, 3)", "right(split_part({a}.street, ' ', 1), 3)", short, LETTERS):
        blocks.append(
            f"""SELECT d.description, k.place_id, {street_similarity('d.street', 'k.street')} AS score
                FROM place_descriptions d JOIN {known} k
                  ON k.house_number = d.house_number AND k.flat IS NOT DISTINCT FROM d.flat
                 AND {block.format(a='k')} = {block.format(a='d')}
                WHERE NOT d.anchored AND d.house_number IS NOT NULL
                  AND (d.postcode_std IS NULL OR k.postcode_std = d.postcode_std)
                  AND {street_similarity('d.street', 'k.street')} >= {STREET_SIMILARITY}"""
        )
    if gazetteer:  # the gazetteer's match, or its candidates within the margin, instead of the seen places
        blocks = [
            """SELECT description, place_id, place_score AS score FROM gazetteer_match
               UNION ALL SELECT description, place_id, score FROM gazetteer_candidates""",
            (f"SELECT * FROM ({' UNION ALL '.join(blocks)}) "
             "WHERE description NOT IN (SELECT description FROM gazetteer_match UNION SELECT description "
             "FROM gazetteer_candidates)"),
        ]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE partial_candidate AS
        SELECT description, place_id, max(score) AS score FROM ({' UNION ALL '.join(blocks)})
        WHERE description IN (SELECT description FROM place_descriptions WHERE NOT anchored)
        GROUP BY ALL
        """
    )


def _possible_places_elsewhere(con: duckdb.DuckDBPyConnection) -> None:
    """Without a gazetteer, add to `partial_candidate` the places a line without postcode may name that
    nobody's records name: "27 STATION CRES" fits the one 27 Station Crescent seen, but when Station
    Crescent is also seen in another postcode district with house numbers up to 27 or beyond (or, for a flat,
    with flats in the same house number), that town's number 27 exists too, unseen. Such a line fits two
    places, so the person's own evidence decides or it goes to review (`_choose_partial`), as it would with a
    gazetteer; a possible place (`S<hash>`) has no residents, so no tier ever chooses it."""
    number = "TRY_CAST(regexp_extract({a}.house_number, '^[0-9]+') AS INTEGER)"
    con.execute(
        f"""
        INSERT INTO partial_candidate
        WITH one_fit AS (
            SELECT description FROM partial_candidate GROUP BY description HAVING count(*) = 1
        ),
        fitted AS (  -- the seen place the line fits, its street and district
            SELECT DISTINCT c.description, d.house_number, d.flat, k.street,
                   split_part(k.postcode_std, ' ', 1) AS district
            FROM partial_candidate c JOIN one_fit USING (description)
            JOIN place_descriptions d USING (description)
            JOIN address_place k ON k.place_id = c.place_id
            WHERE d.postcode_std IS NULL AND d.house_number IS NOT NULL AND k.postcode_std IS NOT NULL
        ),
        seen AS (
            SELECT street, split_part(postcode_std, ' ', 1) AS district, house_number, flat,
                   {number.format(a='address_place')} AS n
            FROM address_place WHERE postcode_std IS NOT NULL AND house_number IS NOT NULL
        ),
        street_top AS (SELECT street, district, max(n) AS top FROM seen GROUP BY ALL),
        flat_houses AS (SELECT DISTINCT street, district, house_number FROM seen WHERE flat IS NOT NULL),
        elsewhere AS (  -- a house: the street reaches its number there; a flat: that house has flats there
            SELECT f.description, s.district, f.street, f.house_number, f.flat
            FROM fitted f JOIN street_top s ON s.street = f.street AND s.district <> f.district
            WHERE f.flat IS NULL AND s.top >= {number.format(a='f')}
            UNION ALL
            SELECT f.description, s.district, f.street, f.house_number, f.flat
            FROM fitted f JOIN flat_houses s
                ON s.street = f.street AND s.house_number = f.house_number AND s.district <> f.district
            WHERE f.flat IS NOT NULL
        )
        SELECT DISTINCT description,
               'S' || substr(md5(district || '|' || street || '|' || house_number || '|' || coalesce(flat, '')), 1, 16),
               0.0
        FROM elsewhere
        """
    )


def _resolve_records(con: duckdb.DuckDBPyConnection) -> None:
    """`record_place` and `place_review` (module docstring, step 2)."""
    linked = has_table(con, "record_person")
    person = "rp.person_id" if linked else "NULL::VARCHAR"
    join_person = "LEFT JOIN record_person rp USING (record_key)" if linked else ""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE record_description AS
        SELECT r.record_key, {person} AS person_id, d.description, d.anchored, d.street_alone, d.street, d.postcode_std,
               d.address_std, d.house_number, d.flat
        FROM records r {join_person}
        JOIN place_descriptions d ON {same_description('d', 'r')}
        """
    )
    _choose_partial(con)
    con.execute(
        """
        CREATE OR REPLACE TABLE record_place AS
        SELECT rd.record_key,
               CASE WHEN rd.anchored THEN a.place_id WHEN c.place_id IS NOT NULL THEN c.place_id
                    WHEN rd.street_alone OR rd.record_key IN (SELECT record_key FROM place_review) THEN NULL
                    ELSE 'A' || substr(md5(coalesce(rd.postcode_std, '') || '|' || rd.address_std), 1, 16)
               END AS place_id,
               CASE WHEN rd.anchored THEN a.place_status ELSE coalesce(c.place_status, 'unresolved') END
                   AS place_status,
               CASE WHEN rd.anchored THEN a.place_score ELSE coalesce(c.score, 0.0) END AS place_score,
               CASE WHEN rd.anchored THEN NULL ELSE c.place_evidence END AS place_evidence
        FROM record_description rd
        LEFT JOIN address_place a USING (description)
        LEFT JOIN partial_choice c USING (record_key)
        ORDER BY rd.record_key
        """
    )
    # Partial descriptions in `address_place` too, with what the description alone says.
    con.execute(
        """
        INSERT INTO address_place
        SELECT d.description, d.uprn, d.postcode_std, d.address_std, d.flat, d.house_number, d.street,
               CASE WHEN c.n = 1 THEN c.place_id WHEN c.n > 1 OR d.street_alone THEN NULL
                    ELSE 'A' || substr(md5(coalesce(d.postcode_std, '') || '|' || d.address_std), 1, 16) END,
               CASE WHEN c.n = 1 THEN 'fuzzy' ELSE 'unresolved' END, coalesce(c.score, 0.0)
        FROM place_descriptions d
        LEFT JOIN (SELECT description, count(*) AS n, any_value(place_id) AS place_id, max(score) AS score
                   FROM partial_candidate GROUP BY description) c USING (description)
        WHERE NOT d.anchored
        """
    )


def _choose_partial(con: duckdb.DuckDBPyConnection) -> None:
    """`partial_choice(record_key, place_id, score, place_status)` for the records with a partial
    description that fits one place, and `place_review` for those that fit several.

    A description that fits one place is `fuzzy`. Otherwise the evidence of the record's person decides,
    in this order, the first that offers any candidate: (1) the places of the person's own other records
    that fit; (2) the fitting places in a postcode the person's own records carry (a move along the
    street); (3) the fitting places where someone of the person's surname lives (their family's records
    say where; with a house number written, a surname with a slip counts too); (4) among the places the
    line fits, those where a relative lives whose double-barrelled surname holds the person's, or the
    reverse (`surname_part`). One candidate: `inferred`, with the tier as `place_evidence`. Several:
    review. None: review too (the line fits several places and nothing of the person's tells them apart).
    """
    persons = has_table(con, "persons")
    surname = "pe.last_name" if persons else "NULL::VARCHAR"
    join_surname = "LEFT JOIN persons pe USING (person_id)" if persons else ""
    gazetteer_postcodes = (
        "UNION SELECT 'U' || uprn, postcode_std FROM gazetteer WHERE postcode_std IS NOT NULL"
        if has_table(con, "gazetteer") else "")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE partial_record AS
        SELECT rd.*, {surname} AS last_name FROM record_description rd {join_surname} WHERE NOT rd.anchored
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE partial_global AS
        SELECT p.record_key, c.place_id, c.score, count(*) OVER (PARTITION BY p.record_key) AS n
        FROM partial_record p JOIN partial_candidate c USING (description)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE place_resident AS
        SELECT DISTINCT rd.person_id, {surname} AS last_name, a.place_id, a.street, a.house_number, a.flat,
               a.postcode_std
        FROM record_description rd JOIN address_place a USING (description) {join_surname}
        WHERE rd.anchored AND rd.person_id IS NOT NULL
        """
    )
    fit = f"""{street_similarity('p.street', 'r.street')} >= {STREET_SIMILARITY}
              AND (p.house_number IS NULL OR (r.house_number = p.house_number AND r.flat IS NOT DISTINCT FROM p.flat))
              AND (p.postcode_std IS NULL OR r.postcode_std = p.postcode_std)"""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE partial_fits AS
        WITH fits AS (
            SELECT p.record_key, r.place_id, 1 AS tier, {street_similarity('p.street', 'r.street')} AS score
            FROM partial_record p JOIN place_resident r USING (person_id) WHERE {fit}
            UNION ALL
            SELECT p.record_key, r.place_id, 3, {street_similarity('p.street', 'r.street')}
            FROM partial_record p JOIN place_resident r
                ON r.last_name = p.last_name AND left(r.street, 2) = left(p.street, 2)
            WHERE r.person_id <> p.person_id AND p.house_number IS NULL AND {fit}
            UNION ALL
            SELECT p.record_key, r.place_id, 3, {street_similarity('p.street', 'r.street')}
            FROM partial_record p JOIN place_resident r
                ON r.house_number = p.house_number AND r.flat IS NOT DISTINCT FROM p.flat
               AND left(r.street, 2) = left(p.street, 2) AND left(r.last_name, 1) = left(p.last_name, 1)
            WHERE r.person_id <> p.person_id AND jaro_winkler_similarity(r.last_name, p.last_name) >= {SURNAME_SIMILARITY}
              AND {fit}
            UNION ALL  -- among the people at one of the places the line fits, one of the same surname (3) or
                       -- whose double-barrelled surname holds the person's, or the reverse (4)
            SELECT g.record_key, g.place_id,
                   CASE WHEN jaro_winkler_similarity(r.last_name, p.last_name) >= {SURNAME_SIMILARITY} THEN 3 ELSE 4 END,
                   g.score
            FROM partial_global g JOIN partial_record p USING (record_key)
            JOIN place_resident r ON r.place_id = g.place_id
            WHERE g.n > 1 AND r.person_id <> p.person_id
              AND (jaro_winkler_similarity(r.last_name, p.last_name) >= {SURNAME_SIMILARITY}
                   OR {surname_part('p.last_name', 'r.last_name')})
        ),
        global_n AS (SELECT record_key, any_value(n) AS n FROM partial_global GROUP BY record_key),
        kept AS (  -- where the description fits several places, the person's evidence chooses among them
            SELECT f.record_key, f.place_id, f.tier, max(f.score) AS score
            FROM fits f LEFT JOIN global_n gn USING (record_key)
            LEFT JOIN partial_global g ON g.record_key = f.record_key AND g.place_id = f.place_id
            WHERE gn.n IS NULL OR (gn.n > 1 AND g.record_key IS NOT NULL)
            GROUP BY ALL
        ),
        own_postcode AS (
            SELECT DISTINCT p.record_key, g.place_id, 2 AS tier, g.score
            FROM partial_global g JOIN partial_record p USING (record_key)
            JOIN (SELECT DISTINCT person_id, postcode_std FROM place_resident WHERE postcode_std IS NOT NULL) o
                USING (person_id)
            JOIN (SELECT DISTINCT place_id, postcode_std FROM address_place WHERE postcode_std IS NOT NULL
                  {gazetteer_postcodes}) pp ON pp.place_id = g.place_id AND pp.postcode_std = o.postcode_std
            WHERE g.n > 1
        ),
        first_tier AS (
            SELECT * FROM (SELECT * FROM kept UNION ALL SELECT * FROM own_postcode)
            QUALIFY tier = min(tier) OVER (PARTITION BY record_key)
        )
        SELECT record_key, place_id, score, 'fuzzy' AS kind, n, 'one place fits' AS evidence FROM partial_global
        UNION ALL
        SELECT record_key, place_id, max(score), 'inferred', count(*) OVER (PARTITION BY record_key),
               CASE min(tier) WHEN 1 THEN 'own records' WHEN 2 THEN 'own postcode' WHEN 3 THEN 'family at the place'
                              ELSE 'relative at the place' END
        FROM first_tier GROUP BY record_key, place_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE partial_choice AS
        SELECT record_key, place_id, score, kind AS place_status, evidence AS place_evidence FROM partial_fits
        WHERE n = 1
        """
    )
    street_alone_ambiguous = _street_alone_beside_resolved_lines(con)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE place_review AS
        SELECT * FROM (
            SELECT rd.record_key, rd.person_id, rd.address_std, rd.postcode_std,
                   list_sort(list_distinct(list(f.place_id))) AS candidates,
                   'fits ' || count(DISTINCT f.place_id) || ' places' AS reason
            FROM partial_fits f JOIN record_description rd USING (record_key)
            WHERE f.n > 1 AND f.record_key NOT IN (SELECT record_key FROM partial_choice)
            GROUP BY ALL
            UNION ALL {street_alone_ambiguous}
        ) ORDER BY record_key
        """
    )


def _street_alone_beside_resolved_lines(con: duckdb.DuckDBPyConnection) -> str:
    """Take back the street alone's `own records` choice when the person's other partial lines resolved to
    another place on that street (a family that moved next door writes "24 LARCH RD" without postcode,
    resolved by their postcode, then "LARCH RD": their anchored records know only number 23, and the line
    fits both). Returns the SELECT of their `place_review` rows (the places on the street they hold)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE street_alone_ambiguous AS
        SELECT p.record_key, p.person_id, p.address_std, p.postcode_std,
               list_sort(list_distinct(list(c2.place_id) || [any_value(c.place_id)])) AS candidates,
               'the street alone: the person has ' || (count(DISTINCT c2.place_id) + 1) || ' places on it' AS reason
        FROM partial_choice c JOIN partial_record p USING (record_key)
        JOIN partial_record p2 ON p2.person_id = p.person_id AND p2.record_key <> p.record_key
        JOIN partial_choice c2 ON c2.record_key = p2.record_key
        WHERE p.house_number IS NULL AND p2.house_number IS NOT NULL AND c2.place_id <> c.place_id
          AND {street_similarity('p.street', 'p2.street')} >= {STREET_SIMILARITY}
        GROUP BY ALL
        """
    )
    con.execute("DELETE FROM partial_choice WHERE record_key IN (SELECT record_key FROM street_alone_ambiguous)")
    return "SELECT * FROM street_alone_ambiguous"

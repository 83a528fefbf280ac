"""Households and families from resolved persons (rules.md, "People, households, families").

A person's current address (chosen in `persons` by linkage) is resolved to a *place*, because partners
write the same place several ways. Places are built from every address description in `records`:

- a description with a UPRN is the place `U<uprn>` (same UPRN = same place);
- a description without one is keyed by postcode + house number + flat (so "3/12 HIGH ST" and
  "FLAT 3 12 HIGH ST" agree, and flats 3 and 4 of number 12 stay apart), and joins the key's most
  common description when its line is similar (jaro-winkler >= 0.85, tolerating a typo) — if that
  group has a UPRN'd description, it takes the commonest UPRN there; otherwise its place is the key;
- a description without a house number is keyed by its whole normalised line + postcode;
- a description without a postcode (or UPRN) takes the place its line names elsewhere, if exactly one;
  a UPRN written without a postcode gives its UPRN to that line's place when the line has one postcode.

Households are people at the same place; a family is a household with a child (under 18 at as_of).
Family ids are kept across refreshes by `linkage.ids` (majority of members rule), so a family that moves
keeps its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from priority_families.linkage.ids import IdKind, assign_ids, ensure_lineage
from priority_families.linkage.previous import has_columns, previous_table

STREET_SIMILARITY = 0.85


@dataclass(frozen=True)
class HouseholdSummary:
    persons: int
    persons_without_address: int
    places: int
    households: int
    families: int
    family_members: int
    families_kept: int
    families_new: int


def resolve_places(con: duckdb.DuckDBPyConnection) -> int:
    """Create TEMP `address_place(uprn, postcode_std, address_std, flat, house_number, place_id)`."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE address_place AS
        WITH descriptions AS (
            SELECT uprn, postcode_std, address_std, flat, house_number, count(*) AS n,
                   CASE WHEN house_number IS NOT NULL AND postcode_std IS NOT NULL
                        THEN postcode_std || '|' || house_number || '|' || coalesce(flat, '')
                        ELSE coalesce(postcode_std, '') || '|' || address_std END AS place_key
            FROM records WHERE address_std IS NOT NULL
            GROUP BY ALL
        ),
        representative AS (
            SELECT place_key, first(address_std ORDER BY total DESC, address_std) AS rep_address FROM (
                SELECT place_key, address_std, sum(n) AS total FROM descriptions GROUP BY ALL
            ) GROUP BY place_key
        ),
        joined AS (
            SELECT d.*, (d.address_std = r.rep_address
                         OR jaro_winkler_similarity(d.address_std, r.rep_address) >= {STREET_SIMILARITY})
                        AS with_rep
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
        SELECT k.uprn, k.postcode_std, k.address_std, k.flat, k.house_number,
               CASE WHEN k.uprn IS NOT NULL THEN 'U' || k.uprn
                    WHEN g.group_uprn IS NOT NULL THEN 'U' || g.group_uprn
                    ELSE 'A' || substr(md5(k.group_key), 1, 16) END AS place_id
        FROM keyed k LEFT JOIN group_uprn g USING (group_key)
        """
    )
    # A line written without its postcode is the place that line names elsewhere, when it names one
    # place only (the same line in two postcodes stays apart).
    con.execute(
        """
        UPDATE address_place SET place_id = u.place_id FROM (
            SELECT address_std, any_value(place_id) AS place_id FROM address_place
            WHERE postcode_std IS NOT NULL GROUP BY address_std HAVING count(DISTINCT place_id) = 1
        ) u
        WHERE address_place.postcode_std IS NULL AND address_place.uprn IS NULL
          AND address_place.address_std = u.address_std
        """
    )
    # ... and a UPRN written on a line without its postcode names the place of that line elsewhere, when
    # the line is known in one postcode only.
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
    return con.execute("SELECT count(DISTINCT place_id) FROM address_place").fetchall()[0][0]


def build_households(con: duckdb.DuckDBPyConnection, as_of: date) -> HouseholdSummary:
    """Write `person_household`, `households`, `families`, `family_members`; fill `persons.place_id`."""
    _snapshot_previous_families(con)
    places = resolve_places(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE person_place AS
        SELECT p.person_id, a.place_id
        FROM persons p JOIN records r ON r.record_key = p.current_record_key
        JOIN address_place a ON a.uprn IS NOT DISTINCT FROM r.uprn
            AND a.postcode_std IS NOT DISTINCT FROM r.postcode_std AND a.address_std = r.address_std
            AND a.flat IS NOT DISTINCT FROM r.flat AND a.house_number IS NOT DISTINCT FROM r.house_number
        """
    )
    # Rewriting `persons` whole is cheaper than UPDATE of a million rows (MVCC keeps every updated row's
    # old version; on a table already on disk that took minutes at 1M people).
    con.execute(
        """
        CREATE OR REPLACE TABLE persons AS
        SELECT p.* REPLACE (pp.place_id AS place_id)
        FROM persons p LEFT JOIN person_place pp USING (person_id) ORDER BY p.person_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE households AS
        SELECT 'H' || lpad(CAST(row_number() OVER (ORDER BY place_id) AS VARCHAR), 7, '0') AS household_id,
               place_id, members
        FROM (SELECT place_id, count(*) AS members FROM person_place GROUP BY place_id)
        ORDER BY household_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE person_household AS
        SELECT pp.person_id, h.household_id FROM person_place pp JOIN households h USING (place_id)
        ORDER BY person_id
        """
    )
    _write_families(con, as_of)
    return _summary(con, places, as_of)


def _snapshot_previous_families(con: duckdb.DuckDBPyConnection) -> None:
    table = previous_table(con, "family_members")
    if table and has_columns(con, table, {"family_id", "person_id"}):
        select = f"SELECT family_id AS id, person_id AS member FROM {table}"
    else:
        select = "SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS member WHERE false"
    con.execute(f"CREATE OR REPLACE TEMP TABLE prev_family_members AS {select}")


def _write_families(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """A family is a household with at least one child: dob after as_of minus 18 years."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE family_groups AS
        WITH child AS (
            SELECT ph.household_id, count(*) FILTER (p.dob > CAST(? AS DATE) - INTERVAL 18 YEAR) AS children
            FROM person_household ph JOIN persons p USING (person_id) GROUP BY ph.household_id
        )
        SELECT ph.household_id AS group_key, ph.person_id AS member, c.children
        FROM person_household ph JOIN child c USING (household_id) WHERE c.children > 0
        """,
        [as_of],
    )
    ensure_lineage(con, previous_table(con, "id_lineage"))
    assign_ids(con, IdKind.FAMILY, "family_groups", "prev_family_members", as_of, "family_ids")
    con.execute(
        """
        CREATE OR REPLACE TABLE families AS
        SELECT i.id AS family_id, g.group_key AS household_id, count(*) AS members, any_value(g.children) AS children
        FROM family_groups g JOIN family_ids i USING (group_key)
        GROUP BY ALL ORDER BY family_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE family_members AS
        SELECT i.id AS family_id, g.member AS person_id
        FROM family_groups g JOIN family_ids i USING (group_key) ORDER BY family_id, person_id
        """
    )


def _summary(con: duckdb.DuckDBPyConnection, places: int, as_of: date) -> HouseholdSummary:
    row = con.execute(
        """
        SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM persons WHERE place_id IS NULL),
               (SELECT count(*) FROM households), (SELECT count(*) FROM families),
               (SELECT count(*) FROM family_members),
               (SELECT count(*) FROM id_lineage WHERE kind = 'family' AND as_of = ? AND change = 'kept'),
               (SELECT count(*) FROM id_lineage WHERE kind = 'family' AND as_of = ? AND change IN ('new', 'split'))
        """,
        [as_of, as_of],
    ).fetchall()[0]
    return HouseholdSummary(row[0], row[1], places, row[2], row[3], row[4], row[5], row[6])

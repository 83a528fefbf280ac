"""Households and families from resolved persons (rules.md, "People, households, families").

Every address a record carries is resolved to a *place* with a status and a score
(`households.places`: partners write one place many ways); a person's current place is their most recent
record whose address resolves (`_current_places`, rules.md "Current address").

Households are people at the same place; a family is a household with a child (under 18 at as_of).
Family ids are kept across refreshes by `linkage.ids` (majority of members rule), so a family that moves
keeps its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from priority_families.households.places import resolve_places
from priority_families.linkage.ids import IdKind, assign_ids, ensure_lineage
from priority_families.linkage.previous import has_columns, previous_table


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
    addresses_in_review: int = 0  # addresses that fit several places (`place_review`): not guessed


def build_households(con: duckdb.DuckDBPyConnection, as_of: date) -> HouseholdSummary:
    """Write `person_household`, `households`, `families`, `family_members`; fill `persons.place_id`."""
    _snapshot_previous_families(con)
    places = resolve_places(con)
    _current_places(con)
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


def _current_places(con: duckdb.DuckDBPyConnection) -> None:
    """Each person's current place: the most recent record whose address resolves (exact, fuzzy or
    inferred); ties go to the record with a UPRN, then the higher place score, then the smaller record
    key. A person whose addresses are all unresolved takes the most recent one that is a place of its own;
    one whose only addresses fit several places (in `place_review`) has no current place. `persons` is
    rewritten with the chosen record's address and place (docs/rules.md, "Current address")."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE person_place AS
        SELECT rp.person_id, r.record_key, r.address_std, r.postcode_std, r.uprn, pl.place_id
        FROM record_place pl JOIN records r USING (record_key) JOIN record_person rp USING (record_key)
        WHERE pl.place_id IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY rp.person_id
            ORDER BY pl.place_status <> 'unresolved' DESC, r.event_date DESC NULLS LAST, (r.uprn IS NOT NULL) DESC,
                     pl.place_score DESC, r.record_key) = 1
        """
    )
    # Rewriting `persons` whole is cheaper than UPDATE of a million rows (MVCC keeps every updated row's
    # old version; on a table already on disk that took minutes at 1M people).
    con.execute(
        """
        CREATE OR REPLACE TABLE persons AS
        SELECT p.* REPLACE (pp.place_id AS place_id, pp.record_key AS current_record_key,
                            pp.address_std AS address_std, pp.postcode_std AS postcode_std, pp.uprn AS uprn)
        FROM persons p LEFT JOIN person_place pp USING (person_id) ORDER BY p.person_id
        """
    )


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
    review = con.execute("SELECT count(*) FROM place_review").fetchall()[0][0]
    return HouseholdSummary(row[0], row[1], places, row[2], row[3], row[4], row[5], row[6], review)

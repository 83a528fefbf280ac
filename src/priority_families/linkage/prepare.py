"""Turn `records` into what linkage compares: distinct person descriptions and identifier edges.

Many records describe a person identically (a pupil's attendance each term), so records are collapsed to
distinct descriptions first; the model scores descriptions, never duplicate records. A description's id
is the smallest `record_key` among its records, so ids are stable for a given refresh.
"""

from __future__ import annotations

from importlib import resources

import duckdb

from priority_families.linkage.graph import connected_components
from priority_families.linkage.guards import nothing_in_common

DESCRIPTION_COLUMNS = (
    "first_name_std", "last_name_std", "dob", "sex_std", "postcode_std", "address_std", "upn", "nhs", "ni",
)


def load_nicknames(con: duckdb.DuckDBPyConnection) -> int:
    """Load the shipped nickname table (`nickname,name`) as `nickname_forms(name, forms)`.

    `forms` lists the formal names a first name may stand for, itself included, so two first names
    are nickname-related when their forms intersect (BILL and WILL both give WILLIAM).
    """
    path = resources.files("priority_families.linkage") / "nicknames.csv"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE nicknames AS SELECT upper(trim(nickname)) AS nickname, "
        f"upper(trim(name)) AS name FROM read_csv('{path}', header = true, all_varchar = true)"
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE nickname_forms AS
        SELECT name, list_sort(list_distinct(list(form))) AS forms FROM (
            SELECT nickname AS name, name AS form FROM nicknames
            UNION ALL SELECT nickname, nickname FROM nicknames
            UNION ALL SELECT name, name FROM nicknames
        ) GROUP BY name
        """
    )
    _nickname_groups(con)
    return con.execute("SELECT count(*) FROM nicknames").fetchall()[0][0]


def _nickname_groups(con: duckdb.DuckDBPyConnection) -> None:
    """`nickname_group(name, name_group)`: names joined through the nickname table, labelled by the smallest.

    Coarser than `forms` intersecting (it is transitive), so blocking can test "same name or a nickname"
    as one cheap equality, and the model still decides on the forms.
    """
    connected_components(
        con, "(SELECT nickname AS node FROM nicknames UNION SELECT name FROM nicknames)",
        "(SELECT nickname AS node_l, name AS node_r FROM nicknames)", "nickname_group_cc",
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE nickname_group AS "
        "SELECT node AS name, component AS name_group FROM nickname_group_cc"
    )
    con.execute("DROP TABLE nickname_group_cc")


def describe_records(con: duckdb.DuckDBPyConnection) -> int:
    """Create `record_description(record_key, source, record_id, description_id)` and
    `link_descriptions` (one row per distinct description, in the model's column names).

    Only identifiers that passed their check enter a description: a failed check never links.
    """
    partition = ", ".join(DESCRIPTION_COLUMNS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE record_description AS
        SELECT record_key, source, record_id,
               min(record_key) OVER (PARTITION BY {partition}) AS description_id
        FROM (
            SELECT record_key, source, record_id, first_name_std, last_name_std, dob, sex_std,
                   postcode_std, address_std,
                   CASE WHEN upn_valid THEN upn_std END AS upn,
                   CASE WHEN nhs_number_valid THEN nhs_number_std END AS nhs,
                   CASE WHEN ni_number_valid THEN ni_number_std END AS ni
            FROM records
        )
        """
    )
    load_nicknames(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE link_descriptions AS
        SELECT r.record_key AS unique_id,
               r.first_name_std AS first_name,
               r.last_name_std AS last_name,
               CASE WHEN r.first_name_std IS NULL THEN []::VARCHAR[]
                    ELSE coalesce(n.forms, [r.first_name_std]) END AS first_forms,
               CASE WHEN r.last_name_std IS NULL THEN []::VARCHAR[]
                    ELSE coalesce(m.forms, [r.last_name_std]) END AS last_forms,
               coalesce(g.name_group, r.first_name_std) AS first_group,
               r.dob,
               strftime(r.dob, '%Y-%m-%d') AS dob_text,
               r.sex_std AS sex,
               r.postcode_std AS postcode,
               split_part(r.postcode_std, ' ', 1) AS district,
               r.address_std AS address,
               CASE WHEN r.upn_valid THEN r.upn_std END AS upn,
               CASE WHEN r.nhs_number_valid THEN r.nhs_number_std END AS nhs,
               CASE WHEN r.ni_number_valid THEN r.ni_number_std END AS ni
        FROM records r
        JOIN (SELECT DISTINCT description_id FROM record_description) d ON d.description_id = r.record_key
        LEFT JOIN nickname_forms n ON n.name = r.first_name_std
        LEFT JOIN nickname_forms m ON m.name = r.last_name_std
        LEFT JOIN nickname_group g ON g.name = r.first_name_std
        ORDER BY unique_id
        """
    )
    return con.execute("SELECT count(*) FROM link_descriptions").fetchall()[0][0]


def identifier_edges(con: duckdb.DuckDBPyConnection) -> int:
    """Create `identifier_edges(description_l, description_r)`: descriptions sharing a valid identifier.

    Each description is joined to one hub holding the same identifier (a star, not all pairs), which
    keeps the edge count linear and connects the same components. The hub is a complete description
    (dob and both names) when there is one, so complete descriptions link to each other directly.

    Two descriptions with nothing in common but the identifier (no name in either column, dates of birth
    beyond a slip: `guards.nothing_in_common`) are not joined by it: a valid number keyed from another
    person's record passes its check (at 100k, 11 NHS numbers were two people's, every one such a pair, and
    no true person's pair was). Within an identifier whose star has such a pair, every pair of its holders
    that does not is joined instead, so its other holders stay together whoever the hub was; those
    identifiers are few, so the edges stay linear.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE identifier_star AS
        WITH d AS (
            SELECT *, (dob IS NULL OR first_name IS NULL OR last_name IS NULL) AS incomplete
            FROM link_descriptions
        ),
        ids AS (
            SELECT 'upn' AS kind, upn AS value, unique_id, incomplete FROM d WHERE upn IS NOT NULL
            UNION ALL SELECT 'nhs', nhs, unique_id, incomplete FROM d WHERE nhs IS NOT NULL
            UNION ALL SELECT 'ni', ni, unique_id, incomplete FROM d WHERE ni IS NOT NULL
        )
        SELECT kind, value, unique_id,
               first(unique_id) OVER (PARTITION BY kind, value ORDER BY incomplete, unique_id
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS hub
        FROM ids
        """
    )
    _identifier_disputes(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE identifier_edges AS
        SELECT DISTINCT s.hub AS description_l, s.unique_id AS description_r FROM identifier_star s
        ANTI JOIN identifier_disputed USING (kind, value) WHERE s.hub <> s.unique_id
        """
    )
    if con.execute("SELECT count(*) FROM identifier_disputed").fetchall()[0][0]:
        _join_disputed_holders(con)
    con.execute("DROP TABLE identifier_disputed")
    con.execute("DROP TABLE identifier_star")
    return con.execute("SELECT count(*) FROM identifier_edges").fetchall()[0][0]


# each end's names and date of birth as a struct `l` / `r` on one row, so `guards.nothing_in_common` is a filter on
# one table: written as a join of the descriptions twice, DuckDB's planner crossed them first
_ENDS = ", ".join(f"{c} := {{side}}.{c}" for c in
                  ("first_name", "last_name", "first_forms", "last_forms", "dob", "dob_text"))


def _identifier_disputes(con: duckdb.DuckDBPyConnection) -> None:
    """`identifier_disputed(kind, value)`: identifiers whose star joins two descriptions with nothing in common.
    The hub's names and date of birth are put on the star's rows first, then compared with the other holder's
    (equality and inequality only: cheap, one join at a time); the string tests run on the few rows left."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE identifier_ends AS
        SELECT s.kind, s.value, s.hub, s.unique_id, d.first_name, d.last_name, d.dob FROM identifier_star s
        JOIN link_descriptions d ON d.unique_id = s.hub
        WHERE s.hub <> s.unique_id AND d.first_name IS NOT NULL AND d.last_name IS NOT NULL AND d.dob IS NOT NULL
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE identifier_ends AS
        SELECT e.kind, e.value, e.hub, e.unique_id FROM identifier_ends e JOIN link_descriptions d ON d.unique_id = e.unique_id
        WHERE d.first_name <> e.first_name AND d.last_name <> e.last_name AND d.dob <> e.dob
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE identifier_ends AS
        SELECT e.kind, e.value, struct_pack({_ENDS.format(side='dl')}) AS l, struct_pack({_ENDS.format(side='dr')}) AS r
        FROM identifier_ends e JOIN link_descriptions dl ON dl.unique_id = e.hub
        JOIN link_descriptions dr ON dr.unique_id = e.unique_id
        """
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE identifier_disputed AS "
                f"SELECT DISTINCT kind, value FROM identifier_ends WHERE {nothing_in_common()}")
    con.execute("DROP TABLE identifier_ends")


def _join_disputed_holders(con: duckdb.DuckDBPyConnection) -> None:
    """Add to `identifier_edges` every pair of a disputed identifier's holders that has something in common."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE identifier_ends AS
        SELECT a.unique_id AS description_l, b.unique_id AS description_r,
               struct_pack({_ENDS.format(side='dl')}) AS l, struct_pack({_ENDS.format(side='dr')}) AS r
        FROM (SELECT s.* FROM identifier_star s SEMI JOIN identifier_disputed USING (kind, value)) a
        JOIN identifier_star b ON a.kind = b.kind AND a.value = b.value AND a.unique_id < b.unique_id
        JOIN link_descriptions dl ON dl.unique_id = a.unique_id JOIN link_descriptions dr ON dr.unique_id = b.unique_id
        """
    )
    con.execute(f"INSERT INTO identifier_edges SELECT description_l, description_r FROM identifier_ends "
                f"WHERE NOT coalesce({nothing_in_common()}, false)")
    con.execute("DROP TABLE identifier_ends")

"""Clustering person descriptions into persons, in SQL.

Edges are model links above the threshold (not guarded, not refused by a reviewer), identifier links and
reviewer matches. Plain connected components would let one vague record ("SARAH OKAFOR", no date of birth)
join a mother and her daughter, so clustering runs in phases: complete descriptions first, then incomplete
ones attach to the single person they fit best, then any person still holding two different valid UPNs or
NHS numbers, or two NI numbers further apart than a slip, is rebuilt. Reads `scored_pairs`, `identifier_edges`, `review_edges`, `link_descriptions`;
leaves TEMP `cluster_edges`, `directed_edges`, `ambiguous` and `description_cluster(node, component)`.
"""

from __future__ import annotations

import duckdb

from priority_families.linkage.graph import connected_components
from priority_families.linkage.model import ni_one_slip
from priority_families.linkage.settings import LinkageSettings


def cluster_edges(con: duckdb.DuckDBPyConnection, settings: LinkageSettings) -> None:
    """Edges that join descriptions: model links (not guarded, not refused by a reviewer), identifier
    links and reviewer matches. A reviewer's not_a_match removes the model link between that pair.
    Identifier and reviewer links count as probability 1."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE cluster_edges AS
        SELECT s.unique_id_l AS node_l, s.unique_id_r AS node_r, 'model' AS route, s.match_probability AS p
        FROM scored_pairs s
        WHERE s.match_probability >= {settings.match_probability} AND NOT s.guarded
          AND NOT EXISTS (
              SELECT 1 FROM review_edges e WHERE e.decision = 'not_a_match'
                AND e.description_l = least(s.unique_id_l, s.unique_id_r)
                AND e.description_r = greatest(s.unique_id_l, s.unique_id_r))
        UNION ALL SELECT description_l, description_r, 'identifier', 1.0 FROM identifier_edges
        UNION ALL SELECT description_l, description_r, 'review', 1.0 FROM review_edges WHERE decision = 'match'
        """
    )


def cluster_descriptions(con: duckdb.DuckDBPyConnection, settings: LinkageSettings) -> None:
    """Cluster descriptions into persons in two phases, so an incomplete description cannot bridge two people.

    A description without a date of birth or a name ("SARAH TURNER", no dob) may match a mother and
    her daughter of the same name equally well; letting it join both would merge them. So complete
    descriptions (dob and both names) are clustered first by connected components; then each
    incomplete description joins the one cluster it is most strongly linked to (directly, or through
    another incomplete description that did); incomplete descriptions linked to no complete one form
    their own components.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE node_kind AS
        SELECT unique_id AS node, (dob IS NULL OR first_name IS NULL OR last_name IS NULL) AS incomplete
        FROM link_descriptions
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE directed_edges AS
        SELECT node_l AS a, node_r AS b, p FROM cluster_edges UNION ALL SELECT node_r, node_l, p FROM cluster_edges
        """
    )
    connected_components(
        con, "(SELECT node FROM node_kind WHERE NOT incomplete)",
        """(SELECT e.node_l, e.node_r FROM cluster_edges e
            JOIN node_kind l ON l.node = e.node_l AND NOT l.incomplete
            JOIN node_kind r ON r.node = e.node_r AND NOT r.incomplete)""",
        "complete_cluster",
    )
    con.execute("CREATE OR REPLACE TEMP TABLE attached AS SELECT node, component FROM complete_cluster")
    con.execute("CREATE OR REPLACE TEMP TABLE ambiguous (node BIGINT)")
    for _ in range(2):
        _attach_incomplete(con, settings.ambiguity_margin_bits)
    connected_components(
        con, "(SELECT node FROM node_kind WHERE node NOT IN (SELECT node FROM attached))",
        """(SELECT node_l, node_r FROM cluster_edges
            WHERE node_l NOT IN (SELECT node FROM attached) AND node_r NOT IN (SELECT node FROM attached)
              AND node_l NOT IN (SELECT node FROM ambiguous) AND node_r NOT IN (SELECT node FROM ambiguous))""",
        "loose_cluster",
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE description_cluster AS "
        "SELECT node, component FROM attached UNION ALL SELECT node, component FROM loose_cluster"
    )
    _split_identifier_conflicts(con, ni_apart_is_two_people(con))


STRICTER = (0.999, 0.99999)
# Whether two NI numbers further apart than a slip are two people is the data's to say. Among pairs of
# descriptions of one first name, surname, date of birth, address line and postcode (nearly all one person's)
# whose NI numbers differ, the share further apart than a slip is how often a partner keys a person's number
# wholly wrong: on our 100k county 1 of 423, on FEBRL (soc_sec_id in the NI slot) 17 of 36 and 20 of 50. Below
# NI_APART_ONE_PERSON (with a prior of NI_APART_PRIOR_PAIRS such pairs all one slip apart: no data keeps the
# reading a council's data gives) two NI numbers far apart are two people.
NI_APART_ONE_PERSON = 0.05
NI_APART_PRIOR_PAIRS = 2


def ni_apart_is_two_people(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the data says one person's records rarely carry NI numbers further apart than a slip (see
    NI_APART_ONE_PERSON), so two such numbers in one person of ours are two people."""
    pairs, apart = con.execute(
        f"""
        SELECT count(*), count(*) FILTER (WHERE NOT {ni_one_slip('l.ni', 'r.ni')})
        FROM link_descriptions l JOIN link_descriptions r
          ON l.first_name = r.first_name AND l.last_name = r.last_name AND l.dob = r.dob
         AND l.address = r.address AND l.postcode = r.postcode AND l.unique_id < r.unique_id
        WHERE l.ni IS NOT NULL AND r.ni IS NOT NULL AND l.ni <> r.ni
        """
    ).fetchall()[0]
    return apart / (pairs + NI_APART_PRIOR_PAIRS) < NI_APART_ONE_PERSON


def _mark_conflicts(con: duckdb.DuckDBPyConnection, ni: bool) -> int:
    """Put the descriptions of every person holding two different valid UPNs or NHS numbers, or (`ni`: where the
    data says so, `ni_apart_is_two_people`) two NI numbers further apart than a slip (`guards.ni_one_slip`), in
    `conflicted`. Only persons holding two NI numbers compare them, so the check stays linear."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE conflicted AS
        WITH held AS (
            SELECT c.component, count(DISTINCT d.upn) AS upns, count(DISTINCT d.nhs) AS nhss,
                   count(DISTINCT d.ni) AS nis
            FROM description_cluster c JOIN link_descriptions d ON d.unique_id = c.node
            GROUP BY c.component
        ),
        two_ni AS (
            SELECT DISTINCT c.component, d.ni FROM description_cluster c JOIN link_descriptions d ON d.unique_id = c.node
            WHERE {ni} AND d.ni IS NOT NULL AND c.component IN (SELECT component FROM held WHERE nis > 1)
        )
        SELECT c.node FROM description_cluster c WHERE c.component IN (
            SELECT component FROM held WHERE upns > 1 OR nhss > 1
            UNION SELECT a.component FROM two_ni a JOIN two_ni b
              ON a.component = b.component AND a.ni < b.ni AND NOT {ni_one_slip('a.ni', 'b.ni')})
        """
    )
    return con.execute("SELECT count(*) FROM conflicted").fetchall()[0][0]


def _split_identifier_conflicts(con: duckdb.DuckDBPyConnection, ni: bool) -> None:
    """Re-cluster any person holding two different valid UPNs or NHS numbers (or two NI numbers further apart
    than a slip) with stricter model links.

    Check digits make two valid, different UPNs (or NHS numbers) two people; an NI number has none, but two
    further apart than one slip are two people's too (decision 29). Yet a chain of model links
    through records without identifiers can join them (twins JOHN and JACK: JACK is a nickname of
    JOHN). Such a cluster is rebuilt from identifier and reviewer links plus only the model links at or
    above 0.999, then 0.99999; a conflict that survives that is rebuilt around its identifiers.
    """
    for strict in STRICTER:
        if not _mark_conflicts(con, ni):
            return
        connected_components(
            con, "conflicted",
            f"""(SELECT node_l, node_r FROM cluster_edges
                 WHERE (route <> 'model' OR p >= {strict})
                   AND node_l IN (SELECT node FROM conflicted) AND node_r IN (SELECT node FROM conflicted))""",
            "resplit",
        )
        con.execute(
            "UPDATE description_cluster SET component = r.component FROM resplit r "
            "WHERE description_cluster.node = r.node"
        )
    _resolve_by_identifiers(con, ni)


def _resolve_by_identifiers(con: duckdb.DuckDBPyConnection, ni: bool) -> None:
    """Last resort for a person still holding two UPNs or NHS numbers: rebuild it around its identifiers.

    Identifier and reviewer links form the anchors, and so do model links between two NI numbers one slip
    apart (one person's number mistyped); every other description joins the anchor it has the strongest
    model link to; descriptions linked to no anchor cluster among themselves.
    """
    if not _mark_conflicts(con, ni):
        return
    # the conflicted persons' links with each end's NI number, one join at a time (few rows)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE conflicted_edges AS
        SELECT e.node_l, e.node_r, e.route, d.ni AS ni_l FROM cluster_edges e
        JOIN link_descriptions d ON d.unique_id = e.node_l
        WHERE e.node_l IN (SELECT node FROM conflicted) AND e.node_r IN (SELECT node FROM conflicted)
        """
    )
    con.execute("CREATE OR REPLACE TEMP TABLE conflicted_edges AS SELECT e.*, d.ni AS ni_r FROM conflicted_edges e "
                "JOIN link_descriptions d ON d.unique_id = e.node_r")
    connected_components(
        con, "conflicted",
        f"""(SELECT node_l, node_r FROM conflicted_edges
             WHERE route <> 'model' OR coalesce({ni_one_slip('ni_l', 'ni_r')}, false))""",
        "anchors",
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE anchored AS
        SELECT a.node, a.component FROM anchors a WHERE a.component IN (
            SELECT a.component FROM anchors a JOIN link_descriptions d ON d.unique_id = a.node
            WHERE d.upn IS NOT NULL OR d.nhs IS NOT NULL)
        """
    )
    con.execute(
        """
        INSERT INTO anchored
        SELECT e.a, first(t.component ORDER BY e.p DESC, t.component)
        FROM directed_edges e JOIN anchored t ON t.node = e.b
        WHERE e.a IN (SELECT node FROM conflicted) AND e.a NOT IN (SELECT node FROM anchored)
        GROUP BY e.a
        """
    )
    connected_components(
        con, "(SELECT node FROM conflicted WHERE node NOT IN (SELECT node FROM anchored))",
        """(SELECT node_l, node_r FROM cluster_edges
             WHERE node_l IN (SELECT node FROM conflicted) AND node_r IN (SELECT node FROM conflicted)
               AND node_l NOT IN (SELECT node FROM anchored) AND node_r NOT IN (SELECT node FROM anchored))""",
        "unanchored",
    )
    con.execute(
        "UPDATE description_cluster SET component = r.component "
        "FROM (SELECT * FROM anchored UNION ALL SELECT * FROM unanchored) r WHERE description_cluster.node = r.node"
    )


def _attach_incomplete(con: duckdb.DuckDBPyConnection, margin: float) -> None:
    """Attach each incomplete description to the one cluster it is linked to most strongly.

    Strength is a tier (identifier or reviewer link above model link) then match weight. When the two
    strongest clusters are in the same tier and, for model links, less than `margin` bits apart, the
    description could be either person: it is left out (its own person) and recorded in `ambiguous`,
    which the review queue lists.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE candidates AS
        SELECT e.a AS node, t.component, max(CASE WHEN e.p >= 1.0 THEN 1 ELSE 0 END) AS tier,
               max(log2(least(e.p, 0.999999999) / (1 - least(e.p, 0.999999999)))) AS weight
        FROM directed_edges e JOIN attached t ON t.node = e.b
        JOIN node_kind k ON k.node = e.a AND k.incomplete
        WHERE e.a NOT IN (SELECT node FROM attached) AND e.a NOT IN (SELECT node FROM ambiguous)
        GROUP BY e.a, t.component
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE ranked AS
        SELECT *, row_number() OVER w AS rank, lead(tier) OVER w AS next_tier, lead(weight) OVER w AS next_weight
        FROM candidates
        WINDOW w AS (PARTITION BY node ORDER BY tier DESC, weight DESC, component)
        """
    )
    close = f"next_tier = tier AND (tier = 1 OR weight - next_weight < {float(margin)})"
    con.execute(f"INSERT INTO ambiguous SELECT node FROM ranked WHERE rank = 1 AND {close}")
    con.execute(f"INSERT INTO attached SELECT node, component FROM ranked WHERE rank = 1 AND NOT coalesce({close}, false)")

"""Guards against the classic false merges, applied to scored pairs before clustering.

A probabilistic model adds evidence; a few situations are known to fool it because the agreeing
fields are not independent (a family shares surname, address and postcode). These rules veto a model
link outright, but only where that false merge can happen; everywhere else the model's evidence decides
(so whole-value keying errors, as in the FEBRL benchmarks, can still link). Identifier links and
reviewer decisions are never vetoed, nor a pair whose NI numbers are one slip apart.

- twins: one name in common and the other clearly different — not a nickname of each other, not a
  one-letter typo, jaro-winkler below 0.85, not one inside the other (MARY / MARY ANN) — while the dates of
  birth do not disagree (twins share one) and the place does not disagree (same address or postcode, or
  one unknown). Names are matched across the first/last columns, so twins written surname-first are
  caught; with no name in common the first names are compared, so a surname typo does not let twins
  through. The guard needs each of the two first names to be *corroborated*: written with that date of
  birth on at least two records. A twin is a person partners keep recording; a first name seen once,
  against a name seen many times with the same surname, date of birth and address, is more likely a
  keying error, and the model weighs it. The same holds for one first name and two corroborated
  surnames (twins written surname-first look so; so does a changed surname, which then links only by
  identifier or a reviewer).
- parent and child of the same name: both dates of birth known and disagreeing beyond the slips
  partners make (day and month swapped, one digit wrong or two swapped within month and day, one
  day, one year), at a place that does not disagree. When the years are a generation apart (12 years or
  more) vetoed even when seen once, wherever the data says such pairs are families
  (`model.DobWrongRate.family_share` at least FAMILY_SHARE_VETO: on council data they are, and with no
  evidence the premise holds); where the data says keying errors explain them (partners replace whole
  dates of birth), and for nearer dates (two siblings of the same name, or a mistyped year), only when
  both dates are corroborated with that name. A family shares a surname and an address, and a rare first
  name's term frequency can outweigh the date of birth, so the model alone merges a father and his son of
  the same name.
"""

from __future__ import annotations

import duckdb

from priority_families.linkage.model import (
    CORROBORATING_RECORDS,
    FAMILY_SHARE_VETO,
    GENERATION_YEARS,
    day_month_swapped,
    dob_near,
    ni_one_slip,
)
from priority_families.linkage.settings import LinkageSettings


def _clearly_different(a: str, a_forms: str, b: str, b_forms: str) -> str:
    """Two names that are not the same name written differently: not nicknames of each other, not a
    one-letter slip, not similar (jaro-winkler 0.85), not one inside the other (MARY / MARY ANN, JONES /
    SMITHJONES)."""
    return f"""({a} IS NOT NULL AND {b} IS NOT NULL
        AND len(list_intersect({a_forms}, {b_forms})) = 0
        AND damerau_levenshtein({a}, {b}) > 1
        AND jaro_winkler_similarity({a}, {b}) < 0.85
        AND NOT contains({a}, {b}) AND NOT contains({b}, {a}))"""


def _dob_slip() -> str:
    """Two known dates of birth that are one date written with a partner's usual slip."""
    return (f"(l.dob = r.dob OR {day_month_swapped('l.dob', 'r.dob')} "
            f"OR {dob_near('l.dob', 'r.dob', 'l.dob_text', 'r.dob_text')})")


def _place_disagrees() -> str:
    """Both places known and neither the address line nor the postcode in common."""
    return """(l.postcode IS NOT NULL AND r.postcode IS NOT NULL AND l.postcode <> r.postcode
        AND l.address IS NOT NULL AND r.address IS NOT NULL AND l.address <> r.address)"""


def _corroborated(side: str, column: str) -> str:
    return f"(g{side}.{column} >= {CORROBORATING_RECORDS})"


def guard_sql(settings: LinkageSettings, generations_are_families: bool = True) -> str:
    """A SQL boolean over `l.*`/`r.*` (link_descriptions) and `gl.*`/`gr.*` (guard_support) that is true
    when a pair must not link. `generations_are_families`: the data says pairs of one name and place a
    generation apart are parents and children (vetoed even seen once), not one person keyed wrong."""
    def different(a: str, b: str) -> str:
        """Names `a` of l and `b` of r clearly differ and both are corroborated with their dates."""
        clear = _clearly_different(f"l.{a}_name", f"l.{a}_forms", f"r.{b}_name", f"r.{b}_forms")
        return f"({clear} AND {_corroborated('l', a + '_support')} AND {_corroborated('r', b + '_support')})"

    twins = f"""(
        CASE WHEN l.last_name = r.last_name THEN {different("first", "first")}
             WHEN l.first_name = r.last_name THEN {different("last", "first")}
             WHEN l.last_name = r.first_name THEN {different("first", "last")}
             WHEN l.first_name = r.first_name THEN {different("last", "last")}
             ELSE {different("first", "first")} END
        AND NOT coalesce(l.dob IS NOT NULL AND r.dob IS NOT NULL AND NOT {_dob_slip()}, false)
        AND NOT coalesce({_place_disagrees()}, false)
    )"""
    generation_apart = (f"abs(year(l.dob) - year(r.dob)) >= {GENERATION_YEARS}" if generations_are_families
                        else "false")
    generations = f"""(
        l.dob IS NOT NULL AND r.dob IS NOT NULL AND NOT {_dob_slip()}
        AND NOT coalesce({_place_disagrees()}, false)
        AND ({generation_apart}
             OR ({_corroborated('l', 'first_support')} AND {_corroborated('r', 'first_support')}))
    )"""
    rules = [f"coalesce({sql}, false)" for sql, on in ((twins, settings.guard_first_names),
                                                      (generations, settings.guard_dates_of_birth)) if on]
    return "(" + (" OR ".join(rules) or "false") + f") AND NOT coalesce({_ni_nearly_agrees()}, false)"


def _ni_nearly_agrees() -> str:
    """Both NI numbers known and one slip apart (a digit changed or two swapped): twins and a parent and
    child hold unrelated numbers, so this is one person's number mistyped and the guards stand aside.
    (UPN and NHS numbers carry check digits: two valid ones that differ are two people.)"""
    return f"(l.ni IS NOT NULL AND r.ni IS NOT NULL AND {ni_one_slip('l.ni', 'r.ni')})"


def nothing_in_common() -> str:
    """SQL over `l.*`/`r.*` (link_descriptions): two descriptions with no name in common, in either column
    (each first name and surname clearly different from both of the other's), and both dates of birth known
    and further apart than a slip. Such records are two people whatever identifier they share: a valid NHS
    number keyed from another person's record (a mother's on her baby's A&E record) passes its check digit."""
    names = [_clearly_different(f"l.{a}_name", f"l.{a}_forms", f"r.{b}_name", f"r.{b}_forms")
             for a in ("first", "last") for b in ("first", "last")]
    return "(" + " AND ".join([*names, f"l.dob IS NOT NULL AND r.dob IS NOT NULL AND NOT {_dob_slip()}"]) + ")"


def guard_support(con: duckdb.DuckDBPyConnection, descriptions: str) -> None:
    """`guard_support(unique_id, first_support, last_support)`: on how many records each description of
    `descriptions` has its first (last) name written, in either name column, with its date of birth.

    A first name also counts the records of the same surname and date of birth whose first name is
    that name written another way (a nickname, a typo: not clearly different), so KATE JACKSON, written
    once, is corroborated by her twenty records as KATHERINE JACKSON, and the twin guard keeps her from
    NIAMH JACKSON as it keeps KATHERINE.
    """
    variant = _clearly_different("d.first_name", "d.first_forms", "w.first_name", "w.first_forms")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE guard_support AS
        WITH written AS (
            SELECT name, dob, count(*) AS records FROM (
                SELECT first_name_std AS name, dob FROM records WHERE first_name_std IS NOT NULL
                UNION ALL
                SELECT last_name_std, dob FROM records
                WHERE last_name_std IS NOT NULL AND last_name_std IS DISTINCT FROM first_name_std
            ) GROUP BY ALL
        ),
        full_names AS (
            SELECT w.*, coalesce(n.forms, [w.first_name]) AS first_forms FROM (
                SELECT first_name_std AS first_name, last_name_std AS last_name, dob, count(*) AS records
                FROM records
                WHERE first_name_std IS NOT NULL AND last_name_std IS NOT NULL AND dob IS NOT NULL
                GROUP BY ALL
            ) w LEFT JOIN nickname_forms n ON n.name = w.first_name
        ),
        variants AS (
            SELECT d.unique_id, sum(w.records) AS records
            FROM {descriptions} d JOIN full_names w ON w.last_name = d.last_name AND w.dob = d.dob
            WHERE NOT {variant}
            GROUP BY d.unique_id
        )
        SELECT d.unique_id, greatest(coalesce(f.records, 0), coalesce(v.records, 0)) AS first_support,
               coalesce(s.records, 0) AS last_support
        FROM {descriptions} d
        LEFT JOIN written f ON f.name = d.first_name AND f.dob IS NOT DISTINCT FROM d.dob
        LEFT JOIN written s ON s.name = d.last_name AND s.dob IS NOT DISTINCT FROM d.dob
        LEFT JOIN variants v ON v.unique_id = d.unique_id
        """
    )


def apply_guards(con: duckdb.DuckDBPyConnection, scored: str, settings: LinkageSettings,
                 family_share: float = 1.0) -> int:
    """Add a `guarded` flag to `scored(unique_id_l, unique_id_r, match_probability, ...)`; return how many
    pairs it vetoes. `family_share`: how many of the pairs of one name and place a generation apart the data
    says are families (`model.DobWrongRate.family_share`; 1.0, the guard's premise, when not learned).

    Only pairs at or above the review threshold are judged: below it a pair neither links nor reaches a
    reviewer, so a veto would change nothing. Two descriptions with the same names and date of birth
    are never vetoed (no guard can fire), so most pairs skip the guards' string functions.
    """
    review = float(settings.review_probability)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE guard_descriptions AS
        SELECT * FROM link_descriptions WHERE unique_id IN (
            SELECT unique_id_l FROM {scored} WHERE match_probability >= {review}
            UNION SELECT unique_id_r FROM {scored} WHERE match_probability >= {review})
        """
    )
    guard_support(con, "guard_descriptions")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {scored} AS
        SELECT s.*, false AS guarded FROM {scored} s WHERE s.match_probability < {review}
        UNION ALL
        SELECT s.*, CASE WHEN l.first_name = r.first_name AND l.last_name = r.last_name AND l.dob = r.dob
                         THEN false ELSE {guard_sql(settings, family_share >= FAMILY_SHARE_VETO)} END AS guarded
        FROM {scored} s
        JOIN guard_descriptions l ON l.unique_id = s.unique_id_l
        JOIN guard_descriptions r ON r.unique_id = s.unique_id_r
        JOIN guard_support gl ON gl.unique_id = s.unique_id_l
        JOIN guard_support gr ON gr.unique_id = s.unique_id_r
        WHERE s.match_probability >= {review}
        """
    )
    return con.execute(f"SELECT count(*) FROM {scored} WHERE guarded").fetchall()[0][0]

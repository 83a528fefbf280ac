"""Guards against the classic false merges, applied to scored pairs before clustering.

A probabilistic model adds evidence; a few situations are known to fool it because the agreeing
fields are not independent (a family shares surname, address and postcode). These rules veto a model
link outright; identifier links and reviewer decisions are not vetoed.

- twins (and siblings, and anyone else): one name in common and the other clearly different — not a
  nickname of each other, not a one-letter typo, jaro-winkler below 0.85, not one inside the other
  (MARY / MARY ANN). Names are matched across the first/last columns, so twins written surname-first
  (JONES PIOTR, JONES DANIELLE) are caught too; with no name in common the first names are compared, so
  a surname typo does not let twins through. Twins agree on everything else (surname, date of birth,
  address), so without this rule the model merges them. A changed surname (same first name, different
  surname) is refused too: such people link only by identifier or a reviewer;
- parent and child, or two siblings, of the same name: both dates of birth known and disagreeing beyond
  the slips partners make (day and month swapped, one digit, one day, one year). A family shares a
  surname and an address, and a rare first name's term frequency can outweigh the date of birth, so
  the model alone merges a father and his son of the same name.
"""

from __future__ import annotations

import duckdb

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


def guard_sql(settings: LinkageSettings) -> str:
    """A SQL boolean over `l.*`/`r.*` (link_descriptions) that is true when a pair must not link."""
    twins = f"""(
        CASE WHEN l.last_name = r.last_name THEN {_clearly_different("l.first_name", "l.first_forms",
                                                                    "r.first_name", "r.first_forms")}
             WHEN l.first_name = r.last_name THEN {_clearly_different("l.last_name", "l.last_forms",
                                                                     "r.first_name", "r.first_forms")}
             WHEN l.last_name = r.first_name THEN {_clearly_different("l.first_name", "l.first_forms",
                                                                     "r.last_name", "r.last_forms")}
             WHEN l.first_name = r.first_name THEN {_clearly_different("l.last_name", "l.last_forms",
                                                                      "r.last_name", "r.last_forms")}
             ELSE {_clearly_different("l.first_name", "l.first_forms", "r.first_name", "r.first_forms")} END
    )"""
    generations = """(
        l.dob <> r.dob
        AND NOT (year(l.dob) = year(r.dob) AND month(l.dob) = day(r.dob) AND day(l.dob) = month(r.dob))
        AND levenshtein(l.dob_text, r.dob_text) > 1
        AND abs(date_diff('day', l.dob, r.dob)) > 1
        AND NOT (month(l.dob) = month(r.dob) AND day(l.dob) = day(r.dob) AND abs(year(l.dob) - year(r.dob)) = 1)
    )"""
    rules = [f"coalesce({sql}, false)" for sql, on in ((twins, settings.guard_first_names),
                                                      (generations, settings.guard_dates_of_birth)) if on]
    return "(" + (" OR ".join(rules) or "false") + ")"


def apply_guards(con: duckdb.DuckDBPyConnection, scored: str, settings: LinkageSettings) -> int:
    """Add a `guarded` flag to `scored(unique_id_l, unique_id_r, ...)`; return how many pairs it vetoes."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {scored} AS
        SELECT s.*, {guard_sql(settings)} AS guarded
        FROM {scored} s
        JOIN link_descriptions l ON l.unique_id = s.unique_id_l
        JOIN link_descriptions r ON r.unique_id = s.unique_id_r
        """
    )
    return con.execute(f"SELECT count(*) FROM {scored} WHERE guarded").fetchall()[0][0]

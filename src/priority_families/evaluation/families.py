"""The one mapping between the product's families and the truth's.

Families are named differently by the product and by the truth, so they are matched by the records behind
them. A record votes for the pair (our family, truth family) when it is linked (`record_person`) to a person
among our family's members and the truth puts it in that truth family; `votes_sql` counts the votes.

- Each family on one side maps to the family on the other side holding most of its records (majority of
  records; a tie goes to the least id): `best_sql(votes, per="ours")` or `best_sql(votes, per="truth")`.
- Where a family on the other side may be taken only once, a family taken by several goes to the one with
  the most records there (a tie to the least id); the others stay unmapped, they do not fall back to their
  second choice: `one_to_one_sql(votes, first=...)`.

Every evaluation maps families through these (`evaluation.identify`, `evaluation.linkage`,
`evaluation.claims`); do not write another majority vote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from priority_families.core.sql import sql_str

Side = Literal["ours", "truth"]
COLUMN: dict[Side, str] = {"ours": "family_id", "truth": "true_family"}  # the votes' column for each side
OTHER: dict[Side, Side] = {"ours": "truth", "truth": "ours"}


def truth_records_sql(records_csv: Path) -> str:
    """(source, record_id, true_family): the records the truth's `records.csv` puts in a family."""
    return (f"(SELECT DISTINCT source, record_id, family_id AS true_family "
            f"FROM read_csv({sql_str(records_csv)}, header = true, all_varchar = true) "
            f"WHERE family_id IS NOT NULL AND family_id <> '')")


def votes_sql(truth_records: str, members: str = "family_members") -> str:
    """(family_id, true_family, n): n records linked to a member of our family `family_id` that the truth
    puts in `true_family`.

    `truth_records` is a relation of (source, record_id, true_family), e.g. `truth_records_sql(path)`,
    restricted to the truth families that may map; `members` a relation of (family_id, person_id), our families
    that may map (`family_members`, or the members frozen at attachment).
    """
    return f"""(
        SELECT m.family_id, t.true_family, count(*) AS n
        FROM {members} m
        JOIN record_person rp ON rp.person_id = m.person_id
        JOIN {truth_records} t ON t.source = rp.source AND t.record_id = rp.record_id
        GROUP BY m.family_id, t.true_family)"""


def best_sql(votes: str, per: Side) -> str:
    """Each `per` family's best match on the other side: the one holding most of its records, a tie to the
    least id. Rows of `votes` (family_id, true_family, n, ...), one per `per` family."""
    key, other = COLUMN[per], COLUMN[OTHER[per]]
    return f"""(
        SELECT * FROM {votes}
        QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY n DESC, {other}) = 1)"""


def one_to_one_sql(votes: str, first: Side) -> str:
    """Each `first` family's best match (`best_sql`), where a family on the other side taken by several goes to
    the one with most records there (a tie to the least id); the others are left out. Rows of `votes`, at most
    one per family on either side."""
    return best_sql(best_sql(votes, first), OTHER[first])

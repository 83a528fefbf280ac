"""Match the people a referral names to the published members and to earlier referrals, with the linkage
stage's own pieces: its standardisation (`ingest.standardise.name_std`, `postcode_std`), its nickname table
(`linkage.prepare.load_nicknames`) and its comparison levels with their prior m and u (`linkage.model`).

This is not the refresh's linkage. The refresh trains the model on the whole county and clusters people with
Splink; a referral is a handful of people, scored here against the few published members they could be
(the same date of birth, postcode or surname) on a scratch in-memory DuckDB, never the store. The answer
says "this looks like a family we know"; the next refresh links the referral's people properly when
referrals are fed to it as a source. Term-frequency adjustments are left out (they need the county's name
frequencies, which live in the store).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb
from django.db.models import Q

from priority_families.casedb.models import Member, Referral, ReferralStatus, ReferredPerson
from priority_families.core.sql import load_rows
from priority_families.ingest.standardise import name_std, postcode_std
from priority_families.linkage.model import PRIOR_MATCH_PROBABILITY, person_comparisons
from priority_families.linkage.prepare import load_nicknames
from priority_families.linkage.settings import LinkageSettings

COLUMNS = {"pid": "VARCHAR", "family_id": "VARCHAR", "first_name": "VARCHAR", "last_name": "VARCHAR",
           "dob": "DATE", "postcode": "VARCHAR"}


@dataclass(frozen=True)
class PersonMatch:
    """A referred person's best match above the linkage's match probability."""

    referred_id: int
    other: str  # a published person id, or `referral:<id>`
    family_id: str
    probability: float


def _bayes(level: dict[str, Any]) -> float:
    return math.log2(level["m_probability"] / level["u_probability"])


def _weight_sql(comparison: dict[str, Any]) -> str:
    """One comparison's match weight: its levels, in order, as one CASE (a null level weighs nothing)."""
    parts = []
    for level in comparison["comparison_levels"]:
        if level.get("is_null_level"):
            parts.append(f"WHEN {level['sql_condition']} THEN 0")
        elif level["sql_condition"] == "ELSE":
            parts.append(f"ELSE {_bayes(level)!r}")
        else:
            parts.append(f"WHEN {level['sql_condition']} THEN {_bayes(level)!r}")
    return "CASE " + " ".join(parts) + " END"


def _prior() -> float:
    p = PRIOR_MATCH_PROBABILITY
    return math.log2(p / (1 - p))


def _described(con: duckdb.DuckDBPyConnection, raw: str, out: str) -> None:
    """The linkage's person description of each raw row (the columns the comparison levels read)."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT pid, family_id, f AS first_name, s AS last_name,
               CASE WHEN f IS NULL THEN []::VARCHAR[] ELSE coalesce(n.forms, [f]) END AS first_forms,
               dob, strftime(dob, '%Y-%m-%d') AS dob_text, pc AS postcode, split_part(pc, ' ', 1) AS district,
               NULL::VARCHAR AS address, NULL::VARCHAR AS address_number
        FROM (SELECT *, {name_std('first_name')} AS f, {name_std('last_name')} AS s,
                     {postcode_std('postcode')} AS pc FROM {raw}) r
        LEFT JOIN nickname_forms n ON n.name = r.f""")


def score(referred: list[tuple], candidates: list[tuple]) -> list[PersonMatch]:
    """Each referred person's best candidate at or above the linkage's match probability.

    Rows are (pid, family_id, first_name, last_name, dob, postcode). Pairs are scored set-wise in DuckDB.
    """
    if not referred or not candidates:
        return []
    con = duckdb.connect()
    try:
        load_nicknames(con)
        load_rows(con, "referred_raw", COLUMNS, referred)
        load_rows(con, "known_raw", COLUMNS, candidates)
        _described(con, "referred_raw", "referred")
        _described(con, "known_raw", "known")
        weight = " + ".join(_weight_sql(c) for c in person_comparisons())
        threshold = LinkageSettings().match_probability
        rows = con.execute(f"""
            WITH pairs AS (
                SELECT l.pid AS referred_id, r.pid AS other, r.family_id, {_prior()!r} + {weight} AS w
                FROM (SELECT {', '.join(f'{c} AS {c}_l' for c in _cols())}, pid FROM referred) l
                CROSS JOIN (SELECT {', '.join(f'{c} AS {c}_r' for c in _cols())}, pid, family_id FROM known) r
            )
            SELECT referred_id, other, family_id, pow(2, w) / (1 + pow(2, w)) AS p FROM pairs
            WHERE pow(2, w) / (1 + pow(2, w)) >= {threshold}
            QUALIFY row_number() OVER (PARTITION BY referred_id ORDER BY w DESC, other) = 1
            ORDER BY referred_id""").fetchall()
    finally:
        con.close()
    return [PersonMatch(int(a), b, c or "", float(p)) for a, b, c, p in rows]


def _cols() -> list[str]:
    return ["first_name", "last_name", "first_forms", "dob", "dob_text", "postcode", "district", "address",
            "address_number"]


def _candidates(people: list[ReferredPerson]) -> list[tuple]:
    """Published members who could be one of these people: the same date of birth, postcode or surname."""
    dobs = [p.dob for p in people if p.dob]
    postcodes = [p.postcode for p in people if p.postcode]
    names = [p.last_name.upper() for p in people]
    near = Q(dob__in=dobs) | Q(postcode__in=postcodes) | Q(last_name__in=names)
    return list(Member.objects.filter(near).values_list("person_id", "family__family_id", "first_name",
                                                         "last_name", "dob", "postcode")[:5000])


def _earlier_people(referral: Referral) -> list[tuple]:
    """People of the referrals made before this one (any outcome: a family referred again is one family)."""
    rows = (ReferredPerson.objects.filter(referral__pk__lt=referral.pk)
            .exclude(referral__status=ReferralStatus.DECLINED, referral__family_id="")
            .values_list("referral_id", "referral__family_id", "first_name", "last_name", "dob", "postcode"))
    return [(f"referral:{r}", f, a, b, d, pc) for r, f, a, b, d, pc in rows]


def match_referral(referral: Referral) -> None:
    """Record on the referral the known family its people match (and each person's match), and the earlier
    referral of the same family: one with the same matched family, or whose people match these."""
    people = list(referral.people.all())
    mine = [(str(p.pk), "", p.first_name, p.last_name, p.dob, p.postcode) for p in people]
    known = score(mine, _candidates(people))
    for m in known:
        ReferredPerson.objects.filter(pk=m.referred_id).update(person_id=m.other)
    families = [m.family_id for m in known]
    if families:
        referral.family_id = max(set(families), key=lambda f: (families.count(f), f))
        referral.match_detail = (f"{families.count(referral.family_id)} of {len(people)} people matched family "
                                 f"{referral.family_id} (linkage match probability >= "
                                 f"{LinkageSettings().match_probability})")
    repeats = score(mine, _earlier_people(referral))
    earlier_ids = {int(m.other.split(":")[1]) for m in repeats}
    earlier = Referral.objects.filter(pk__lt=referral.pk).filter(
        Q(pk__in=earlier_ids) | (Q(family_id=referral.family_id) & ~Q(family_id=""))).order_by("at", "id").first()
    referral.same_as = (earlier.same_as or earlier) if earlier is not None else None
    if referral.same_as is not None and not referral.family_id:
        referral.family_id = referral.same_as.family_id
    referral.save()

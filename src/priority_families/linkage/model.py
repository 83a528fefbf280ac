"""The probabilistic person model: Splink 5 comparisons, training and scoring (blocking: `linkage.blocking`).

The model is built in Python from comparison definitions (not loaded from JSON) so the same definition
can run on another Splink backend. Every level carries a prior m/u value: small data (tests, a tiny
council) is scored with the priors, larger data re-estimates u by random sampling and m by EM.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator

from priority_families.linkage.blocking import RULES, block_pairs, blocked_pairs, broad_rules
from priority_families.linkage.evidence import PlaceU, place_u_among_different_people
from priority_families.linkage.settings import LinkageSettings

SPLINK_INPUT = "link_descriptions"
SPLINK_WORK = "splink_work"  # the in-memory database Splink works in, attached to the store

# EM passes: each leaves some comparisons free to train (dob block trains names and place; the names and
# district block trains dob and sex). At scale these blocks are quadratic, so EM runs on a random share of
# their pairs: both descriptions in the same bucket of `unique_id` (independent of every compared field,
# so the sample is unbiased); at least one bucket per `EM_DESCRIPTIONS_PER_BUCKET` descriptions, and
# enough buckets that a pass scores about `EM_PAIRS_PER_PASS` pairs (EM's cost is its pairs times its
# iterations; at 1M the old rule left 5M and 12M pairs, 70 s).
EM_BLOCKS: dict[str, tuple[str, ...]] = {
    "l.dob = r.dob": ("dob",),
    "l.first_name = r.first_name AND l.last_name = r.last_name AND l.district = r.district":
        ("first_name", "last_name", "district"),
}
EM_DESCRIPTIONS_PER_BUCKET = 50_000
EM_PAIRS_PER_PASS = 750_000


def em_blocks(con: duckdb.DuckDBPyConnection, table: str, descriptions: int) -> list[str]:
    """The EM blocking rules, restricted to a random share of pairs when there are many descriptions."""
    rules = []
    for rule, keys in EM_BLOCKS.items():
        by_pairs = -(-block_pairs(con, table, keys) // EM_PAIRS_PER_PASS)
        buckets = max(descriptions // EM_DESCRIPTIONS_PER_BUCKET, by_pairs)
        bucket = f" AND l.unique_id % {buckets} = r.unique_id % {buckets}"
        rules.append(rule if buckets <= 1 else rule + bucket)
    return rules


def _level(sql: str, label: str, m: float, u: float, tf: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label, "m_probability": m,
                             "u_probability": u}
    if tf:
        level.update(tf_adjustment_column=tf, tf_adjustment_weight=1.0)
    return level


def _null(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "null", "is_null_level": True}


def _else(m: float, u: float, fix_m: bool = False) -> dict[str, Any]:
    level = {"sql_condition": "ELSE", "label_for_charts": "all other", "m_probability": m, "u_probability": u}
    if fix_m:
        level["fix_m_probability"] = True
    return level


def hamming(a: str, b: str) -> str:
    """SQL: the hamming distance of two texts of one length, NULL for two lengths. DuckDB's `hamming` raises an
    error on texts of two lengths, and a guard beside it (`length(a) = length(b) AND ...`) does not always run
    first: the optimiser may reorder a filter's terms (a 10M county's learned place u met one)."""
    return f"CASE WHEN length({a}) = length({b}) THEN hamming({a}, {b}) END"


def one_slip(a: str, b: str, floor: float) -> str:
    """`a` and `b` at most one slip apart: a character changed, added, dropped or two swapped.

    DuckDB's damerau_levenshtein is slow; hamming (same length) and jaro_winkler are fast. Same length:
    one character changed is hamming 1, two swapped is hamming 2, which damerau-levenshtein then confirms.
    One character added or dropped is never below jaro-winkler `floor` (0.8 for postcodes of 4+
    characters), so the slow test sees few pairs (a quarter of the model's time at 100k people otherwise).
    """
    same_length = (f"(length({a}) = length({b}) AND ({hamming(a, b)} <= 1 "
                   f"OR ({hamming(a, b)} = 2 AND damerau_levenshtein({a}, {b}) = 1)))")
    one_more = (f"(abs(length({a}) - length({b})) = 1 AND jaro_winkler_similarity({a}, {b}) >= {floor} "
                f"AND damerau_levenshtein({a}, {b}) = 1)")
    return f"({same_length} OR {one_more})"


# One digit of a date of birth mistyped, or two digits swapped within month and day (1985-03-12 /
# 1985-03-21). Two year digits swapped (1976 / 1967) are not a slip: in a county, two EMMA SMITHs born
# nine years apart on the same day are commoner than that typo.
def dob_slip(dob_l: str, dob_r: str, text_l: str, text_r: str) -> str:
    """SQL: the two dates (and their `YYYY-MM-DD` texts) are one slip apart, as defined above."""
    return (f"({hamming(text_l, text_r)} <= 1 OR (year({dob_l}) = year({dob_r}) "
            f"AND {hamming(text_l, text_r)} = 2 AND damerau_levenshtein({text_l}, {text_r}) = 1))")


def _first_name() -> dict[str, Any]:
    jw = "jaro_winkler_similarity(first_name_l, first_name_r)"
    return {
        "output_column_name": "first_name",
        "comparison_description": "first name, nickname aware",
        "comparison_levels": [
            _null("first_name_l IS NULL OR first_name_r IS NULL"),
            _level("first_name_l = first_name_r", "exact", 0.6, 0.01, tf="first_name"),
            _level("first_name_l = last_name_r", "swapped with surname", 0.03, 0.0002),
            _level("len(list_intersect(first_forms_l, first_forms_r)) > 0", "nickname", 0.1, 0.001),
            _level(f"{jw} >= 0.92", "jaro-winkler >= 0.92", 0.12, 0.004),
            _level(f"{jw} >= 0.8", "jaro-winkler >= 0.8", 0.07, 0.03),
            _else(0.08, 0.95),
        ],
    }


def _last_name() -> dict[str, Any]:
    jw = "jaro_winkler_similarity(last_name_l, last_name_r)"
    return {
        "output_column_name": "last_name",
        "comparison_description": "surname, double-barrelled aware",
        "comparison_levels": [
            _null("last_name_l IS NULL OR last_name_r IS NULL"),
            _level("last_name_l = last_name_r", "exact", 0.7, 0.005, tf="last_name"),
            _level("last_name_l = first_name_r", "swapped with first name", 0.03, 0.0002),
            _level(
                "least(length(last_name_l), length(last_name_r)) >= 3 AND "
                "(contains(last_name_l, last_name_r) OR contains(last_name_r, last_name_l))",
                "one part of a double-barrelled name", 0.08, 0.001,
            ),
            _level(f"{jw} >= 0.92", "jaro-winkler >= 0.92", 0.08, 0.004),
            _level(f"{jw} >= 0.8", "jaro-winkler >= 0.8", 0.04, 0.03),
            _else(0.07, 0.95),
        ],
    }


def day_month_swapped(dob_l: str, dob_r: str) -> str:
    """SQL: the same date with day and month written the other way round."""
    return f"(year({dob_l}) = year({dob_r}) AND month({dob_l}) = day({dob_r}) AND day({dob_l}) = month({dob_r}))"


def ni_one_slip(a: str, b: str) -> str:
    """SQL: two known NI numbers at most one slip apart (the same, a character changed, or two swapped).
    An NI number has no check digit, so that is one person's number mistyped; further apart, two people's
    (decision 29: of 43 persons of ours holding two NI numbers further apart at 100k, 42 were two people)."""
    return f"(damerau_levenshtein({a}, {b}) <= 1)"


def dob_near(dob_l: str, dob_r: str, text_l: str, text_r: str) -> str:
    """SQL: one day or one year out, or a digit slip (`dob_slip`); the model's and the guards' reading."""
    return (f"(abs(date_diff('day', {dob_l}, {dob_r})) <= 1 OR (month({dob_l}) = month({dob_r}) "
            f"AND day({dob_l}) = day({dob_r}) AND abs(year({dob_l}) - year({dob_r})) = 1) OR "
            f"{dob_slip(dob_l, dob_r, text_l, text_r)})")


# How often one person's dates of birth are far apart in partners' records (the "all other" level of the dob
# comparison): learned from the data, not fixed. EM cannot learn it: in its names + district pass it reads
# parents and children sharing a name and an address as matches with a wrong date of birth, and on FEBRL,
# where partners' dates of birth really are replaced (4.6% of them), it learned 0.004 and 0.001, less than
# the fixed 0.01 of before. So the rate is counted where the answer is nearly known: pairs of *records*
# (each description weighted by its records) with the same first name, surname, address line and postcode,
# not a generation apart (those count only for the share the data says is not families: `family_share`
# below). Among those, a person's own records are the great majority, and the share whose
# dates of birth are far apart is how often a partner keys one wrong. The count updates a prior of DOB_WRONG_PRIOR worth
# DOB_WRONG_PRIOR_PAIRS record pairs (a Beta prior: the posterior mean is (prior x weight + far) / (weight +
# pairs)), held within [DOB_WRONG_PRIOR, LinkageSettings.dob_wrong_ceiling]: a parent and child of one name
# at one address are in that count too, so the rate is never allowed to make a real disagreement cheap. The
# twin and parent/child guards (`guards.py`) veto those pairs whatever the model says (a generation apart
# even seen once where the data says such pairs are families; otherwise when both are corroborated), so the
# learned cost reaches the pairs the guards leave to the model: one date of birth keyed wrong while names,
# place and identifiers agree.
DOB_WRONG_PRIOR = 0.01
DOB_WRONG_PRIOR_PAIRS = 1000
GENERATION_YEARS = 12  # dates of birth this many years apart: a parent and child, where the data says so


def _dob(m_far: float = DOB_WRONG_PRIOR) -> dict[str, Any]:
    """Date of birth; `m_far` is how often one person's dates of birth are far apart (`dob_wrong_rate`)."""
    return {
        "output_column_name": "dob",
        "comparison_description": "date of birth with day/month swaps and one-digit typos",
        "comparison_levels": [
            _null("dob_l IS NULL OR dob_r IS NULL"),
            _level("dob_l = dob_r", "exact", 0.85, 0.0001),
            _level(day_month_swapped("dob_l", "dob_r"), "day and month swapped", 0.04, 0.00005),
            _level(dob_near("dob_l", "dob_r", "dob_text_l", "dob_text_r"),
                   "one digit wrong or two swapped, one day or one year out", 0.06, 0.003),
            # m is fixed during EM (which would read siblings and parents as matches): it is learned above
            _else(m_far, 0.99, fix_m=True),
        ],
    }


# Whether a pair of one name and place a generation apart is a parent and child, or one person whose date of
# birth a partner keyed wrong, depends on the data: on a council's data such pairs are families (our 20k
# county: 536 description pairs, every one two people); where partners replace whole dates of birth (FEBRL)
# most are one person. The data tells which by corroboration: a parent and a child each have their own name
# and date of birth written on several records, while a wrong date is keyed once (a partner does not repeat
# the same random slip). Were every such pair a family, the share with both sides corroborated would be about
# the share of this data's descriptions corroborated, squared: so the pairs observed corroborated on both
# sides, over those expected, is the share that are families (our 20k county: 400 of 536 corroborated on both
# sides where 57% were expected: all families; FEBRL3: 0 of 24 where 17% were, about 4 pairs: keying errors).
# The estimate updates a prior that all are families worth FAMILY_PRIOR_CORROBORATED expected corroborated
# pairs, so it weighs what the data can show: few pairs a generation apart, or data whose people are rarely
# written twice (one record per person: nothing is corroborated), keep the guard's premise.
# Pairs of one name and place a generation apart are vetoed even when seen once while at least this share
# of them are families by the data (`DobWrongRate.family_share`): the guard reads "family" whenever that is
# the likelier reading (`guards.py`). The same reading keeps the sampled place u as a floor (`learn_place_u`).
FAMILY_SHARE_VETO = 0.5
CORROBORATING_RECORDS = 2  # a first name, surname and date of birth written together on this many records
FAMILY_PRIOR_CORROBORATED = 2.0


@dataclass(frozen=True)
class DobWrongRate:
    """The anchor count behind the learned m: record pairs of one name and place, those with dates of birth
    far apart, and the m kept (the bounded posterior mean); and the description pairs of one name and place
    a generation apart, those corroborated on both sides, and the share of the data's descriptions that is
    corroborated (`family_share`), with the record pairs a generation apart (the share not families are one
    person keyed wrong: they count in m too)."""

    pairs: int
    far_apart: int
    m: float
    generation_apart: int = 0
    corroborated_apart: int = 0
    corroborated_share: float = 0.0
    generation_record_pairs: int = 0

    @property
    def family_share(self) -> float:
        """Of the description pairs of one name and place a generation apart, the share that are families: those
        corroborated on both sides over those expected were all families, with the prior that all are; at most
        1 (1 with no such pairs, or nothing corroborated)."""
        expected = self.generation_apart * self.corroborated_share ** 2
        return min((self.corroborated_apart + FAMILY_PRIOR_CORROBORATED) / (expected + FAMILY_PRIOR_CORROBORATED), 1.0)


def dob_wrong_rate(con: duckdb.DuckDBPyConnection, descriptions: str, ceiling: float) -> DobWrongRate:
    """How often one person's dates of birth are far apart, learned from the record pairs with the same
    names, address line and postcode (see DOB_WRONG_PRIOR), as one set-based query on `con` (which holds
    `records` and `record_description`: each description's records). Pairs a generation apart count in m
    only for the share that is not families (`DobWrongRate.family_share`, which also tells the guard whether
    to veto them): on a council's data they are all parents and children of one name (our 20k county: 536
    description pairs, all two people), which the guard vetoes whatever m says."""
    far = (f"NOT (l.dob = r.dob OR {day_month_swapped('l.dob', 'r.dob')} "
           f"OR {dob_near('l.dob', 'r.dob', 'l.dob_text', 'r.dob_text')})")
    generation = f"abs(year(l.dob) - year(r.dob)) >= {GENERATION_YEARS}"
    pairs, far_apart, generation_apart, corroborated_apart, corroborated_share, generation_pairs = con.execute(
        f"""
        WITH written AS (
            SELECT first_name_std, last_name_std, dob, count(*) AS records FROM records
            WHERE first_name_std IS NOT NULL AND last_name_std IS NOT NULL AND dob IS NOT NULL GROUP BY ALL),
        d AS (
            SELECT l.unique_id, l.first_name, l.last_name, l.address, l.postcode, l.dob, l.dob_text, w.n,
                   coalesce(c.records, 0) >= {CORROBORATING_RECORDS} AS corroborated
            FROM {descriptions} l
            JOIN (SELECT description_id, count(*) AS n FROM record_description GROUP BY ALL) w
              ON w.description_id = l.unique_id
            LEFT JOIN written c
              ON c.first_name_std = l.first_name AND c.last_name_std = l.last_name AND c.dob = l.dob
            WHERE l.dob IS NOT NULL AND l.first_name IS NOT NULL AND l.last_name IS NOT NULL
              AND l.address IS NOT NULL AND l.postcode IS NOT NULL),
        across AS (
            SELECT l.n * r.n AS pairs, {far} AS far, {generation} AS generation,
                   l.corroborated AND r.corroborated AS corroborated
            FROM d l JOIN d r
              ON l.first_name = r.first_name AND l.last_name = r.last_name AND l.address = r.address
             AND l.postcode = r.postcode AND l.unique_id < r.unique_id)
        SELECT (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM d)
                   + coalesce(sum(pairs) FILTER (WHERE NOT generation), 0),
               coalesce(sum(pairs) FILTER (WHERE far AND NOT generation), 0),
               count(*) FILTER (WHERE generation), count(*) FILTER (WHERE generation AND corroborated),
               coalesce((SELECT avg(corroborated::INTEGER) FROM d), 0),
               coalesce(sum(pairs) FILTER (WHERE generation), 0)
        FROM across
        """
    ).fetchall()[0]
    counted = DobWrongRate(int(pairs), int(far_apart), DOB_WRONG_PRIOR, int(generation_apart),
                           int(corroborated_apart), float(corroborated_share), int(generation_pairs))
    # the pairs a generation apart that are not families are one person with a date keyed wrong
    keyed_wrong = (1 - counted.family_share) * counted.generation_record_pairs
    posterior = ((DOB_WRONG_PRIOR * DOB_WRONG_PRIOR_PAIRS + far_apart + keyed_wrong)
                 / (DOB_WRONG_PRIOR_PAIRS + pairs + keyed_wrong))
    rate = replace(counted, m=min(max(posterior, DOB_WRONG_PRIOR), ceiling))
    log.info("dates of birth far apart for one person: %d of %d record pairs of one name and place, m %.4f; "
             "a generation apart: %d description pairs, %d corroborated on both sides (%.0f%% of descriptions "
             "corroborated), family share %.2f", far_apart, pairs, rate.m, generation_apart, corroborated_apart,
             100 * corroborated_share, rate.family_share)
    return rate


def _sex() -> dict[str, Any]:
    return {
        "output_column_name": "sex",
        "comparison_levels": [
            _null("sex_l IS NULL OR sex_r IS NULL"),
            _level("sex_l = sex_r", "same", 0.97, 0.5),
            _else(0.03, 0.5),
        ],
    }


# The flat and house number with its letter (FLAT 3 12, 12A), computed once per description (not once per
# pair): the place comparison's first, cheap test. What it reads after that runs only on the few pairs that
# pass, so it is computed per pair (every column added here is carried through every blocked pair).
PLACE_KEYS: dict[str, str] = {"address_number": r"regexp_extract(address, '(FLAT \S+ )?[0-9]+[A-Z]?')"}


def with_place_keys(table: str) -> str:
    """`table` (link_descriptions' columns) with the place keys added."""
    return f"SELECT *, {', '.join(f'{sql} AS {name}' for name, sql in PLACE_KEYS.items())} FROM {table}"


# An address line written two ways: the same house number (or none on both) and the lines alike once
# spaces are dropped (DAVIDSONSTREET / DAVIDSON WTREET, 5 DEAMER CERESCENT / 5 DEAMER CRES). Different
# house numbers (or flats, or 12A / 12B) never count as alike: 12 and 14 HIGH ST are neighbours, not a typo.
SAME_NUMBER = "address_number_l = address_number_r"
SQUEEZED_ADDRESS = "replace(address_{side}, ' ', '')"
ADDRESS_CLOSE = (f"(address_l = address_r OR jaro_winkler_similarity({SQUEEZED_ADDRESS.format(side='l')}, "
                 f"{SQUEEZED_ADDRESS.format(side='r')}) >= 0.9)")
# Within one postcode a looser test: the same house number and at least half the words in common
# (91 WATSON ST KEMPSEY / 91 KEMPSEY: a street or locality left out; 1329 BEAN CRES CAMPERDOWN / 1329 BEAN
# CRES THE ENTRANCE: the locality written another way). Both word lists are distinct, so shared >= half
# of the union is 3 x shared >= the two lengths added. Computed per pair, but only for the few pairs with
# the same house number and postcode (a list column carried through every blocked pair costs more).
WORDS = "list_distinct(string_split(address_{side}, ' '))"
SHARES_WORDS = (f"3 * len(list_intersect({WORDS.format(side='l')}, {WORDS.format(side='r')})) "
                f">= len({WORDS.format(side='l')}) + len({WORDS.format(side='r')})")
# A postcode with one character changed, dropped or two swapped (NG7 2AB / NG7 2BA); in a dense city
# also a neighbour's postcode, so its u is estimated, not assumed small.
SQUEEZED_POSTCODE = "replace(postcode_{side}, ' ', '')"
POSTCODE_SLIP = ("(postcode_l <> postcode_r AND "
                 + one_slip(SQUEEZED_POSTCODE.format(side="l"), SQUEEZED_POSTCODE.format(side="r"), 0.8)
                 + ")")
# The same street in the same postcode at another house number: on a council's data a neighbour, where the data
# says different people share streets (its u is counted among them: `evidence`); where they do not, one person
# with the house number keyed wrong.
STREET = r"regexp_replace(address_{side}, '(FLAT \S+ )?[0-9]+[A-Z]?', '', 'g')"
# The street is read from both ends: jaro-winkler weighs the start of a line, so on its own it found LA PEROUSE ST
# TOORAK and LA PEROUSE ST ASCOT one street (0.94), and STATION RD and STATION ST (0.93); what ends a line (the kind
# of street, a locality) says which street as much as its start (decision 23: a street of another kind is another
# street), so the lines read backwards must be alike too (0.88 and 0.88; a typo anywhere, TEMPERLEY S TREET,
# keeps both readings at 0.9 or more).
STREET_ALIKE = ("(jaro_winkler_similarity({l}, {r}) >= 0.9 "
                "AND jaro_winkler_similarity(reverse({l}), reverse({r})) >= 0.9)")
SAME_STREET_ANOTHER_NUMBER = (f"(postcode_l = postcode_r AND {SAME_NUMBER.replace('=', '<>')} AND "
                              f"{STREET_ALIKE.format(l=STREET.format(side='l'), r=STREET.format(side='r'))})")
# The same street in the same postcode, one line without a house number (MULGA ST / 10 MULGA ST; "Beechdale Rd"
# beside "135 Beechdale Road"): a partner who left the number out, or another house of the street. Its own level,
# its u counted among different people like the levels above (`evidence`), so the data says which.
BARE_STREET = f"trim({STREET})"
SAME_STREET_NO_NUMBER = (f"(postcode_l = postcode_r AND (address_number_l = '') <> (address_number_r = '') AND "
                         f"jaro_winkler_similarity({BARE_STREET.format(side='l')}, {BARE_STREET.format(side='r')}) "
                         ">= 0.9)")
# The same house number (or flat and number) in the same postcode, the rest of the line written otherwise (17
# HORSLEY CRES / 17 ANNESLEY; 8 FAWKNER ST / 8 EMERALD COLLEGE): a postcode and a house number are how Royal Mail
# finds one door, so this is one place with the street name or building mistyped, replaced or left out, unless the
# postcode covers two streets that both have that number. Which of the two the data says is learned like the
# levels above (`evidence`: its u is counted among different people). A line without a number never qualifies.
SAME_NUMBER_AND_POSTCODE = f"(postcode_l = postcode_r AND address_number_l <> '' AND {SAME_NUMBER})"
# Below "same postcode", the house number kept with a postcode one character out and the rest of the line written
# otherwise (83 CARSLAW ST / 83 BROULEE at NG7 2AB and NG7 2BA): still evidence, a level with its own m and u (EM and
# random pairs). (The house number kept with the line alike at a wholly other postcode was tried as a level too:
# the hard county lost precision, 2 WILLOW DR and 2 WILLOW ST in two towns; benchmarks/README.md.)
SAME_NUMBER_POSTCODE_SLIP = f"(address_number_l <> '' AND {SAME_NUMBER} AND {POSTCODE_SLIP})"
# Cheap and selective tests first: DuckDB narrows the rows before the string functions run.
PLACE_WRITTEN_DIFFERENTLY = (f"({SAME_NUMBER} AND (postcode_l = postcode_r OR {POSTCODE_SLIP}) "
                             f"AND ({ADDRESS_CLOSE} OR {SHARES_WORDS}))")


def _place() -> dict[str, Any]:
    """Address and postcode as ONE comparison: they are strongly dependent, so two would double count.

    Partners mistype addresses (the rules say the same place written two ways is still one place), so
    an address line alike but not equal (with the postcode equal or one character out), or a postcode one
    character out, is its own level, weaker than exact agreement.
    """
    return {
        "output_column_name": "place",
        "comparison_description": "address line and postcode, typo aware",
        "comparison_levels": [
            _null("(address_l IS NULL OR address_r IS NULL) AND (postcode_l IS NULL OR postcode_r IS NULL)"),
            _level("address_l = address_r AND postcode_l = postcode_r", "same address and postcode",
                   0.55, 0.0005),
            _level(PLACE_WRITTEN_DIFFERENTLY, "same place written differently (address or postcode typo)",
                   0.12, 0.0005),
            # only the exact line: 2 WILLOW DR and 2 WILLOW ST in two postcodes are two places
            _level("address_l = address_r", "same address line, postcode differs", 0.04, 0.0005),
            _level(SAME_NUMBER_AND_POSTCODE, "same house number and postcode, line written otherwise", 0.02,
                   0.0003),
            _level(SAME_STREET_NO_NUMBER, "same street and postcode, one line without a house number", 0.02,
                   0.0005),
            _level(SAME_STREET_ANOTHER_NUMBER, "same street and postcode, another house number", 0.02, 0.002),
            _level("postcode_l = postcode_r", "same postcode", 0.08, 0.003),
            _level(SAME_NUMBER_POSTCODE_SLIP, "same house number, postcode one character out", 0.02, 0.001),
            _level(POSTCODE_SLIP, "postcode one character out", 0.02, 0.005),
            _level("district_l = district_r", "same postcode district", 0.05, 0.05),
            _else(0.14, 0.94),
        ],
    }


def _identifiers() -> dict[str, Any]:
    """UPN and NHS numbers carry check digits, so two valid ones that differ are two people; an NI
    number has none, and a one-character slip (a digit changed, or two swapped) still looks valid, so
    only NI numbers further apart count as a disagreement."""
    both = "(upn_l IS NOT NULL AND upn_r IS NOT NULL) OR (nhs_l IS NOT NULL AND nhs_r IS NOT NULL) OR " \
           "(ni_l IS NOT NULL AND ni_r IS NOT NULL)"
    return {
        "output_column_name": "identifiers",
        "comparison_description": "valid UPN, NHS and NI numbers",
        "comparison_levels": [
            _null(f"NOT ({both})"),
            _level(f"upn_l <> upn_r OR nhs_l <> nhs_r OR NOT {ni_one_slip('ni_l', 'ni_r')}",
                   "a valid identifier differs",
                   0.01, 0.99),
            _else(0.99, 0.01),
        ],
    }


log = logging.getLogger(__name__)
PRIOR_MATCH_PROBABILITY = 1e-4  # before training: the chance two random descriptions are one person


def person_comparisons() -> list[dict[str, Any]]:
    """The comparisons of names, date of birth and place, with their prior m and u: what a few people named
    outside a refresh (a referral) are scored with against published people (`casedb.referral_match`)."""
    return [_first_name(), _last_name(), _dob(), _place()]


def settings_creator(rules: list[str] | None = None, dob_far_m: float = DOB_WRONG_PRIOR) -> SettingsCreator:
    """The person model; dedupe of one table of distinct person descriptions, blocked by `rules`
    (default: the paired rules alone), with `dob_far_m` the learned cost of a wrong date of birth."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=PRIOR_MATCH_PROBABILITY,
        comparisons=[_first_name(), _last_name(), _dob(dob_far_m), _sex(), _place(), _identifiers()],
        blocking_rules_to_generate_predictions=rules or list(RULES),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


@dataclass(frozen=True)
class ScoredPairs:
    """Pairs scored by the model, left in `table` of the caller's connection."""

    table: str
    pairs: int
    trained: bool
    dob: DobWrongRate  # what the data says about dates of birth far apart (the model's cost, the guard's premise)


class PairScorer(Protocol):
    """Blocks and scores the descriptions elsewhere (Spark), with the model trained here."""

    def score(self, work: duckdb.DuckDBPyConnection, linker: Linker, broad: list[str],
              settings: LinkageSettings) -> pa.Table:
        """Scored pairs (unique_id_l, unique_id_r, match_probability, match_weight) of `SPLINK_INPUT`."""
        ...


def score_descriptions(
    con: duckdb.DuckDBPyConnection, descriptions: str, out_table: str, settings: LinkageSettings,
    scorer: PairScorer | None = None,
) -> ScoredPairs:
    """Train (when there is enough data) and score blocked pairs of person descriptions.

    Splink works in an in-memory database attached to the store's own DuckDB (`SPLINK_WORK`), through a
    cursor whose default database it is: its scratch tables never reach the published store, and the run's
    one `memory_limit` caps the store and Splink together (two connections would each take the cap, which
    at 10M people added up past the machine). Blocking is ours (`linkage.blocking`); Splink scores the
    blocked pairs it is given, a chunk at a time. A `scorer` (the Spark engine) blocks and scores instead,
    with the m and u values trained here.
    """
    con.execute(f"ATTACH ':memory:' AS {SPLINK_WORK}")
    try:
        con.execute(f"CREATE TABLE {SPLINK_WORK}.main.{SPLINK_INPUT} AS "
                    f"{with_place_keys(f'temp.main.{descriptions}')}")
        dob = dob_wrong_rate(con, descriptions, settings.dob_wrong_ceiling)
        trained, from_scorer = _score_in_work(con, settings, dob, scorer)
        scored = f"{SPLINK_WORK}.main.scored_chunks"
        if from_scorer is not None:
            con.register("scored_incoming", from_scorer)
            scored = "scored_incoming"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out_table} AS SELECT * FROM {scored}")
        con.unregister("scored_incoming")
    finally:
        con.execute(f"DETACH DATABASE IF EXISTS {SPLINK_WORK}")
    pairs = con.execute(f"SELECT count(*) FROM {out_table}").fetchall()[0][0]
    return ScoredPairs(out_table, pairs, trained, dob)


def _score_in_work(con: duckdb.DuckDBPyConnection, settings: LinkageSettings, dob: DobWrongRate,
                   scorer: PairScorer | None) -> tuple[bool, pa.Table | None]:
    """Train and score on a cursor whose default database is `SPLINK_WORK`. On DuckDB the pairs are left in
    its `scored_chunks`; a scorer returns them as Arrow. Whether the model was trained comes first."""
    order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    work = con.cursor()
    try:
        work.execute(f"USE {SPLINK_WORK}")
        work.execute("SET preserve_insertion_order = false")  # a global setting: restored below
        n = work.execute(f"SELECT count(*) FROM {SPLINK_INPUT}").fetchall()[0][0]
        db = DuckDBAPI(connection=work)
        broad = broad_rules(work, SPLINK_INPUT, settings.broad_block_pairs_per_description)
        trained = n >= settings.min_training_descriptions
        linker = Linker(db.register(SPLINK_INPUT), settings_creator([*RULES, *broad], dob.m),
                        log_level=logging.WARNING)
        if trained:
            _train(linker, settings, em_blocks(work, SPLINK_INPUT, n), rescales_match_rate(settings, dob))
            learn_place_u(work, linker, dob.m, floored=dob.family_share >= FAMILY_SHARE_VETO)
        if settings.charts_dir:
            save_charts(linker, Path(settings.charts_dir))
        if scorer is not None:
            return trained, scorer.score(work, linker, broad, settings)
        pairs = blocked_pairs(work, SPLINK_INPUT, broad, "blocked")
        _predict_in_chunks(work, db, linker, -(-pairs // settings.pairs_per_chunk), settings)
        return trained, None
    finally:
        work.close()
        con.execute(f"SET preserve_insertion_order = {str(order).lower()}")


def _predict_in_chunks(
    work: duckdb.DuckDBPyConnection, db: DuckDBAPI, linker: Linker, chunks: int, settings: LinkageSettings
) -> None:
    """Score `blocked` in `chunks` parts (by left description) into `scored_chunks`, keeping the pairs at
    or above `keep_pairs_probability`: Splink's comparison and scoring of one part at a time bounds memory."""
    work.execute("CREATE OR REPLACE TABLE scored_chunks (unique_id_l BIGINT, unique_id_r BIGINT, "
                 "match_probability DOUBLE, match_weight DOUBLE)")
    for chunk in range(chunks):
        work.execute("CREATE OR REPLACE TABLE blocked_chunk AS SELECT '0' AS match_key, join_key_l, "
                     f"join_key_r FROM blocked WHERE join_key_l % {chunks} = {chunk}")
        linker.table_management.register_blocked_pairs_for_predict(db.register("blocked_chunk"))
        predicted = linker.inference.predict(threshold_match_probability=settings.keep_pairs_probability,
                                             warning_mode="never")
        work.execute("INSERT INTO scored_chunks SELECT unique_id_l, unique_id_r, match_probability, "
                     f"match_weight FROM {predicted.physical_name}")
        predicted.drop_table_from_database_and_remove_from_cache()
    work.execute("DROP TABLE IF EXISTS blocked_chunk")
    work.execute("DROP TABLE blocked")


SPLINK_TRAINING_LOGGER = "splink.internals.expectation_maximisation"  # where both warnings are logged


class _UnobservedLevels(logging.Filter):
    """Splink warns, in its own words and once per parameter (so twice for a level neither u sampling nor
    EM met: "Level postcode one character out on comparison place not observed in dataset, unable to train
    m value", then the same for u), when no training pair falls in a comparison level. That is expected
    for a rare level in a small or clean extract. This filter holds those records back and keeps the
    levels, so the linkage says it once, in plain words (`_say_unobserved`)."""

    PATTERN = re.compile(r"Level (.+) on comparison (\S+) not observed in dataset, unable to train (m|u) value")

    def __init__(self) -> None:
        super().__init__()
        self.levels: dict[tuple[str, str], set[str]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        found = self.PATTERN.search(record.getMessage())
        if found:
            self.levels.setdefault((found.group(2), found.group(1)), set()).add(found.group(3))
        return found is None


def _still_untrained(linker: Linker, levels: dict[tuple[str, str], set[str]]) -> dict[tuple[str, str], str]:
    """Of the levels some training pass did not meet, those no pass estimated, with the starting values they
    keep (Splink takes the median over the passes that met a level, and the settings' value otherwise)."""
    kept: dict[tuple[str, str], str] = {}
    for comparison in linker._settings_obj.comparisons:  # Splink keeps the trained values on its settings
        for level in comparison._comparison_levels_excluding_null:
            which = levels.get((comparison.output_column_name, level.label_for_charts), set())
            untrained = [(p, getattr(level, f"{p}_probability")) for p in sorted(which)
                         if not getattr(level, f"_has_estimated_{p}_values")]
            if untrained:
                kept[(comparison.output_column_name, level.label_for_charts)] = " and ".join(
                    f"{p} {value:g}" for p, value in untrained)
    return kept


def _say_unobserved(kept: dict[tuple[str, str], str]) -> None:
    """One plain line per run naming the levels no training pass met and the values they keep (none: silent)."""
    if kept:
        named = "; ".join(f"'{level}' ({comparison}) keeps {values}"
                          for (comparison, level), values in sorted(kept.items()))
        log.warning("linkage training found no pair in a comparison level, so the model's starting values are "
                    "used for it (usual for a rare level such as a postcode typo in a small or clean extract; "
                    "pairs in it are still scored): %s", named)


def _train(linker: Linker, settings: LinkageSettings, em_rules: list[str], rate_from_model: bool = False) -> None:
    """u from random pairs, the match rate from near-certain pairs (rescaled to the trained model's recall when
    `rate_from_model`: `rescales_match_rate`), m by EM on two blocking passes (Splink's "level not observed"
    warnings collected and said once, in plain words)."""
    unobserved = _UnobservedLevels()
    source = logging.getLogger(SPLINK_TRAINING_LOGGER)
    source.addFilter(unobserved)
    try:
        _estimate(linker, settings, em_rules, rate_from_model)
    finally:
        source.removeFilter(unobserved)
    _say_unobserved(_still_untrained(linker, unobserved.levels))


# The match rate is counted from the descriptions that agree exactly on first name, surname and date of birth,
# divided by how many of one person's pairs do (the rule's recall). Before training that share is a guess
# (`ASSUMED_RECALL`); once EM has learned how often one person's descriptions agree exactly on each of the three,
# their product is the model's own estimate of it, and the rate is rescaled to it (`_match_rate_from_model`).
EXACT_RULE = "l.first_name = r.first_name AND l.last_name = r.last_name AND l.dob = r.dob"
ASSUMED_RECALL = 0.7
EXACT_RULE_LEVELS = (("first_name", "exact"), ("last_name", "exact"), ("dob", "exact"))


def rescales_match_rate(settings: LinkageSettings, dob: DobWrongRate) -> bool:
    """Whether the match rate follows the trained model (`_match_rate_from_model`). Chosen in the settings, or (the
    default) read from the data, as the place u's floor is (`learn_place_u`): where the data says people of one name
    a generation apart at one place are families (`DobWrongRate.family_share` at least FAMILY_SHARE_VETO), related
    people share names, places and dates of birth, so the model, which takes its comparisons as independent among
    different people, overstates what a household's pair of relatives has in common; the assumed recall's lower
    rate is what the guards and thresholds were set with there, and raising it merged relatives on our hard county
    (benchmarks/README.md). Where the data says different people do not share them, the model's evidence is
    what it says and its own recall is the better estimate of the rate (FEBRL: 0.28 and 0.40, not 0.7)."""
    if settings.match_rate_from_model is not None:
        return settings.match_rate_from_model
    return dob.family_share < FAMILY_SHARE_VETO


def _estimate(linker: Linker, settings: LinkageSettings, em_rules: list[str], rate_from_model: bool) -> None:
    linker.training.estimate_probability_two_random_records_match([EXACT_RULE], recall=ASSUMED_RECALL)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=settings.u_sampling_max_pairs, seed=settings.seed
    )
    # (EM without term frequencies runs 4x faster but cost 0.0004 precision and 0.0011 household F1 at 1M.)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    if rate_from_model:
        _match_rate_from_model(linker)


def _match_rate_from_model(linker: Linker) -> float:
    """Rescale the match rate counted with `ASSUMED_RECALL` to the recall the trained model gives the exact rule:
    the product of its three "exact" levels' m (the model takes the comparisons as independent among one
    person's pairs, so that is the share of them the rule finds). Where partners rarely key a field wrong the
    product is near the guess; where they often do (FEBRL: 0.28) the guess undercounted the matches. Returns
    the recall used."""
    recall = 1.0
    for comparison, label in EXACT_RULE_LEVELS:
        recall *= _trained_levels(linker, comparison)[label].m_probability
    settings = linker._settings_obj  # Splink keeps the rate on its settings, as the training sets it
    rate = settings._probability_two_random_records_match * ASSUMED_RECALL / recall
    settings._probability_two_random_records_match = min(rate, 0.5)
    log.info("the exact rule finds %.2f of one person's pairs by the trained model (assumed %.2f): match rate %.3g",
             recall, ASSUMED_RECALL, settings._probability_two_random_records_match)
    return recall


def _trained_levels(linker: Linker, comparison: str) -> dict[str, Any]:
    """The trained levels of one comparison of `linker`, by label (Splink keeps them on its settings)."""
    found = next(c for c in linker._settings_obj.comparisons if c.output_column_name == comparison)
    return {level.label_for_charts: level for level in found._comparison_levels_excluding_null}


def learn_place_u(work: duckdb.DuckDBPyConnection, linker: Linker, dob_far_m: float, floored: bool) -> PlaceU:
    """Replace the sampled u of the shared-place levels by u counted among different people
    (`evidence.place_u_among_different_people`), on the trained `linker` scoring `SPLINK_INPUT`.

    `floored`: the data says people of one name a generation apart at one place are families
    (`DobWrongRate.family_share`), so related people share places, and the count, which takes different
    people's names and dates of birth to be independent of their place, misses those who share a first name
    (a parent and child of one name) or a date of birth (twins) and reads u too low: the sampled u is then its
    floor (our 20k hard county: u halved without it, and siblings of one name born years apart, each written
    once, merged). The guards veto such pairs only when corroborated, so the model's place weight must not grow
    past what random pairs show."""
    first, dob, place = _trained_levels(linker, "first_name"), _trained_levels(linker, "dob"), \
        _trained_levels(linker, "place")
    share = first["all other"].u_probability * dob["all other"].u_probability
    learned = place_u_among_different_people(
        work, SPLINK_INPUT, _first_name(), _dob(dob_far_m), _place(),
        {label: level.u_probability for label, level in place.items()}, share, floored=floored)
    sampled = {label: place[label].u_probability for label in learned.u}
    for label, u in learned.u.items():
        place[label].u_probability = u
    log.info("place u among different people (%.0f pairs%s): %s", learned.pairs,
             ", the sampled u a floor" if floored else "",
             ", ".join(f"{label}: {learned.observed[label]} seen, u {u:.3g} (sampled {sampled[label]:.3g})"
                       for label, u in learned.u.items()))
    return learned


def save_charts(linker: Linker, folder: Path) -> None:
    """Splink's own model charts, as standalone HTML an analyst can open offline."""
    folder.mkdir(parents=True, exist_ok=True)
    linker.visualisations.match_weights_chart().save_offline_chart(
        str(folder / "match_weights.html"), overwrite=True, print_msg=False
    )
    linker.visualisations.m_u_parameters_chart().save_offline_chart(
        str(folder / "m_u_parameters.html"), overwrite=True, print_msg=False
    )

"""One vocabulary of labels for codes, so every place a person reads a code shows the same words.

Codes stay in the store, the case record and the workbooks' key columns, because analysts join on them and
partners send them; people read labels. The tracker, the CLI, the evidence packs and the workbooks all ask
this module (and a plan's own labels, `plans.schema.Plan.vocabulary`) rather than keeping lists of their own.
A code with no label reads as itself with spaces for underscores, never as a blank: a partner may send a kind
we have not met, and hiding it would hide data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")


@cache
def _shipped() -> dict[str, dict[str, str]]:
    with VOCABULARY_FILE.open(encoding="utf-8") as f:
        groups = yaml.safe_load(f)
    return {group: {str(code): str(label) for code, label in codes.items()} for group, codes in groups.items()}


class Vocabulary:
    """Labels by group (`source`, `fact`, `kind`, `benefit`, `claim_route`, ...), optionally widened by a plan."""

    def __init__(self, extra: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.groups: dict[str, dict[str, str]] = {g: dict(codes) for g, codes in _shipped().items()}
        for group, codes in (extra or {}).items():
            self.groups.setdefault(group, {}).update(codes)

    def label(self, group: str, code: object) -> str:
        """The label of `code` in `group`; blank for no value; the code itself, read as words, when unknown."""
        if code is None or code == "":
            return ""
        text = str(code)
        return self.groups.get(group, {}).get(text) or text.replace("_", " ")

    def codes(self, group: str) -> dict[str, str]:
        """Every code of a group with its label (for choices, legends and the raw-code checks in tests)."""
        return dict(self.groups.get(group, {}))


def label(group: str, code: object) -> str:
    """The shipped label of `code` in `group` (a plan's own codes need `Plan.vocabulary()`)."""
    return Vocabulary().label(group, code)


def actor_label(actor: str) -> str:
    """Who did something, as a person reads it: "cli:root" is "root (command line)", a username stays itself."""
    if ":" not in actor:
        return actor
    door, who = actor.split(":", 1)
    return f"{who} ({label('actor', door)})"


OFFENCE_GRAVITY_TOP = 8  # the gravity scale partners send (ingest/schema.py: offence.gravity bounds 1 to 8)


def record_value_label(fact: str, value: object, vocabulary: Vocabulary | None = None) -> str:
    """A record's value as a person reads it: an offence's gravity "6" is "gravity 6 of 8", a benefit "CA"
    is "Carer's Allowance", a kind its label, an attendance "2015-autumn 12/140" is "2015-autumn: 12 of 140
    sessions absent (8.6%)". Blank for no value."""
    words = vocabulary or Vocabulary()
    if value is None or value == "":
        return ""
    text = str(value)
    if fact == "offence" and text.isdigit():
        return f"gravity {text} of {OFFENCE_GRAVITY_TOP}"
    if fact == "benefit":
        return words.label("benefit", text)
    if fact == "school_attendance" and "/" in text:
        term, _, share = text.rpartition(" ")
        absent, _, possible = share.partition("/")
        if absent.isdigit() and possible.isdigit():
            return f"{term}: {sessions_absent(int(absent), int(possible))}".lstrip(": ")
    return words.label("kind", text)


def sessions_absent(absent: float | None, possible: float | None) -> str:
    """"12 of 140 sessions absent (8.6%)"; "no sessions recorded" when there were none to attend."""
    if not possible:
        return "no sessions recorded"
    return f"{absent or 0:g} of {possible:g} sessions absent ({100 * (absent or 0) / possible:.1f}%)"


def register_vocabulary(con: Any, words: Vocabulary | None = None) -> None:
    """The vocabulary as a temp table `vocabulary(grp, code, label)` on a DuckDB connection, so a query that
    writes a file labels its codes in SQL (`label_sql`) rather than row by row."""
    rows = [(g, c, lab) for g, codes in (words or Vocabulary()).groups.items() for c, lab in codes.items()]
    con.execute("CREATE OR REPLACE TEMP TABLE vocabulary (grp VARCHAR, code VARCHAR, label VARCHAR)")
    con.executemany("INSERT INTO vocabulary VALUES (?, ?, ?)", rows)


def label_sql(group: str, expr: str) -> str:
    """`label` in SQL over the `vocabulary` table (`register_vocabulary`): the label, else the code in words."""
    return (f"COALESCE((SELECT _vocab.label FROM vocabulary _vocab WHERE _vocab.grp = '{group}' "
            f"AND _vocab.code = CAST({expr} AS VARCHAR)), "
            f"replace(CAST({expr} AS VARCHAR), '_', ' '))")


def record_value_label_sql(fact: str, value: str) -> str:
    """`record_value_label` in SQL: offence gravity, benefit and kind labels, attendance left as written."""
    return (f"CASE WHEN {value} IS NULL OR {value} = '' THEN '' "
            f"WHEN {fact} = 'offence' AND regexp_full_match({value}, '[0-9]+') "
            f"THEN 'gravity ' || {value} || ' of {OFFENCE_GRAVITY_TOP}' "
            f"WHEN {fact} = 'benefit' THEN {label_sql('benefit', value)} "
            f"WHEN {fact} = 'school_attendance' THEN {value} ELSE {label_sql('kind', value)} END")


def figures_in_words(detail: str | None, vocabulary: Vocabulary | None = None) -> str:
    """A measure's figures line ("offence 0 after against 1 before", written by the measures' SQL with fact
    codes in it) with every fact code read as its label and no underscores left."""
    words = vocabulary or Vocabulary()
    facts = words.codes("fact")
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, facts), key=len, reverse=True)) + r")\b")
    return pattern.sub(lambda m: facts[m.group(1)].lower(), detail or "").replace("_", " ")  # one pass

"""Record values as people read them, in Python and in SQL (the two must agree)."""

from __future__ import annotations

import duckdb
import pytest

from priority_families.core.export import with_labels
from priority_families.core.vocabulary import (
    Vocabulary,
    label_sql,
    record_value_label,
    record_value_label_sql,
    register_vocabulary,
    sessions_absent,
)

VALUES = [("offence", "6"), ("benefit", "CA"), ("benefit", "XYZ_new"), ("exclusion", "fixed"),
          ("school_attendance", "2015-autumn 12/140"), ("neet", "eet"), ("offence", ""), ("housing", None)]


@pytest.mark.parametrize(("fact", "value", "shown"), [
    ("offence", "6", "gravity 6 of 8"),
    ("benefit", "CA", "Carer's Allowance"),
    ("benefit", "XYZ_new", "XYZ new"),  # an unknown code reads as words, never blank
    ("exclusion", "fixed", "Fixed-term exclusion"),
    ("school_attendance", "2015-autumn 12/140", "2015-autumn: 12 of 140 sessions absent (8.6%)"),
    ("neet", "eet", "In education, employment or training"),
    ("offence", "", ""),
    ("housing", None, ""),
])
def test_record_values_read_as_words(fact, value, shown):
    assert record_value_label(fact, value) == shown


def test_sessions_absent_says_when_there_were_none():
    assert sessions_absent(0, 0) == "no sessions recorded"
    assert sessions_absent(None, 300) == "0 of 300 sessions absent (0.0%)"


def test_the_sql_labels_agree_with_python_for_codes():
    con = duckdb.connect()
    register_vocabulary(con)
    words = Vocabulary()
    for group in ("source", "benefit", "kind", "claim_route"):
        for code, text in words.codes(group).items():
            assert con.execute(f"SELECT {label_sql(group, 'v')} FROM (SELECT ? AS v)", [code]).fetchone()[0] == text
    assert con.execute(f"SELECT {label_sql('source', 'v')} FROM (SELECT ? AS v)", ["new_partner"]).fetchone()[0] \
        == "new partner"
    for fact, value in VALUES:
        if fact == "school_attendance":
            continue  # the workbook keeps the attendance text as the extract wrote it
        got = con.execute(f"SELECT {record_value_label_sql('f', 'v')} FROM (SELECT ? AS f, ? AS v)",
                          [fact, value]).fetchone()[0]
        assert got == record_value_label(fact, value), (fact, value)


def test_with_labels_puts_the_label_beside_its_code():
    header, rows = with_labels(("year", "route", "n"), [("2015/16", "significant_sustained", 3)],
                               {"route": lambda v: Vocabulary().label("claim_route", v)})
    assert header == ("year", "route", "route (label)", "n")
    assert rows == [("2015/16", "significant_sustained", "Significant and sustained progress", 3)]


def test_figures_read_fact_codes_once_as_words():
    from priority_families.core.vocabulary import figures_in_words

    assert figures_in_words("offence 0 after against 1 before") == "proven offence 0 after against 1 before"
    assert figures_in_words("marac 1 after; referral 0") == "marac referral 1 after; referral to the front door 0"
    assert figures_in_words("no lasting work_progress spell") == "no lasting step towards work spell"
    assert figures_in_words(None) == ""

"""Row validation, table-driven: each bad value is rejected with its column and reason; good values pass."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.builders import row, write_extract
from priority_families.ingest import ingest_extracts
from priority_families.ingest.checks import RejectReason as R
from priority_families.ingest.schema import header_for

AS_OF = date(2015, 7, 31)


def run(tmp_path: Path, fact: str, rows: list[dict[str, str]], header: list[str] | None = None):
    folder = tmp_path / "extracts"
    write_extract(folder, fact, rows, header=header)
    con = duckdb.connect()
    ingest_extracts(con, folder, as_of=AS_OF)
    return con


def rejects(con: duckdb.DuckDBPyConnection) -> set[tuple]:
    return set(con.execute('SELECT line, "column", reason FROM rejects').fetchall())


BAD_VALUES = [
    ("marac", {"source": ""}, "source", R.BLANK),
    ("marac", {"record_id": "  "}, "record_id", R.BLANK),
    ("marac", {"date": "2015-02-30"}, "date", R.BAD_DATE),
    ("marac", {"date": "31/01/2015"}, "date", R.BAD_DATE),
    ("marac", {"date": ""}, "date", R.BLANK),
    ("offence", {"gravity": "9"}, "gravity", R.OUT_OF_RANGE),
    ("offence", {"gravity": "0"}, "gravity", R.OUT_OF_RANGE),
    ("offence", {"gravity": "high"}, "gravity", R.BAD_INTEGER),
    ("school_attendance", {"possible_sessions": "-3"}, "possible_sessions", R.NEGATIVE),
    ("school_attendance", {"unauthorised_absence": "2.5"}, "unauthorised_absence", R.BAD_INTEGER),
    ("school_attendance", {"authorised_absence": "99999999999"}, "authorised_absence", R.OUT_OF_RANGE),
    ("school_attendance", {"possible_sessions": ""}, "possible_sessions", R.BLANK),
    ("school_attendance", {"possible_sessions": "10", "authorised_absence": "6", "unauthorised_absence": "5"},
     "possible_sessions", R.ABSENCE_ABOVE_POSSIBLE),
    ("school_attendance", {"term": "2015-winter"}, "term", R.BAD_TERM),
    ("school_attendance", {"term": "autumn 2014"}, "term", R.BAD_TERM),
    ("exclusion", {"kind": "temporary"}, "kind", R.UNKNOWN_KIND),
    ("exclusion", {"sessions": "-1"}, "sessions", R.NEGATIVE),
    ("education_status", {"end_date": "2015-04-31"}, "end_date", R.BAD_DATE),
    ("justice", {"kind": "prison"}, "kind", R.UNKNOWN_KIND),
    ("justice", {"release_date": "soon"}, "release_date", R.BAD_DATE),
    ("domestic_abuse", {"role": "witness"}, "role", R.UNKNOWN_KIND),
    ("domestic_abuse", {"risk": "extreme"}, "risk", R.UNKNOWN_KIND),
    ("employment", {"hours_per_week": "full time"}, "hours_per_week", R.BAD_NUMBER),
    ("employment", {"hours_per_week": "-16"}, "hours_per_week", R.NEGATIVE),
    ("employment", {"start_date": ""}, "start_date", R.BLANK),
    ("work_progress", {"kind": "gardening"}, "kind", R.UNKNOWN_KIND),
    ("social_care", {"kind": "early help"}, "kind", R.UNKNOWN_KIND),
    ("neet", {"kind": "unknown"}, "kind", R.UNKNOWN_KIND),
    ("health", {"kind": "flu"}, "kind", R.UNKNOWN_KIND),
    ("housing", {"kind": ""}, "kind", R.BLANK),
    ("benefit", {"kind": ""}, "kind", R.BLANK),
]


GOOD_VALUES = [
    ("marac", {"sex": "X"}),  # unknown sex is treated as blank, never a reject
    ("marac", {"sex": ""}),
    ("marac", {"dob": "2015-02-30"}),  # impossible dob: kept raw, dob NULL
    ("marac", {"dob": ""}),
    ("marac", {"first_name": "", "last_name": ""}),
    ("marac", {"upn": "A123", "nhs_number": "123", "ni_number": "nonsense"}),  # failed checks keep the row
    ("marac", {"postcode": "not a postcode", "uprn": "1.5e10"}),
    ("offence", {"gravity": ""}),
    ("exclusion", {"kind": "Permanent"}),
    ("asb_intervention", {"kind": "anything the council calls it"}),
    ("asb_intervention", {"kind": ""}),
    ("benefit", {"kind": "PIP"}),
    ("domestic_abuse", {"role": "", "risk": ""}),
    ("employment", {"hours_per_week": "37.5"}),
    ("school_attendance", {"possible_sessions": "10", "authorised_absence": "5", "unauthorised_absence": "5"}),
    ("school_attendance", {"possible_sessions": "0", "authorised_absence": "0", "unauthorised_absence": "0"}),
    ("justice", {"kind": "custody", "release_date": "2015-06-01"}),
]


@pytest.fixture(scope="module")
def table_driven(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """One ingest of every table-driven case: case i is the row with record_id `bad-i` or `good-i`."""
    folder = tmp_path_factory.mktemp("extracts")
    by_fact: dict[str, list[dict[str, str]]] = {}
    for i, (fact, values, _, _) in enumerate(BAD_VALUES):
        by_fact.setdefault(fact, []).append(row(fact, **{"record_id": f"bad-{i}", **values}))
    for i, (fact, values) in enumerate(GOOD_VALUES):
        by_fact.setdefault(fact, []).append(row(fact, **{"record_id": f"good-{i}", **values}))
    for fact, rows in by_fact.items():
        write_extract(folder, fact, rows)
    con = duckdb.connect()
    ingest_extracts(con, folder, as_of=AS_OF)
    return con


def _line_of(fact: str, record_id: str) -> int:
    """Line of the case in its file: cases are written in order, header on line 1."""
    cases = [(f, f"bad-{i}") for i, (f, *_) in enumerate(BAD_VALUES)]
    cases += [(f, f"good-{i}") for i, (f, _) in enumerate(GOOD_VALUES)]
    return 2 + [rid for f, rid in cases if f == fact].index(record_id)


@pytest.mark.parametrize("case", range(len(BAD_VALUES)),
                         ids=[f"{f}-{c}-{v.get(c, '')}" for f, v, c, _ in BAD_VALUES])
def test_bad_value_is_rejected_with_column_and_reason(table_driven, case):
    fact, _, column, reason = BAD_VALUES[case]
    line = _line_of(fact, f"bad-{case}")
    found = table_driven.execute(
        'SELECT line, "column", reason FROM rejects WHERE file = ? AND line = ?', [f"{fact}.csv", line]
    ).fetchall()
    assert (line, column, reason.value) in found
    kept = table_driven.execute("SELECT count(*) FROM records WHERE fact = ? AND line = ?", [fact, line])
    assert kept.fetchall() == [(0,)]


@pytest.mark.parametrize("case", range(len(GOOD_VALUES)), ids=[f"{f}-{sorted(v)}" for f, v in GOOD_VALUES])
def test_acceptable_values_are_kept(table_driven, case):
    fact, _ = GOOD_VALUES[case]
    rid = f"good-{case}"
    assert table_driven.execute("SELECT count(*) FROM rejects WHERE record_id = ?", [rid]).fetchall() == [(0,)]
    assert table_driven.execute("SELECT fact FROM records WHERE record_id = ?", [rid]).fetchall() == [(fact,)]


def test_impossible_dob_keeps_raw_and_nulls_dob(tmp_path):
    con = run(tmp_path, "marac", [row("marac", dob="2015-02-30", sex="X")])
    assert con.execute("SELECT dob_raw, dob, sex, sex_std FROM records").fetchall() == [
        ("2015-02-30", None, "X", None)]


def test_duplicate_record_id_keeps_first_rejects_later(tmp_path):
    con = run(tmp_path, "marac", [row("marac", record_id="1"), row("marac", record_id="2"),
                                  row("marac", record_id=" 1 "), row("marac", record_id="1", source="other")])
    assert rejects(con) == {(4, "record_id", R.DUPLICATE.value)}
    assert con.execute("SELECT detail FROM rejects").fetchall() == [("first seen on line 2",)]
    assert con.execute("SELECT line FROM records ORDER BY line").fetchall() == [(2,), (3,), (5,)]


def test_row_with_several_problems_counts_once(tmp_path):
    con = run(tmp_path, "offence", [row("offence", source="", date="2015-02-30", gravity="x")])
    assert len(rejects(con)) == 3
    assert con.execute("SELECT rows_read, rows_rejected FROM ingest_files WHERE fact = 'offence'").fetchall() == [
        (1, 1)]


def test_missing_required_fact_column_rejects_every_row(tmp_path):
    header = [c for c in header_for("offence") if c != "date"]
    con = run(tmp_path, "offence", [row("offence", record_id="1"), row("offence", record_id="2")], header=header)
    assert rejects(con) == {(2, "date", R.MISSING_COLUMN.value), (3, "date", R.MISSING_COLUMN.value)}


def test_missing_optional_columns_read_as_blank(tmp_path):
    header = ["source", "record_id", "first_name", "last_name", "date"]
    con = run(tmp_path, "marac", [row("marac")], header=header)
    assert rejects(con) == set()
    assert con.execute("SELECT dob, postcode_std, upn_valid FROM records").fetchall() == [(None, None, None)]


def test_rejects_carry_no_personal_data(tmp_path):
    con = run(tmp_path, "marac", [row("marac", first_name="Secret", date="2015-02-30")])
    text = str(con.execute("SELECT * FROM rejects").fetchall())
    assert "Secret" not in text and "Smith" not in text and "2015-02-30" not in text

"""The export layer: formula-leading text is neutralised (OWASP's rule) in CSV, in SQL and in workbooks."""

from __future__ import annotations

import csv
import stat
import zipfile

import duckdb
import pytest

from priority_families.core.export import copy_to_csv, neutralise, neutralise_sql, workbook, write_csv

ATTACKS = ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1"]
KEPT = ["", "Jane", "-1", "+44", "1.5e3", "-.5", "a=b", "'=quoted already", "NG7 2AB", "-"]


@pytest.mark.parametrize("value", ATTACKS)
def test_formula_leading_text_is_prefixed(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [*KEPT, 5, -1, 2.5, None])
def test_other_values_and_numbers_are_kept(value):
    expected = "'-" if value == "-" else value
    assert neutralise(value) == expected


def test_sql_rule_is_the_python_rule():
    values = [*ATTACKS, *KEPT, None]
    got = duckdb.execute(f"SELECT {neutralise_sql('v')} FROM unnest(?) t(v)", [values]).fetchall()
    assert [g for (g,) in got] == [neutralise(v) for v in values]


def test_copy_to_csv_neutralises_text_keeps_numbers_and_is_owner_only(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('=HYPERLINK(\"http://x\",\"y\")', -1, DATE '2015-01-02'), "
                "('-1', 2, NULL)) v(name, n, d)")
    path = tmp_path / "out.csv"
    copy_to_csv(con, "SELECT * FROM t ORDER BY n", path)
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["name", "n", "d"], ["'=HYPERLINK(\"http://x\",\"y\")", "-1", "2015-01-02"], ["-1", "2", ""]]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_write_csv_neutralises_every_cell(tmp_path):
    path = write_csv(tmp_path / "x.csv", ("a", "b"), [("@x", 3), ("ok", "-5")])
    with path.open(newline="") as f:
        assert list(csv.reader(f)) == [["a", "b"], ["'@x", "3"], ["ok", "-5"]]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("options", [{}, {"constant_memory": True}])
def test_workbook_writes_strings_as_strings(tmp_path, options):
    path = tmp_path / "x.xlsx"
    book = workbook(path, options)
    sheet = book.add_worksheet("s")
    sheet.write_row(0, 0, ['=HYPERLINK("http://x","y")', "http://example.org", 42, "-3"])
    sheet.write(1, 0, "@cmd")
    book.close()
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "<f>" not in xml and "<hyperlink" not in xml  # no formula, no link
    assert "'=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in xml or "'=HYPERLINK(\"http://x\",\"y\")" in xml
    assert "'@cmd" in xml and "<v>42</v>" in xml
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_trackers_cohort_export_neutralises_usernames_and_agencies():
    import io

    from priority_families.web.export import cohort_workbook

    data = cohort_workbook([("F1", "north", "open", "crime", 1, 2.0, 3, '=HYPERLINK("http://x","y")', "@agency")],
                           "2015-08-31")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "<f>" not in xml and "<hyperlink" not in xml
    assert "'=HYPERLINK" in xml and "'@agency" in xml


def test_a_file_of_ours_read_back_is_restored():
    from priority_families.core.export import restore_sql

    values = [*ATTACKS, "Jane", "-1"]
    got = duckdb.execute(f"SELECT {restore_sql(neutralise_sql('v'))} FROM unnest(?) t(v)", [values]).fetchall()
    assert [g for (g,) in got] == values

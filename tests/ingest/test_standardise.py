"""Each standardiser's SQL on single values, table-driven."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from priority_families.ingest import standardise as S


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def evaluate(con: duckdb.DuckDBPyConnection, expr: str, value: str | None) -> object:
    return con.execute(f"SELECT {expr} FROM (SELECT CAST(? AS VARCHAR) AS x)", [value]).fetchall()[0][0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Smith-Jones", "SMITHJONES"),
        ("O'Brien", "OBRIEN"),
        ("O’Brien", "OBRIEN"),
        ("  zoë   ann ", "ZOE ANN"),
        ("Mc Donald.", "MC DONALD"),
        ("JOSÉ", "JOSE"),
        ("smith jones", "SMITH JONES"),
        ("", None),
        ("  ", None),
        ("--", None),
        (None, None),
    ],
)
def test_name_std(con, raw, expected):
    assert evaluate(con, S.name_std("x"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ng72ab", "NG7 2AB"),
        (" ng7  2ab ", "NG7 2AB"),
        ("NG7 2AB", "NG7 2AB"),
        ("SW1A1AA", "SW1A 1AA"),
        ("m11ae", "M1 1AE"),
        ("GIR 0AA", "GIR 0AA"),
        ("NG7", None),
        ("12345", None),
        ("NG7 2A", None),
        ("", None),
        (None, None),
    ],
)
def test_postcode_std(con, raw, expected):
    assert evaluate(con, S.postcode_std("x"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "flat", "house", "address"),
    [
        ("Flat 3, 12 High Street", "3", "12", "FLAT 3 12 HIGH ST"),
        ("3/12 High St", "3", "12", "FLAT 3 12 HIGH ST"),
        ("3 / 12 high st.", "3", "12", "FLAT 3 12 HIGH ST"),
        ("Flat 3 12 High St", "3", "12", "FLAT 3 12 HIGH ST"),
        ("12 High St Flat 3", "3", "12", "FLAT 3 12 HIGH ST"),
        ("12 High St, Flat 3", "3", "12", "FLAT 3 12 HIGH ST"),
        ("Apartment 4B, 7 Park Avenue", "4B", "7", "FLAT 4B 7 PARK AVE"),
        ("12a Church Road", None, "12A", "12A CHURCH RD"),
        ("12 CHURCH RD", None, "12", "12 CHURCH RD"),
        ("5 Acacia Avenue", None, "5", "5 ACACIA AVE"),
        ("Rose Cottage, Main Street", None, None, "ROSE COTTAGE MAIN ST"),
        ("", None, None, None),
        (None, None, None, None),
    ],
)
def test_address_parts(con, raw, flat, house, address):
    words = evaluate(con, S.address_words("x"), raw)
    con.execute(f"CREATE OR REPLACE TEMP TABLE a AS SELECT w, {S.address_parts('w')} AS p "
                "FROM (SELECT CAST(? AS VARCHAR) AS w)", [words])
    got = con.execute(
        f"SELECT {S.flat('p')}, {S.house_number('p')}, "
        f"{S.address_std(S.flat('p'), S.house_number('p'), S.street('p', 'w'))} FROM a"
    ).fetchall()[0]
    assert got == (flat, house, address)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("100012345678", 100012345678),
        (" 12 ", 12),
        ("999999999999", 999999999999),
        ("1234567890123", None),
        ("1.0E10", None),
        ("10012345678.0", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_uprn_is_integer_never_float(con, raw, expected):
    value = evaluate(con, S.uprn("x"), raw)
    assert value == expected
    assert value is None or isinstance(value, int)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("M", "M"), ("f", "F"), (" F ", "F"), ("U", None), ("", None), ("X", None), ("male", None), (None, None)],
)
def test_sex_std_never_rejects(con, raw, expected):
    assert evaluate(con, S.sex_std("x"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2015-02-28", date(2015, 2, 28)),
        (" 2016-02-29 ", date(2016, 2, 29)),
        ("2015-02-30", None),
        ("2015-02-29", None),
        ("2015-13-01", None),
        ("2015-2-3", None),
        ("03/02/2015", None),
        ("20150203", None),
        ("", None),
        (None, None),
    ],
)
def test_date_value(con, raw, expected):
    assert evaluate(con, S.date_value("x"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "label", "start", "end"),
    [
        ("2014-autumn", "2014-autumn", date(2014, 9, 1), date(2014, 12, 31)),
        ("2015-Spring", "2015-spring", date(2015, 1, 1), date(2015, 3, 31)),
        (" 2015-summer ", "2015-summer", date(2015, 4, 1), date(2015, 7, 31)),
        ("2015-winter", None, None, None),
        ("autumn-2014", None, None, None),
        ("2014", None, None, None),
        ("", None, None, None),
    ],
)
def test_terms(con, raw, label, start, end):
    assert evaluate(con, S.term_label("x"), raw) == label
    assert evaluate(con, S.term_start("x"), raw) == start
    assert evaluate(con, S.term_end("x"), raw) == end

"""The slip tests never raise on texts of two lengths, wherever the optimiser puts them."""

from __future__ import annotations

import duckdb

from priority_families.linkage.model import dob_slip, one_slip

DOB = "DATE '1985-01-01'"


def test_slips_on_texts_of_two_lengths_are_no_slip_and_no_error():
    """DuckDB's hamming raises on two lengths; a date of birth written '985-01-01' (a year keyed short) beside
    '1985-01-01' stopped a 10M county's refresh inside a filter whose length guard DuckDB ran second."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('985-01-01', '1985-01-01', 'AB', 'ABC'), "
                "('1985-01-01', '1985-01-10', 'ABCD', 'ABDC')) v(a, b, c, d)")
    dob, name = dob_slip(DOB, DOB, "a", "b"), one_slip("c", "d", 0.8)
    kept = con.execute(f"SELECT a, coalesce({dob}, false), coalesce({name}, false) FROM t "
                       f"WHERE NOT coalesce({dob}, false) OR coalesce({name}, false) ORDER BY a").fetchall()
    assert kept == [("1985-01-01", True, True), ("985-01-01", False, True)]

"""End to end on a small synthetic county from `pf synth`: every clean row is accepted and accounted for."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from priority_families.ingest import ingest_extracts
from priority_families.synth.county import generate


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("county")
    generate(out, people=1000, as_of=date(2015, 7, 31), seed=11)
    con = duckdb.connect()
    report = ingest_extracts(con, out)
    return out, con, report


def test_synthetic_county_has_no_rejects(county):
    _, con, report = county
    assert report.rows_rejected == 0
    assert report.rows_read == report.rows_accepted > 1000
    assert con.execute("SELECT count(*) FROM rejects").fetchall() == [(0,)]


def test_every_truth_record_is_accepted_once(county):
    out, con, _ = county
    truth = f"read_csv('{out / 'truth' / 'records.csv'}', all_varchar = true)"
    missing, extra = con.execute(
        f"""
        SELECT (SELECT count(*) FROM (SELECT fact, source, record_id FROM {truth}
                                      EXCEPT SELECT fact, source, record_id FROM records)),
               (SELECT count(*) FROM (SELECT fact, source, record_id FROM records
                                      EXCEPT SELECT fact, source, record_id FROM {truth}))
        """
    ).fetchall()[0]
    assert (missing, extra) == (0, 0)
    assert con.execute(f"SELECT count(*) FROM {truth}").fetchall() == con.execute(
        "SELECT count(*) FROM records").fetchall()


def test_noisy_values_standardise(county):
    _, con, _ = county
    shares = con.execute(
        """
        SELECT count(postcode_std) / count(postcode), count(address_std) / count(address_line1),
               count(dob) / count(dob_raw), avg(upn_valid::INT), avg(nhs_number_valid::INT),
               avg(ni_number_valid::INT), count(uprn) / count(uprn_raw)
        FROM records
        """
    ).fetchall()[0]
    assert shares[0] == shares[1] == shares[6] == 1.0
    assert shares[2] > 0.99
    assert all(0.95 < s < 1.0 for s in shares[3:6])  # synth mistypes 1-2% of identifiers

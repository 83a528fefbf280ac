"""`why` on hand-built families: met indicators with their records, near misses closest first."""

from __future__ import annotations

from datetime import date

import duckdb

from priority_families.identify.explain import ExplainError, explain_family
from priority_families.identify.run import identify_families

from .builders import AS_OF, Person, attendance, build_store, dated, last_terms
from .conftest import shipped


def _store(facts):
    con = duckdb.connect()
    build_store(con, {"F1": [Person("A", date(1980, 1, 1)), Person("C", date(2005, 6, 1))]}, facts)
    identify_families(con, shipped("nottinghamshire-2015"), AS_OF)
    return con


def test_why_shows_narrow_misses_with_values():
    label = last_terms(AS_OF, 3)[0].label
    facts = [attendance("C", label, 1000, authorised=50, unauthorised=49),
             dated("exclusion", "C", date(2015, 5, 1), kind="fixed"),
             dated("offence", "A", date(2015, 1, 1), gravity=2)]
    con = _store(facts)
    ex = explain_family(con, "F1")
    assert not ex.eligible and ex.headlines == ["crime_asb"]
    assert [(r.indicator, r.person_id) for r in ex.met] == [("offence", "A")]
    assert [e.record_id for e in ex.met[0].evidence] == ["R3"]
    assert [r.indicator for r in ex.missed] == ["absence", "fixed_exclusions"]  # 99% of the way, then 1 of 3
    assert ex.missed[0].shown().startswith("9.9% (99/1000 sessions) against >= 10.0%")
    con.close()


def test_why_an_unknown_family_is_a_clear_error():
    con = _store([])
    try:
        explain_family(con, "F404")
    except ExplainError as exc:
        assert "F404" in str(exc)
    else:
        raise AssertionError("expected ExplainError")
    con.close()


def test_why_names_members_whose_age_is_unknown():
    con = duckdb.connect()
    build_store(con, {"F1": [Person("A", None), Person("C", date(2005, 6, 1))]},
                [])
    identify_families(con, shipped("nottinghamshire-2015"), AS_OF)
    assert explain_family(con, "F1").unknown_ages == ["A"]
    con.close()

"""warwickshire-2015 explained in seed 002 Appendix Three's layout, and the plan checks its eligibility priorities
and school years mean something."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from typer.testing import CliRunner

from priority_families.cli.app import app
from priority_families.identify.compile import school_years_condition
from priority_families.plans.loader import load_plan, load_plan_file
from priority_families.plans.render import render_html, render_markdown

from .test_plans import MINIMAL, _problem, _write

WARKS = "warwickshire-2015"


def test_explain_prints_appendix_three_headline_by_headline_each_row_once_with_its_test():
    plan = load_plan(WARKS)
    text = render_markdown(plan)
    for n, h in enumerate(plan.headlines, start=1):
        assert text.count(f"## {n}. {h.priority_statement} ({h.id})") == 1
        assert text.count(" ".join(h.outcome_statement.split())) >= 1
        for m in h.results:
            assert text.count(f"↳ Test ({m.id}, ") == 1
        for r in h.not_measured:
            assert text.count(f"| {r.row} |") == 1
    assert text.count("**Eligibility Priorities**") == 6 and text.count("**Outcome Measures**") == 6
    assert text.count("**Sustainability**") == 6 and text.count("**Evidence to Support Eligibility**") == 6
    school = text[text.index("## 2. "):text.index("## 3. ")]
    rows = [line.split(" | ")[0].strip("| ") for line in school.splitlines() if line.startswith("| 002 ")]
    assert rows == [f"002 HP2 outcome {k}" for k in range(1, 6)]
    assert "a school-age child (5 to 15) in school years 0 to 6 (Reception = 0)" in school
    paragraphs = [p for p in text.split("\n\n") if p and not p.startswith(("|", "**", "#"))]
    assert len(paragraphs) == len(set(paragraphs))  # nothing printed twice
    assert "Attachment fee: 1,000 GBP per family attached" in text and text.count("Attachment fee") == 1


def test_explain_writes_appendix_three_as_html_and_pdf(tmp_path):
    plan = load_plan(WARKS)
    page = render_html(plan)
    rows = sum(len(h.results) + len(h.not_measured) for h in plan.headlines)
    assert page.count('<tr class="test"><td colspan="5">') == rows  # outcome rows' tests
    assert page.count("<caption>Eligibility Priorities</caption>") == 6
    out = tmp_path / "warks.pdf"
    result = CliRunner().invoke(app, ["plan", "explain", WARKS, "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"%PDF")


PRIORITIES = """\
    eligibility_priorities:
      - text: An offence
        lines: [offence]
"""


def _with_priorities(text: str) -> str:
    return MINIMAL.replace("    indicators:\n", text + "    indicators:\n")


def test_validate_refuses_an_eligibility_route_the_published_plan_does_not_have(tmp_path):
    assert load_plan_file(_write(tmp_path, _with_priorities(PRIORITIES))).headlines[0].eligibility_priorities
    (p,) = _problem(tmp_path, _with_priorities(PRIORITIES.replace("lines: [offence]", "note: by nomination")))
    assert "indicators ['offence'] test no published eligibility priority" in p.reason and p.field == "headlines[crime]"
    (p,) = _problem(tmp_path, _with_priorities(PRIORITIES.replace("[offence]", "[offence, asb]")))
    assert "unknown indicators ['asb']" in p.reason
    (p,) = _problem(tmp_path, _with_priorities(PRIORITIES.replace("        lines: [offence]\n", "")))
    assert "give the lines that test it or a note why none" in p.reason


@pytest.mark.parametrize(("who", "years", "problem"), [
    ("young_person", "[10, 10]", "school year 10 is ages 14-15"),
    ("school_age_child", "[7, 6]", "is not [first, last]"),
    ("school_age_child", "[0, 6]", None),
])
def test_validate_checks_school_years_against_the_age_group(tmp_path, who, years, problem):
    text = MINIMAL.replace("who: any_member", f"who: {who}").replace(
        "        evidence: Police\n", f"        evidence: Police\n        school_years: {years}\n")
    if problem is None:
        assert load_plan_file(_write(tmp_path, text)).headlines[0].indicators[0].school_years == [0, 6]
        return
    (p,) = _problem(tmp_path, text)
    assert problem in p.reason and p.line == 11


@pytest.mark.parametrize(("as_of", "dob", "inside"), [
    (date(2015, 8, 31), date(1999, 9, 1), True), (date(2015, 8, 31), date(1999, 8, 31), False),  # 2014/15
    (date(2015, 8, 31), date(2000, 8, 31), True), (date(2015, 8, 31), date(2000, 9, 1), False),
    (date(2015, 9, 1), date(2000, 9, 1), True), (date(2015, 9, 1), date(2001, 9, 1), False),  # 2015/16
])
def test_year_10_from_the_date_of_birth(as_of, dob, inside):
    sql = school_years_condition([10, 10], as_of)
    assert duckdb.sql(f"SELECT {sql} FROM (SELECT DATE '{dob}' AS dob)").fetchall() == [(inside,)]

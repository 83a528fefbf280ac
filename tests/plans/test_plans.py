"""Plan files: the shipped library validates, bad files are reported by file/line/field, parameters change."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
import sqlglot
from typer.testing import CliRunner

from priority_families.cli.app import app
from priority_families.identify.compile import compile_plan, in_dialect
from priority_families.plans.loader import PlanError, library_files, library_ids, load_plan, load_plan_file
from priority_families.plans.parameters import ParameterError, set_parameter
from priority_families.plans.render import render_html, render_markdown
from priority_families.plans.schema import PlanStatus

SHIPPED = ("national-2012", "nottinghamshire-2015", "warwickshire-2015", "supporting-families-2022")

MINIMAL = """\
id: test-plan
name: Test plan
authority: Testshire
eligibility:
  kind: at_least
  at_least: 1
headlines:
  - id: crime
    title: Crime
    indicators:
      - id: offence
        label: An offence in the last 12 months
        who: any_member
        fact: offence
        window: {kind: months_back, months: 12}
        evidence: Police
money:
  attachment_fee: 1000
  results_payment: 800
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problem(tmp_path: Path, text: str):
    with pytest.raises(PlanError) as info:
        load_plan_file(_write(tmp_path, text))
    return info.value.problems


def test_every_shipped_plan_validates():
    assert set(SHIPPED) <= set(library_ids())
    for plan_id in SHIPPED:
        plan = load_plan(plan_id)
        assert plan.id == plan_id == library_files()[plan_id].stem
    assert load_plan("supporting-families-2022").status is PlanStatus.TEMPLATE
    assert len(load_plan("supporting-families-2022").headlines) == 10
    assert load_plan("supporting-families-2022").eligibility.at_least == 3


def test_minimal_plan_loads(tmp_path):
    plan = load_plan_file(_write(tmp_path, MINIMAL))
    assert plan.indicators()[0][1].threshold == 1


def test_wrong_type_names_file_line_and_field(tmp_path):
    text = MINIMAL.replace("window: {kind: months_back, months: 12}",
                           "window: {kind: months_back, months: 12}\n        threshold: lots")
    (p,) = _problem(tmp_path, text)
    assert p.file.endswith("plan.yaml")
    assert p.line == 16
    assert p.field == "headlines[crime].indicators[offence].threshold"
    assert "number" in p.reason


def test_unknown_fact_is_reported_at_the_indicator(tmp_path):
    (p,) = _problem(tmp_path, MINIMAL.replace("fact: offence", "fact: offences"))
    assert p.line == 11  # the indicator's first line: the check spans fields
    assert "unknown fact 'offences'" in p.reason


def test_kind_outside_the_vocabulary(tmp_path):
    text = MINIMAL.replace("fact: offence", "fact: exclusion\n        kinds: [fixed, expelled]")
    (p,) = _problem(tmp_path, text)
    assert "expelled" in p.reason and p.field == "headlines[crime].indicators[offence]"


def test_missing_field_points_at_its_parent(tmp_path):
    (p,) = _problem(tmp_path, MINIMAL.replace("        evidence: Police\n", ""))
    assert p.field == "headlines[crime].indicators[offence].evidence"
    assert p.line == 11
    assert "required" in p.reason.lower()


def test_unknown_field_is_refused(tmp_path):
    (p,) = _problem(tmp_path, MINIMAL.replace("  results_payment: 800", "  results_payment: 800\n  bonus: 5"))
    assert (p.field, p.line) == ("money.bonus", 20)


def test_eligibility_naming_an_unknown_headline(tmp_path):
    text = MINIMAL.replace("  kind: at_least\n  at_least: 1",
                           "  kind: all_or_n_plus\n  core: [crime, school]\n  n: 1\n  plus: crime")
    (p,) = _problem(tmp_path, text)
    assert "unknown headlines ['school']" in p.reason


def test_several_problems_are_all_reported(tmp_path):
    text = MINIMAL.replace("who: any_member", "who: grandparent").replace("attachment_fee: 1000",
                                                                          "attachment_fee: -5")
    problems = _problem(tmp_path, text)
    assert {p.field.split(".")[-1] for p in problems} == {"who", "attachment_fee"}
    assert sorted(p.line for p in problems) == [13, 18]


def test_yaml_syntax_error_has_a_line(tmp_path):
    (p,) = _problem(tmp_path, MINIMAL.replace("  at_least: 1", "  at_least: [1"))
    assert p.field == "(yaml)" and p.line >= 6


def test_window_needs_its_length(tmp_path):
    (p,) = _problem(tmp_path, MINIMAL.replace("{kind: months_back, months: 12}", "{kind: last_terms}"))
    assert "terms" in p.reason and p.field.endswith("window")


def test_share_of_sessions_needs_attendance(tmp_path):
    text = MINIMAL.replace("        evidence: Police", "        aggregate: share_of_sessions\n        evidence: Police")
    (p,) = _problem(tmp_path, text)
    assert "share_of_sessions" in p.reason


def test_set_parameter_by_short_and_long_path():
    plan = load_plan("nottinghamshire-2015")
    short = set_parameter(plan, "education.absence_threshold", "0.15")
    long = set_parameter(plan, "education.absence.threshold", "0.2")
    assert short.headline("education").indicators[0].threshold == 0.15
    assert long.headline("education").indicators[0].threshold == 0.2
    assert plan.headline("education").indicators[0].threshold == 0.10  # the original is unchanged
    assert set_parameter(plan, "eligibility.at_least", "3").eligibility.at_least == 3
    months = set_parameter(plan, "crime_asb.offence.window.months", "6")
    assert months.headline("crime_asb").indicators[0].window.months == 6


@pytest.mark.parametrize("path", ["education.nothing_threshold", "sport.goal_threshold", "education"])
def test_set_parameter_refuses_unknown_paths(path):
    with pytest.raises(ParameterError):
        set_parameter(load_plan("nottinghamshire-2015"), path, "1")


def test_set_parameter_revalidates():
    with pytest.raises(ParameterError):
        set_parameter(load_plan("nottinghamshire-2015"), "eligibility.at_least", "9")


def test_results_factors_are_exact_fractions():
    notts = load_plan("nottinghamshire-2015")
    factors = {m.id: m.tests[0].factor_fraction() for h in notts.headlines for m in h.results if m.tests}
    assert factors["offending_children"] == factors["offending_adults"] == Fraction(67, 200)
    assert factors["fewer_referrals"] == Fraction(1, 2)
    assert factors["fewer_callouts"] == Fraction(4, 15)
    warks = load_plan("warwickshire-2015")
    offending = next(m for m in warks.headline("crime_asb").results if m.id == "offending_reduced").tests[0]
    assert (offending.factor_fraction(), offending.baseline_window.months) == (Fraction(67, 100), 6)


@pytest.mark.parametrize("plan_id", SHIPPED)
def test_generated_sql_parses_as_spark(plan_id):
    statements = in_dialect(compile_plan(load_plan(plan_id), date(2015, 8, 31)), "spark")
    assert len(statements) == 5
    for st in statements:
        parsed = sqlglot.parse_one(st.sql, read="spark")
        assert parsed is not None and parsed.find(sqlglot.exp.Select) is not None
        assert "DATE_DIFF('day'" not in st.sql  # transpiled, not passed through


@pytest.mark.parametrize("plan_id", SHIPPED)
def test_explain_renders_the_sign_off_document(plan_id):
    plan = load_plan(plan_id)
    md = render_markdown(plan)
    appendix_three = ("Outcome Measures", "Applies to", "Sustained", "Evidence", "Sustainability")
    for column in ("Substantial change", "Baseline measure", "Significant progress", "Sustained period",
                   "Source of information"):
        seed_words = column == "Sustained period" and "Sustained Progress" in md  # seed 004's own heading
        own_layout = plan.headlines[0].priority_statement and all(c in md for c in appendix_three)  # seed 002's
        assert column in md or seed_words or own_layout or plan.status is PlanStatus.TEMPLATE
    for h in plan.headlines:
        assert h.title in md
        for i in h.indicators:
            assert i.label in md
    page = render_html(plan)
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page and "&amp;" not in plan.name


def test_cli_plan_commands(tmp_path):
    runner = CliRunner()
    listed = runner.invoke(app, ["plan", "list"])
    assert listed.exit_code == 0 and "nottinghamshire-2015" in listed.output
    good = runner.invoke(app, ["plan", "validate", str(_write(tmp_path, MINIMAL))])
    assert good.exit_code == 0 and "valid" in good.output
    bad = runner.invoke(app, ["plan", "validate", str(_write(tmp_path, MINIMAL.replace("fact: offence", "fact: x")))])
    assert bad.exit_code == 1 and "plan.yaml:11" in bad.output
    out = tmp_path / "notts.html"
    explained = runner.invoke(app, ["plan", "explain", "nottinghamshire-2015", "--format", "html", "--out", str(out)])
    assert explained.exit_code == 0 and "Significant progress" in out.read_text()
    shown = runner.invoke(app, ["plan", "show", "warwickshire-2015"])
    assert shown.exit_code == 0 and "id: warwickshire-2015" in shown.output


@pytest.mark.parametrize("plan_id", ["national-2012", "nottinghamshire-2015", "warwickshire-2015"])
def test_results_measures_match_the_oracle_ids_and_lines(plan_id):
    """Claims will compare the product's measures with the oracle's: same ids, lines and sustained periods."""
    from priority_families.synth import oracle

    expected_measures = {"national-2012": oracle._NATIONAL_MEASURES, "warwickshire-2015": oracle._WARWICKSHIRE_MEASURES,
                         "nottinghamshire-2015": oracle._NOTTINGHAMSHIRE_MEASURES}[plan_id]
    expected = {(m.headline, m.id, frozenset(m.lines), m.sustained_months, m.line_kinds) for m in expected_measures}
    plan = load_plan(plan_id)
    # an assessed row applies only through the case record (no synthetic family is assessed): not the oracle's
    ours = {(h.id, m.id, frozenset(m.lines), m.sustained_months, m.line_kinds and frozenset(m.line_kinds))
            for h in plan.headlines for m in h.results if not m.assessed}
    assert ours == expected


RESULTS = """\
    results:
      - id: offending_reduced
        lines: [offence]
        substantial_change: Offending reduced
        baseline: Offences in the 12 months before attachment
        significant_progress: A third fewer
        sustained: 6 months
        sustained_months: 6
        source: Police
        tests:
          - kind: reduction
            fact: offence
            factor: 2/3
            baseline_window: {relative_to: attachment, months: 12}
            progress_window: {relative_to: evaluation, months: 6}
"""


def _with_results(text: str = RESULTS) -> str:
    return MINIMAL.replace("        evidence: Police\n", "        evidence: Police\n" + text)


def test_validate_checks_meaning_with_file_line_and_field(tmp_path):
    assert load_plan_file(_write(tmp_path, _with_results())).headlines[0].results[0].id == "offending_reduced"
    share = MINIMAL.replace("        fact: offence\n", "        fact: school_attendance\n").replace(
        "        evidence: Police", "        aggregate: share_of_sessions\n        numerator: [unauthorised_absence]\n"
        "        threshold: 15\n        evidence: Police")
    (p,) = _problem(tmp_path, share)
    assert "between 0 and 1" in p.reason and p.field == "headlines[crime].indicators[offence]" and p.line == 11
    (p,) = _problem(tmp_path, _with_results(RESULTS.replace("months: 6}", "months: 9}")))
    assert "looks back 9 months but is sustained for 6" in p.reason
    assert p.field == "headlines[crime].results[offending_reduced]" and p.line == 18
    (p,) = _problem(tmp_path, _with_results(RESULTS.replace("lines: [offence]", "lines: []")))
    assert "no family could ever have it" in p.reason
    result = CliRunner().invoke(app, ["plan", "validate", str(_write(tmp_path, share))])
    assert result.exit_code == 1 and "plan.yaml:11: headlines[crime].indicators[offence]" in result.stdout


def test_explain_writes_a_pdf_and_states_each_routes_money_once(tmp_path):
    out = tmp_path / "plan.pdf"
    result = CliRunner().invoke(app, ["plan", "explain", "national-2012", "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
    assert CliRunner().invoke(app, ["plan", "explain", "national-2012", "--format", "pdf"]).exit_code == 1
    text = render_markdown(load_plan("national-2012"))
    assert text.count("priority = ") == 1
    assert "12.5% of the results payment (2012-13: 100; 2013-14: 200; 2014-15: 300 GBP)" in text
    assert "the results payment (2012-13: 800; 2013-14: 1,600; 2014-15: 2,400 GBP)" in text


@pytest.mark.parametrize(("who", "year", "fits"), [
    ("young_person", 10, False),  # RONI Year 10 (ages 14-15) against 16-24: never
    ("young_person", 11, True),  # Year 11 pupils turn 16 during the year
    ("school_age_child", 11, True),
    ("school_age_child", 12, False),  # 16-17 against 5-15
    ("adult", 13, True),  # Year 13 pupils turn 18 during the year
    ("adult", 12, False),
    ("child", 0, True),
])
def test_validate_checks_the_school_year_against_the_age_group(tmp_path, who, year, fits):
    text = MINIMAL.replace("who: any_member", f"who: {who}").replace(
        "        evidence: Police\n", f"        evidence: Police\n        school_year: {year}\n")
    if fits:
        assert load_plan_file(_write(tmp_path, text)).headlines[0].indicators[0].school_year == year
        return
    (p,) = _problem(tmp_path, text)
    assert p.field == "headlines[crime].indicators[offence]" and p.line == 11
    assert f"school year {year} is ages {year + 4}-{year + 5}" in p.reason and who in p.reason


def test_validate_reads_a_school_year_named_in_the_label(tmp_path):
    text = MINIMAL.replace("who: any_member", "who: young_person").replace(
        "label: An offence in the last 12 months", "label: A young person at risk of NEET by RONI in Year 10")
    (p,) = _problem(tmp_path, text)
    assert p.reason.startswith("label: school year 10 is ages 14-15") and p.line == 11
    result = CliRunner().invoke(app, ["plan", "validate", str(_write(tmp_path, text))])
    assert result.exit_code == 1 and "plan.yaml:11: headlines[crime].indicators[offence]: label: school year 10" \
        in result.stdout
    assert load_plan_file(_write(tmp_path, text.replace("Year 10", "Year 11"))).id == "test-plan"


def test_explain_follows_seed_004_row_by_row_with_each_test_under_its_row():
    plan = load_plan("nottinghamshire-2015")
    text = render_markdown(plan)
    assert text.count("Strategic goal: ") == 6 and text.count("| Row | Substantial change | Baseline measure |") == 6
    assert "Strategic goal: For Nottinghamshire parents and children not to be involved in crime or ASB" in text
    for h in plan.headlines:
        for m in h.results:
            assert text.count(f"↳ Test ({m.id}, ") == 1
        for r in h.not_measured:
            assert text.count(f"| {r.row} |") == 1
    crime = text[text.index("## 1. "):text.index("## 2. ")]
    rows = [line.split(" | ")[0].strip("| ") for line in crime.splitlines() if line.startswith("| 004 ")]
    assert rows == ["004 1.1", "004 1.2", "004 1.3", "004 1.4", "004 1.5", "004 1.6"]
    assert ("↳ Test (substance_order_complied, for families the lead worker records it applies to, assessed by "
            "Youth Justice or Probation (the assessed risk of offending due to substance misuse): pf assess): the lead "
            "professional attests the row met, with evidence, on or after the end of its period counted from the "
            "assessment; judged from 6 months after the assessment date.") in crime
    paragraphs = [p for p in text.split("\n\n") if p and not p.startswith(("|", "**", "#"))]
    assert len(paragraphs) == len(set(paragraphs))  # nothing printed twice
    page = render_html(plan)
    assert page.count('<tr class="test"><td colspan="6">') == sum(len(h.results) + len(h.not_measured)
                                                                   for h in plan.headlines)

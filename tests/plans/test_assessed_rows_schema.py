"""An assessed row in a plan file (issue 12): it applies by assessment, not through a line, and its one test is
an attestation after its period; `pf plan validate` names the file, line and field of a row that is not."""

from __future__ import annotations

from priority_families.plans.loader import load_plan_file
from priority_families.plans.render import render_markdown

from .test_plans import MINIMAL, _problem, _write

ASSESSED = """\
    results:
      - id: wellbeing_improved
        row: "X 1.1"
        assessed_by: the lead professional
        substantial_change: Families feel better
        baseline: Score on the council's tool
        significant_progress: Improved score
        sustained: 8 months
        sustained_months: 8
        source: Lead professional
        tests:
          - kind: assessed_attestation
            tool: the council's tool
            better: lower
"""


def _plan(text: str = ASSESSED) -> str:
    return MINIMAL.replace("        evidence: Police\n", "        evidence: Police\n" + text)


def test_an_assessed_row_loads_and_explain_prints_its_test(tmp_path):
    plan = load_plan_file(_write(tmp_path, _plan()))
    (m,) = plan.headlines[0].results
    assert m.assessed and m.scored.better == "lower" and not m.lines
    assert plan.vocabulary().label("line", "wellbeing_improved") == "X 1.1 assessed: Score on the council's tool"
    text = render_markdown(plan)
    assert ("Test (wellbeing_improved, for families the lead worker records it applies to, assessed by the lead "
            "professional: pf assess): the lead professional attests the row met, with evidence, on or after the end "
            "of its period counted from the assessment, and the later the council's tool score is lower than the "
            "score at assessment (lower is better); judged from 8 months after the assessment date.") in text


def test_an_assessed_row_that_names_a_line_is_refused_with_its_place(tmp_path):
    (p,) = _problem(tmp_path, _plan(ASSESSED.replace("        assessed_by:", "        lines: [offence]\n"
                                                                             "        assessed_by:")))
    assert "applies by assessment, so it names no indicator line" in p.reason
    assert p.field == "headlines[crime].results[wellbeing_improved]" and p.line == 18  # the row's own line


def test_a_scored_row_names_which_way_it_improves(tmp_path):
    (p,) = _problem(tmp_path, _plan(ASSESSED.replace("            better: lower\n", "")))
    assert "which way it improves" in p.reason


def test_an_assessed_row_needs_its_period_and_the_assessed_test(tmp_path):
    (p,) = _problem(tmp_path, _plan(ASSESSED.replace("        sustained_months: 8\n", "")))
    assert "give `sustained_months`" in p.reason
    (p,) = _problem(tmp_path, _plan(ASSESSED.replace("        assessed_by: the lead professional\n", "")))
    assert "an assessed_attestation test needs `assessed_by`" in p.reason

"""The board paper: every figure in it equals the same figure computed by another route (the ledger and the
case record in Python, each family's progress, the lookup by hand), including a ward with no families and a
measure entered by hand; the files (HTML, PDF, Word, Excel, charts) hold the same; `pf report` drives it."""

from __future__ import annotations

import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from priority_families.casedb.casework import Actor
from priority_families.casedb.models import Attachment, ClaimStep, StepKind
from priority_families.cli.app import app
from priority_families.outcomes.progress import family_progress
from priority_families.reports.board import board_paper, render_html, write_board_paper
from priority_families.reports.framework_files import library, load_framework
from priority_families.reports.frameworks import enter

from .county import FAMILIES, LATER, postcode

FRAMEWORK = Path(__file__).parent / "test-framework.yaml"
PERIOD = "2016-12"

pytestmark = pytest.mark.django_db


def _claimed_families() -> set[str]:
    return set(ClaimStep.objects.filter(step=StepKind.SUBMITTED, on__lte=LATER).values_list("claim__family_id",
                                                                                           flat=True))


def _crime_met(ws) -> set[str]:
    return {f"F{n}" for n in range(FAMILIES) for row in family_progress(ws, f"F{n}")
            if row["headline"] == "crime_asb" and row["headline_status"] == "met"}


def test_every_figure_of_the_paper_equals_the_ledger_case_record_and_refresh(claimed_county) -> None:
    framework = load_framework(FRAMEWORK)
    enter(framework, "trained", PERIOD, "value", Actor("owner"), value=Decimal(40), text="training records")
    enter(framework, "trained", PERIOD, "narrative", Actor("owner"), text="Next steps: book the courses.")
    paper = board_paper(claimed_county, framework, PERIOD)
    worked = Attachment.objects.filter(attached_on__lte=LATER).count()
    claimed = _claimed_families()
    crime_claimed = len(_crime_met(claimed_county) & claimed)
    assert claimed and crime_claimed, "the county must have claims with the crime result for this to test much"
    values = {k: s.value for k, s in paper.scored.items()}
    assert values == {"worked": worked, "claimed": len(claimed), "crime_claimed": crime_claimed, "trained": 40.0}
    rows = {measure: (rag, update) for _p, _o, measure, rag, update, _lead in paper.rows()}
    assert rows["Families worked with"][1].startswith(f"To 31 December 2016 {worked} families have been worked "
                                                      f"with ({worked / 10:.0%} of our total 10).")
    assert rows["Families claimed"][1].startswith(f"{len(claimed)} families claimed; {crime_claimed} with the crime")
    # offences of the members frozen at attachment: two each in the six months before, F3's adult's one after
    assert "offences 12 before, 1 after" in rows["Claimed families with the crime and ASB result"][1]
    assert rows["Workers trained"] == ("RED", ("40 workers trained. (trajectory 100 on 2016-12-31) "
                                              "Next steps: book the courses."))
    assert rows["Families claimed"][0] == ("GREEN" if len(claimed) >= 4 else "AMBER" if len(claimed) >= 2 else "RED")
    wards = {w: (i, wk, c) for w, i, wk, c in paper.stats.by_area}
    by_hand = {"Abbey": {f"F{n}" for n in range(FAMILIES) if postcode(n) == "NG1 1AA"},
               "Bridge": {f"F{n}" for n in range(FAMILIES) if postcode(n) == "NG2 2BB"}, "Empty Ward": set()}
    assert {w: (wk, c) for w, (_i, wk, c) in wards.items()} == {
        w: (len(fams), len(fams & claimed)) for w, fams in by_hand.items()}


def test_the_files_hold_the_same_figures(claimed_county, tmp_path: Path) -> None:
    framework = load_framework(FRAMEWORK)
    enter(framework, "trained", PERIOD, "value", Actor("owner"), value=Decimal(40), text="training records")
    enter(framework, "trained", PERIOD, "rag", Actor("owner"), rag="AMBER", text="Courses booked")
    paper = board_paper(claimed_county, framework, PERIOD)
    written = write_board_paper(paper, tmp_path)
    stem = tmp_path / "board-test-board-2016-12"
    assert [p.name for p in written[:4]] == [f"{stem.name}.{s}" for s in ("html", "pdf", "docx", "xlsx")]
    assert {p.name for p in written[4:]} == {f"{stem.name}-{c}.{s}" for c in ("funnel", "results_over_time",
                                                                              "by_agency") for s in ("svg", "png")}
    assert all(p.stat().st_mode & 0o077 == 0 for p in written)  # owner-only, like every file the product writes
    worked = str(Attachment.objects.count())
    page = stem.with_suffix(".html").read_text()
    assert f"To 31 December 2016 {worked} families have been worked with" in page
    assert "AMBER (overridden from RED: Courses booked)" in render_html(paper) or "Courses booked" in page
    assert page.count("data:image/svg+xml;base64,") == 3 and "Empty Ward" in page
    text = subprocess.run(["pdftotext", "-layout", str(stem.with_suffix(".pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert f"{worked} families have been worked" in re.sub(r"\s+", " ", text) and "Empty Ward" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile", str(stem.with_suffix(".pdf")),
                    str(tmp_path / "page1")], check=True)  # as tests/reports/artefacts/ was made from the demo
    png = (tmp_path / "page1.png").read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and width > height  # A4 landscape
    document = docx.Document(str(stem.with_suffix(".docx")))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any(f"{worked} families have been worked with" in c for c in cells) and "Empty Ward" in cells
    assert len(document.inline_shapes) == 3
    with zipfile.ZipFile(stem.with_suffix(".xlsx")) as book:
        sheets = book.read("xl/workbook.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert all(f'name="{s}"' in sheets for s in ("board", "by_ward", "by_agency", "charts"))
    assert "Courses booked" in strings and "Empty Ward" in strings
    from workbooks import assert_laid_out, assert_metadata

    assert_metadata(stem.with_suffix(".xlsx"))  # an About sheet first: as_of, framework, period, refresh, who
    assert_laid_out(stem.with_suffix(".xlsx"), 2)
    from workbooks import sheets

    tabs = sheets(stem.with_suffix(".xlsx"))
    assert tabs["claimed"][0] == ["programme_year", "route", "route (label)", "families_claimed"]
    assert all(r[2] in ("Significant and sustained progress", "Continuous employment") for r in tabs["claimed"][1:])
    assert "headline (label)" in tabs["results"][0]
    again = write_board_paper(paper, tmp_path / "again")
    assert again[0].read_bytes() == stem.with_suffix(".html").read_bytes()  # the same paper, the same page
    with zipfile.ZipFile(again[2]) as first, zipfile.ZipFile(stem.with_suffix(".docx")) as second:
        assert first.read("word/document.xml") == second.read("word/document.xml")


@pytest.mark.parametrize("framework_id", library())
def test_each_shipped_framework_renders_on_the_county(claimed_county, framework_id: str) -> None:
    paper = board_paper(claimed_county, load_framework(framework_id), "2016/17" if "cypp" in framework_id else PERIOD)
    page = render_html(paper)
    assert "{" not in "".join(update for *_, update, _lead in paper.rows())  # every placeholder filled
    assert page.count("data:image/svg+xml;base64,") == 3


def _pf(ws: Path, *args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(app, [*args, "-w", str(ws)], env={"COLUMNS": "200"})
    assert (result.exit_code == 0) is ok, result.stdout + result.stderr + repr(result.exception)
    return result.stdout + result.stderr


def test_pf_report_enter_board_and_history(claimed_county, tmp_path: Path) -> None:
    ws = claimed_county.path
    fw = str(FRAMEWORK)
    assert "give exactly one of" in _pf(ws, "report", "enter", "--framework", fw, "--measure", "trained", "--period",
                                        PERIOD, ok=False)
    assert "is not a number" in _pf(ws, "report", "enter", "--framework", fw, "--measure", "trained", "--period",
                                    PERIOD, "--value", "lots", "--source", "x", ok=False)
    assert "value entered" in _pf(ws, "report", "enter", "--framework", fw, "--measure", "trained", "--period",
                                  PERIOD, "--value", "55", "--source", "training records")
    out = _pf(ws, "report", "board", "--framework", fw, "--period", PERIOD, "--out", str(tmp_path / "paper"))
    assert re.search(r"Workers trained\s+│ 55\s+│ RED", out), out  # 55 of the 100 the trajectory expects
    _pf(ws, "report", "enter", "--framework", fw, "--measure", "trained", "--period", PERIOD, "--rag", "amber",
        "--reason", "Courses booked")
    out = _pf(ws, "report", "board", "--framework", fw, "--period", PERIOD, "--out", str(tmp_path / "paper"))
    assert re.search(r"Workers trained\s+│ 55\s+│ AMBER \(overridden from RED: Courses booked\)", out), out
    assert (tmp_path / "paper" / "board-test-board-2016-12.pdf").exists()
    assert "training records" in _pf(ws, "report", "history", "--framework", fw, "--measure", "trained")
    assert "is not a programme year" in _pf(ws, "report", "board", "--framework", fw, "--period", "soon", "--out",
                                            str(tmp_path / "x"), ok=False)
    assert "hwbb-priority-families" in CliRunner().invoke(app, ["report", "frameworks"]).stdout

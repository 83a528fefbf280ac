"""The evidence pack as a file an auditor prints: A4 landscape with nothing cut off on the right, each
measure's inputs (per child absence and exclusions before and after, the employment spell's dates, weeks
and the benefit left, offences per window), and labels where the extracts hold codes."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from identify.builders import Person, attendance, dated, spell
from outcomes.case_store import make_workspace, republish
from priority_families.claims.ledger import ClaimRun, make_claims
from priority_families.core.vocabulary import Vocabulary
from priority_families.outcomes.attach import AttachmentRequest, attach_families

ARTEFACTS = Path(__file__).parent / "artefacts"
A = date(2015, 8, 31)
LATER = date(2016, 12, 31)
A4_LANDSCAPE_WIDTH_PT = 841.89


def _family() -> tuple[dict[str, list[Person]], list]:
    """One family: a school-age child often absent and excluded before attachment, at school after; a parent
    who offended and left Carer's Allowance for a job."""
    people = {"F1": [Person("A1", date(1980, 1, 1)), Person("C1", date(2006, 1, 1))]}
    before = ("2014-autumn", "2015-spring", "2015-summer")
    after = ("2015-autumn", "2016-spring", "2016-summer")
    facts = [attendance("C1", t, 100, authorised=10, unauthorised=20) for t in before]
    facts += [attendance("C1", t, 100, authorised=3, unauthorised=1) for t in after]
    facts += [dated("exclusion", "C1", d, kind="fixed", sessions=2)
              for d in (date(2014, 11, 3), date(2015, 2, 2), date(2015, 5, 5))]
    facts += [dated("offence", "A1", date(2015, 3, 1), gravity=6),
              spell("benefit", "A1", date(2014, 1, 1), date(2015, 9, 1), kind="CA"),
              spell("employment", "A1", date(2015, 9, 2))]
    return people, facts


@pytest.fixture
def claimed(tmp_path) -> ClaimRun:
    ws = make_workspace(tmp_path / "ws", "nottinghamshire-2015", *_family(), A)
    attach_families(ws, [AttachmentRequest("F1", A, "Worker", "Agency")], actor="t")
    republish(ws, "nottinghamshire-2015", *_family(), LATER)
    run = make_claims(ws, "2016-07", tmp_path / "out", actor="t", pdf=True)
    assert [c.family_id for c in run.claims] == ["F1"]
    return run


class _Cells(HTMLParser):
    """The text of every table cell of a pack, section by section."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("td", "th"):
            self._in, self._text = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in = False
            self.cells.append(self._text)

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


@pytest.mark.django_db
def test_the_pack_shows_each_measures_inputs(claimed):
    html = (claimed.packs / "F1.html").read_text()
    cells = _Cells()
    cells.feed(html)
    text = " | ".join(cells.cells)
    # per child: absence before and after (sessions and share), exclusions before and after with windows
    assert "90 of 300 sessions absent (30.0%)" in text and "12 of 300 sessions absent (4.0%)" in text
    assert "3 terms: 2015-09-01 to 2016-07-19" in text or re.search(r"3 terms: 2015-\d\d-\d\d to 2016", text)
    assert re.search(r"C1 \| exclusion records \(Fixed-term exclusion\) of school-age children \(5 to 15\) \| "
                     r"3 terms before attachment \| 3 \| 3 terms: [\d-]+ to [\d-]+ \| 0", text)
    # the employment spell: dates, weeks, weeks needed and the benefit left, by name
    assert "2015-09-02 to still in work on 2016-07-31" in text
    assert re.search(r"\d+ weeks \(needs \d+\)", text)
    assert "Carer's Allowance" in text
    # the offence's gravity read as a scale, the route as words
    assert "gravity 6 of 8" in text
    assert "Significant and sustained progress" in text or "Continuous employment" in text


@pytest.mark.django_db
def test_no_raw_code_reaches_the_pack(claimed):
    cells = _Cells()
    cells.feed((claimed.packs / "F1.html").read_text())
    words = Vocabulary()
    for group in ("source", "fact", "kind", "benefit", "claim_route", "measure_status", "who"):
        for code in words.codes(group):
            shown = [c for c in cells.cells if c == code or ("_" in code and code in c)]
            assert not shown, f"{group} code {code!r} shown raw in the pack: {shown[:3]}"
    assert "None" not in cells.cells and "6" not in cells.cells[cells.cells.index("value"):][:20]


@pytest.mark.django_db
def test_the_pdf_pack_fits_a4_with_every_value_on_the_page(claimed, tmp_path):
    pdf = claimed.packs / "F1.pdf"
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">', bbox)
    assert pages and all(float(w) == pytest.approx(A4_LANDSCAPE_WIDTH_PT, abs=1) for w, _ in pages)
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)]
    assert right_edges and max(right_edges) <= A4_LANDSCAPE_WIDTH_PT, "text runs off the right of the page"
    # the words in reading order, spaces dropped: a value wrapped inside its cell reads on across the line
    words = "".join(re.findall(r">([^<]+)</word>", bbox)).replace("&apos;", "'").replace("&amp;", "&")
    cells = _Cells()
    cells.feed((claimed.packs / "F1.html").read_text())
    for value in cells.cells:  # every value and count of the pack is in the PDF's text, on a page
        assert "".join(value.split()) in words, f"{value!r} missing from the PDF text"
    ARTEFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "2", "-l", "2", "-singlefile", str(pdf),
                    str(ARTEFACTS / "evidence-pack-page2")], check=True)
    assert (ARTEFACTS / "evidence-pack-page2.png").stat().st_size > 10_000


@pytest.mark.django_db
def test_two_benefits_left_on_one_day_are_both_named(tmp_path):
    """Which benefit a job left goes into the claim pack: two out-of-work benefits started on the same latest
    day are both named, in order, never one of them picked by the order the rows happen to come in."""
    people, facts = _family()
    facts.append(spell("benefit", "A1", date(2014, 1, 1), date(2015, 9, 1), kind="ESA"))
    ws = make_workspace(tmp_path / "ws", "nottinghamshire-2015", people, facts, A)
    attach_families(ws, [AttachmentRequest("F1", A, "Worker", "Agency")], actor="t")
    republish(ws, "nottinghamshire-2015", people, facts, LATER)
    run = make_claims(ws, "2016-07", tmp_path / "out", actor="t")
    cells = _Cells()
    cells.feed((run.packs / "F1.html").read_text())
    assert "Carer's Allowance and Employment and Support Allowance" in cells.cells

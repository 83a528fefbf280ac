"""A partner value that is a spreadsheet formula reaches every output as text, never as a live formula."""

from __future__ import annotations

import csv
import zipfile
from datetime import date
from pathlib import Path

import yaml

from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.ingest.agreements import AGREEMENTS_FILE
from priority_families.linkage import TruthLinkage
from priority_families.refresh import run_refresh
from priority_families.synth.county import generate

AS_OF = date(2015, 8, 31)
ATTACK = '=HYPERLINK("http://x","y")'
SOURCE = "dwp"  # the partner whose source name is replaced by the attack in every extract and in the truth


def _replace_cells(path: Path, old: str, new: str) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = [[new if cell == old else cell for cell in r] for r in csv.reader(f)]
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def _cells(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return [cell for r in csv.reader(f) for cell in r]


def test_a_formula_from_a_partner_reaches_outputs_neutralised(tmp_path):
    extracts = tmp_path / "extracts"
    generate(extracts, people=300, as_of=AS_OF, seed=7)
    for path in [*extracts.glob("*.csv"), *(extracts / "truth").glob("*.csv")]:
        _replace_cells(path, SOURCE, ATTACK)
    register = yaml.safe_load((extracts / AGREEMENTS_FILE).read_text())  # the partner's source, under its agreement
    for agreement in register["agreements"]:
        agreement["sources"] = [ATTACK if s == SOURCE else s for s in agreement["sources"]]
    (extracts / AGREEMENTS_FILE).write_text(yaml.safe_dump(register))
    with (extracts / "offence.csv").open("a", encoding="utf-8") as f:  # a rejected row carrying the attack too
        f.write('police,"=HYPERLINK(""http://x"",""y"")",J,S,1990-01-01,F,1 A St,NG1 1AA,,,,,not-a-date,3\n')
    ws = Workspace(Settings(workspace=tmp_path / "ws", threads=1))
    out = tmp_path / "out"
    result = run_refresh(ws, extracts, "nottinghamshire-2015", out, linker=TruthLinkage(extracts / "truth"))
    for path in (result.outputs.members, result.outputs.evidence, result.rejects_csv):
        cells = _cells(path)
        assert "'" + ATTACK in cells, path.name
        assert not [c for c in cells if c and c[0] in "=+@"]
    with zipfile.ZipFile(result.workbook) as book:
        xml = "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/") and n.endswith(".xml"))
    assert "<f>" not in xml and "<hyperlink" not in xml
    assert "'=HYPERLINK" in xml

"""Issue 14's acceptance on a small county with the harder address noise: households hold together."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from priority_families.core.engine import Workspace
from priority_families.evaluation.linkage import evaluate_linkage
from priority_families.refresh import ingest_refresh, link_workspace
from priority_families.synth.county import generate

AS_OF = date(2015, 8, 31)


@pytest.fixture(scope="module", params=[False, True], ids=["without-gazetteer", "with-gazetteer"])
def hard_county(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    out = tmp_path_factory.mktemp("hard-county")
    generate(out, 1500, AS_OF, seed=7, address_noise="hard", gazetteer=request.param)
    return out


def _evaluate(county: Path, ws_path: Path):
    ws = Workspace(path=ws_path)
    ingest_refresh(ws, county)
    link_workspace(ws)
    con = ws.connect()
    try:
        return evaluate_linkage(con, county / "truth"), con.execute(
            "SELECT count(*) FILTER (place_status = 'unresolved'), count(*) FROM record_place").fetchall()[0]
    finally:
        con.close()


def test_households_hold_together_under_hard_address_noise(hard_county: Path, tmp_path: Path) -> None:
    e, (unresolved, addresses) = _evaluate(hard_county, tmp_path / "ws")
    with_gazetteer = (hard_county / "gazetteer.csv").exists()
    # with the gazetteer, issue 14's targets (F1 >= 0.998, at most 0.3% of families split); 1.0 / 0.9976 measured
    assert e.household_f1 >= (0.998 if with_gazetteer else 0.995)
    assert e.split_share <= (0.003 if with_gazetteer else 0.01)
    assert unresolved < 0.01 * addresses

"""The refresh in force: one object answers which refresh it is, every published refresh is kept, and a refresh
that would lose data against it is stopped before anything is published."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.builders import row, write_extract, write_refresh
from priority_families.cli.app import app
from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.ingest import IngestError
from priority_families.refresh import (
    GuardError,
    PublishGuard,
    RefreshError,
    in_force,
    ingest_refresh,
    published_refreshes,
    refresh_standing_on,
)


def _ws(tmp_path: Path) -> Workspace:
    return Workspace(Settings(workspace=tmp_path / "ws", threads=1))


def _extracts(folder: Path, as_of: str, offences: int = 10, maracs: int = 10) -> Path:
    """A refresh's folder: `offences` police rows and `maracs` MARAC rows, as of `as_of`."""
    write_extract(folder, "offence", [row("offence", record_id=f"o{i}") for i in range(offences)])
    if maracs:
        write_extract(folder, "marac", [row("marac", record_id=f"m{i}") for i in range(maracs)])
    write_refresh(folder, as_of=as_of)
    return folder


def test_the_refresh_in_force_names_its_id_date_and_records_per_source(tmp_path):
    ws = _ws(tmp_path)
    report = ingest_refresh(ws, _extracts(tmp_path / "a", "2015-07-31"))
    refresh = in_force(ws)
    assert (refresh.refresh_id, refresh.as_of, refresh.authority) == (report.refresh_id, date(2015, 7, 31), "Testshire")
    police = row("offence")["source"]
    assert refresh.records_by_extract == {(police, "marac"): 10, (police, "offence"): 10}
    assert refresh.records_by_source == {police: 20} and refresh.override is None
    assert refresh.plan_id is None  # ingested, not yet identified
    with pytest.raises(RefreshError, match="no identification"):
        refresh.plan  # noqa: B018


def test_a_lost_source_stops_the_refresh_and_nothing_is_published(tmp_path):
    ws = _ws(tmp_path)
    first = ingest_refresh(ws, _extracts(tmp_path / "a", "2015-07-31"))
    before = ws.store_path.read_bytes()
    with pytest.raises(GuardError, match=f"{row('marac')['source']} marac: 10 records before, 0 now"):
        ingest_refresh(ws, _extracts(tmp_path / "b", "2015-10-31", maracs=0))
    with pytest.raises(GuardError, match="marac: 10 records before, 0 now"):  # whatever share a source may lose
        ingest_refresh(ws, _extracts(tmp_path / "b", "2015-10-31", maracs=0), guard=PublishGuard(max_shrink=1.0))
    assert ws.store_path.read_bytes() == before and in_force(ws).refresh_id == first.refresh_id


def test_a_shrunken_source_stops_at_the_configured_share(tmp_path):
    ws = _ws(tmp_path)
    ingest_refresh(ws, _extracts(tmp_path / "a", "2015-07-31"))
    shrunk = _extracts(tmp_path / "b", "2015-10-31", offences=7)  # 30% fewer police records
    with pytest.raises(GuardError, match="10 records before, 7 now"):
        ingest_refresh(ws, shrunk, guard=PublishGuard(max_shrink=0.2))
    ingest_refresh(ws, shrunk, guard=PublishGuard(max_shrink=0.5))  # within a half: published
    assert in_force(ws).as_of == date(2015, 10, 31)


def test_an_override_publishes_and_is_recorded_with_the_refresh(tmp_path):
    ws = _ws(tmp_path)
    ingest_refresh(ws, _extracts(tmp_path / "a", "2015-07-31"))
    ingest_refresh(ws, _extracts(tmp_path / "b", "2015-10-31", maracs=0),
                   guard=PublishGuard(override="MARAC extract withdrawn by the partner"))
    refresh = in_force(ws)
    assert refresh.override.startswith("MARAC extract withdrawn by the partner")
    assert "10 records before, 0 now" in refresh.override
    ingest_refresh(ws, _extracts(tmp_path / "c", "2016-01-31", maracs=0))  # nothing lost against b
    assert in_force(ws).override is None  # an override belongs to its own refresh only
    with pytest.raises(ValueError, match="needs a reason"):
        PublishGuard(override="  ")


def test_every_published_refresh_is_kept_and_a_past_date_finds_the_one_that_stood(tmp_path):
    ws = _ws(tmp_path)
    first = ingest_refresh(ws, _extracts(tmp_path / "a", "2015-07-31"))
    kept_first = ws.archive_path(first.refresh_id).read_bytes()
    second = ingest_refresh(ws, _extracts(tmp_path / "b", "2015-10-31", offences=12))
    assert [r.refresh_id for r in published_refreshes(ws)] == [first.refresh_id, second.refresh_id]
    assert ws.archive_path(first.refresh_id).read_bytes() == kept_first  # not overwritten by the later one
    assert refresh_standing_on(ws, date(2015, 9, 30)).refresh_id == first.refresh_id
    assert refresh_standing_on(ws, date(2015, 12, 31)).refresh_id == second.refresh_id
    assert refresh_standing_on(ws, date(2015, 12, 31)).records_by_extract[row("offence")["source"], "offence"] == 12
    with pytest.raises(RefreshError, match="no published refresh is as of 2015-06-30 or earlier"):
        refresh_standing_on(ws, date(2015, 6, 30))


def test_nothing_is_judged_after_the_refresh_in_force(tmp_path):
    ws = _ws(tmp_path)
    ingest_refresh(ws, _extracts(tmp_path / "a", "2016-06-30"))
    refresh = in_force(ws)
    refresh.require_covers(date(2016, 6, 30), "a claim")
    with pytest.raises(RefreshError, match="a claim on 2016-07-31 is after the refresh in force .* as of 2016-06-30"):
        refresh.require_covers(date(2016, 7, 31), "a claim")


@pytest.mark.parametrize("command", ["ingest", "identify"])
def test_a_folder_without_extracts_is_an_error_and_the_last_good_store_stays(tmp_path, command):
    ws = _ws(tmp_path)
    ingest_refresh(ws, _extracts(tmp_path / "a", "2015-07-31"))
    before = ws.store_path.read_bytes()
    empty = tmp_path / "empty"
    write_refresh(empty, as_of="2015-10-31")
    args = [command, str(empty), "-w", str(ws.path)] + (["--out", str(tmp_path / "out")] if command == "identify"
                                                         else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "holds no extract" in result.stderr
    assert ws.store_path.read_bytes() == before
    with pytest.raises(IngestError):
        ingest_refresh(ws, empty)


def test_the_cli_stops_on_a_lost_source_and_publishes_with_an_override(tmp_path):
    ws = _ws(tmp_path)
    ingest_refresh(ws, _extracts(tmp_path / "a", "2015-07-31"))
    lost = _extracts(tmp_path / "b", "2015-10-31", maracs=0)
    stopped = CliRunner().invoke(app, ["ingest", str(lost), "-w", str(ws.path)])
    assert stopped.exit_code == 1 and "nothing published" in stopped.stderr and "--override" in stopped.stderr
    assert in_force(ws).as_of == date(2015, 7, 31)
    done = CliRunner().invoke(app, ["ingest", str(lost), "-w", str(ws.path), "--override", "partner paused"])
    assert done.exit_code == 0, done.stderr
    assert in_force(ws).override.startswith("partner paused")

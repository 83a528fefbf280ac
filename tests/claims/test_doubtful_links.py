"""Claims that do not rest on a doubtful link: a family member with a pair in the linkage review band, whose other
record a measure of the family reads in its window, holds the claim as "needs review" with the pairs listed; a
reviewer's decision releases it (not the same person) or changes it (the same person, once linked)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from identify.builders import dated
from outcomes.case_store import republish
from priority_families.casedb.models import AuditEvent, ClaimHold, HoldEvent, ImmutableRecordError
from priority_families.claims.ledger import make_claims, regenerate_pack
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.outcomes.progress import evaluation
from priority_families.refresh import import_review, review_queue_page
from workbooks import sheets

from .county import LATER, WINDOW, A, _county, claims_county, publish_later

FAMILY = "F2"  # re-offends nowhere and has no employment route: claimed by its crime measure alone
STRAY = 900001  # the record key of an offence the linkage could not call: the child's, or someone else's?


def _county_with_doubt(tmp_path: Path, offence_on: date = date(2016, 5, 15), fact: str = "offence"):
    """The claims county attached on A and judged on the later refresh, where the linkage left one pair in
    the review band: C2's record and a record of `fact` on `offence_on` held by another person, X1."""
    ws = claims_county(tmp_path / "ws", families=4)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "Worker", "Agency") for k in range(4)], actor="t")
    publish_later(ws, 4)
    with ws.publishing(fresh=False) as con:
        mine = con.execute("SELECT MIN(record_key) FROM record_person WHERE person_id = 'C2'").fetchall()[0][0]
        con.execute(f"INSERT INTO records (record_key, fact, source, record_id, \"date\", event_date) VALUES "
                    f"({STRAY}, '{fact}', 'test', 'X-77', DATE '{offence_on}', DATE '{offence_on}')")
        con.execute(f"INSERT INTO record_person VALUES ({STRAY}, 'X1')")
        con.execute(
            "CREATE OR REPLACE TABLE review_queue AS SELECT r.record_key AS record_key_l, "
            f"{STRAY}::BIGINT AS record_key_r, 0.62 AS match_probability, 0.7 AS match_weight, "
            "r.source AS source_l, r.record_id AS record_id_l, 'test' AS source_r, 'X-77' AS record_id_r "
            f"FROM records r WHERE r.record_key = {mine}")
        pair = con.execute("SELECT source_l, record_id_l FROM review_queue").fetchall()[0]
    return ws, pair


def _decide(ws, pair, decision: str) -> None:
    import_review(ws, [{"source_l": pair[0], "record_id_l": pair[1], "source_r": "test", "record_id_r": "X-77",
                        "decision": decision, "reviewer": "Reviewer", "decided_on": "2016-07-02"}],
                  queued_only=True)


def _csv(path: Path) -> dict[str, dict]:
    with open(path, newline="") as handle:
        return {r["family_id"]: r for r in csv.DictReader(handle)}


def _standing(family_id: str) -> list[str]:
    return [h.event for h in ClaimHold.objects.filter(family_id=family_id, window=WINDOW).order_by("id")]


@pytest.mark.django_db
def test_a_doubtful_link_holds_the_claim_and_not_the_same_person_releases_it(tmp_path):
    ws, pair = _county_with_doubt(tmp_path)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    assert [c.family_id for c in run.claims] == ["F1"]  # F0 and F3 re-offend; F2 waits for review
    [held] = run.needs_review
    assert (held.family_id, held.open_pairs) == (FAMILY, 1)
    assert held.pairs[0]["source_r"] == "test" and held.pairs[0]["record_id_r"] == "X-77"
    assert "crime_asb/offending_children" in held.pairs[0]["measures"]
    rows = _csv(run.claims_csv)
    assert rows[FAMILY]["status"] == "needs review" and rows[FAMILY]["doubtful_pairs_open"] == "1"
    assert rows["F1"]["status"] == "proposed" and rows[FAMILY]["claimed_on"] == ""
    assert sheets(run.workbook)["needs review"][1][:4] == [FAMILY, held.route, "needs review", 1]
    assert not (run.packs / f"{FAMILY}.html").exists()
    assert _standing(FAMILY) == [HoldEvent.HELD]
    assert AuditEvent.objects.filter(action="claim_hold", family_id=FAMILY).count() == 1
    with pytest.raises(ImmutableRecordError):
        ClaimHold.objects.filter(family_id=FAMILY).delete()

    rerun = make_claims(ws, WINDOW, tmp_path / "rerun", actor="t")  # nothing decided: still held, nothing new
    assert [n.family_id for n in rerun.needs_review] == [FAMILY] and _standing(FAMILY) == [HoldEvent.HELD]

    _decide(ws, pair, "not_a_match")
    released = make_claims(ws, WINDOW, tmp_path / "released", actor="t")
    assert [c.family_id for c in released.claims] == [FAMILY] and released.needs_review == ()
    assert _standing(FAMILY) == [HoldEvent.HELD, HoldEvent.RELEASED]
    pack = (released.packs / f"{FAMILY}.html").read_text()
    assert "doubtful links open at the claim date</th><td>none (1 decided not the same person" in pack
    assert "X-77" in pack and "not the same person" in pack
    assert regenerate_pack(ws, FAMILY).html.decode() == pack


@pytest.mark.django_db
def test_the_same_person_changes_the_claim_once_the_link_counts_the_record(tmp_path):
    ws, pair = _county_with_doubt(tmp_path)
    assert [n.family_id for n in make_claims(ws, WINDOW, tmp_path / "out", actor="t").needs_review] == [FAMILY]
    _decide(ws, pair, "match")
    waiting = make_claims(ws, WINDOW, tmp_path / "waiting", actor="t")  # decided, not yet linked: still held
    assert [n.family_id for n in waiting.needs_review] == [FAMILY] and waiting.claims == []
    assert waiting.needs_review[0].pairs[0]["decision"] == "match"
    # the next link applies the decision: the offence is C2's and the pair leaves the review queue
    people, facts = _county(4)
    republish(ws, "nottinghamshire-2015", people, [*facts, dated("offence", "C2", date(2016, 5, 15))], LATER)
    with ws.publishing(fresh=False) as con:
        con.execute("DELETE FROM review_queue")
    changed = make_claims(ws, WINDOW, tmp_path / "changed", actor="t")
    assert changed.claims == [] and changed.needs_review == ()
    assert _standing(FAMILY) == [HoldEvent.HELD, HoldEvent.HELD, HoldEvent.NOT_CLAIMABLE]
    assert FAMILY not in _csv(changed.claims_csv)


@pytest.mark.django_db
def test_a_pair_no_measure_reads_in_its_window_holds_nothing(tmp_path):
    ws, _ = _county_with_doubt(tmp_path, offence_on=date(2015, 6, 1))  # before attachment: the baseline's frozen
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    assert run.needs_review == () and FAMILY in {c.family_id for c in run.claims}
    pack = (run.packs / f"{FAMILY}.html").read_text()
    assert "doubtful links open at the claim date</th><td>none (no record in the review band" in pack
    assert ClaimHold.objects.count() == 0


@pytest.mark.django_db
def test_progress_and_claims_commands_say_needs_review_with_the_pairs(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from priority_families.cli.app import app

    ws, _ = _county_with_doubt(tmp_path)
    monkeypatch.setenv("PF_WORKSPACE", str(ws.path))  # the command's setup sets it; restored after the test
    with evaluation(ws, date(2016, 6, 30)) as con:
        open_pairs = con.execute("SELECT family_id, COUNT(*) FROM doubtful_links WHERE open GROUP BY ALL").fetchall()
    assert open_pairs == [(FAMILY, 1)]
    assert review_queue_page(ws)[1] == 1
    result = CliRunner().invoke(app, ["progress", "--as-of", "2016-06-30", "-w", str(ws.path)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stdout
    assert f"{FAMILY} needs review (1 pair)" in result.stdout
    claims = CliRunner().invoke(app, ["claims", "--window", WINDOW, "--out", str(tmp_path / "out"), "-w",
                                      str(ws.path)], env={"COLUMNS": "200"})
    assert claims.exit_code == 0, claims.stdout
    assert "1 family needs review (1 doubtful link open)" in claims.stdout
    assert f"{FAMILY}: needs review, 1 pair" in claims.stdout
    history = CliRunner().invoke(app, ["claims", "history", FAMILY, "-w", str(ws.path)], env={"COLUMNS": "200"})
    assert history.exit_code == 0 and "Needs review" in history.stdout and "held for review" in history.stdout

"""`pf assess` and `pf attest-row`, run in-process on a hand-built workspace and the test case DB: a row recorded
and attested, and bad input refused with one clear line that records nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from identify.builders import Person, dated
from priority_families.casedb.models import AssessedNeed, RowAttestation
from priority_families.cli.app import app
from priority_families.outcomes.attach import AttachmentRequest, attach_families

from .case_store import make_workspace, republish

A = date(2015, 8, 31)
DAY = timedelta(days=1)
PEOPLE = {"F1": [Person("P1", date(1980, 1, 1)), Person("P2", date(2004, 1, 1))]}
FACTS = [dated("offence", "P2", A - DAY * 30), dated("marac", "P1", date(2015, 7, 1))]
AS_OF = date(2016, 4, 30)


def _pf(ws, *args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(app, [*args, "-w", str(ws)], env={"COLUMNS": "200"})
    assert (result.exit_code == 0) is ok, result.stdout + result.stderr + repr(result.exception)
    return result.stdout + result.stderr


@pytest.fixture
def paths(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    monkeypatch.setenv("PF_WORKSPACE", str(tmp_path / "ws"))
    sheet = tmp_path / "wemwbs.txt"
    sheet.write_text("WEMWBS score sheet, signed by the key worker.\n")
    ws = make_workspace(tmp_path / "ws", "warwickshire-2015", PEOPLE, FACTS, A)
    attach_families(ws, [AttachmentRequest("F1", A, "W", "Agency")], actor="t")
    republish(ws, "warwickshire-2015", PEOPLE, FACTS, AS_OF)
    return tmp_path / "ws", sheet


ASSESS = {"--family": "F1", "--row": "002 HP5 outcome 4", "--on": "2015-09-10", "--by": "Kim, key worker",
          "--score": "38"}


@pytest.mark.django_db
def test_assess_then_attest_a_scored_row(paths):
    path, sheet = paths
    out = _pf(path, "assess", *[x for kv in ASSESS.items() for x in kv], "--evidence", str(sheet))
    assert "row 002 HP5 outcome 4 (wemwbs_improved) applies to family F1 from 2015-09-10; attest it on or after " \
           "2016-03-10" in out
    assert AssessedNeed.objects.get().assessed_by == "Kim, key worker"
    out = _pf(path, "attest-row", "--family", "F1", "--row", "wemwbs_improved", "--on", "2016-03-10", "--by", "Kim",
              "--statement", "scored again", "--score", "47", "--evidence", str(sheet))
    assert "row 002 HP5 outcome 4 attested met for family F1 on 2016-03-10; evidence sha256" in out
    out = _pf(path, "progress", "--as-of", "2016-04-30", "--family", "F1")
    assert "| wemwbs improved | 002 HP5 outcome 4 assessed: A member whose support includes the Warwick-Edinburgh " \
           "Mental Well-Being Scale | Met |" in out


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "says"), [
    (("--row", "002 HP9 outcome 1"), "has no assessed row '002 HP9 outcome 1'"),
    (("--on", "2016-05-01"), "is after the refresh in force"),
    (("--evidence", "missing.pdf"), "evidence file missing.pdf does not exist"),
    (("--score", ""), "give the score at assessment"),
    (("--by", ""), "give who assessed"),
])
def test_assess_refuses_with_one_line_and_records_nothing(paths, args, says):
    path, sheet = paths
    given = ASSESS | {"--evidence": str(sheet)} | dict([args])
    out = _pf(path, "assess", *[x for kv in given.items() for x in kv], ok=False)
    assert says in out and out.startswith("error: nothing recorded:")
    assert len(out.strip().splitlines()) == 1
    assert not AssessedNeed.objects.exists()


@pytest.mark.django_db
def test_attest_row_before_the_period_ends_is_refused(paths):
    path, sheet = paths
    _pf(path, "assess", *[x for kv in ASSESS.items() for x in kv], "--evidence", str(sheet))
    out = _pf(path, "attest-row", "--family", "F1", "--row", "wemwbs_improved", "--on", "2016-03-09", "--by", "Kim",
              "--statement", "s", "--score", "47", "--evidence", str(sheet), ok=False)
    assert "runs from 2015-09-10 to 2016-03-10: attest it on or after 2016-03-10" in out
    assert not RowAttestation.objects.exists()


@pytest.mark.django_db
def test_an_unscored_row_is_attested_met_or_not_met(paths):
    path, sheet = paths
    _pf(path, "assess", "--family", "F1", "--row", "002 HP5 outcome 5", "--on", "2015-09-10", "--by", "Kim",
        "--evidence", str(sheet))
    out = _pf(path, "attest-row", "--family", "F1", "--row", "dv_programme", "--on", "2016-03-10", "--by", "Kim",
              "--statement", "left the programme", "--evidence", str(sheet), ok=False)
    assert "say whether the row was met or not met" in out
    out = _pf(path, "attest-row", "--family", "F1", "--row", "dv_programme", "--on", "2016-03-10", "--by", "Kim",
              "--statement", "left the programme", "--not-met", "--evidence", str(sheet))
    assert "row 002 HP5 outcome 5 attested not met for family F1" in out
    assert RowAttestation.objects.get().met is False

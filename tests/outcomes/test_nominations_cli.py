"""`pf disclose` and `pf nominate`, run in-process on a hand-built workspace and the test case DB."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from identify.builders import Person, dated
from priority_families.casedb.models import Attachment, Disclosure, Nomination
from priority_families.cli.app import app
from priority_families.outcomes.attach import AttachmentRequest, attach_families

from .case_store import make_workspace

A = date(2015, 8, 31)
DAY = timedelta(days=1)
PEOPLE = {"F1": [Person("P1", date(1980, 1, 1)), Person("P2", date(2004, 1, 1))]}


def _pf(ws, *args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(app, [*args, "-w", str(ws)], env={"COLUMNS": "200"})
    assert (result.exit_code == 0) is ok, result.stdout + result.stderr + repr(result.exception)
    return result.stdout + result.stderr


@pytest.fixture
def paths(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    monkeypatch.setenv("PF_WORKSPACE", str(tmp_path / "ws"))
    letter = tmp_path / "letter.txt"
    letter.write_text("School nurse's referral: health concern of equivalent concern.\n")
    return tmp_path / "ws", letter


@pytest.mark.django_db
def test_nominate_then_attach_a_family_the_data_alone_does_not_make_eligible(paths):
    path, letter = paths
    ws = make_workspace(path, "warwickshire-2015", PEOPLE, [dated("offence", "P2", A - DAY * 30)], A)
    out = _pf(path, "nominate", "--family", "F1", "--headline", "health", "--by", "School nurse",
              "--reason", "untreated condition", "--evidence", str(letter), "--on", "2015-08-01")
    assert "family F1 nominated for health on 2015-08-01; evidence sha256" in out
    assert Nomination.objects.get().nominated_by == "School nurse"
    attach_families(ws, [AttachmentRequest("F1", A, "W", "Agency")], actor="t")
    assert Attachment.objects.filter(family_id="F1").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "says"), [
    (("--evidence", "missing.pdf"), "evidence file missing.pdf does not exist"),
    (("--reason", ""), "give the reason"),
    (("--headline", "worklessness"), "takes no professional's nomination"),
])
def test_nominate_refuses_with_one_line_and_records_nothing(paths, args, says):
    path, letter = paths
    make_workspace(path, "warwickshire-2015", PEOPLE, [dated("offence", "P2", A - DAY * 30)], A)
    given = {"--family": "F1", "--headline": "health", "--by": "Nurse", "--reason": "r", "--evidence": str(letter),
             "--on": "2015-08-01"} | dict([args])
    out = _pf(path, "nominate", *[x for kv in given.items() for x in kv], ok=False)
    assert "nothing recorded" in out and says in out
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_disclose_adds_a_headline_and_refuses_a_date_before_attachment(paths):
    path, _ = paths
    facts = [dated("offence", "P2", A - DAY * 30), dated("exclusion", "P2", A - DAY * 60, kind="permanent")]
    ws = make_workspace(path, "nottinghamshire-2015", PEOPLE, facts, A)
    attach_families(ws, [AttachmentRequest("F1", A, "W", "Agency")], actor="t")
    out = _pf(path, "disclose", "--family", "F1", "--headline", "domestic_abuse", "--on", "2015-08-30",
              "--reason", "disclosed to the worker", ok=False)
    assert "2015-08-30 is before family F1's attachment on 2015-08-31" in out
    out = _pf(path, "disclose", "--family", "F1", "--headline", "domestic_abuse", "--on", "2015-08-31",
              "--reason", "disclosed to the worker", "--line", "incident")
    assert "headline domestic_abuse added to family F1 on 2015-08-31 (lines incident)" in out
    assert Disclosure.objects.get().lines == ["incident"]

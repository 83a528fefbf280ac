"""The allocations report (seed 001): each table equals the case record counted another way in Python, every
ward is listed (one with no families), and what it reads is recorded through named, logged changes."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from priority_families.casedb.casework import Actor, CaseworkError, not_allocate, share_allocation, tag_case
from priority_families.casedb.models import (
    AccessLog,
    Agency,
    Attachment,
    GroupTag,
    NotAllocatedReason,
    ProgrammeTarget,
    TriageMeeting,
    TriageMeetingError,
)
from priority_families.casedb.publish import publish_refresh
from priority_families.outcomes.progress import evaluation
from priority_families.reports.allocations import (
    FIP,
    NOT_ROLLED_OUT,
    SHARED,
    AllocationsError,
    allocations_report,
    record_meeting,
    write_allocations,
)

from .county import FAMILIES, LATER, NOT_ATTACHED, postcode

pytestmark = pytest.mark.django_db
ME = Actor("triage-chair", "10.1.1.1")
TODAY = date.today()


@pytest.fixture
def triaged(claimed_county):
    """The county published (cases for F6-F8), a meeting for Abbey, F6 set aside, F1 in FIP, F3 shared."""
    publish_refresh(claimed_county, by="test")
    record_meeting(claimed_county, "abbey", date(2016, 10, 3), 1, "Police, school, FCT", "6 families reviewed", ME, 6)
    not_allocate("F6", NotAllocatedReason.SOCIAL_CARE_CASE, ME)
    tag_case("F1", GroupTag.FIP, date(2015, 9, 1), ME)
    share_allocation("F3", Agency.objects.create(name="Housing"), date(2016, 1, 1), ME)
    return claimed_county


def _routes(ws) -> set[str]:
    with evaluation(ws, LATER) as con:
        return {f for (f,) in con.execute("SELECT DISTINCT family_id FROM family_routes").fetchall()}


def test_each_table_equals_the_case_record_counted_in_python(triaged) -> None:
    report = allocations_report(triaged, TODAY)
    lead = dict(Attachment.objects.values_list("family_id", "lead_agency"))
    plain = {f: a for f, a in lead.items() if f not in ("F1", "F3")}  # F1 is FIP, F3 shared
    assert report.columns == [*sorted(set(lead.values()) | {"Housing"}), FIP, SHARED]
    expected = {**Counter(plain.values()), "Housing": 0, FIP: 1, SHARED: 1}
    total = report.by_rollout[-1]
    assert total[0] == "Grand total"
    assert dict(report.allocations_by_agency()) == expected
    pbr = _routes(triaged)
    assert total[-4:] == (FAMILIES - 1, len(pbr), 1, NOT_ATTACHED - 1)  # allocated exc FIP; F6 aside; F7, F8 wait
    groups = {row[0]: row for row in report.by_rollout[:-1]}
    assert list(groups) == ["Rollout group 1", NOT_ROLLED_OUT]
    abbey = {f"F{n}" for n in range(FAMILIES + NOT_ATTACHED) if postcode(n) == "NG1 1AA"}
    assert groups["Rollout group 1"][-4:] == (len(abbey & set(lead)) - 1, len(abbey & pbr), 1, 0)
    wards = {row[0]: row[1:] for row in report.by_ward}
    assert wards["Empty Ward"] == (NOT_ROLLED_OUT, 0, 0, 0, 0)
    assert wards["Abbey"][0] == "Rollout group 1" and wards["Bridge"][0] == NOT_ROLLED_OUT
    assert wards["Bridge"][1:] == (len(set(lead) - abbey), len(pbr - abbey), 0, 2)  # F3 is shared, F1 (FIP) in Abbey
    assert dict(report.not_allocated)[NotAllocatedReason.SOCIAL_CARE_CASE.label] == 1
    assert sum(n for _, n in report.not_allocated) == 1
    assert report.meetings == [("Rollout 1", "Abbey", date(2016, 10, 3), 6)]


def test_the_report_is_true_to_its_date(triaged) -> None:
    """Before the meeting, the tag and the sharing, and before triage decisions were recorded, none of them count."""
    ProgrammeTarget.objects.create(year=2015, families=10)
    early = allocations_report(triaged, date(2015, 8, 31))  # the attachment day: F1 not yet tagged FIP
    assert early.meetings == [] and [row[0] for row in early.by_rollout] == [NOT_ROLLED_OUT, "Grand total"]
    assert dict(early.allocations_by_agency())[FIP] == 0 and dict(early.allocations_by_agency())[SHARED] == 0
    assert early.year_target == 10 and early.year == "2015-16"
    assert dict(early.year_allocations)["Allocations from rollout meetings (exc FIP)"] == FAMILIES
    assert dict(early.not_allocated)[NotAllocatedReason.SOCIAL_CARE_CASE.label] == 0  # decided later (recorded now)


def test_meetings_tags_and_sharing_are_checked_and_logged(triaged) -> None:
    with pytest.raises(AllocationsError, match="no ward 'Atlantis'.*Empty Ward"):
        record_meeting(triaged, "Atlantis", date(2016, 1, 1), 1, "x", "y", ME)
    with pytest.raises(CaseworkError, match="who attended"):
        record_meeting(triaged, "Bridge", date(2016, 1, 1), 1, " ", "y", ME)
    with pytest.raises(CaseworkError, match="already in the family intervention project"):
        tag_case("F1", GroupTag.FIP, date(2016, 1, 1), ME)
    with pytest.raises(CaseworkError, match="not allocated"):
        share_allocation("F7", Agency.objects.get(name="Housing"), date(2016, 1, 1), ME)
    with pytest.raises(TriageMeetingError):
        TriageMeeting.objects.all().delete()
    rows = AccessLog.objects.filter(username="triage-chair").values_list("target", "detail")
    assert ("ward E05000001", "triage meeting of 2016-10-03 recorded (rollout 1)") in rows
    assert ("family F1", "tagged FIP") in rows and ("family F3", "allocation shared with Housing") in rows


def test_the_files_and_the_command(triaged, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from priority_families.cli.app import app

    written = write_allocations(allocations_report(triaged, TODAY), tmp_path)
    assert [p.suffix for p in written] == [".html", ".pdf", ".xlsx", ".svg", ".png"]
    from workbooks import assert_laid_out, assert_metadata

    assert_metadata(written[2], as_of=TODAY.isoformat())
    assert_laid_out(written[2], 2)
    text = subprocess.run(["pdftotext", "-layout", str(written[1]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Empty Ward\s+Not yet rolled out\s+0\s+0\s+0\s+0", text), text
    result = CliRunner().invoke(app, ["report", "allocations", "--as-of", TODAY.isoformat(), "--out",
                                      str(tmp_path / "cli"), "-w", str(triaged.path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Grand total" in result.stdout
    result = CliRunner().invoke(app, ["allocations", "meeting", "--ward", "Bridge", "--on", "2016-11-01",
                                      "--rollout", "2", "--attendees", "YOT", "--decisions", "2 flagged",
                                      "-w", str(triaged.path)])
    assert result.exit_code == 0 and "rollout 2" in result.stdout
    assert [row[0] for row in allocations_report(triaged, TODAY).by_rollout] == [
        "Rollout group 1", "Rollout group 2", NOT_ROLLED_OUT, "Grand total"]


def test_pf_allocations_close_takes_a_reason_from_the_closed_list(triaged) -> None:
    from typer.testing import CliRunner

    from priority_families.casedb.models import CaseClosure
    from priority_families.cli.app import app

    def pf(*args: str):
        return CliRunner().invoke(app, ["allocations", "close", *args, "-w", str(triaged.path)])

    refused = pf("--family", "F0", "--reason", "happy", "--on", "2016-12-01")
    assert refused.exit_code == 1 and "is not one of needs_met" in refused.stderr
    assert pf("--family", "F0", "--reason", "needs_met", "--on", "2016-12-01").exit_code == 0
    assert list(CaseClosure.objects.values_list("case__family_id", "reason")) == [("F0", "needs_met")]

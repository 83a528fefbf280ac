"""Attachment: row checks with file/line/column, all-or-nothing, and baselines that never change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from identify.builders import Person, dated, spell
from priority_families.casedb.models import (
    Attachment,
    AuditEvent,
    BaselineCount,
    BaselineLine,
    BaselineRecord,
    ImmutableRecordError,
)
from priority_families.identify.run import identify_families
from priority_families.outcomes.attach import AttachError, AttachmentRequest, attach_families, attach_from_csv
from priority_families.plans.loader import load_plan

from .case_store import make_workspace

A = date(2015, 8, 31)


def _county(tmp_path: Path, extra_offences: int = 0):
    people = {"F1": [Person("P1", date(1980, 1, 1)), Person("P2", date(2005, 5, 5))],
              "F2": [Person("P3", date(1985, 1, 1)), Person("P4", date(2010, 1, 1))],
              "F3": [Person("P5", date(1985, 1, 1)), Person("P6", date(2010, 1, 1))]}
    facts = [dated("offence", "P1", date(2015, 3, 1)), dated("offence", "P2", date(2015, 6, 1)),
             dated("domestic_abuse", "P1", date(2015, 7, 1)),
             spell("benefit", "P1", date(2014, 1, 1), date(2015, 10, 1), kind="JSA"),
             dated("offence", "P3", date(2015, 3, 1)), dated("marac", "P3", date(2015, 7, 1)),
             dated("offence", "P5", date(2015, 3, 1))]  # F3: one headline only, not eligible
    facts += [dated("offence", "P1", date(2015, 4, d + 1)) for d in range(extra_offences)]
    return people, facts


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("family_id,attached_on,lead_worker,lead_agency\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.django_db
def test_attach_freezes_lines_counts_and_records(tmp_path):
    ws = make_workspace(tmp_path, "nottinghamshire-2015", *_county(tmp_path), A)
    made = attach_from_csv(ws, _csv(tmp_path / "a.csv", ["F1,2015-08-31,Ann,Social care"]), actor="t")
    att = made[0]
    assert (att.plan_id, att.refresh_id, att.refresh_as_of, att.area) == ("nottinghamshire-2015", "refresh-test", A, "NG7")
    assert len(att.plan_sha256) == 64
    lines = set(BaselineLine.objects.filter(attachment=att).values_list("headline", "indicator"))
    assert lines == {("crime_asb", "offence"), ("domestic_abuse", "incident"),
                     ("worklessness", "out_of_work_benefit")}
    offences = BaselineCount.objects.filter(attachment=att, measure__in=("offending_children", "offending_adults"))
    assert sum(c.count for c in offences) == 4 and {c.person_id for c in offences if c.count} == {"P1", "P2"}
    behind = set(BaselineRecord.objects.filter(attachment=att, measure="offending_adults")
                 .values_list("source", "record_id"))
    assert behind == {("test", "R1"), ("test", "R2")}
    assert AuditEvent.objects.filter(action="attach", family_id="F1").count() == 1


@pytest.mark.django_db
def test_bad_rows_are_reported_by_line_and_nothing_is_attached(tmp_path):
    ws = make_workspace(tmp_path, "nottinghamshire-2015", *_county(tmp_path), A)
    attach_families(ws, [AttachmentRequest("F2", A, "Bob", "Police")], actor="t")
    path = _csv(tmp_path / "bad.csv", ["F1,2015-08-31,Ann,Social care", "F9,2015-08-31,Ann,x",
                                       "F2,2015-08-31,Ann,x", "F3,2015-08-31,Ann,x", "F1,2015-08-31,Ann,x"])
    with pytest.raises(AttachError) as caught:
        attach_from_csv(ws, path, actor="t")
    found = {(p.line, p.column, p.reason.split(" ")[0]) for p in caught.value.problems}
    assert (3, "family_id", "unknown") in found
    assert any(p.line == 4 and "already attached" in p.reason for p in caught.value.problems)
    assert any(p.line == 5 and "not eligible" in p.reason for p in caught.value.problems)
    assert any(p.line == 6 and "twice" in p.reason for p in caught.value.problems)
    assert all(p.file == str(path) for p in caught.value.problems)
    assert list(Attachment.objects.values_list("family_id", flat=True)) == ["F2"]


@pytest.mark.django_db
def test_bad_date_and_blank_cells_name_their_column(tmp_path):
    ws = make_workspace(tmp_path, "nottinghamshire-2015", *_county(tmp_path), A)
    path = _csv(tmp_path / "bad.csv", ["F1,31/08/2015,Ann,Social care", "F2,2015-08-31,,Police"])
    with pytest.raises(AttachError) as caught:
        attach_from_csv(ws, path, actor="t")
    assert {(p.line, p.column) for p in caught.value.problems} == {(2, "attached_on"), (3, "lead_worker")}
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_frozen_rows_refuse_update_and_delete(tmp_path):
    ws = make_workspace(tmp_path, "nottinghamshire-2015", *_county(tmp_path), A)
    att = attach_families(ws, [AttachmentRequest("F1", A, "Ann", "Social care")], actor="t")[0]
    count = BaselineCount.objects.filter(attachment=att).first()
    count.count = 99
    with pytest.raises(ImmutableRecordError):
        count.save()
    with pytest.raises(ImmutableRecordError):
        BaselineCount.objects.filter(attachment=att).update(count=0)
    with pytest.raises(ImmutableRecordError):
        BaselineLine.objects.filter(attachment=att).delete()
    with pytest.raises(ImmutableRecordError):
        Attachment.objects.get(pk=att.pk).delete()


@pytest.mark.django_db
def test_a_later_refresh_never_changes_a_frozen_baseline(tmp_path):
    ws = make_workspace(tmp_path, "nottinghamshire-2015", *_county(tmp_path), A)
    att = attach_families(ws, [AttachmentRequest("F1", A, "Ann", "Social care")], actor="t")[0]

    def snapshot():
        return (sorted(BaselineCount.objects.filter(attachment=att).values_list("measure", "person_id", "count")),
                sorted(BaselineLine.objects.filter(attachment=att).values_list("headline", "indicator", "record_id")),
                sorted(BaselineRecord.objects.filter(attachment=att).values_list("record_id", flat=True)))

    before = snapshot()
    # The partners resend changed extracts: three more offences before attachment; identify runs again.
    people, facts = _county(tmp_path, extra_offences=3)
    from identify.builders import build_store
    con = duckdb.connect(str(ws.store_path))
    build_store(con, people, facts)
    identify_families(con, load_plan("nottinghamshire-2015"), A)
    con.close()
    assert snapshot() == before
    with ws.connect() as con:
        assert con.execute("SELECT COUNT(*) FROM records WHERE fact = 'offence'").fetchall()[0][0] == 7

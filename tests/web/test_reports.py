"""The tracker's Reports pages (Django test client): who may see them, the board paper for a framework and
period with its files, entering a measure's value, narrative and RAG override (with the access log), triage
meetings and the allocations report."""

from __future__ import annotations

import pytest

from priority_families.casedb.models import AccessLog, MeasureEntry, TriageMeeting

pytestmark = pytest.mark.django_db
PERIOD = "2015-08"  # the test county is as of 2015-08-31


def test_only_analysts_and_managers_see_reports(published, signed_in):
    assert signed_in("worker").get("/reports/").status_code == 404
    assert signed_in("auditor").get("/reports/meetings/").status_code == 404
    page = signed_in("analyst").get("/reports/")
    assert page.status_code == 200 and b"hwbb-priority-families" in page.content
    assert signed_in("manager").get("/reports/allocations/").status_code == 200


def test_the_board_paper_and_its_files(published, signed_in):
    client = signed_in("analyst")
    page = client.get("/reports/", {"framework": "hwbb-priority-families", "period": PERIOD})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-measure="families_worked_with"' in text and "Heathfield" in text  # the ward with no families
    assert text.count("data:image/svg+xml;base64,") == 3
    assert AccessLog.objects.filter(username="analyst", target="board paper hwbb-priority-families",
                                    detail=f"period {PERIOD}").exists()
    for kind, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")):
        got = client.get(f"/reports/board.{kind}", {"framework": "hwbb-priority-families", "period": PERIOD})
        assert got.status_code == 200 and got.content.startswith(magic), kind
        assert "attachment" in got["Content-Disposition"]
    assert AccessLog.objects.filter(action="export", target="board paper hwbb-priority-families").count() == 3
    by_locality = client.get("/reports/", {"framework": "hwbb-priority-families", "period": PERIOD,
                                           "level": "locality"}).content.decode()
    assert "By locality" in by_locality and "North locality" in by_locality and "Heathfield" not in by_locality
    bad = client.get("/reports/", {"framework": "hwbb-priority-families", "period": "next week"})
    assert bad.status_code == 400 and b"is not a programme year" in bad.content
    assert client.get("/reports/", {"framework": "../secrets", "period": PERIOD}).status_code == 404


def test_entering_a_measure_value_narrative_and_override(published, signed_in):
    client = signed_in("manager")
    url = "/reports/hwbb-priority-families/workers_trained/"
    refused = client.post(url, {"period": PERIOD, "value": "12", "source": ""})
    assert refused.status_code == 400 and b"Enter where the value comes from" in refused.content
    refused = client.post(url, {"period": PERIOD, "rag": "GREEN", "reason": ""})
    assert refused.status_code == 400 and b"reason for overriding" in refused.content
    assert MeasureEntry.objects.count() == 0
    saved = client.post(url, {"period": PERIOD, "value": "12", "source": "training log", "narrative": "On track.",
                              "rag": "AMBER", "reason": "Two courses cancelled"})
    assert saved.status_code == 302
    assert sorted(MeasureEntry.objects.values_list("kind", flat=True)) == ["narrative", "rag", "value"]
    assert AccessLog.objects.filter(username="manager", action="change", target="framework hwbb-priority-families measure "
                                    "workers_trained").count() == 3
    history = client.get(url, {"period": PERIOD}).content.decode()
    assert "training log" in history and "Two courses cancelled" in history
    paper = client.get("/reports/", {"framework": "hwbb-priority-families", "period": PERIOD}).content.decode()
    assert "AMBER (overridden from RED: Two courses cancelled)" in paper and "On track." in paper
    computed = client.post("/reports/hwbb-priority-families/families_worked_with/",
                           {"period": PERIOD, "value": "999", "source": "a guess"})
    assert computed.status_code == 400 and b"computed by the product" in computed.content
    assert client.get("/reports/hwbb-priority-families/no_such_measure/").status_code == 404


def test_recording_a_triage_meeting_and_the_allocations_report(published, signed_in):
    client = signed_in("analyst")
    page = client.get("/reports/meetings/").content.decode()
    assert "Heathfield" in page  # every ward of the lookup can be chosen
    missing = client.post("/reports/meetings/", {"ward": "", "held_on": "soon", "rollout": "0"})
    assert missing.status_code == 400
    for text in (b"Choose the ward", b"Enter the date", b"rollout phase", b"who attended"):
        assert text in missing.content
    made = client.post("/reports/meetings/", {"ward": "E05009001", "held_on": "2015-06-08", "rollout": "1",
                                              "attendees": "Police, FCT", "decisions": "10 flagged", "reviewed": "12"})
    assert made.status_code == 302
    assert TriageMeeting.objects.get().ward == "Abbey"
    assert AccessLog.objects.filter(username="analyst", target="ward E05009001").exists()
    report = client.get("/reports/allocations/", {"as_of": "2015-08-31"}).content.decode()
    assert "Rollout group 1" in report and "Heathfield" in report and "Not yet rolled out" in report
    assert client.get("/reports/allocations/", {"as_of": "yesterday"}).status_code == 400


def test_the_calendar_of_returns_page(published, signed_in):
    page = signed_in("analyst").get("/reports/calendar/", {"year": "2015"}).content.decode()
    assert "Calendar of returns 2015/16" in page and "30 Jul 2015" in page and "Family Monitoring Data" in page
    assert AccessLog.objects.filter(target="calendar of returns", detail="2015").exists()
    assert signed_in("worker").get("/reports/calendar/").status_code == 404

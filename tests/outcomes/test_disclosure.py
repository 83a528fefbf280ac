"""A headline disclosed during the intervention (seed 004): its own baseline at the date it is added, and the
family's results include it from that date; every refusal changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from identify.builders import Person, dated
from priority_families.casedb.casework import Actor, close_case
from priority_families.casedb.models import (
    AccessLog,
    AuditEvent,
    BaselineCount,
    BaselineLine,
    ClosureReason,
    Disclosure,
    StatusChange,
)
from priority_families.core.calendar import shift_months
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.outcomes.nominations import NominationError, disclose_headline
from priority_families.outcomes.progress import evaluation

from .case_store import make_workspace, republish

A = date(2015, 8, 31)
D = shift_months(A, 2)  # the day domestic abuse is disclosed: 2015-10-31
DAY = timedelta(days=1)
ADULT, CHILD = "P1", "P2"
PEOPLE = {"F1": [Person(ADULT, date(1980, 1, 1)), Person(CHILD, date(2004, 1, 1))]}
AT_ATTACHMENT = [dated("offence", CHILD, A - DAY * 30), dated("exclusion", CHILD, A - DAY * 60, kind="permanent")]
# five police call outs between attachment and the disclosure: not in the data the family was attached on
CALLOUTS = [dated("domestic_abuse", ADULT, D - DAY * (5 + 7 * k)) for k in range(5)]
WORKER = Actor("lead")


def _attached(tmp_path, facts=()):
    """F1 attached on A (crime and education), then a refresh as of the disclosure date with the call outs."""
    ws = make_workspace(tmp_path, "nottinghamshire-2015", PEOPLE, AT_ATTACHMENT, A)
    attach_families(ws, [AttachmentRequest("F1", A, "lead", "Agency")], actor="t")
    republish(ws, "nottinghamshire-2015", PEOPLE, AT_ATTACHMENT + CALLOUTS + list(facts), D)
    return ws


def _disclose(ws, **changes):
    args = {"family_id": "F1", "headline": "domestic_abuse", "on": D, "reason": "mother disclosed abuse",
            "actor": WORKER, "lines": ["incident"]} | changes
    return disclose_headline(ws, **args)


def _status(ws, e, facts):
    republish(ws, "nottinghamshire-2015", PEOPLE, AT_ATTACHMENT + CALLOUTS + facts, e)
    with evaluation(ws, e) as con:
        measures = {m: (s, d) for m, s, d in con.execute(
            "SELECT measure, status, earliest FROM measure_status WHERE headline = 'domestic_abuse'").fetchall()}
        headline = con.execute("SELECT status FROM headline_status WHERE headline = 'domestic_abuse'").fetchone()
    return measures, headline[0]


@pytest.mark.django_db
def test_a_disclosed_headline_gets_its_own_baseline_frozen_at_the_date_it_is_added(tmp_path):
    ws = _attached(tmp_path)
    made = _disclose(ws)
    (count,) = BaselineCount.objects.filter(headline="domestic_abuse", measure="fewer_callouts").values_list(
        "window_start", "window_end", "count").distinct().filter(count__gt=0)
    assert count == (shift_months(D, -12), D, 5)  # the 12 months before the disclosure, not before attachment
    lines = set(BaselineLine.objects.filter(headline="domestic_abuse").values_list("indicator", "person_id",
                                                                                 "source", "fact_date"))
    assert lines == {("incident", p, "disclosure", D) for p in (ADULT, CHILD)}
    assert made.lines == ["incident"] and made.disclosed_on == D
    assert AuditEvent.objects.filter(action="disclose", family_id="F1").count() == 1
    assert StatusChange.objects.filter(case__family_id="F1", reason__contains="domestic_abuse added").exists()
    assert AccessLog.objects.filter(target="family F1", detail__contains="domestic_abuse added").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("after", "met"), [(1, True), (2, False)])
def test_the_familys_results_include_the_disclosed_headline_from_its_own_date(tmp_path, after, met):
    ws = _attached(tmp_path)
    _disclose(ws)
    e = shift_months(D, 8)  # 5.2 is sustained 8 months from the disclosure: at most 4/15 of 5 = 1.33 after
    measures, headline = _status(ws, e, [dated("domestic_abuse", ADULT, e - DAY * k) for k in range(after)])
    assert measures["fewer_callouts"][0] == ("met" if met else "not_yet")
    assert "no_marac" not in measures  # the line disclosed is the call outs, not a MARAC referral
    assert headline == ("met" if met else "not_yet")


@pytest.mark.django_db
def test_the_disclosed_headline_waits_from_the_day_it_was_added_not_from_attachment(tmp_path):
    ws = _attached(tmp_path)
    _disclose(ws)
    e = shift_months(A, 8)  # 8 months after attachment, 6 after the disclosure
    measures, _ = _status(ws, e, [])
    assert measures["fewer_callouts"] == ("not_yet", shift_months(D, 8))


@pytest.mark.django_db
def test_without_named_lines_every_measure_of_the_headline_applies(tmp_path):
    ws = _attached(tmp_path)
    _disclose(ws, lines=None)
    measures, _ = _status(ws, shift_months(D, 8), [])
    assert set(measures) == {"no_marac", "fewer_callouts"}
    assert measures["no_marac"][0] == "awaiting_attestation"  # 5.1 also asks for engagement, attested


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "reason"), [
    ({"headline": "gambling"}, "unknown headline 'gambling' in plan nottinghamshire-2015"),
    ({"on": A - DAY}, f"is before family F1's attachment on {A}"),
    ({"on": date.today() + DAY}, "is in the future"),
    ({"on": D + DAY}, "after"),  # the refresh in force reaches the disclosure date only
    ({"reason": "  "}, "give the reason"),
    ({"headline": "crime_asb", "lines": None}, "already has headline crime_asb in its baseline"),
    ({"lines": ["offence"]}, "has no line offence"),
    ({"family_id": "F9"}, "family F9 is not attached"),
    ({"person_id": "P9"}, "P9 was not a member of family F1 at attachment"),
])
def test_a_refused_disclosure_records_nothing(tmp_path, changes, reason):
    ws = _attached(tmp_path)
    lines = BaselineLine.objects.count()
    with pytest.raises(NominationError, match=None) as caught:
        _disclose(ws, **changes)
    assert reason in str(caught.value)
    assert not Disclosure.objects.exists() and BaselineLine.objects.count() == lines
    assert not AuditEvent.objects.filter(action="disclose").exists()


@pytest.mark.django_db
def test_a_closed_case_refuses_a_disclosure(tmp_path):
    ws = _attached(tmp_path)
    close_case("F1", ClosureReason.NEEDS_MET, D, WORKER)
    with pytest.raises(NominationError, match="case is closed"):
        _disclose(ws)
    assert not Disclosure.objects.exists()


@pytest.mark.django_db
def test_a_headline_is_disclosed_once(tmp_path):
    ws = _attached(tmp_path)
    _disclose(ws)
    with pytest.raises(NominationError, match="already has headline domestic_abuse in its baseline"):
        _disclose(ws, lines=["marac"])
    assert Disclosure.objects.count() == 1


@pytest.mark.django_db
def test_the_evidence_pack_shows_the_disclosed_headline_and_its_own_baseline(tmp_path):
    from priority_families.casedb.models import Attachment
    from priority_families.claims.pack import ADDED_HEADLINES, progress_records, render_pack

    ws = _attached(tmp_path)
    _disclose(ws)
    e = shift_months(D, 8)
    republish(ws, "nottinghamshire-2015", PEOPLE, AT_ATTACHMENT + CALLOUTS, e)
    attachment = Attachment.objects.get(family_id="F1")
    with evaluation(ws, e) as con:
        pack = render_pack(con, attachment, e, "significant_sustained", "w", "r",
                           progress_records(con, [attachment], e)["F1"])
    sections = {title: rows for title, _, rows in pack.sections}
    (added,) = sections[ADDED_HEADLINES]
    assert added[0] == "disclosed during the intervention" and added[3] == str(D)
    assert added[5] == "mother disclosed abuse"
    counts = [r for r in sections["Baseline counts (frozen at attachment)"] if r[3] == ADULT and r[6] == 5]
    assert [r[5] for r in counts] == [str(D)]  # the call outs counted up to the disclosure date
    inputs = [r for r in sections["Each measure's inputs"] if f"{shift_months(D, -12)} (after) to {D}" in r]
    assert [r[4] for r in inputs if r[1] == ADULT] == ["5"]  # the inputs show the same window and count
    assert ADDED_HEADLINES.replace("'", "&#x27;") in pack.html.decode()

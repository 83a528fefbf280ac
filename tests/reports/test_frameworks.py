"""Outcome frameworks: the shipped ones validate and render, bad files are refused naming the field, periods,
the RAG rule, and what measure owners enter (values, narrative with its history, overrides with a reason)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from priority_families.casedb.casework import Actor, CaseworkError
from priority_families.casedb.models import AccessLog, MeasureEntry, MeasureEntryError, Rag
from priority_families.reports.framework_files import FrameworkError, library, load_framework, period_of
from priority_families.reports.frameworks import enter, expected_on, history, rule_rag, score

from .county import LATER

HERE = Path(__file__).parent
FRAMEWORK = HERE / "test-framework.yaml"
OWNER = Actor("measure-owner", "10.0.0.9")


def test_the_library_ships_the_two_seed_frameworks_and_each_validates() -> None:
    assert library() == ["cypp-priority-families", "hwbb-priority-families"]
    hwbb, cypp = load_framework("hwbb-priority-families"), load_framework("cypp-priority-families")
    assert (hwbb.layout.value, cypp.layout.value) == ("strategy", "plan")
    entered = [m.id for f in (hwbb, cypp) for p in f.priorities for o in p.outcomes for m in o.measures
               if m.source.entered]
    assert entered == ["workers_trained"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m.update(source={"figure": "families_happy"}), "figure 'families_happy' is not one of"),
    (lambda m: m.update(source={"figure": "claimed", "entered": "a return"}), "give exactly one of"),
    (lambda m: m.update(trajectory=[{"date": "2016-12-31", "value": 1}, {"date": "2016-01-31", "value": 2}]),
     "trajectory points must be in date order"),
    (lambda m: m.update(colour="blue"), "colour: Extra inputs are not permitted"),
    (lambda m: m.update(achievement="{value} of {m[nowhere]}"), "names {m[nowhere]}, which is not one of"),
    (lambda m: m.update(achievement="{f[happiness]}"), "names {f[happiness]}"),
])
def test_a_bad_framework_is_refused_naming_the_file_and_field(tmp_path: Path, change, message: str) -> None:
    data = yaml.safe_load(FRAMEWORK.read_text())
    change(data["priorities"][0]["outcomes"][0]["measures"][0])
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(FrameworkError) as caught:
        load_framework(bad)
    assert str(bad) in str(caught.value) and "priorities" in str(caught.value)
    assert message in str(caught.value)
    with pytest.raises(FrameworkError, match="no framework 'nope'.*hwbb-priority-families"):
        load_framework("nope")


def test_periods() -> None:
    assert (period_of("2015/16").start, period_of("2015/16").end) == (date(2015, 4, 1), date(2016, 3, 31))
    assert (period_of("2016q2").label, period_of("2016Q2").end) == ("2016Q2", date(2016, 6, 30))
    assert period_of("2016-02").end == date(2016, 2, 29)
    for bad in ("2015/17", "2016-13", "2016Q5", "last year"):
        with pytest.raises(FrameworkError, match="is not a programme year|a programme year is written"):
            period_of(bad)


def test_the_rag_rule_follows_the_trajectory() -> None:
    m = load_framework(FRAMEWORK).measure("worked")  # 0 on 2015-04-01 rising to 10 on 2017-03-31
    assert expected_on(m, date(2015, 3, 1)) is None
    assert expected_on(m, date(2016, 4, 1)) == pytest.approx(10 * 366 / 730)
    assert expected_on(m, date(2018, 1, 1)) == 10  # flat after the last point
    assert [rule_rag(m, v, 10) for v in (10, 9, 8.9, None)] == [Rag.GREEN, Rag.AMBER, Rag.RED, None]
    lower = m.model_copy(update={"rag": m.rag.model_copy(update={"better": "lower"})})
    assert [rule_rag(lower, v, 10) for v in (10, 11, 12)] == [Rag.GREEN, Rag.AMBER, Rag.RED]


@pytest.mark.django_db
def test_a_measure_entered_by_hand_with_narrative_history_and_an_override(claimed_county) -> None:
    from priority_families.reports.statistics import programme_statistics

    framework = load_framework(FRAMEWORK)
    logged_before = AccessLog.objects.count()  # the county's attachments and claims
    with pytest.raises(FrameworkError, match="computed by the product"):
        enter(framework, "worked", "2016-12", "value", OWNER, value=Decimal(3), text="a guess")
    with pytest.raises(CaseworkError, match="where it comes from"):
        enter(framework, "trained", "2016-12", "value", OWNER, value=Decimal(3))
    with pytest.raises(CaseworkError, match="reason"):
        enter(framework, "trained", "2016-12", "rag", OWNER, rag="GREEN")
    with pytest.raises(FrameworkError, match="no measure 'untrained'"):
        enter(framework, "untrained", "2016-12", "narrative", OWNER, text="x")
    assert MeasureEntry.objects.count() == 0 and AccessLog.objects.count() == logged_before
    enter(framework, "trained", "2016-12", "value", OWNER, value=Decimal(40), text="training records, December")
    enter(framework, "trained", "2016-12", "narrative", OWNER, text="First draft.")
    enter(framework, "trained", "2016-12", "narrative", OWNER, text="Next steps: train the remaining staff.")
    enter(framework, "trained", "2016-12", "rag", OWNER, rag="AMBER", text="Courses booked for January")
    stats = programme_statistics(claimed_county, LATER)
    trained = score(framework, stats, period_of("2016-12"))["trained"]
    assert (trained.value, trained.rule_rag, trained.rag) == (40.0, Rag.RED, Rag.AMBER)  # 40 of 100 expected
    assert trained.override_reason == "Courses booked for January"
    assert trained.narrative == "Next steps: train the remaining staff." and trained.narrative_by == "measure-owner"
    assert "training records, December" in trained.value_source
    assert [e.text for e in history(framework, "trained") if e.kind == "narrative"] == [
        "Next steps: train the remaining staff.", "First draft."]
    logged = AccessLog.objects.filter(target="framework test-board measure trained")
    assert logged.count() == 4 and {a.username for a in logged} == {"measure-owner"}
    assert {a.ip for a in logged} == {"10.0.0.9"}
    assert score(framework, stats, period_of("2016-11"))["trained"].value is None  # entries are per period
    with pytest.raises(MeasureEntryError):
        MeasureEntry.objects.filter(measure="trained").update(text="rewritten")

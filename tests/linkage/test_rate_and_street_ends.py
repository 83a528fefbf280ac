"""The FEBRL part of issue 14 point 2 (decision 28): the match rate follows the trained model by default where the
data says related people do not share places (and keeps the assumed recall where it says they do: a council's
data), and "the same street at another house number" reads the street from both ends, so a line that only starts
alike (LA PEROUSE ST TOORAK / LA PEROUSE ST ASCOT, STATION RD / STATION ST) is another street."""

from __future__ import annotations

import duckdb
import pydantic
import pytest

from linkage.builders import filler, make_records
from linkage.test_generation_guard import AS_OF, dates_replaced, families, rate
from linkage.test_partial_place import place_level
from priority_families.linkage import link_records, model
from priority_families.linkage.model import FAMILY_SHARE_VETO, DobWrongRate, rescales_match_rate
from priority_families.linkage.settings import LinkageSettings

ANOTHER_NUMBER = "same street and postcode, another house number"


@pytest.mark.parametrize(("left", "right", "level"), [
    # another locality at the end of the line (FEBRL4's one false merge: JADE MARKAKIS / JAYDEN MARKELLOS)
    (("123 LA PEROUSE ST ASCOT", "3121"), ("21 LA PEROUSE ST TOORAK", "3121"), "same postcode"),
    # another kind of street (decision 23: another street)
    (("12 STATION RD", "NG7 2AB"), ("14 STATION ST", "NG7 2AB"), "same postcode"),
    # one street: the same line, or a typo anywhere in it, keeps the level
    (("12 HIGH ST", "NG7 2AB"), ("14 HIGH ST", "NG7 2AB"), ANOTHER_NUMBER),
    (("10 TEMPERLEY ST TOOWONG", "3175"), ("20 TEMPERLEY S TREET TOOWONG", "3175"), ANOTHER_NUMBER),
    (("19 WARRUMBUL ST BRIGHTON", "3782"), ("4 WARRUMBMUL ST BRIGHTON", "3782"), ANOTHER_NUMBER),
])
def test_the_same_street_is_read_from_both_ends(left: tuple[str, str], right: tuple[str, str], level: str) -> None:
    assert place_level(left, right) == level
    assert place_level(right, left) == level


def test_where_partners_key_dates_wrong_the_rate_follows_the_model() -> None:
    """Same-name pairs a generation apart never corroborated (keying errors, as in FEBRL): nothing says related
    people share places, so the model's recall of the exact rule sets the match rate."""
    keyed_wrong = rate(dates_replaced(40))
    assert keyed_wrong.family_share < FAMILY_SHARE_VETO
    assert rescales_match_rate(LinkageSettings(), keyed_wrong)


def test_where_families_share_names_and_places_the_rate_stays_assumed() -> None:
    """A council's data: the pairs a generation apart are parents and children, corroborated on both sides. Related
    people share names and places, so the rate keeps the assumed recall the guards were set with."""
    council = rate(families(40))
    assert council.family_share >= FAMILY_SHARE_VETO
    assert not rescales_match_rate(LinkageSettings(), council)


def test_without_evidence_the_rate_stays_assumed() -> None:
    """Small data, or data with no same-name pairs a generation apart: the premise (families) holds."""
    assert not rescales_match_rate(LinkageSettings(), DobWrongRate(pairs=0, far_apart=0, m=0.01))


@pytest.mark.parametrize("chosen", [True, False])
def test_a_chosen_setting_overrides_the_data(chosen: bool) -> None:
    settings = LinkageSettings(match_rate_from_model=chosen)
    assert rescales_match_rate(settings, rate(dates_replaced(40))) is chosen
    assert rescales_match_rate(settings, rate(families(40))) is chosen


def test_the_setting_reads_the_data_by_default_and_refuses_other_values() -> None:
    assert LinkageSettings().match_rate_from_model is None
    with pytest.raises(pydantic.ValidationError, match="match_rate_from_model"):
        LinkageSettings(match_rate_from_model="sometimes")


@pytest.mark.parametrize(("rows", "rescaled"), [(dates_replaced(40), True), (families(40), False)])
def test_training_is_told_what_the_data_says(monkeypatch: pytest.MonkeyPatch, rows: list[dict],
                                             rescaled: bool) -> None:
    """The reading reaches training: `_train` is asked to rescale exactly where the data says related people do not
    share places (Splink's training itself is not run: a test-sized table is too small for EM)."""
    asked: list[bool] = []
    monkeypatch.setattr(model, "_train", lambda linker, settings, rules, rate_from_model: asked.append(rate_from_model))
    con = duckdb.connect()
    make_records(con, rows + filler())
    link_records(con, AS_OF, LinkageSettings(min_training_descriptions=10))
    assert asked == [rescaled]

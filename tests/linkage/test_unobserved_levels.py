"""Splink's "level not observed" warnings (one per training pass and parameter) become one plain line per run,
and only for a level no pass estimated, with the starting value it keeps."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from priority_families.linkage.model import (
    SPLINK_TRAINING_LOGGER,
    _say_unobserved,
    _still_untrained,
    _UnobservedLevels,
)


def _warn(source: logging.Logger, level: str, which: str) -> None:
    source.warning(f"WARNING:\nLevel {level} on comparison place not observed in dataset, unable to train "
                   f"{which} value\n")


def test_splinks_warnings_are_held_back_and_collected(caplog):
    unobserved = _UnobservedLevels()
    source = logging.getLogger(SPLINK_TRAINING_LOGGER)
    source.addFilter(unobserved)
    try:
        with caplog.at_level(logging.WARNING):
            for _ in range(2):  # two EM passes
                _warn(source, "postcode one character out", "m")
            _warn(source, "same postcode district", "u")
            source.warning("another Splink warning")
    finally:
        source.removeFilter(unobserved)
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["another Splink warning"]  # other warnings pass through
    assert unobserved.levels == {("place", "postcode one character out"): {"m"},
                                 ("place", "same postcode district"): {"u"}}


def _level(label: str, m: float, u: float, m_trained: bool, u_trained: bool) -> SimpleNamespace:
    return SimpleNamespace(label_for_charts=label, m_probability=m, u_probability=u,
                           _has_estimated_m_values=m_trained, _has_estimated_u_values=u_trained)


def test_only_levels_no_pass_estimated_are_said_once_with_their_values(caplog):
    place = SimpleNamespace(output_column_name="place", _comparison_levels_excluding_null=[
        _level("postcode one character out", 0.02, 0.005, m_trained=False, u_trained=True),
        _level("same postcode district", 0.05, 0.05, m_trained=True, u_trained=True),
    ])
    linker = SimpleNamespace(_settings_obj=SimpleNamespace(comparisons=[place]))
    kept = _still_untrained(linker, {("place", "postcode one character out"): {"m"},
                                     ("place", "same postcode district"): {"u"}})  # u met in another pass
    assert kept == {("place", "postcode one character out"): "m 0.02"}
    with caplog.at_level(logging.WARNING):
        _say_unobserved(kept)
        _say_unobserved({})  # nothing to say: silent
    assert len(caplog.records) == 1
    assert "'postcode one character out' (place) keeps m 0.02" in caplog.records[0].getMessage()

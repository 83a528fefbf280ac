"""Splink's "level not observed" warnings (m, then u, for the same level) are said once, in plain words."""

from __future__ import annotations

import logging

from priority_families.linkage.model import SPLINK_TRAINING_LOGGER, _say_unobserved, _UnobservedLevels


def test_splinks_two_warnings_for_a_level_become_one_plain_line(caplog):
    unobserved = _UnobservedLevels()
    source = logging.getLogger(SPLINK_TRAINING_LOGGER)
    source.addFilter(unobserved)
    try:
        with caplog.at_level(logging.WARNING):
            for which in ("m", "u"):
                source.warning("WARNING:\nLevel postcode one character out on comparison place not observed in "
                               f"dataset, unable to train {which} value\n")
            source.warning("another Splink warning")
            _say_unobserved(unobserved.levels)
    finally:
        source.removeFilter(unobserved)
    messages = [r.getMessage() for r in caplog.records]
    assert not any("not observed in dataset" in m for m in messages)
    ours = [m for m in messages if "linkage training met no pair" in m]
    assert len(ours) == 1 and "'postcode one character out' (place, m and u)" in ours[0]
    assert "another Splink warning" in messages  # other warnings pass through


def test_nothing_is_said_when_every_level_was_met(caplog):
    with caplog.at_level(logging.WARNING):
        _say_unobserved({})
    assert caplog.records == []

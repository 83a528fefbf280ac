"""The synthetic county's geography lookup at a region's size."""

from __future__ import annotations

import csv

from priority_families.geography.lookup import POSTCODES_FILE
from priority_families.synth.geography import write_county_geography
from priority_families.synth.places import PLACES_PER_STREET


def test_a_county_past_100000_streets_lists_each_postcode_once(tmp_path):
    """Past 100,000 streets a postcode covers a second street (as real ones cover several); the lookup a council
    sends lists each postcode once, or ingest refuses it (the 10M benchmark county did)."""
    folder = write_county_geography(tmp_path, PLACES_PER_STREET * 100_050)
    with (folder / POSTCODES_FILE).open(newline="", encoding="utf-8") as f:
        postcodes = [row[0] for row in csv.reader(f)][1:]
    assert len(postcodes) == len(set(postcodes)) == 100_000

"""The synthetic county's gazetteer: every place as the council's LLPG writes it (`gazetteer.csv`).

The gazetteer is clean (the land and property gazetteer is the council's own reference), so it is where
`households.gazetteer` takes UPRNs from; places are written from `synth.places.address_of`, so the file
holds every place any refresh shows, and more (the whole of each street, as a real gazetteer does).
"""

from __future__ import annotations

import csv
from pathlib import Path

from priority_families.synth.places import PLACES_PER_STREET, address_of

GAZETTEER_HEADER = ["uprn", "address_line1", "postcode"]


def write_gazetteer(folder: Path, places: int) -> int:
    """Write `folder/gazetteer.csv` for every place of the streets holding places 0..places-1."""
    streets = -(-places // PLACES_PER_STREET)
    with (folder / "gazetteer.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(GAZETTEER_HEADER)
        for place in range(streets * PLACES_PER_STREET):
            addr = address_of(place)
            writer.writerow([addr.uprn, addr.line1, addr.postcode])
    return streets * PLACES_PER_STREET

"""The synthetic county's geography, in the ONS Postcode Directory's shape (`priority_families.geography`).

Each postcode district NG1..NG25 is one ward; wards sit in five districts and three localities (the council's
team areas). One ward, Heathfield, has no postcode at all, so every table by ward must show it with zeros.
"""

from __future__ import annotations

from pathlib import Path

from priority_families.geography import write_geography
from priority_families.synth.places import PLACES_PER_STREET, postcode_of_street

WARD_NAMES = ("Abbey", "Arboretum", "Basford", "Bestwood", "Bilborough", "Bridge", "Bulwell Forest", "Clifton North",
              "Clifton South", "Dales", "Dunkirk", "Hyson Green", "Leen Valley", "Mapperley", "Meadows", "Radford",
              "Riverside", "Sherwood", "St Ann's", "Wollaton East", "Wollaton West", "Aspley", "Berridge",
              "Carrington", "Lenton")
EMPTY_WARD = "Heathfield"  # listed in the lookup, no postcode: the ward with no families
DISTRICTS = (("E07000901", "Synthetown City"), ("E07000902", "Synthetown North"), ("E07000903", "Synthetown East"),
             ("E07000904", "Synthetown South"), ("E07000905", "Synthetown West"))
LOCALITIES = ("North locality", "Central locality", "South locality")


def ward_code(district_number: int) -> str:
    """The ward of postcode district NG<n> (n = 1..25); ward 26 is the empty ward."""
    return f"E05009{district_number:03d}"


def _ward_row(n: int, name: str) -> tuple[str, str, str, str, str]:
    district_code, district = DISTRICTS[(n - 1) % len(DISTRICTS)]
    return ward_code(n), name, district_code, district, LOCALITIES[(n - 1) % len(LOCALITIES)]


def county_wards() -> list[tuple[str, str, str, str, str]]:
    """Every ward: (code, name, district code, district, locality)."""
    return [_ward_row(n, name) for n, name in enumerate((*WARD_NAMES, EMPTY_WARD), start=1)]


def write_county_geography(folder: Path, places: int) -> Path:
    """The lookup for the county's first `places` places (every postcode of their streets)."""
    wards = {w[0]: w for w in county_wards()}
    postcodes = []
    for street in range(places // PLACES_PER_STREET + 1):
        postcode = postcode_of_street(street)
        code = ward_code(int(postcode.split(" ")[0][2:]))
        postcodes.append((postcode, code, wards[code][2]))
    return write_geography(folder, county_wards(), sorted(set(postcodes)))  # past 100,000 streets a postcode covers two

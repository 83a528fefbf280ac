"""Geography as data: postcodes to wards, districts and localities, from the files councils get from the ONS.

A refresh folder may hold a `geography/` folder in the shape of the ONS Postcode Directory (ONSPD):

- `geography/postcodes.csv`: one row per postcode, ONSPD's columns `pcds` (the postcode), `osward` (its ward's
  code) and `oslaua` (its local authority district's code); ONSPD's other columns are ignored.
- `geography/wards.csv`: every ward of the county, in the shape of the ONS ward to local authority district
  lookup (`WDyyCD`, `WDyyNM`, `LADyyCD`, `LADyyNM` for the lookup's year yy), with the council's own `locality`
  column (the area its teams are organised by). Every ward listed here appears in every table grouped by ward,
  with zeros where it has no family.

`load_geography` validates both and writes `geography_postcodes` and `geography_wards` into the store inside
the refresh; `FAMILY_PLACES_SQL` places each family of the refresh in its ward, district and locality.
"""

from priority_families.geography.lookup import (
    FAMILY_PLACES_SQL,
    GEOGRAPHY_DIR,
    LEVELS,
    UNPLACED,
    GeographyError,
    GeographySummary,
    areas_sql,
    has_geography,
    load_geography,
    write_geography,
)

__all__ = [
    "FAMILY_PLACES_SQL",
    "GEOGRAPHY_DIR",
    "LEVELS",
    "UNPLACED",
    "GeographyError",
    "GeographySummary",
    "areas_sql",
    "has_geography",
    "load_geography",
    "write_geography",
]

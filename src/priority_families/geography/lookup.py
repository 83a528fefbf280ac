"""Load, validate and apply the postcode to ward / district / locality lookup (ONSPD's shape)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from priority_families.core.export import write_csv
from priority_families.core.sql import has_table, quote_ident, sql_str
from priority_families.ingest.standardise import postcode_std

GEOGRAPHY_DIR = "geography"
POSTCODES_FILE = "postcodes.csv"
WARDS_FILE = "wards.csv"
POSTCODE_COLUMNS = ("pcds", "osward", "oslaua")
# The ward to district lookup names its columns by the year of the boundaries: WD15CD, LAD15NM, ...
WARD_COLUMNS = {"ward_code": r"WD\d\dCD", "ward": r"WD\d\dNM", "district_code": r"LAD\d\dCD",
                "district": r"LAD\d\dNM"}
LOCALITY = "locality"
# The levels a table can be grouped by, each (code column, name column) of `geography_wards`.
LEVELS: dict[str, tuple[str, str]] = {"ward": ("ward_code", "ward"), "district": ("district_code", "district"),
                                      "locality": ("locality", "locality")}
UNPLACED = "(postcode not in the lookup)"
MAX_PROBLEMS = 10


class GeographyError(ValueError):
    """The lookup files cannot be used: each problem names the file, line, column and reason."""

    def __init__(self, path: Path, problems: list[tuple[int | None, str, str]]) -> None:
        self.path, self.problems = path, problems
        shown = "; ".join(f"line {line}, column {column}: {reason}" if line else f"column {column}: {reason}"
                          for line, column, reason in problems[:MAX_PROBLEMS])
        more = f" (and {len(problems) - MAX_PROBLEMS} more)" if len(problems) > MAX_PROBLEMS else ""
        super().__init__(f"{path}: {shown}{more}")


@dataclass(frozen=True)
class GeographySummary:
    postcodes: int
    wards: int
    districts: int
    localities: int


def _read(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> list[str]:
    """Every value as text, with its line in the file (the header is line 1); the header's names."""
    if not path.is_file():
        raise GeographyError(path, [(None, "(file)", "missing: the lookup needs postcodes.csv and wards.csv")])
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT *, (ROW_NUMBER() OVER () + 1)::INTEGER "
                    f"AS _line FROM read_csv({sql_str(str(path))}, header = true, all_varchar = true, "
                    "auto_detect = true, delim = ',', quote = '\"')")
    except duckdb.Error as exc:
        raise GeographyError(path, [(None, "(file)", f"is not a readable CSV file: {str(exc).splitlines()[0]}")]) \
            from None
    return [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall() if row[0] != "_line"]


def _problems(con: duckdb.DuckDBPyConnection, checks: Iterable[tuple[str, str, str]], table: str) -> list[tuple]:
    """Rows failing each check (a SQL condition over `table`), as (line, column, reason), in line order."""
    union = " UNION ALL ".join(f"SELECT _line, {sql_str(column)}, {sql_str(reason)} FROM (SELECT _line, "
                               f"COALESCE({condition}, FALSE) AS _bad FROM {table}) WHERE _bad"
                               for condition, column, reason in checks)
    return con.execute(f"SELECT * FROM ({union}) ORDER BY 1, 2 LIMIT {MAX_PROBLEMS + 1}").fetchall()


def _ward_columns(path: Path, header: list[str]) -> dict[str, str]:
    found, missing = {}, []
    for name, pattern in WARD_COLUMNS.items():
        matches = [h for h in header if re.fullmatch(pattern, h, flags=re.IGNORECASE)]
        if len(matches) != 1:
            missing.append((None, pattern.replace(r"\d\d", "yy"), "no such column" if not matches
                            else f"more than one column: {', '.join(matches)}"))
        else:
            found[name] = matches[0]
    if missing:
        raise GeographyError(path, missing)
    return found


def _load_wards(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    header = _read(con, path, "geo_wards_raw")
    named = _ward_columns(path, header)
    cols = {k: quote_ident(v) for k, v in named.items()}
    has_locality = LOCALITY in header
    locality = f"NULLIF(TRIM({LOCALITY}), '')" if has_locality else f"TRIM({cols['district']})"
    checks = [(f"NULLIF(TRIM({c}), '') IS NULL", named[name], "blank") for name, c in cols.items()]
    if has_locality:
        checks.append((f"{locality} IS NULL", LOCALITY, "blank"))
    checks.append((f"_line > MIN(_line) OVER (PARTITION BY UPPER(TRIM({cols['ward_code']})))",
                   named["ward_code"], "the same ward code again"))
    problems = _problems(con, checks, "geo_wards_raw")
    if problems:
        raise GeographyError(path, problems)
    con.execute(f"CREATE OR REPLACE TEMP TABLE geo_wards AS SELECT UPPER(TRIM({cols['ward_code']})) AS ward_code, "
                f"TRIM({cols['ward']}) AS ward, UPPER(TRIM({cols['district_code']})) AS district_code, "
                f"TRIM({cols['district']}) AS district, {locality} AS locality FROM geo_wards_raw")


def _load_postcodes(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    header = _read(con, path, "geo_postcodes_raw")
    missing = [(None, c, "no such column") for c in POSTCODE_COLUMNS if c not in header]
    if missing:
        raise GeographyError(path, missing)
    ward, district = "UPPER(TRIM(osward))", "UPPER(TRIM(oslaua))"
    checks = [
        (f"{postcode_std('pcds')} IS NULL", "pcds", "not a postcode"),
        ("NULLIF(TRIM(osward), '') IS NULL", "osward", "blank"),
        ("NULLIF(TRIM(oslaua), '') IS NULL", "oslaua", "blank"),
        (f"_line > MIN(_line) OVER (PARTITION BY {postcode_std('pcds')})", "pcds", "the same postcode again"),
        (f"{ward} NOT IN (SELECT ward_code FROM geo_wards)", "osward", f"ward code not in {WARDS_FILE}"),
        ((f"{ward} IN (SELECT ward_code FROM geo_wards) AND {district} NOT IN "
         f"(SELECT district_code FROM geo_wards WHERE ward_code = {ward})"), "oslaua",
         f"not the district {WARDS_FILE} gives the ward"),
    ]
    problems = _problems(con, checks, "geo_postcodes_raw")
    if problems:
        raise GeographyError(path, problems)
    con.execute(f"CREATE OR REPLACE TEMP TABLE geo_postcodes AS SELECT {postcode_std('pcds')} AS postcode, "
                f"{ward} AS ward_code FROM geo_postcodes_raw")


def load_geography(con: duckdb.DuckDBPyConnection, folder: Path) -> GeographySummary | None:
    """Validate `folder/geography/` and write `geography_wards` and `geography_postcodes`; None when the folder
    has no lookup (a refresh then carries the lookup in force over). Both files are checked before either
    table is replaced, so a bad file (`GeographyError`) changes nothing, and a refresh with one publishes
    nothing."""
    where = Path(folder) / GEOGRAPHY_DIR
    if not where.is_dir():
        return None
    try:
        _load_wards(con, where / WARDS_FILE)
        _load_postcodes(con, where / POSTCODES_FILE)
        con.execute("CREATE OR REPLACE TABLE geography_wards AS SELECT * FROM geo_wards ORDER BY ward_code")
        con.execute("CREATE OR REPLACE TABLE geography_postcodes AS SELECT * FROM geo_postcodes ORDER BY postcode")
    finally:
        for table in ("geo_wards_raw", "geo_postcodes_raw", "geo_wards", "geo_postcodes"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return geography_summary(con)


def has_geography(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds a lookup (a refresh loaded one, or carried one over)."""
    return has_table(con, "geography_wards") and has_table(con, "geography_postcodes")


def geography_summary(con: duckdb.DuckDBPyConnection) -> GeographySummary:
    """How many postcodes, wards, districts and localities the lookup in the store holds."""
    postcodes = con.execute("SELECT COUNT(*) FROM geography_postcodes").fetchall()[0][0]
    wards, districts, localities = con.execute(
        "SELECT COUNT(*), COUNT(DISTINCT district_code), COUNT(DISTINCT locality) FROM geography_wards").fetchall()[0]
    return GeographySummary(int(postcodes), int(wards), int(districts), int(localities))


# Each family of the refresh placed by the postcode of its members' current address (the smallest, as the
# cohort's area is), in its ward, district and locality; NULLs when that postcode is not in the lookup.
FAMILY_PLACES_SQL = (
    "SELECT f.family_id, pc.postcode, w.ward_code, w.ward, w.district_code, w.district, w.locality "
    "FROM families f LEFT JOIN (SELECT fm.family_id, MIN(p.postcode_std) AS postcode FROM family_members fm "
    "JOIN persons p ON p.person_id = fm.person_id GROUP BY fm.family_id) pc ON pc.family_id = f.family_id "
    "LEFT JOIN geography_postcodes g ON g.postcode = pc.postcode "
    "LEFT JOIN geography_wards w ON w.ward_code = g.ward_code"
)


def areas_sql(level: str) -> str:
    """Every area of a level (ward, district or locality) in the lookup, as (code, name): the rows a table by
    that level starts from, so an area with no family is listed with zeros."""
    if level not in LEVELS:
        raise ValueError(f"no geography level {level!r}: choose one of {', '.join(LEVELS)}")
    code, name = LEVELS[level]
    return f"SELECT DISTINCT {code} AS area_code, {name} AS area FROM geography_wards"


def write_geography(folder: Path, wards: list[tuple[str, str, str, str, str]],
                    postcodes: list[tuple[str, str, str]], year: str = "15") -> Path:
    """Write a lookup in the ONS shape: wards as (ward code, ward, district code, district, locality) and
    postcodes as (pcds, osward, oslaua). Returns the `geography/` folder."""
    where = Path(folder) / GEOGRAPHY_DIR
    where.mkdir(parents=True, exist_ok=True)
    write_csv(where / WARDS_FILE, (f"WD{year}CD", f"WD{year}NM", f"LAD{year}CD", f"LAD{year}NM", LOCALITY), wards)
    write_csv(where / POSTCODES_FILE, POSTCODE_COLUMNS, postcodes)
    return where

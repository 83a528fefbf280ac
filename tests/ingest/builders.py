"""Small builders for extract folders in tests: valid rows by default, override any column by keyword."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from priority_families.ingest.agreements import AGREEMENTS_FILE, Register
from priority_families.ingest.schema import FACT_KINDS, PERSON_COLUMNS, ColumnType, header_for

PERSON_DEFAULTS: dict[str, str] = {
    "source": "police",
    "record_id": "r1",
    "first_name": "Jane",
    "last_name": "Smith",
    "dob": "1990-05-01",
    "sex": "F",
    "address_line1": "12 High Street",
    "postcode": "NG7 2AB",
    "uprn": "",
    "upn": "",
    "nhs_number": "",
    "ni_number": "",
}

_SPECIAL_DEFAULTS: dict[str, str] = {
    "possible_sessions": "140",
    "authorised_absence": "4",
    "unauthorised_absence": "2",
    "gravity": "3",
    "hours_per_week": "16",
    "end_date": "",
    "release_date": "",
}


def _default(fact: str, column: str) -> str:
    if column in _SPECIAL_DEFAULTS:
        return _SPECIAL_DEFAULTS[column]
    spec = next(c for c in FACT_KINDS[fact].columns if c.name == column)
    match spec.type:
        case ColumnType.DATE:
            return "2015-03-01"
        case ColumnType.TERM:
            return "2014-autumn"
        case ColumnType.INTEGER:
            return "1"
        case ColumnType.KIND:
            return spec.kinds[0] if spec.kinds else "JSA"
        case _:
            return "x"


def row(fact: str, **values: str) -> dict[str, str]:
    """A valid row of `fact` with `values` overriding (extra keys become extra columns)."""
    base = {**PERSON_DEFAULTS, **{c: _default(fact, c) for c in FACT_KINDS[fact].column_names}}
    return {**base, **values}


def write_extract(folder: Path, fact: str, rows: list[dict[str, str]], header: list[str] | None = None,
                  name: str | None = None) -> Path:
    """Write `<fact>.csv` (RFC 4180 via the csv module) with the canonical header plus any extra keys."""
    folder.mkdir(parents=True, exist_ok=True)
    if header is None:
        header = header_for(fact)
        for r in rows:
            header += [k for k in r if k not in header]
    path = folder / (name or f"{fact}.csv")
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


TEST_SOURCES = ("police", "test", "t", "other")  # the sources hand-built folders use


def agreement(**values: object) -> dict[str, object]:
    """One valid agreement (keyword values override), covering every kind of fact from the test sources."""
    base: dict[str, object] = {
        "id": "ISP-TEST", "partner": "testshire_partners", "sources": list(TEST_SOURCES),
        "facts": list(FACT_KINDS), "fields": list(PERSON_COLUMNS), "purpose": "Tests of the refresh",
        "lawful_basis": {"article_6": "6(1)(e) public task", "article_9": "9(2)(h) health or social care",
                         "dpa_2018_condition": "Schedule 1 Part 1 para 2"},
        "signed_by": "Test signatory", "signed_on": "2014-04-01", "review_on": "2099-12-31", "retention_years": 6,
        "flags_back": {"identifiers": ["nhs_number", "record_id"], "marker": True},
    }
    return {**base, **values}


def agreements_register(agreements: list[dict[str, object]] | None = None) -> Register:
    """The register `write_agreements` writes, as the object a refresh checks against."""
    agreements = agreements if agreements is not None else [agreement()]
    return Register.model_validate({
        "authority": "Testshire", "agreements": agreements,
        "partners": [{"id": p, "name": p.replace("_", " ")} for p in sorted({str(a["partner"]) for a in agreements})],
    })


def write_agreements(folder: Path, agreements: list[dict[str, object]] | None = None,
                     partners: list[str] | None = None) -> Path:
    """The information-sharing register every hand-built folder carries (`agreements.yaml`): by default one
    live agreement covering every fact kind from the sources tests use, so a refresh of it is allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    agreements = agreements if agreements is not None else [agreement()]
    partners = partners or sorted({str(a["partner"]) for a in agreements})
    register = {"authority": "Testshire", "partners": [{"id": p, "name": p.replace("_", " ")} for p in partners],
                "agreements": agreements}
    path = folder / AGREEMENTS_FILE
    path.write_text(yaml.safe_dump(register, sort_keys=False), encoding="utf-8")
    return path


def write_refresh(folder: Path, as_of: str | None = "2015-07-31", authority: str | None = "Testshire") -> Path:
    """`refresh.yaml`, and the register of agreements beside it (see `write_agreements`)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / AGREEMENTS_FILE).exists():
        write_agreements(folder)
    lines = [f"as_of: {as_of}" if as_of else "", f"authority: {authority}" if authority else ""]
    path = folder / "refresh.yaml"
    path.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")
    return path


def every_kind_folder(folder: Path, rows_per_kind: int = 3) -> Path:
    """A folder with `rows_per_kind` valid rows of every fact kind and a refresh.yaml."""
    for fact in FACT_KINDS:
        write_extract(folder, fact, [row(fact, record_id=f"{fact}-{i}") for i in range(rows_per_kind)])
    write_refresh(folder)
    return folder

"""`--address-noise hard` plants issue 14's address slips, each with its truth, and nothing else changes."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from priority_families.synth.county import generate
from priority_families.synth.hard_addresses import HardAddress
from priority_families.synth.places import address_of

from .synth_support import AS_OF, read_csv


@pytest.fixture(scope="module")
def hard_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hard")
    generate(out, 1500, AS_OF, seed=5, address_noise="hard", gazetteer=True)
    return out


def _rows_by_key(out: Path) -> dict[str, dict[str, str]]:
    rows = {}
    for path in out.glob("*.csv"):
        if path.name != "gazetteer.csv":
            rows.update({f"{r['source']}:{r['record_id']}": r for r in read_csv(path)})
    return rows


def test_every_hard_address_case_is_planted_with_its_record(hard_county: Path) -> None:
    cases = read_csv(hard_county / "truth" / "hard_cases.csv")
    planted = Counter(c["case"] for c in cases if c["case"].startswith("address_"))
    assert set(planted) == {case.value for case in HardAddress}
    assert min(planted.values()) >= 5
    rows = _rows_by_key(hard_county)
    truth = {f"{r['source']}:{r['record_id']}": r["person_id"] for r in read_csv(hard_county / "truth" / "records.csv")}
    shown = [c for c in cases if c["case"].startswith("address_") and c["detail"] in rows]
    assert len(shown) >= 0.8 * sum(planted.values())  # the rest are records this refresh does not show
    for case in shown:
        assert truth[case["detail"]] == case["person_id"]
        assert rows[case["detail"]]["uprn"] == ""  # such a partner sends no UPRN


def test_each_slip_is_written_as_the_issue_describes(hard_county: Path) -> None:
    rows = _rows_by_key(hard_county)
    seen: Counter[str] = Counter()
    for case in read_csv(hard_county / "truth" / "hard_cases.csv"):
        if not case["case"].startswith("address_") or case["detail"] not in rows:
            continue
        row = rows[case["detail"]]
        line, postcode = row["address_line1"], row["postcode"]
        kind = HardAddress(case["case"])
        if kind is HardAddress.BLANK_POSTCODE:
            assert postcode == "" and re.search(r"\d", line)
        elif kind is HardAddress.DIGIT_SHIFT:
            assert re.search(r"\d \d[A-Z][a-z]", line) and postcode
        elif kind is HardAddress.ABBREVIATION_TYPO:
            assert postcode == "" and re.search(r" (Rd|St|Ave|Ln|Dr|Cl|Gr|Cres|Ct|Pl|Way|Gdns)$", line)
        elif kind is HardAddress.FLAT_STYLE:
            assert re.match(r"(\d+ \d+ |Apartment \d+, |Flat\d+ )", line) and postcode
        else:
            assert postcode == "" and not re.search(r"\d", line)
        seen[kind] += 1
    assert len(seen) == len(HardAddress)


def test_the_latest_address_of_many_people_carries_a_slip(hard_county: Path) -> None:
    """A quarter of the records that decide a current address are hardened, so households see them."""
    cases = {c["detail"] for c in read_csv(hard_county / "truth" / "hard_cases.csv") if c["case"].startswith("address_")}
    people = read_csv(hard_county / "truth" / "people.csv")
    assert len(cases) > 0.1 * len(people)


def test_the_gazetteer_holds_every_place_people_live_at(hard_county: Path) -> None:
    gazetteer = {r["uprn"]: r for r in read_csv(hard_county / "gazetteer.csv")}
    for person in read_csv(hard_county / "truth" / "people.csv"):
        entry = gazetteer[person["uprn"]]
        addr = address_of(int(person["uprn"]) - 100_000_000_000)
        assert (entry["address_line1"], entry["postcode"]) == (addr.line1, addr.postcode)


def test_standard_noise_writes_no_address_slip_and_no_gazetteer(tmp_path: Path) -> None:
    generate(tmp_path, 300, AS_OF, seed=5)
    assert not (tmp_path / "gazetteer.csv").exists()
    assert not [c for c in read_csv(tmp_path / "truth" / "hard_cases.csv") if c["case"].startswith("address_")]

"""Where `--address-noise hard` plants its slips (decision 23): on a quarter of the latest records of people
with earlier ones (the issue's "one member's most recent record", beside records that write the address in
full), and on a person's only record no more often than on any other record."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from priority_families.synth.county import generate
from priority_families.synth.hard_addresses import LATEST_SHARE, OTHER_SHARE

from .synth_support import AS_OF, read_csv


def test_a_persons_only_record_is_slipped_at_the_background_rate(tmp_path: Path) -> None:
    generate(tmp_path, 2000, AS_OF, seed=11, address_noise="hard")
    person = {f"{r['source']}:{r['record_id']}": r["person_id"] for r in read_csv(tmp_path / "truth" / "records.csv")}
    with_address = Counter()
    for path in tmp_path.glob("*.csv"):
        for row in read_csv(path):
            if row["address_line1"]:
                with_address[person[f"{row['source']}:{row['record_id']}"]] += 1
    slipped = {c["person_id"] for c in read_csv(tmp_path / "truth" / "hard_cases.csv") if c["case"].startswith("address_")}
    once = [p for p, n in with_address.items() if n == 1]
    several = [p for p, n in with_address.items() if n > 1]
    assert len(once) > 100 and len(several) > 1000
    once_share = sum(p in slipped for p in once) / len(once)
    several_share = sum(p in slipped for p in several) / len(several)
    assert once_share < 2 * OTHER_SHARE + 0.02
    assert several_share > LATEST_SHARE * 0.8

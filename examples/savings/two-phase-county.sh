#!/usr/bin/env bash
# A two-phase synthetic county for `pf savings` samples (decision 10): Phase 1 families attached under
# national-2012 through 2014/15, Phase 2 early starters under nottinghamshire-2015 in January-March 2015, and a
# refresh a year later. Usage (from the repository root, after `make setup`):
#   bash examples/savings/two-phase-county.sh OUT
#   .venv/bin/pf savings --phase 1 --sample 80 --seed 1 -w OUT/sv/ws
#   .venv/bin/pf savings --entered 2014-15 --sample 25% --seed 1 -w OUT/sv/ws
set -euo pipefail
PF="${PF:-$PWD/.venv/bin/pf}"
PY="${PY:-$PWD/.venv/bin/python}"
OUT="${1:?give an output folder}"
mkdir -p "$OUT" && cd "$OUT"
rm -rf sv; mkdir sv
"$PF" synth sv/extracts --people 40000 --as-of 2015-03-31 --seed 7 --follow-ups 2
"$PF" identify sv/extracts --plan national-2012 --as-of 2015-03-31 -w sv/ws --out sv/out-p1
# Phase 1: every eligible family, attached through 2014/15 (one a day from 2014-04-01, cycling over the year)
"$PY" - <<'PY'
import csv, datetime
rows = [r for r in csv.DictReader(open("sv/out-p1/cohort.csv")) if r["eligible"] == "true"]
with open("sv/attach-p1.csv", "w", newline="") as h:
    w = csv.writer(h); w.writerow(["family_id", "attached_on", "lead_worker", "lead_agency"])
    for i, r in enumerate(rows):
        w.writerow([r["family_id"], datetime.date(2014, 4, 1) + datetime.timedelta(days=(i * 3) % 360), "W1", "Family Intervention"])
print(len(rows), "phase 1 families")
PY
"$PF" attach sv/attach-p1.csv -w sv/ws
"$PF" identify sv/extracts --plan nottinghamshire-2015 --as-of 2015-03-31 -w sv/ws --out sv/out-p2
# Phase 2 early starters: eligible under nottinghamshire-2015 and not attached in Phase 1, attached Jan-Mar 2015
"$PY" - <<'PY'
import csv, datetime
done = {r["family_id"] for r in csv.DictReader(open("sv/attach-p1.csv"))}
rows = [r for r in csv.DictReader(open("sv/out-p2/cohort.csv")) if r["eligible"] == "true" and r["family_id"] not in done]
with open("sv/attach-p2.csv", "w", newline="") as h:
    w = csv.writer(h); w.writerow(["family_id", "attached_on", "lead_worker", "lead_agency"])
    for i, r in enumerate(rows[:200]):
        w.writerow([r["family_id"], datetime.date(2015, 1, 5) + datetime.timedelta(days=i % 80), "W2", "Early Help"])
print(min(len(rows), 200), "phase 2 early-starter families")
PY
"$PF" attach sv/attach-p2.csv -w sv/ws
"$PF" identify sv/extracts/follow-up-2 --as-of 2016-03-31 -w sv/ws --out sv/out-later
echo DONE

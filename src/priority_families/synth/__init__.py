"""The synthetic county (`pf synth`): partner extracts with known answers, for tests, demos and benchmarks.

`priority_families.synth.county.generate(out, people, as_of, seed, follow_ups)` writes, streaming:

- `OUT/<fact>.csv` for every fact kind in `ingest/schema.py` (canonical header, RFC 4180, UTF-8) and
  `OUT/refresh.yaml` (`as_of`, `authority: Synthetown`); with follow-ups, the same under
  `OUT/follow-up-K/` for as_of + 6K months. A later refresh repeats the ~3-year window ending at its
  as_of, so older rows reappear with the same `(source, record_id)`; a spell ending after a refresh's
  as_of is shown open (blank `end_date`) in that refresh.
- `truth/records.csv` (`fact,source,record_id,person_id,household_id,family_id`), `truth/people.csv`
  (clean names, dob, sex and the current address by the rules.md rule), `truth/families.csv`
  (`family_id,household_id,members,children` and `<plan>_eligible`/`<plan>_headlines` for each plan in
  `writer.PLAN_IDS`, from `synth.oracle.evaluate_family` on the clean facts the refresh shows),
  `truth/family_lineage.csv` (`family_id,previous_family_id,change`, change in unchanged/moved/split/
  merged/new) and `truth/hard_cases.csv` (`case,person_id,detail`: every planted hard case of the whole
  timeline, e.g. `twins`, `same_name_as_parent`, `moved_into_vacated_home`, `edge_offence_out`,
  `absence_unauthorised_15pct`; `detail` is the as_of an edge case is aimed at).

Clean data decides the truth; what differs between clean and written rows is noise only in the person
columns (names, dob, sex, address spelling, postcode, identifiers). Whether a row has an address line and
a UPRN is a property of the clean row, so the product sees the same "latest addressed record" the truth
uses. Household ids are `H` + the place number, family ids `F0000001`... never reused.
"""

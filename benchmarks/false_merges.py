"""What linkage's false merges are made of: each person of ours holding records of two or more true people,
classed by the strongest link joining two true people inside it (benchmarks/README.md, "Fourth round").

    PYTHONPATH=src .venv/bin/python benchmarks/false_merges.py WORKSPACE/store.duckdb COUNTY/truth

Classes, in order: an identifier link (a valid number keyed from another person's record); a record without a
name or date of birth; first names that differ at one date of birth (twins, a name seen once); one name, dates of
birth apart (siblings or a parent and child of one name); one name and date of birth (strangers at two places, or
a record without a place between them); identical records of two people (one description, no link at all).
Also counted: the persons holding two NI numbers further apart than a slip, and how many merges rest on one wrong
link or several (a chain). Reads the store only (read-only); prints counts, never names.
"""

import argparse
from pathlib import Path

import duckdb

from priority_families.linkage.model import day_month_swapped, dob_near, ni_one_slip

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("store", type=Path)
parser.add_argument("truth", type=Path)
args = parser.parse_args()
con = duckdb.connect(str(args.store), read_only=True)
truth = args.truth
con.execute(f"""CREATE TEMP TABLE t AS SELECT DISTINCT source, record_id, person_id AS tp
    FROM read_csv('{truth}/records.csv', all_varchar=true)""")
con.execute("""
CREATE TEMP TABLE d AS
SELECT r.record_key, rp.person_id AS pp, t.tp,
       min(r.record_key) OVER (PARTITION BY r.first_name_std, r.last_name_std, r.dob, r.sex_std, r.postcode_std,
            r.address_std, CASE WHEN r.upn_valid THEN r.upn_std END, CASE WHEN r.nhs_number_valid THEN r.nhs_number_std END,
            CASE WHEN r.ni_number_valid THEN r.ni_number_std END) AS did,
       r.first_name_std fn, r.last_name_std ln, r.dob, strftime(r.dob, '%Y-%m-%d') dt, r.address_std addr, r.postcode_std pc,
       CASE WHEN r.ni_number_valid THEN r.ni_number_std END ni
FROM records r JOIN record_person rp USING (record_key) JOIN t ON t.source = r.source AND t.record_id = r.record_id""")
con.execute("""CREATE TEMP TABLE dtp AS SELECT did, first(tp ORDER BY n DESC, tp) tp, count(*) tps, any_value(pp) pp
  FROM (SELECT did, tp, pp, count(*) n FROM d GROUP BY ALL) GROUP BY did""")
con.execute("CREATE TEMP TABLE f AS SELECT DISTINCT ON (did) did, fn, ln, dob, dt, addr, pc, ni FROM d ORDER BY did, record_key")
con.execute("CREATE TEMP TABLE merged AS SELECT pp FROM d GROUP BY pp HAVING count(DISTINCT tp) > 1")
con.execute(f"""CREATE TEMP TABLE nis AS SELECT pp FROM (SELECT DISTINCT pp, ni FROM d WHERE ni IS NOT NULL) a
  JOIN (SELECT DISTINCT pp, ni FROM d WHERE ni IS NOT NULL) b USING (pp)
  WHERE a.ni < b.ni AND NOT {ni_one_slip('a.ni', 'b.ni')} GROUP BY pp""")
slip = f"(l.dob = r.dob OR {day_month_swapped('l.dob','r.dob')} OR {dob_near('l.dob','r.dob','l.dt','r.dt')})"
con.execute(f"""CREATE TEMP TABLE ce AS SELECT a.pp, p.route, p.match_probability p,
  CASE WHEN p.route = 'identifier' THEN 'an identifier (NHS number) shared by two people'
       WHEN l.fn IS NULL OR r.fn IS NULL OR l.ln IS NULL OR r.ln IS NULL OR l.dob IS NULL OR r.dob IS NULL
            THEN 'a record without a name or date of birth'
       WHEN l.fn <> r.fn AND {slip} THEN 'first names differ, one date of birth (twins, a name seen once)'
       WHEN l.fn = r.fn AND l.ln = r.ln AND NOT {slip} THEN 'one name, dates of birth apart (siblings, parent and child)'
       WHEN l.fn = r.fn AND l.ln = r.ln AND {slip} THEN 'one name and date of birth (at another place or none)'
       ELSE 'other' END AS kind
  FROM link_pairs p JOIN dtp a ON a.did = p.record_key_l JOIN dtp b ON b.did = p.record_key_r
  JOIN f l ON l.did = p.record_key_l JOIN f r ON r.did = p.record_key_r
  WHERE a.pp = b.pp AND a.tp <> b.tp AND a.pp IN (SELECT pp FROM merged)
    AND (p.route IN ('identifier', 'review:match') OR (p.route = 'model' AND p.match_probability >= 0.9))""")
rows = con.execute("""WITH per AS (
  SELECT m.pp, (SELECT first(kind ORDER BY route = 'identifier' DESC, p DESC) FROM ce WHERE ce.pp = m.pp) kind,
         m.pp IN (SELECT pp FROM nis) two_ni,
         EXISTS (SELECT 1 FROM dtp WHERE dtp.pp = m.pp AND tps > 1) shared
  FROM merged m)
  SELECT CASE WHEN kind IS NULL AND shared THEN 'identical records of two people (one description)'
              ELSE coalesce(kind, 'other') END, count(*), count(*) FILTER (WHERE two_ni) FROM per GROUP BY 1 ORDER BY 2 DESC""").fetchall()
print("merged persons:", sum(r[1] for r in rows))
for r in rows:
    print(f"  {r[1]:4d}  (of which holding two NI numbers far apart: {r[2]})  {r[0]}")
print("cross links (pairs joining two true people inside a merged person):",
      con.execute("SELECT count(*), count(DISTINCT pp) FROM ce").fetchall())
print("merged persons whose only cross links number 1 (one wrong pair) vs more:",
      con.execute("SELECT n = 1, count(*) FROM (SELECT pp, count(*) n FROM ce GROUP BY pp) GROUP BY 1").fetchall())

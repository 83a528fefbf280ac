"""A plain Splink 5 dedupe of a workspace's records, beside ours in one run (`bench_linkage.py --plain`).

The standard setup from Splink's documentation, with no part of ours: one row per record (not our collapsed
descriptions), comparisons on first name, surname, date of birth, postcode, address line and the three
identifiers from the comparison library, blocking on names, on date of birth, and on the postcode with either
name; trained by the usual u sampling and EM on two blocking passes; predicted at 0.9 and clustered at 0.9.
Pair precision and recall are counted against the county's truth as `pf evaluate linkage` counts ours.

At a county's size the tutorial's rules do not fit one machine: at 1M people (4.4M records) names alone make
1.0 billion comparisons and the date of birth alone 1.3 billion. Splink's documentation says to count a rule's
comparisons before predicting with it (`count_comparisons_from_blocking_rules`), and a user who does picks
tighter rules. So when Splink's count of the tutorial's rules is over COMPARISON_BUDGET, the dedupe uses the
rules such a user writes (AT_SCALE: each name with the date of birth or the postcode, the full name with the
year of birth; 141M comparisons at 1M people) and trains m on blocks that fit too (the full name in one
postcode, the date of birth in one postcode). What is compared and how it is trained is otherwise the same.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import duckdb
import splink.comparison_library as cl
from measure import peak_rss_mib
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.splink_dataframe import SplinkDataFrame

from priority_families.evaluation.linkage import _load_truth

RECORDS = """
    SELECT record_key AS unique_id, source, record_id, first_name_std AS first_name, last_name_std AS last_name,
           dob, postcode_std AS postcode, address_std AS address,
           CASE WHEN upn_valid THEN upn_std END AS upn, CASE WHEN nhs_number_valid THEN nhs_number_std END AS nhs,
           CASE WHEN ni_number_valid THEN ni_number_std END AS ni
    FROM records
"""


TUTORIAL = [block_on("first_name", "last_name"), block_on("dob"),
            block_on("postcode", "first_name"), block_on("postcode", "last_name")]
AT_SCALE = [block_on("first_name", "dob"), block_on("last_name", "dob"), block_on("postcode", "first_name"),
            block_on("postcode", "last_name"), block_on("first_name", "last_name", "year(dob)")]
AT_SCALE_EM = (block_on("first_name", "last_name", "postcode"), block_on("dob", "postcode"))
COMPARISON_BUDGET = 300_000_000  # comparisons two cores predict in minutes, not hours
# DuckDB's own defaults (80% of memory, spill beside the database) let the tutorial's setup at 1M fill the
# machine and then its disk (51 GB); a cap and a bounded spill folder make it stop or spill, never take both.
DUCKDB_CONFIG = {"memory_limit": "12GB", "max_temp_directory_size": "40GB",
                 "temp_directory": str(Path(tempfile.gettempdir()) / "plain-splink-spill")}


def settings(rules: list | None = None) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"), cl.NameComparison("last_name"),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.PostcodeComparison("postcode"), cl.LevenshteinAtThresholds("address", [1, 3]),
            cl.ExactMatch("upn"), cl.ExactMatch("nhs"), cl.ExactMatch("ni"),
        ],
        blocking_rules_to_generate_predictions=rules or TUTORIAL,
    )


def setup_for(records: SplinkDataFrame) -> tuple[str, list, tuple]:
    """(name, prediction rules, EM blocks): the tutorial's if Splink's own count of its rules' comparisons fits
    the budget (its EM blocks are `train`'s default), else AT_SCALE's."""
    counts = count_comparisons_from_blocking_rules(records, blocking_rules=TUTORIAL, link_type="dedupe_only")
    if counts[-1]["cumulative_comparison_count"] <= COMPARISON_BUDGET:
        return "tutorial", TUTORIAL, ()
    return "at scale", AT_SCALE, AT_SCALE_EM


def train(linker: Linker, names: tuple[str, str], dob: str, max_pairs: float, em_blocks: tuple = ()) -> None:
    """Plain Splink's usual training, as its tutorials do it: the prior from names and date of birth agreeing
    (recall 0.7), u from random pairs, m by EM on two blocks that each leave the other's fields free (the date
    of birth, then the names, unless `em_blocks` says which)."""
    linker.training.estimate_probability_two_random_records_match([block_on(*names, dob)], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1)
    for block in em_blocks or (block_on(dob), block_on(*names)):
        linker.training.estimate_parameters_using_expectation_maximisation(block)


def plain_dedupe(store: Path, truth: Path) -> dict:
    """Link the store's records with plain Splink in this process; seconds, peak RSS and pair quality."""
    started = time.perf_counter()
    con = duckdb.connect(config=DUCKDB_CONFIG)
    con.execute(f"ATTACH '{store}' AS ws (READ_ONLY)")
    con.execute(f"CREATE TABLE plain_records AS {RECORDS.replace('FROM records', 'FROM ws.records')}")
    db = DuckDBAPI(connection=con)
    records = db.register("plain_records")
    setup, rules, em_blocks = setup_for(records)
    linker = Linker(records, settings(rules), log_level=logging.ERROR)
    train(linker, ("first_name", "last_name"), "dob", max_pairs=1e7, em_blocks=em_blocks)
    predicted = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predicted, 0.9)
    seconds = time.perf_counter() - started
    con.execute(f"CREATE TABLE plain_clusters AS SELECT unique_id, cluster_id FROM {clusters.physical_name}")
    _load_truth(con, truth)
    both, predicted_pairs, true_pairs = con.execute(
        """
        WITH e AS (SELECT c.cluster_id, t.true_person FROM plain_clusters c
                   JOIN plain_records r ON r.unique_id = c.unique_id
                   JOIN truth_records t ON t.source = r.source AND t.record_id = r.record_id),
        both_ AS (SELECT count(*) AS n FROM e GROUP BY cluster_id, true_person),
        pred AS (SELECT count(*) AS n FROM e GROUP BY cluster_id),
        truth AS (SELECT count(*) AS n FROM e GROUP BY true_person)
        SELECT (SELECT sum(n * (n - 1) / 2) FROM both_), (SELECT sum(n * (n - 1) / 2) FROM pred),
               (SELECT sum(n * (n - 1) / 2) FROM truth)
        """
    ).fetchall()[0]
    return {"setup": setup, "seconds": round(seconds, 1), "peak_rss_mib": round(peak_rss_mib()),
            "pair_precision": round(both / predicted_pairs, 4) if predicted_pairs else 1.0,
            "pair_recall": round(both / true_pairs, 4) if true_pairs else 1.0}

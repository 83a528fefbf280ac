"""A plain Splink 5 dedupe of a workspace's records, beside ours in one run (`bench_linkage.py --plain`).

The standard setup from Splink's documentation, with no part of ours: one row per record (not our collapsed
descriptions), comparisons on first name, surname, date of birth, postcode, address line and the three
identifiers from the comparison library, blocking on names, on date of birth, and on the postcode with either
name; trained by the usual u sampling and EM on two blocking passes; predicted at 0.9 and clustered at 0.9.
Pair precision and recall are counted against the county's truth as `pf evaluate linkage` counts ours.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import duckdb
import splink.comparison_library as cl
from measure import peak_rss_mib
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from priority_families.evaluation.linkage import _load_truth

RECORDS = """
    SELECT record_key AS unique_id, source, record_id, first_name_std AS first_name, last_name_std AS last_name,
           dob, postcode_std AS postcode, address_std AS address,
           CASE WHEN upn_valid THEN upn_std END AS upn, CASE WHEN nhs_number_valid THEN nhs_number_std END AS nhs,
           CASE WHEN ni_number_valid THEN ni_number_std END AS ni
    FROM records
"""


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"), cl.NameComparison("last_name"),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.PostcodeComparison("postcode"), cl.LevenshteinAtThresholds("address", [1, 3]),
            cl.ExactMatch("upn"), cl.ExactMatch("nhs"), cl.ExactMatch("ni"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"), block_on("dob"),
            block_on("postcode", "first_name"), block_on("postcode", "last_name"),
        ],
    )


def train(linker: Linker, names: tuple[str, str], dob: str, max_pairs: float) -> None:
    """Plain Splink's usual training, as its tutorials do it: the prior from names and date of birth agreeing
    (recall 0.7), u from random pairs, m by EM on two blocks that each leave the other's fields free."""
    linker.training.estimate_probability_two_random_records_match([block_on(*names, dob)], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on(dob))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on(*names))


def plain_dedupe(store: Path, truth: Path) -> dict:
    """Link the store's records with plain Splink in this process; seconds, peak RSS and pair quality."""
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"ATTACH '{store}' AS ws (READ_ONLY)")
    con.execute(f"CREATE TABLE plain_records AS {RECORDS.replace('FROM records', 'FROM ws.records')}")
    db = DuckDBAPI(connection=con)
    linker = Linker(db.register("plain_records"), settings(), log_level=logging.ERROR)
    train(linker, ("first_name", "last_name"), "dob", max_pairs=1e7)
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
    return {"seconds": round(seconds, 1), "peak_rss_mib": round(peak_rss_mib()),
            "pair_precision": round(both / predicted_pairs, 4) if predicted_pairs else 1.0,
            "pair_recall": round(both / true_pairs, 4) if true_pairs else 1.0}

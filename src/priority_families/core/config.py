"""One typed configuration object for a run, validated by pydantic so a bad value fails fast."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_WORKSPACE = Path("workspace")
DEFAULT_PLAN = "nottinghamshire-2015"


class SparkSettings(BaseModel):
    """Where and how big the Spark engine runs (`engine: spark`); defaults run on this machine's cores."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    master: str = Field(default="local[*]", description="local[N] or a cluster URL (spark://, yarn, k8s://)")
    driver_memory: str = Field(default="2g", pattern=r"^[0-9]+[kmgt]?$", description="spark.driver.memory")
    executor_memory: str = Field(default="2g", pattern=r"^[0-9]+[kmgt]?$", description="spark.executor.memory")
    shuffle_partitions: int = Field(default=8, ge=1, description="spark.sql.shuffle.partitions")
    checkpoint_dir: Path | None = Field(
        default=None, description="where Spark checkpoints and the Parquet intermediates go; None = the workspace"
    )
    conf: dict[str, str] = Field(
        default_factory=dict, description="further Spark settings by name, e.g. spark.hadoop.fs.s3a.* to read s3a://"
    )

    @field_validator("conf")
    @classmethod
    def _spark_names(cls, conf: dict[str, str]) -> dict[str, str]:
        """Only Spark's own settings (`spark.*`; Hadoop's as `spark.hadoop.*`): a typo elsewhere is refused."""
        wrong = sorted(name for name in conf if not name.startswith("spark."))
        if wrong:
            raise ValueError(f"not a Spark setting (they start spark., Hadoop's spark.hadoop.): {', '.join(wrong)}")
        return conf


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    workspace: Path = Field(default=DEFAULT_WORKSPACE, description="folder holding the store and outputs")
    engine: str = Field(default="duckdb", pattern="^(duckdb|spark)$")
    threads: int | None = Field(default=None, ge=1, description="engine threads; None = all cores")
    memory_limit: str | None = Field(default=None, description="engine memory cap, e.g. '6GB'")
    spark: SparkSettings = Field(default_factory=SparkSettings, description="used when engine is spark")

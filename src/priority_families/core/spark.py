"""The Spark engine's session: started once per process from the run's `SparkSettings`.

pyspark is an optional extra and Spark needs Java, so both are checked before anything starts: a missing one
stops the run with one line saying what to install (`EngineUnavailable`), never a Java stack trace.
Splink's similarity functions (jaro_winkler, damerau_levenshtein) come from its jar, added to the session here.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb

from priority_families.core.config import SparkSettings

INSTALL_SPARK = "pip install 'priority-families[spark]'"
INSTALL_JAVA = "apt-get install --no-install-recommends default-jre-headless (Java 17 or later)"

LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")

_session: Any = None


class EngineUnavailable(RuntimeError):
    """The Spark engine cannot start on this machine; the message says what to install."""


def require_spark() -> None:
    """Stop with one line if pyspark or Java is missing (checked without starting a JVM)."""
    if any(importlib.util.find_spec(name) is None for name in ("pyspark", "pandas")):
        raise EngineUnavailable(f"--engine spark needs pyspark: {INSTALL_SPARK}")
    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home) / "bin" / "java" if java_home else None
    if not ((java and java.exists()) or shutil.which("java")):
        raise EngineUnavailable(f"--engine spark needs Java: {INSTALL_JAVA}, or set JAVA_HOME")


def spark_session(settings: SparkSettings, scratch: Path) -> Any:
    """The process's Spark session (started on first use); `scratch` holds checkpoints when none is set."""
    global _session
    require_spark()
    if _session is not None and _session_alive(_session):
        return _session
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    checkpoints = Path(settings.checkpoint_dir or scratch / "spark-checkpoints")
    checkpoints.mkdir(parents=True, exist_ok=True)
    builder = (
        SparkSession.builder.master(settings.master).appName("priority-families")
        .config("spark.driver.memory", settings.driver_memory)
        .config("spark.executor.memory", settings.executor_memory)
        .config("spark.sql.shuffle.partitions", str(settings.shuffle_partitions))
        .config("spark.default.parallelism", str(settings.shuffle_partitions))
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
    )
    for name, value in settings.conf.items():  # e.g. spark.hadoop.fs.s3a.* for extracts on s3a://
        builder = builder.config(name, value)
    if settings.master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # local workers need this venv's packages
    try:
        _session = builder.getOrCreate()
    except (RuntimeError, OSError) as exc:  # the JVM gateway failed: its first line only
        raise EngineUnavailable(f"Spark did not start ({str(exc).splitlines()[0][:200]}): "
                                f"check Java and {INSTALL_SPARK}") from None
    _session.sparkContext.setLogLevel("ERROR")
    _register_functions(_session)
    _session.sparkContext.setCheckpointDir(str(checkpoints))
    return _session


def _register_functions(session: Any) -> None:
    """`pf_jaro_winkler(a, b)`: DuckDB's own jaro_winkler_similarity, run by DuckDB on each Arrow batch, and
    `pf_strip_accents(a)` and `pf_upper_strip_accents(a)` the same way (Spark has no strip_accents, and Java
    upper-cases `ß` to `SS` where DuckDB keeps it: ingest folds names and addresses with them).

    Not Splink's Scala function (JOHNSON/JOHSON: 0.928 in DuckDB, under 0.92 there) nor rapidfuzz's (VAN DER
    BERG/VNADERBERG: 0.92 in DuckDB, 0.9199999999999999 there, the other side of the 0.92 level): the same
    implementation is the only way the same pairs land on the same level.
    """
    for name, (expression, columns, returns) in DUCKDB_FUNCTIONS.items():
        session.udf.register(name, _duckdb_on_batches(expression, columns, returns))


# Spark SQL functions computed by DuckDB on each Arrow batch: name -> (DuckDB expression over the batch's
# columns, those columns, Spark's type of the result)
DUCKDB_FUNCTIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "pf_jaro_winkler": ("jaro_winkler_similarity(a, b)", ("a", "b"), "double"),
    "pf_strip_accents": ("strip_accents(a)", ("a",), "string"),
    "pf_upper_strip_accents": ("upper(strip_accents(a))", ("a",), "string"),
}


def _duckdb_on_batches(expression: str, columns: tuple[str, ...], returns: str) -> Any:
    """A pandas UDF that hands each batch to an in-memory DuckDB and returns `expression` over it."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    def on_batch(*batch: pd.Series) -> pd.Series:
        with duckdb.connect() as con:
            con.register("batch", pd.DataFrame(dict(zip(columns, batch, strict=True))))
            return con.sql(f"SELECT {expression} AS s FROM batch").df()["s"]

    # pandas_udf reads the hints as types, not the strings `from __future__ import annotations` leaves
    on_batch.__annotations__ = {"batch": pd.Series, "return": pd.Series}
    return pandas_udf(on_batch, returns)


def spark_errors() -> tuple[type[Exception], ...]:
    """What Spark raises for a statement it cannot run: its own errors, and the JVM's as py4j passes them on."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return (PySparkException, Py4JError)


def _session_alive(session: Any) -> bool:
    return session.sparkContext._jsc is not None


def stop_spark() -> None:
    """Stop the process's session (tests and benchmarks that start one with other settings)."""
    global _session
    if _session is not None:
        _session.stop()
        _session = None


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_uri(location: str | Path) -> bool:
    """Whether extracts are given as a URI (`s3a://bucket/folder`, `hdfs://...`, `file:///...`), not a local path."""
    return isinstance(location, str) and bool(_URI.match(location))


class RemoteFolderError(RuntimeError):
    """A folder at a URI cannot be listed or read; the message names it and the filesystem's reason."""


class RemoteFolder:
    """A folder at a URI Spark reads, listed and read through Hadoop's FileSystem API of the Spark session (the
    JVM's, never Python's): the same schemes, credentials and settings as Spark's own reads (`spark.hadoop.*`,
    e.g. `fs.s3a.*` for S3)."""

    def __init__(self, uri: str, settings: SparkSettings, scratch: Path) -> None:
        session = spark_session(settings, scratch)
        self.uri = uri.rstrip("/")
        self._jvm = session.sparkContext._jvm
        try:
            root = self._jvm.org.apache.hadoop.fs.Path(self.uri)
            self._fs = root.getFileSystem(session.sparkContext._jsc.hadoopConfiguration())
            is_folder = self._fs.getFileStatus(root).isDirectory()
        except spark_errors() as exc:
            raise RemoteFolderError(f"{self.uri}: cannot be read ({_first_reason(exc)})") from None
        if not is_folder:
            raise RemoteFolderError(f"{self.uri}: is not a folder of extracts")

    def entries(self, folder: str = "") -> dict[str, tuple[bool, int]]:
        """Each name in the folder (or its sub-folder `folder`): (whether it is a regular file, its bytes)."""
        try:
            found = self._fs.listStatus(self._path(folder))
            return {s.getPath().getName(): (bool(s.isFile()), int(s.getLen())) for s in found}
        except spark_errors() as exc:
            raise RemoteFolderError(f"{self._name(folder)}: cannot be listed ({_first_reason(exc)})") from None

    def fetch(self, name: str, target: Path) -> None:
        """Copy one file to `target` on this machine, streamed by the JVM (no `.crc` file beside it)."""
        try:
            self._fs.copyToLocalFile(False, self._path(name), self._jvm.org.apache.hadoop.fs.Path(target.as_uri()),
                                     True)
        except spark_errors() as exc:
            raise RemoteFolderError(f"{self._name(name)}: cannot be read ({_first_reason(exc)})") from None

    def _name(self, name: str) -> str:
        return f"{self.uri}/{name}" if name else self.uri

    def _path(self, name: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(self._name(name))


def _first_reason(exc: Exception) -> str:
    """The Java exception's own line (py4j's first line only names the call that failed)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
    return next((line for line in lines if "Exception:" in line), lines[0])[:300]

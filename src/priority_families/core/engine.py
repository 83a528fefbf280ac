"""The engine seam: the one place that knows which SQL engine runs our set-based work.

Domain code asks a `Workspace` for a connection and writes SQL in DuckDB's dialect; code that must also
run on Spark generates SQL through `transpile`, so the dialect is chosen here and nowhere else.

Publishing is atomic: a run works on a staging copy of the store and replaces the published file only
when the whole run has succeeded, so readers never see a half-published refresh. Every published store is
kept under `refreshes/REFRESH_ID.duckdb` (a hard link to the file just published, so keeping it costs no copy):
a later publish replaces `store.duckdb` with a new file and never touches a kept one.

Every file here holds personal data, so the workspace folder and what is created in it are owner-only
(`core.files`). A run killed mid-publish leaves its staging copy behind; the next publish removes every
stale one under the publish lock (no other run can be using it then).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from priority_families.core.config import Settings
from priority_families.core.files import make_private, owner_only, private_dir
from priority_families.core.sql import has_table

STORE_FILE = "store.duckdb"
ARCHIVE_DIR = "refreshes"
STAGING_PREFIX = ".staging-"


def transpile(sql: str, dialect: str = "duckdb") -> str:
    """Turn SQL written in DuckDB's dialect into `dialect` (e.g. 'spark').

    For Spark, the few DuckDB functions sqlglot does not map are rewritten too (`_for_spark`): Jaro-Winkler
    goes to `pf_jaro_winkler` (DuckDB's own function run on each batch, `core.spark`: Splink's Scala one
    differs, JOHNSON/JOHSON 0.928 here and under 0.92 there), damerau_levenshtein to Splink's Scala
    function, list functions to Spark's array functions, `hamming` to a count of differing characters; all
    NULL on a NULL input, as in DuckDB. The SQL stays written once, in DuckDB's dialect.
    """
    if dialect == "duckdb":
        return sql
    tree = sqlglot.parse_one(sql, read="duckdb")
    if dialect == "spark":
        tree = tree.transform(_for_spark)
    return tree.sql(dialect=dialect, pretty=False)


_LISTS = (exp.ArrayIntersect, exp.ArrayDistinct, exp.Split, exp.Array)
_SPARK_NAMES = {"list_intersect": "array_intersect", "list_distinct": "array_distinct",
                "jaro_winkler_similarity": "jaro_winkler"}
# Characters that differ position by position; DuckDB's hamming is only defined on equal lengths.
_HAMMING = ("size(filter(sequence(1, greatest(length({a}), 1)), "
            "i -> substr({a}, i, 1) <> substr({b}, i, 1)))")


def _null_safe(a: exp.Expression, b: exp.Expression, sql: str) -> exp.Expression:
    """`sql` over `a` and `b`, NULL when either is (DuckDB's meaning; Splink's Scala functions and the
    hamming rewrite would otherwise answer a number for a missing value)."""
    left, right = a.sql(dialect="spark"), b.sql(dialect="spark")
    return sqlglot.parse_one(f"CASE WHEN {left} IS NULL OR {right} IS NULL THEN NULL ELSE "
                             f"{sql.format(a=left, b=right)} END", read="spark")


def _for_spark(node: exp.Expression) -> exp.Expression:
    """One node of a DuckDB-dialect tree rewritten where Spark's meaning or name differs."""
    text = _text_for_spark(node)
    if text is not node:
        return text
    if isinstance(node, exp.JarowinklerSimilarity):
        return _null_safe(node.this, node.expression, "pf_jaro_winkler({a}, {b})")
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("hamming", "damerau_levenshtein"):
        a, b = node.expressions
        sql = _HAMMING if node.name.lower() == "hamming" else "damerau_levenshtein({a}, {b})"
        return _null_safe(a, b, sql)
    if isinstance(node, exp.Anonymous) and node.name.lower() in _SPARK_NAMES:
        return exp.Anonymous(this=_SPARK_NAMES[node.name.lower()], expressions=node.expressions)
    if isinstance(node, exp.In) and isinstance(node.args.get("query"), exp.Subquery):
        select = node.args["query"].this
        if isinstance(select, exp.Select) and len(select.expressions) == 1 and isinstance(
                select.expressions[0], exp.Tuple):  # (a, b) IN (SELECT (x, y) ...): two columns, not a struct
            select.set("expressions", select.expressions[0].expressions)
        return node
    if isinstance(node, exp.Table) and isinstance(node.this, exp.GenerateSeries):  # FROM range(a, b) t(y)
        series = node.this
        end = series.args["end"] if series.args.get("is_end_exclusive") else exp.Add(
            this=series.args["end"], expression=exp.Literal.number(1))
        return exp.Table(this=exp.Anonymous(this="range", expressions=[series.args["start"], end]),
                         alias=node.args.get("alias"))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "to_months":  # a month interval, month-end clamped
        return exp.Anonymous(this="make_ym_interval", expressions=[exp.Literal.number(0), *node.expressions])
    if isinstance(node, exp.First) and isinstance(node.this, exp.Order):
        return _first_by(node.this)
    if isinstance(node, exp.Length) and (isinstance(node.this, _LISTS) or (
            isinstance(node.this, exp.Anonymous) and node.this.name.lower() in _SPARK_NAMES)):
        return exp.ArraySize(this=node.this.transform(_for_spark))
    return node


# RE2 (DuckDB) and Java (Spark) read these pattern escapes differently: Java's \\s also takes a vertical tab and
# its \\v is every vertical space; written out, both engines match the same characters.
_JAVA_PATTERN = ((r"\s", r"[\t\n\f\r ]"), (r"\v", r"\x0B"))
_DUCKDB_FUNCTIONS = {"strip_accents": "pf_strip_accents"}  # run by DuckDB on Spark (core.spark)


def _pattern(node: exp.Expression, full: bool = False) -> exp.Expression:
    """A regular expression literal as Java reads it like RE2 does; with `full`, anchored at both ends
    (DuckDB's regexp_full_match; Java's `$` would also match before a final line break, `\\z` does not)."""
    if not (isinstance(node, exp.Literal) and node.is_string):
        raise ValueError(f"a regular expression must be a literal to run on Spark, not {node.sql('duckdb')}")
    text = node.this
    for re2, java in _JAVA_PATTERN:
        text = text.replace(re2, java)
    return exp.Literal.string(f"^(?:{text})\\z" if full else text)


def _spark(node: exp.Expression | None) -> exp.Expression | None:
    return node.transform(_for_spark) if node is not None else None


def _text_for_spark(node: exp.Expression) -> exp.Expression:
    """The text functions ingest standardises with (`ingest.standardise`, `ingest.checks`), where Spark's name,
    arguments or meaning differ from DuckDB's; `node` itself when it is none of them."""
    if isinstance(node, exp.RegexpFullMatch | exp.RegexpLike):
        return exp.RegexpLike(this=_spark(node.this),
                              expression=_pattern(node.expression, isinstance(node, exp.RegexpFullMatch)))
    if isinstance(node, exp.RegexpReplace):
        return _regexp_replace(node)
    if isinstance(node, exp.RegexpExtract) and isinstance(node.args.get("group"), exp.Array):
        this, pattern = _spark(node.this), _pattern(node.expression)
        fields = [part for i, name in enumerate(node.args["group"].expressions, start=1) for part in (
            name.copy(), exp.RegexpExtract(this=this.copy(), expression=pattern.copy(), group=exp.Literal.number(i)))]
        return exp.Anonymous(this="named_struct", expressions=fields)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "try_strptime":
        value, form = node.expressions
        if form.this != "%Y-%m-%d":
            raise ValueError(f"try_strptime with {form.this} has no Spark form here (only %Y-%m-%d)")
        return sqlglot.parse_one(f"to_date({_spark(value).sql('spark')}, 'yyyy-MM-dd')", read="spark")
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_sum":
        values = _spark(node.expressions[0]).sql("spark")
        return sqlglot.parse_one(f"aggregate({values}, CAST(0 AS BIGINT), (a, b) -> a + b)", read="spark")
    if isinstance(node, exp.Upper) and isinstance(node.this, exp.Anonymous) and node.this.name.lower() == "strip_accents":
        return exp.Anonymous(this="pf_upper_strip_accents", expressions=[_spark(node.this.expressions[0])])
    if isinstance(node, exp.Anonymous) and node.name.lower() in _DUCKDB_FUNCTIONS:
        return exp.Anonymous(this=_DUCKDB_FUNCTIONS[node.name.lower()], expressions=[_spark(e) for e in node.expressions])
    if isinstance(node, exp.JSONObject):  # DuckDB's json_object keeps a NULL value as null
        pairs = ", ".join(f"{kv.this.sql('spark')}, {_spark(kv.expression).sql('spark')}" for kv in node.expressions)
        return sqlglot.parse_one(f"to_json(named_struct({pairs}), map('ignoreNullFields', 'false'))", read="spark")
    if isinstance(node, exp.TryCast | exp.Cast) and node.to.this == exp.DataType.Type.INT128:
        return node.__class__(this=_spark(node.this), to=exp.DataType.build("DECIMAL(38, 0)"), safe=node.args.get("safe"))
    return node


def _regexp_replace(node: exp.RegexpReplace) -> exp.Expression:
    """DuckDB's regexp_replace on Spark: back-references `\\1` become `$1`; Spark replaces every match, so a
    DuckDB replace of the first match only must be anchored (`^...`), where first and every are the same."""
    modifiers = node.args.get("modifiers")
    pattern = _pattern(node.expression)
    if not (modifiers is not None and "g" in modifiers.this) and not pattern.this.startswith("^"):
        raise ValueError(f"regexp_replace of the first match only has no Spark form unless anchored: {pattern.this}")
    replacement = node.args.get("replacement")
    if isinstance(replacement, exp.Literal):
        replacement = exp.Literal.string(re.sub(r"\\([0-9])", r"$\1", replacement.this))
    return exp.RegexpReplace(this=_spark(node.this), expression=pattern, replacement=replacement)


def _first_by(order: exp.Order) -> exp.Expression:
    """DuckDB's `first(x ORDER BY k1 DESC, k2)` (Spark has no ordered aggregate) as `min_by(x, (-k1, k2))`:
    the value of the row first in that order. A descending key must be a number (a count, a sum)."""
    keys = [exp.Neg(this=exp.Paren(this=o.this)) if o.args.get("desc") else o.this
            for o in order.expressions]
    return exp.Anonymous(this="min_by", expressions=[order.this, exp.Anonymous(this="struct", expressions=keys)])


class StatementError(RuntimeError):
    """A stage's statement failed on its engine; the message names the statement and the engine's reason."""


STAGES_TABLE = "refresh_stages"


@contextmanager
def stage_executor(con: duckdb.DuckDBPyConnection, settings: Settings, work_dir: Path,
                   stage: str, record: bool = True, keep_working: bool = False) -> Iterator[Any]:
    """What a stage sends its SQL to: the store's connection, or on `engine: spark` a `SparkExecutor` over
    Parquet copies of the store's tables in `work_dir`, whose lasting tables go back into the store when
    the stage has succeeded, and with `keep_working` its working tables as TEMP tables (an evaluation on a
    read-only store: its outputs are temporary, and its callers read them). With `record`, writes which engine ran the stage
    (`refresh_stages`): the proof that a Spark run did not quietly run a stage on DuckDB."""
    if settings.engine != "spark":
        yield con
        if record:
            record_stage(con, stage, "duckdb")
        return
    from priority_families.core.spark import spark_session
    from priority_families.core.spark_sql import SparkExecutor

    executor = SparkExecutor(con, spark_session(settings.spark, work_dir),
                             work_dir / f"stage-{stage}-{uuid.uuid4().hex[:12]}")
    try:
        yield executor
        executor.publish(keep_working)
        if record:
            record_stage(con, stage, executor.engine, executor.statements)
    finally:
        executor.close()


def record_stage(con: duckdb.DuckDBPyConnection, stage: str, engine: str, statements: int | None = None) -> None:
    """Record the engine that ran a stage (and how many statements it sent there): `stage_executor` does so for
    its stages, and a stage not sent through it (linkage: its linker's engine) calls this itself."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {STAGES_TABLE} (stage VARCHAR, engine VARCHAR, statements INTEGER)")
    con.execute(f"DELETE FROM {STAGES_TABLE} WHERE stage = ?", [stage])
    con.execute(f"INSERT INTO {STAGES_TABLE} VALUES (?, ?, ?)", [stage, engine, statements])


class StoreError(RuntimeError):
    """A store operation failed; the published store is unchanged."""


class Workspace:
    """A folder holding the published store (`store.duckdb`), the latest rejects and run outputs."""

    def __init__(self, settings: Settings | None = None, path: Path | str | None = None) -> None:
        self.settings = settings or Settings()
        self.path = Path(path) if path is not None else self.settings.workspace
        private_dir(self.path)

    @property
    def store_path(self) -> Path:
        return self.path / STORE_FILE

    def exists(self) -> bool:
        return self.store_path.exists()

    def _configure(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        if self.settings.threads:
            con.execute(f"SET threads = {int(self.settings.threads)}")
        if self.settings.memory_limit:
            con.execute(f"SET memory_limit = '{self.settings.memory_limit}'")
        con.execute("SET preserve_insertion_order = true")
        return con

    def connect(self, read_only: bool = True, refresh_id: str | None = None) -> duckdb.DuckDBPyConnection:
        """A connection to the published store, or (read-only) to the kept store of an earlier refresh."""
        if refresh_id is not None:
            path = self.archive_path(refresh_id)
            if not path.exists():
                raise StoreError(f"no published refresh {refresh_id} in {self.path / ARCHIVE_DIR}")
            return self._configure(duckdb.connect(str(path), read_only=True))
        if not self.exists():
            raise StoreError(f"no store in {self.path}: run `pf ingest` or `pf identify` first")
        return self._configure(duckdb.connect(str(self.store_path), read_only=read_only))

    def archive_path(self, refresh_id: str) -> Path:
        return self.path / ARCHIVE_DIR / f"{refresh_id}.duckdb"

    def archived(self) -> list[str]:
        """The ids of every refresh kept in this workspace."""
        folder = self.path / ARCHIVE_DIR
        return sorted(p.stem for p in folder.glob("*.duckdb")) if folder.is_dir() else []

    def _archive(self, refresh_id: str | None) -> None:
        """Keep the store just published under its refresh id (the same refresh re-linked replaces its copy)."""
        if refresh_id is None:
            return
        target = self.archive_path(refresh_id)
        private_dir(target.parent)
        linked = target.with_suffix(".linking")
        linked.unlink(missing_ok=True)
        os.link(self.store_path, linked)
        os.replace(linked, target)

    @contextmanager
    def rewriting_kept(self, refresh_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A kept refresh rewritten whole (copy, change, replace), under the publish lock.

        Kept refreshes are never changed, with one exception: erasing personal data past its retention period
        (`governance.retention`), an explicit and logged act. On any exception the kept file is untouched.
        """
        target = self.archive_path(refresh_id)
        if not target.exists():
            raise StoreError(f"no published refresh {refresh_id} in {self.path / ARCHIVE_DIR}")
        staging = target.with_suffix(".erasing")
        with open(self.path / ".publish.lock", "w") as lock, owner_only():
            fcntl.flock(lock, fcntl.LOCK_EX)
            shutil.copyfile(target, staging)
            con = self._configure(duckdb.connect(str(staging)))
            try:
                yield con
                con.execute("CHECKPOINT")
                con.close()
                os.replace(staging, target)
            except BaseException:
                con.close()
                staging.unlink(missing_ok=True)
                Path(str(staging) + ".wal").unlink(missing_ok=True)
                raise

    def _remove_stale_staging(self) -> None:
        """Delete staging copies (and their WAL) left by killed runs; called holding the publish lock."""
        for stale in self.path.glob(f"{STAGING_PREFIX}*.duckdb*"):
            stale.unlink(missing_ok=True)

    @contextmanager
    def publishing(self, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Yield a connection to a staging copy of the store; publish it atomically on success.

        `fresh=True` starts from an empty store with the published one attached read-only as
        `previous` (when there is one), and at the end carries over every table of it that the run did
        not recreate (review decisions, id history, ledgers), so nothing is lost.
        On any exception the staging copy is deleted and the published store is untouched.
        """
        lock_path = self.path / ".publish.lock"
        staging = self.path / f"{STAGING_PREFIX}{os.getpid()}.duckdb"
        with open(lock_path, "w") as lock, owner_only():
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._remove_stale_staging()
            make_private(self.store_path)  # a store published before files were owner-only
            if self.exists() and not fresh:
                shutil.copyfile(self.store_path, staging)
                make_private(staging)
            con = self._configure(duckdb.connect(str(staging)))
            carry = fresh and self.exists()
            try:
                if carry:
                    con.execute(f"ATTACH '{self.store_path}' AS previous (READ_ONLY)")
                yield con
                if carry:
                    _carry_over(con)
                refresh_id = _refresh_id(con)
                con.execute("CHECKPOINT")
                con.close()
                os.replace(staging, self.store_path)
                self._archive(refresh_id)
            except BaseException:
                con.close()
                staging.unlink(missing_ok=True)
                Path(str(staging) + ".wal").unlink(missing_ok=True)
                raise


def _refresh_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The id of the refresh a store holds (ingest writes it to `refresh`); None for a store without one."""
    rows = con.execute("SELECT refresh_id FROM refresh").fetchall() if has_table(con, "refresh") else []
    return rows[0][0] if rows else None


def _carry_over(con: duckdb.DuckDBPyConnection) -> None:
    """Copy tables from the attached previous store that the new run did not create."""
    try:
        made = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()}
        old = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'previous'"
        ).fetchall()]
        for table in old:
            if table not in made:
                con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM previous."{table}"')
    finally:
        con.execute("DETACH previous")

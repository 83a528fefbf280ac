"""A stage's SQL run on Spark: the DuckDB-dialect statements a stage writes, executed statement by statement.

A stage (households, identification) is written once, as DuckDB SQL sent to `con.execute(sql, params)`. On
`engine: spark` the stage gets a `SparkExecutor` in place of the connection (`core.engine.stage_executor`):

- every table the stage reads is copied once from the store to Parquet in the stage's work folder and read by
  Spark from there (the previous refresh's tables too, `"previous".main.x` becoming a view of its own);
- every SELECT is transpiled through `core.engine.transpile`; `CREATE [TEMP] TABLE AS`, `CREATE TABLE (...)`,
  `INSERT`, `UPDATE ... FROM`, `DELETE` and `DROP` are carried out as Spark writes a new Parquet version of
  the table (Spark's tables from files are not updated in place);
- catalogue questions (`duckdb_tables()`, `current_database()`) are answered by the store;
- at the end (`publish`), every lasting table the stage created or changed is copied into the store, so the
  published refresh stays the one DuckDB store.

A failed statement raises `StatementError` naming the statement and Spark's first line, never a Java stack.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from priority_families.core.engine import StatementError, transpile
from priority_families.core.spark import spark_errors
from priority_families.core.sql import has_table, quote_ident, sql_str

_CATALOGUE = re.compile(r"\bduckdb_\w+\s*\(|\bcurrent_database\s*\(|\(DESCRIBE\b", re.IGNORECASE)
_HIT = "__pf_hit"
_ROW = "__pf_row"


class SparkResult:
    """The rows of a query, as DuckDB's `execute(...).fetchall()` / `.description` give them."""

    def __init__(self, rows: list[tuple], names: list[str]) -> None:
        self._rows = rows
        self.description = [(name,) for name in names]

    def fetchall(self) -> list[tuple]:
        return self._rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None


def bind(sql: str, params: list[Any] | tuple | None) -> str:
    """`sql` with each `?` outside string literals replaced by its parameter as a DuckDB literal."""
    if not params:
        return sql
    parts = re.split(r"('(?:[^']|'')*')", sql)  # odd parts are string literals
    wanted = sum(parts[i].count("?") for i in range(0, len(parts), 2))
    if wanted != len(params):
        raise ValueError(f"the statement takes {wanted} parameters, {len(params)} given")
    values = iter(params)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"\?", lambda _m: _literal(next(values)), parts[i])
    return "".join(parts)


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return f"TIMESTAMP {sql_str(value.isoformat(sep=' '))}"
    if isinstance(value, date):
        return f"DATE {sql_str(value.isoformat())}"
    return sql_str(str(value))


class SparkExecutor:
    """Runs a stage's DuckDB-dialect statements on Spark, over Parquet copies of the store's tables."""

    engine = "spark"

    def __init__(self, store: duckdb.DuckDBPyConnection, spark: Any, folder: Path) -> None:
        self.store = store
        self.spark = spark
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.statements = 0  # statements Spark ran (the refresh records it: no silent fall-back to DuckDB)
        self._views: dict[str, bool] = {}  # Spark views of this stage -> lasting (copied to the store at the end)
        self._paths: dict[str, Path] = {}
        self._created: dict[str, bool] = {}  # tables this stage created -> lasting (not TEMP)
        self._dropped: set[str] = set()
        self._version = 0
        self._database = store.execute("SELECT current_database()").fetchall()[0][0]

    # --- the connection's face ------------------------------------------------------------------------------

    def execute(self, sql: str, params: list[Any] | tuple | None = None) -> SparkResult:
        """Run one statement (DuckDB dialect, `?` parameters) on Spark."""
        sql = bind(sql, params)
        if _CATALOGUE.search(sql):
            rows = self.store.execute(sql)
            return SparkResult(rows.fetchall(), [d[0] for d in rows.description])
        tree = sqlglot.parse_one(sql, read="duckdb")
        try:
            return self._run(tree)
        except (*spark_errors(), duckdb.Error) as exc:  # one line, with the statement
            raise StatementError(f"on Spark: {_reason(exc)}\n  in: {sql.strip()[:500]}") from None

    def holds(self, name: str, database: str | None = None) -> bool:
        """`core.sql.has_table` for this stage: its own tables, else the store's."""
        if database is None and name in self._views:
            return True
        if database is None and name in self._dropped:
            return False
        return has_table(self.store, name, database)

    # --- statements -----------------------------------------------------------------------------------------

    def _run(self, tree: exp.Expression) -> SparkResult:
        temporary = any(True for _ in tree.find_all(exp.TemporaryProperty))
        if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
            return self._create_empty(tree, lasting=not temporary)
        if isinstance(tree, exp.Create):
            self._created[tree.this.name] = not temporary
            self._write(tree.this.name, self._frame(tree.expression), lasting=not temporary)
            return SparkResult([], [])
        if isinstance(tree, exp.Drop):
            for table in tree.args.get("tables") or [tree.this]:
                self._drop(table.name)
            return SparkResult([], [])
        if isinstance(tree, exp.Insert):
            return self._insert(tree)
        if isinstance(tree, exp.Update):
            return self._update(tree)
        if isinstance(tree, exp.Delete):
            name = tree.this.name
            keep = exp.not_(exp.func("coalesce", tree.args["where"].this, exp.false()))
            self._write(name, self._frame(exp.select("*").from_(name).where(keep)), self._lasting(name))
            return SparkResult([], [])
        frame = self._frame(tree)
        return SparkResult([tuple(r) for r in frame.collect()], list(frame.columns))

    def _frame(self, query: exp.Expression) -> Any:
        """A Spark DataFrame for a DuckDB-dialect query over this stage's tables."""
        query = self._expand_replace(self._resolve(query.copy()))
        self.statements += 1
        return self.spark.sql(transpile(query.sql(dialect="duckdb"), "spark"))

    def _create_empty(self, tree: exp.Create, lasting: bool) -> SparkResult:
        columns = [f"CAST(NULL AS {c.args['kind'].sql(dialect='duckdb')}) AS {quote_ident(c.name)}"
                   for c in tree.this.expressions if isinstance(c, exp.ColumnDef)]
        empty = sqlglot.parse_one(f"SELECT {', '.join(columns)} WHERE FALSE", read="duckdb")
        self._created[tree.this.this.name] = lasting
        self._write(tree.this.this.name, self._frame(empty), lasting=lasting)
        return SparkResult([], [])

    def _insert(self, tree: exp.Insert) -> SparkResult:
        name = tree.this.name
        target = self._table(name)
        added = self._frame(tree.expression)
        if not tree.args.get("by_name"):
            added = added.toDF(*target.columns)
        added = _cast_to(added, target)
        self._write(name, target.unionByName(added), self._lasting(name))
        return SparkResult([], [])

    def _update(self, tree: exp.Update) -> SparkResult:
        """`UPDATE t SET c = e FROM s WHERE cond` as a new version of t: each row joined to the first row of s
        it matches (DuckDB updates a row once), its set columns replaced where it matched."""
        name = tree.this.name
        target = self._table(name)
        sets = {eq.this.name: eq.expression for eq in tree.expressions}
        where = tree.args["where"].this if tree.args.get("where") else exp.true()
        source = tree.args.get("from_") or tree.args.get("from")
        numbered = f"(SELECT *, monotonically_increasing_id() AS {_ROW} FROM {name}) AS {name}"
        if source is not None:
            src = source.this.copy()
            alias = src.alias_or_name
            src.set("alias", None)
            body = src.this if isinstance(src, exp.Subquery) else src
            joined = (f"{numbered} LEFT JOIN (SELECT *, TRUE AS {_HIT} FROM ({body.sql(dialect='duckdb')})) "
                      f"AS {alias} ON {where.sql(dialect='duckdb')}")
            hit = f"{alias}.{_HIT}"
        else:
            joined, hit = numbered, f"({where.sql(dialect='duckdb')})"
        picked = ", ".join(f"{e.sql(dialect='duckdb')} AS __pf_set_{c}" for c, e in sets.items())
        select = sqlglot.parse_one(
            f"SELECT {name}.*, COALESCE({hit}, FALSE) AS {_HIT}, {picked} FROM {joined}", read="duckdb")
        rows = self._frame(select).dropDuplicates([_ROW])
        columns = [f"CASE WHEN {_HIT} THEN __pf_set_{c} ELSE `{c}` END AS `{c}`"
                   if c in sets else f"`{c}`" for c in target.columns]
        updated = rows.selectExpr(*columns)
        updated = _cast_to(updated, target)
        self._write(name, updated, self._lasting(name))
        return SparkResult([], [])

    def _drop(self, name: str) -> None:
        if name in self._views:
            self.spark.catalog.dropTempView(name)
            del self._views[name]
        self._created.pop(name, None)
        if has_table(self.store, name):
            self._dropped.add(name)

    # --- tables ---------------------------------------------------------------------------------------------

    def _lasting(self, name: str) -> bool:
        """Whether a table changed here goes back to the store: it was made lasting here, or is the store's."""
        return self._created[name] if name in self._created else not _is_temp(self.store, name)

    def _table(self, name: str) -> Any:
        self._resolve(sqlglot.parse_one(f"SELECT * FROM {quote_ident(name)}", read="duckdb"))
        return self.spark.table(name)

    def _write(self, name: str, frame: Any, lasting: bool) -> None:
        """A new Parquet version of `name` in the work folder (the old one may be what `frame` reads: Spark's
        tables from files are never updated in place), registered as its view. Parquet, not Spark's local
        checkpoints: a union of two checkpointed tables loses its columns (Spark 4: "key not found")."""
        self._version += 1
        path = self.folder / f"t-{name}.{self._version}"  # Hadoop skips names starting _ or .
        frame.write.parquet(str(path))
        frame = self.spark.read.parquet(str(path))
        self._paths[name] = path
        frame.createOrReplaceTempView(name)
        self._views[name] = lasting
        self._dropped.discard(name)

    def _resolve(self, tree: exp.Expression) -> exp.Expression:
        """Every table the query reads made a Spark view (copied once from the store); a table of another
        database (`"previous".main.x`) gets a view of its own name."""
        ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        for table in list(tree.find_all(exp.Table)):
            if not table.name or isinstance(table.this, exp.Func) or (not table.catalog and table.name in ctes):
                continue
            own = not table.catalog or (table.catalog == self._database and table.db in ("", "main"))
            view = table.name if own else f"{table.catalog}__{table.db or 'main'}__{table.name}"
            if view not in self._views:
                source = quote_ident(table.name) if own else ".".join(
                    quote_ident(p) for p in (table.catalog, table.db or "main", table.name))
                self._import(view, source)
            if table.catalog or table.db:
                alias = table.alias or table.name
                table.replace(exp.to_table(view).as_(alias) if alias else exp.to_table(view))
        return tree

    def _import(self, view: str, source: str) -> None:
        """A store table copied to Parquet and registered in Spark (not copied back unless changed here)."""
        path = self.folder / f"store-{view}.parquet"  # never _name: Hadoop skips it
        self.store.execute(f"COPY (SELECT * FROM {source}) TO {sql_str(path)} (FORMAT parquet)")
        self.spark.read.parquet(str(path)).createOrReplaceTempView(view)
        self._views[view] = False
        self._paths[view] = path

    def _expand_replace(self, tree: exp.Expression) -> exp.Expression:
        """`t.* REPLACE (e AS c)` (which Spark lacks) as t's columns in order, c given by e."""
        for star in list(tree.find_all(exp.Star)):
            replace = star.args.get("replace")
            column = star.parent
            if not replace or not isinstance(column, exp.Column):
                continue
            select = column.find_ancestor(exp.Select)
            tables = {t.alias_or_name: t.name for t in select.find_all(exp.Table)}
            names = self.spark.table(tables[column.table]).columns
            given = {e.alias: e.this for e in replace}
            expanded = [given[n].copy().as_(n) if n in given else exp.column(n, column.table) for n in names]
            position = select.expressions.index(column)
            select.set("expressions", select.expressions[:position] + expanded + select.expressions[position + 1:])
        return tree

    # --- the end of the stage -------------------------------------------------------------------------------

    def publish(self, keep_working: bool = False) -> list[str]:
        """Copy every lasting table made or changed here into the store (types of a table the store already
        had are kept), with `keep_working` every working table too as a TEMP table; drop what the stage
        dropped; return the tables copied."""
        copied = []
        working = [n for n, lasting in self._created.items() if not lasting and n in self._views]
        for name in working if keep_working else []:
            self.store.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} AS "
                               f"SELECT * FROM read_parquet({sql_str(self._paths[name] / '*.parquet')})")
            copied.append(name)
        for name in sorted(n for n, lasting in self._views.items() if lasting):
            files = sql_str(self._paths[name] / "*.parquet")
            columns = "*"
            if has_table(self.store, name):
                types = dict(self.store.execute(f"SELECT column_name, column_type FROM (DESCRIBE {quote_ident(name)})")
                             .fetchall())
                columns = ", ".join(f"CAST({quote_ident(c)} AS {types[c]}) AS {quote_ident(c)}"
                                    if c in types else quote_ident(c) for c in self.spark.table(name).columns)
            self.store.execute(f"CREATE OR REPLACE TABLE {quote_ident(name)} AS SELECT {columns} "
                               f"FROM read_parquet({files})")
            copied.append(name)
        for name in sorted(self._dropped):
            self.store.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
        return copied

    def close(self) -> None:
        for view in list(self._views):
            self.spark.catalog.dropTempView(view)
        self._views.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


def _cast_to(frame: Any, target: Any) -> Any:
    """`frame`'s columns cast to `target`'s types, by name (as SQL text: no column objects of another plan)."""
    return frame.selectExpr(*[f"CAST(`{f.name}` AS {f.dataType.simpleString()}) AS `{f.name}`"
                              for f in target.schema.fields])


def _reason(exc: Exception) -> str:
    """The line of an engine error that says why: Py4J's first line only says which call failed, the Java
    exception's own line follows it."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()] or [type(exc).__name__]
    cause = next((line for line in lines if "Exception:" in line or "Error:" in line), lines[0])
    return cause[:300]


def _is_temp(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return has_table(con, name, "temp")

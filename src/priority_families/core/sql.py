"""The small SQL pieces every stage needs, written once: quoting, "does this table exist", loading rows.

Everything here is dialect-neutral text or a DuckDB catalogue question; nothing knows a table of ours.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq


def quote_ident(name: str) -> str:
    """A SQL identifier, quoted (a column named like a keyword, or with a space, stays one name)."""
    return '"' + name.replace('"', '""') + '"'


def sql_str(value: str | Path) -> str:
    """A SQL string literal (a path to COPY to, a plan id, a label)."""
    return "'" + str(value).replace("'", "''") + "'"


def in_list(values: Iterable[str]) -> str:
    """('a', 'b') for an IN test; an empty list gives a list that matches nothing."""
    items = [sql_str(v) for v in values]
    return "(" + (", ".join(items) if items else "NULL") + ")"


def has_table(con: duckdb.DuckDBPyConnection, name: str, database: str | None = None) -> bool:
    """Whether the store (`database`, default the current one; temp tables count) holds table `name`.

    A stage running on Spark (`core.spark_sql.SparkExecutor`) answers for its own tables (`holds`).
    """
    holds = getattr(con, "holds", None)
    if holds is not None:
        return bool(holds(name, database))
    if database is None:
        where = "database_name IN (current_database(), 'temp')"
        params: list[str] = [name]
    else:
        where, params = "database_name = ?", [database, name]
    return bool(con.execute(
        f"SELECT count(*) FROM duckdb_tables() WHERE {where} AND table_name = ?", params
    ).fetchall()[0][0])


def load_rows(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str], rows: Sequence[Sequence]) -> None:
    """Create temp table `name` with these typed columns from rows held in Python (case-record rows beside a
    refresh): one columnar hand-over to the engine, no row-by-row inserts.

    The rows go through a Parquet file of this call's own (owner-only, removed at once), not a registered
    Python object: DuckDB registers Python scans on the database that every connection to one file in this
    process shares, so two request threads handing over rows at once could fail ("pandas_scan does not
    exist"). A file has no such shared state, whatever the threads or processes.
    """
    names = list(columns)
    frame = pa.table({c: _typed(pa.array([_plain(r[i]) for r in rows])) for i, c in enumerate(names)})
    cols = ", ".join(f"CAST({quote_ident(c)} AS {t}) AS {quote_ident(c)}" for c, t in columns.items())
    with tempfile.TemporaryDirectory(prefix="pf-rows-") as folder:  # created 0700
        path = Path(folder) / "rows.parquet"
        pq.write_table(frame, path)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} AS SELECT {cols} "
                    f"FROM read_parquet({sql_str(path)})")


def _typed(values: pa.Array) -> pa.Array:
    """A column with no value at all (no rows, or only NULLs) as text, which every engine casts to the column's
    type (arrow's null type reads back as an integer on Spark, which will not cast to a date)."""
    return values.cast(pa.string()) if pa.types.is_null(values.type) else values


def _plain(value: object) -> object:
    """Values arrow reads without guessing: Decimal money as text (cast back by the column's SQL type)."""
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else value


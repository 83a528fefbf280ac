"""The small SQL pieces every stage needs, written once: quoting, "does this table exist", loading rows.

Everything here is dialect-neutral text or a DuckDB catalogue question; nothing knows a table of ours.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa


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
    """Whether the store (`database`, default the current one; temp tables count) holds table `name`."""
    if database is None:
        where = "database_name IN (current_database(), 'temp')"
        params: list[str] = [name]
    else:
        where, params = "database_name = ?", [database, name]
    return bool(con.execute(
        f"SELECT count(*) FROM duckdb_tables() WHERE {where} AND table_name = ?", params
    ).fetchall()[0][0])


_ARROW_HANDOVER = threading.Lock()


def load_rows(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str], rows: Sequence[Sequence]) -> None:
    """Create temp table `name` with these typed columns from rows held in Python (case-record rows beside a
    refresh): one columnar hand-over to the engine, no row-by-row inserts."""
    names = list(columns)
    arrays = {c: pa.array([_plain(r[i]) for r in rows]) for i, c in enumerate(names)}
    frame = pa.table(arrays) if names else pa.table({})
    cols = ", ".join(f"CAST({quote_ident(c)} AS {t}) AS {quote_ident(c)}" for c, t in columns.items())
    # DuckDB registers its Python arrow scan on the database, which every connection to one file in this
    # process shares: two threads handing over rows at once can fail ("python_arrow_scan does not exist"), so
    # the hand-over (not the queries after it) is one thread at a time, on each thread's own connection.
    view = f"_rows_{uuid.uuid4().hex}"
    with _ARROW_HANDOVER:
        con.register(view, frame)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} AS SELECT {cols} FROM {view}")
        finally:
            con.unregister(view)


def _plain(value: object) -> object:
    """Values arrow reads without guessing: Decimal money as text (cast back by the column's SQL type)."""
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else value


"""Which tables a store holds: this refresh's (`has_table`), and where the previous refresh's are (the
attached `previous` store, or the tables in place).

`Workspace.publishing(fresh=True)` attaches the last published store as `previous`; a non-fresh run
works on a copy of it, so the previous tables are still in `main` until this run replaces them.
"""

from __future__ import annotations

import duckdb


def previous_attached(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_databases() WHERE database_name = 'previous'"
    ).fetchall()[0][0])


def previous_table(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The qualified name of the previous refresh's `name`, or None when there is none."""
    database = "previous" if previous_attached(con) else con.execute("SELECT current_database()").fetchall()[0][0]
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
        "AND table_name = ?",
        [database, name],
    ).fetchall()[0][0]
    return f'"{database}".main."{name}"' if found else None


def has_columns(con: duckdb.DuckDBPyConnection, qualified: str, columns: set[str]) -> bool:
    """Whether a table has all `columns` (an older store may predate a column)."""
    names = {d[0] for d in con.execute(f"SELECT * FROM {qualified} LIMIT 0").description}
    return columns <= names

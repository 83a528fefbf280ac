"""Which tables a store holds: this refresh's (`has_table`), and where the previous refresh's are (the
attached `previous` store, or the tables in place).

`Workspace.publishing(fresh=True)` attaches the last published store as `previous`; a non-fresh run
works on a copy of it, so the previous tables are still in `main` until this run replaces them.
"""

from __future__ import annotations

import duckdb

from priority_families.core.sql import has_table


def previous_attached(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_databases() WHERE database_name = 'previous'"
    ).fetchall()[0][0])


def previous_table(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The qualified name of the previous refresh's `name`, or None when there is none."""
    database = "previous" if previous_attached(con) else con.execute("SELECT current_database()").fetchall()[0][0]
    return f'"{database}".main."{name}"' if has_table(con, name, database=database) else None


def has_columns(con: duckdb.DuckDBPyConnection, qualified: str, columns: set[str]) -> bool:
    """Whether a table has all `columns` (an older store may predate a column)."""
    names = {d[0] for d in con.execute(f"SELECT * FROM {qualified} LIMIT 0").description}
    return columns <= names

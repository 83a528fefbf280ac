"""Files that hold personal data are created owner-only: 0600 files in 0700 folders.

The store, its staging copies and kept refreshes, the case database, outputs and evidence files name
vulnerable families. A council server is shared (backups, monitoring, other services' accounts), so what
we write is readable by the account that runs the product and nobody else, whatever umask it runs under.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_PRIVATE_UMASK = 0o077


def private_dir(path: Path | str) -> Path:
    """Create `path` (and missing parents) owner-only; an existing folder of ours is made owner-only too."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    _restrict(path, PRIVATE_DIR)
    return path


def make_private(path: Path | str) -> Path:
    """Make an existing file owner-only (one written by a library that does not take a mode: DuckDB, SQLite)."""
    path = Path(path)
    _restrict(path, PRIVATE_FILE)
    return path


def open_private(path: Path | str, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """`open` for writing a file that is owner-only from its first byte (an existing one is restricted too)."""
    path = Path(path)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)
    return os.fdopen(descriptor, mode, **kwargs)


def write_private(path: Path | str, data: bytes) -> Path:
    """Write bytes to an owner-only file."""
    with open_private(path, "wb") as handle:
        handle.write(data)
    return Path(path)


@contextmanager
def owner_only() -> Iterator[None]:
    """Every file and folder created inside is owner-only, whichever library creates it (DuckDB's store and
    WAL, SQLite's journal). The umask is per process: the CLI sets it once for good with `owner_only_process`."""
    previous = os.umask(_PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def owner_only_process() -> None:
    """From now on this process creates owner-only files (the `pf` command and the tracker call it at start)."""
    os.umask(os.umask(_PRIVATE_UMASK) | _PRIVATE_UMASK)


def _restrict(path: Path, mode: int) -> None:
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except FileNotFoundError:
        pass

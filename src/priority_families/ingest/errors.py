"""Errors that stop a whole refresh: they name the file so one line tells the operator what to fix."""

from __future__ import annotations

from pathlib import Path


class IngestError(RuntimeError):
    """A file (or the refresh settings) cannot be ingested; nothing published has changed. `path` is a local
    path, or the URI of a file Spark reads."""

    def __init__(self, path: Path | str | None, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path is not None else reason)

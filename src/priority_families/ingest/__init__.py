"""Validated ingest of partner extracts into the store (`records`, `rejects`, `ingest_files`, `refresh`)."""

from priority_families.ingest.errors import IngestError
from priority_families.ingest.refresh import (
    FileReport,
    FileStatus,
    IngestReport,
    ingest_extracts,
)

__all__ = ["FileReport", "FileStatus", "IngestError", "IngestReport", "ingest_extracts"]

"""Resolve records into persons: deterministic identifier links, a Splink 5 model, guards against
classic false merges, reviewer decisions, clustering and stable person ids."""

from priority_families.linkage.pipeline import (
    LinkageError,
    Linker,
    LinkResult,
    LinkSummary,
    SplinkDuckDBLinkage,
    TruthLinkage,
    link_records,
)
from priority_families.linkage.settings import LinkageSettings

__all__ = [
    "LinkResult",
    "LinkSummary",
    "LinkageError",
    "LinkageSettings",
    "Linker",
    "SplinkDuckDBLinkage",
    "TruthLinkage",
    "link_records",
]

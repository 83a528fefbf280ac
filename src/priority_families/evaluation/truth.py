"""The truth folder of a synthetic county: finding its files, and the error when one is missing."""

from __future__ import annotations

from pathlib import Path


class TruthError(ValueError):
    """The truth folder is missing a file or a column."""


def truth_file(truth_dir: Path, name: str) -> Path:
    """`name` in `truth_dir`, or in `truth_dir/truth` (accepts the county folder or its truth folder)."""
    for candidate in (Path(truth_dir) / name, Path(truth_dir) / "truth" / name):
        if candidate.is_file():
            return candidate
    raise TruthError(f"no {name} in {truth_dir} or {Path(truth_dir) / 'truth'}")

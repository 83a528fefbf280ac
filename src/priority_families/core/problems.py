"""Bad input named where it is: one problem per file, line and column, and the error that carries them all.

Every reader of a file people send us (attachments, spend ledgers, providers' returns) refuses the whole file
with every problem listed, and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.reason}"


class RowsRefused(ValueError):
    """A file's rows were refused; nothing was changed. Carries every problem with its file, line and column."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

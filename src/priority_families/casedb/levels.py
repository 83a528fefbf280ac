"""The council's levels of support (as data: `support_levels.yaml`, or the file `PF_SUPPORT_LEVELS` names).

Read and checked once; a bad file fails fast with the file and the key at fault.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class LevelsError(ValueError):
    """The levels file is missing or wrong; the message names the file and the key."""


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    weight: Decimal = Field(ge=0)


class Scale(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    lowest: int
    highest: int


class SupportLevels(BaseModel):
    """The council's levels, lowest first; the level new cases start at; the re-referral window."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: tuple[Level, ...] = Field(min_length=1)
    starting_level: str
    rereferral_months: int = Field(ge=0)
    assessment_scale: Scale

    @model_validator(mode="after")
    def _known_codes(self) -> SupportLevels:
        codes = [lv.code for lv in self.levels]
        if len(set(codes)) != len(codes):
            raise ValueError("levels: a code is listed twice")
        if self.starting_level not in codes:
            raise ValueError(f"starting_level: {self.starting_level!r} is not one of the levels")
        return self

    def get(self, code: str) -> Level | None:
        return next((lv for lv in self.levels if lv.code == code), None)

    def rank(self, code: str) -> int:
        """Where a level stands in the list (a step to a later one is a step up)."""
        return [lv.code for lv in self.levels].index(code)

    def label(self, code: str) -> str:
        level = self.get(code)
        return level.label if level else code

    def choices(self) -> list[tuple[str, str]]:
        return [(lv.code, lv.label) for lv in self.levels]


@dataclass(frozen=True)
class _Source:
    path: Path
    text: str


def _source() -> _Source:
    named = os.environ.get("PF_SUPPORT_LEVELS", "")
    if named:
        path = Path(named)
        if not path.is_file():
            raise LevelsError(f"{path}: PF_SUPPORT_LEVELS names no file")
        return _Source(path, path.read_text(encoding="utf-8"))
    shipped = resources.files("priority_families.casedb") / "support_levels.yaml"
    return _Source(Path(str(shipped)), shipped.read_text(encoding="utf-8"))


def parse_levels(text: str, where: Path) -> SupportLevels:
    """Check a levels file's text; errors name the file and each key at fault."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LevelsError(f"{where}: not YAML ({exc})") from None
    try:
        return SupportLevels.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors())
        raise LevelsError(f"{where}: {problems}") from None


@lru_cache(maxsize=1)
def support_levels() -> SupportLevels:
    """The levels in force (read once per process)."""
    source = _source()
    return parse_levels(source.text, source.path)

"""One typed configuration object for a run, validated by pydantic so a bad value fails fast."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_WORKSPACE = Path("workspace")
DEFAULT_PLAN = "nottinghamshire-2015"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    workspace: Path = Field(default=DEFAULT_WORKSPACE, description="folder holding the store and outputs")
    engine: str = Field(default="duckdb", pattern="^(duckdb|spark)$")
    threads: int | None = Field(default=None, ge=1, description="engine threads; None = all cores")
    memory_limit: str | None = Field(default=None, description="engine memory cap, e.g. '6GB'")

"""One small synthetic county with a follow-up, generated once and shared by the synth tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from priority_families.synth.county import SynthSummary, generate

from .synth_support import AS_OF


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("county")
    summary = generate(out, 3000, AS_OF, seed=11, follow_ups=1)
    return out, summary

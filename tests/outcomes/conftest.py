"""Outcomes tests: the identify builders and the case-store helper are importable as plain modules."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "identify"))
sys.path.insert(0, str(Path(__file__).parent))

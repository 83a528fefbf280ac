"""Claims tests reuse the outcomes helpers (a published store of hand-built families)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "identify"))
sys.path.insert(0, str(Path(__file__).parents[1] / "outcomes"))

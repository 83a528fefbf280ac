"""Claims tests reuse the outcomes helpers (a published store of hand-built families)."""

from __future__ import annotations



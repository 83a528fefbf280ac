"""Orders people expect: areas that are codes sort by their numbers (NG2 before NG10), not as text."""

from __future__ import annotations

import re


def natural_key(text: str) -> tuple:
    """Sort key that orders the numbers inside text by value: NG2 before NG10, 'Ward 9' before 'Ward 10'."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", str(text)) if part)

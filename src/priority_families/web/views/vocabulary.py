"""The vocabulary the tracker's pages read codes through: the published plan's, read once per plan."""

from __future__ import annotations

from functools import lru_cache

from priority_families.core.vocabulary import Vocabulary
from priority_families.plans.loader import load_plan
from priority_families.web.queries import latest_refresh


@lru_cache(maxsize=4)
def _for_plan(plan_id: str) -> Vocabulary:
    """The plan's vocabulary; the shipped one for a plan not in the library (its codes then read as words)."""
    try:
        plan = load_plan(plan_id)
    except (ValueError, OSError):
        return Vocabulary()
    vocabulary = plan.vocabulary()
    # a results measure reads as the change it looks for ("Youth offending and anti-social behaviour reduced")
    vocabulary.groups.setdefault("measure", {}).update(
        {m.id: m.substantial_change for h in plan.headlines for m in h.results})
    return vocabulary


def plan_vocabulary() -> Vocabulary:
    """The shipped vocabulary widened by the published plan's headlines, lines and claim routes."""
    refresh = latest_refresh()
    return _for_plan(refresh.plan_id) if refresh is not None else _for_plan("")

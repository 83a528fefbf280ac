"""Households (people at the same place) and families (households with a child), with stable family ids."""

from priority_families.households.build import HouseholdSummary, build_households, resolve_places

__all__ = ["HouseholdSummary", "build_households", "resolve_places"]

"""Households (people at the same place) and families (households with a child), with stable family ids."""

from priority_families.households.build import HouseholdSummary, build_households
from priority_families.households.gazetteer import GazetteerError, load_gazetteer
from priority_families.households.places import PlaceStatus, resolve_places

__all__ = ["GazetteerError", "HouseholdSummary", "PlaceStatus", "build_households", "load_gazetteer", "resolve_places"]

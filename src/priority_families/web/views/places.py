"""The "group by" of the tracker's tables: the level of the geography a user picked, and the rows at it."""

from __future__ import annotations

from django.http import HttpRequest

from priority_families.casedb.places import LEVELS, PlaceError, PlaceLevel, has_lookup, place_level


def level_of(request: HttpRequest) -> PlaceLevel:
    """The level asked for in `?by=` (the default for an unknown one: the select offers only real levels)."""
    try:
        return place_level(request.GET.get("by") or None)
    except PlaceError:
        return place_level(None)


def level_choices() -> list[tuple[str, str]]:
    """The levels a select offers: every level with a lookup, the postcode district alone without one."""
    return list(LEVELS.items()) if has_lookup() else [("area", LEVELS["area"])]


def place_context(place: PlaceLevel, rows: list[dict], columns: dict[str, str], caption: str,
                  keep: tuple = (), empty: str = "No families yet") -> dict:
    """The context of `web/_by_place.html`: rows of `casedb.places.count_by_place` at `place`, their
    `columns` (key: heading) in order; a row with an `href` links its place there."""
    return {"place": place, "levels": level_choices(), "caption": caption, "keep": keep, "empty": empty,
            "columns": list(columns.values()),
            "place_rows": [{**r, "cells": [(heading, r[key]) for key, heading in columns.items()]} for r in rows]}

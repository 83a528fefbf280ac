"""Change one parameter of a plan by a dotted path, for `pf whatif --set education.absence_threshold=0.10`.

Paths name headlines and indicators by id: `HEADLINE.INDICATOR.FIELD`, or the shorter
`HEADLINE.INDICATOR_FIELD`; `eligibility.at_least` and other top-level paths work too. The changed
plan is validated again, so a what-if can never run a plan the schema would refuse.
"""

from __future__ import annotations

from typing import Any

import yaml

from priority_families.plans.schema import Plan


class ParameterError(ValueError):
    """A `--set` path or value does not fit the plan."""


def _parse_value(text: str) -> Any:
    return yaml.safe_load(text)


def _find_indicator(headline: dict[str, Any], rest: str) -> tuple[dict[str, Any], str]:
    by_id = {i["id"]: i for i in headline["indicators"]}
    if "." in rest:
        ind_id, field = rest.split(".", 1)
        if ind_id in by_id:
            return by_id[ind_id], field
    for ind_id in sorted(by_id, key=len, reverse=True):
        if rest.startswith(ind_id + "_"):
            return by_id[ind_id], rest[len(ind_id) + 1:]
    raise ParameterError(
        f"no indicator for {rest!r} in headline {headline['id']}; indicators: {', '.join(sorted(by_id))}"
    )


def _assign(target: dict[str, Any], field: str, value: Any, where: str) -> None:
    keys = field.split(".")
    for key in keys[:-1]:
        if not isinstance(target.get(key), dict):
            raise ParameterError(f"{where}: no field {key!r}")
        target = target[key]
    if keys[-1] not in target and keys[-1] not in ("threshold", "weight", "unit_cost", "kinds", "latest_kinds",
                                                   "within_months", "comparison", "scope", "who"):
        raise ParameterError(f"{where}: no field {keys[-1]!r}")
    target[keys[-1]] = value


def set_parameter(plan: Plan, path: str, raw_value: str) -> Plan:
    """A copy of `plan` with the parameter at `path` set to `raw_value` (parsed as YAML)."""
    value = _parse_value(raw_value)
    data = plan.model_dump(mode="json")
    head, _, rest = path.partition(".")
    if not rest:
        raise ParameterError(f"{path!r}: expected HEADLINE.INDICATOR_FIELD or SECTION.FIELD")
    headlines = {h["id"]: h for h in data["headlines"]}
    if head in headlines:
        indicator, field = _find_indicator(headlines[head], rest)
        _assign(indicator, field, value, path)
    elif head in data and isinstance(data[head], dict):
        _assign(data[head], rest, value, path)
    else:
        raise ParameterError(f"{path!r}: {head!r} is neither a headline ({', '.join(headlines)}) nor a plan section")
    try:
        return Plan.model_validate(data)
    except ValueError as exc:
        raise ParameterError(f"{path}={raw_value}: {exc}") from exc

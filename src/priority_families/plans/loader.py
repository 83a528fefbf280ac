"""Read Outcomes Plan YAML files, with errors that name the file, line and field.

pydantic reports a location as a path of keys and list indexes; we compose the YAML node tree
ourselves so every path has the line it was written on, and an auditor editing a plan is told
exactly where the mistake is.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from priority_families.plans.schema import Plan

LIBRARY_PACKAGE = "priority_families.plans.library"

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class PlanProblem:
    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


class PlanError(ValueError):
    """A plan file is not valid; carries every problem found, each with file, line and field."""

    def __init__(self, problems: list[PlanProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    return loader.construct_object(node, deep=True)


def _construct_fast(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            out[key] = _construct_fast(value_node, (*loc, key), lines)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct_fast(item, (*loc, i), lines) for i, item in enumerate(node.value)]
    return _scalar(node)


def parse_yaml(text: str, file: str) -> tuple[dict[str, Any], dict[Loc, int]]:
    """Parse plan YAML into data and a map from path to line number."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise PlanError([PlanProblem(file, line, "(yaml)", str(getattr(exc, "problem", exc)))]) from exc
    if node is None or not isinstance(node, yaml.MappingNode):
        raise PlanError([PlanProblem(file, 1, "(plan)", "a plan file must be a YAML mapping")])
    lines: dict[Loc, int] = {}
    return _construct_fast(node, (), lines), lines


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int:
    """The line of the deepest path of `loc` the file has (a missing field points at its parent)."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _field_name(loc: Loc, data: dict[str, Any]) -> str:
    """A readable field path, naming list items by their id where they have one: headlines[education]."""
    parts: list[str] = []
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            ident = node[part].get("id") if isinstance(node, list) and part < len(node) and isinstance(
                node[part], dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{ident if ident else part}]"]
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts) or "(plan)"


def validate_data(data: dict[str, Any], lines: dict[Loc, int], file: str) -> Plan:
    """Validate parsed plan data, turning pydantic's errors into file/line/field problems."""
    return validate_model(Plan, data, lines, file)


def validate_model(model: type[M], data: dict[str, Any], lines: dict[Loc, int], file: str) -> M:
    """Validate parsed YAML against any schema kept beside the plans (the Outcomes Plan, the financial plan),
    with every error as a file/line/field problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(PlanProblem(file, _line_for(loc, lines), _field_name(loc, data), msg))
        raise PlanError(problems) from exc


def load_plan_file(path: Path | str) -> Plan:
    """Load and validate one plan file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError([PlanProblem(str(path), 1, "(file)", f"cannot read plan file: {exc}")]) from exc
    data, lines = parse_yaml(text, str(path))
    return validate_data(data, lines, str(path))


def library_files() -> dict[str, Path]:
    """Shipped plans by id (the file stem)."""
    folder = resources.files(LIBRARY_PACKAGE)
    return {Path(str(f)).stem: Path(str(f)) for f in folder.iterdir() if str(f).endswith(".yaml")}


def library_ids() -> list[str]:
    return sorted(library_files())


def load_plan(plan: str | Path) -> Plan:
    """A shipped plan by id, or a plan file by path."""
    files = library_files()
    if isinstance(plan, str) and plan in files:
        return load_plan_file(files[plan])
    path = Path(plan)
    if path.exists():
        return load_plan_file(path)
    raise PlanError([PlanProblem(str(plan), 1, "(plan)",
                                 f"no shipped plan or file named {plan!r}; shipped: {', '.join(sorted(files))}")])


def load_plan_text(plan: str | Path) -> str:
    """The YAML text of a plan (kept in the store so `pf why` reads the plan a run used)."""
    files = library_files()
    path = files[plan] if isinstance(plan, str) and plan in files else Path(plan)
    return path.read_text(encoding="utf-8")


def plan_from_text(text: str, name: str = "<store>") -> Plan:
    data, lines = parse_yaml(text, name)
    return validate_data(data, lines, name)

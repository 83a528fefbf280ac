"""The layering of the package, read from its imports (docs/architecture.md explains it).

Every .py file under src/priority_families is parsed with `ast`; every import counts, including the ones
inside functions and under `if TYPE_CHECKING:`, and `importlib.import_module("priority_families...")` with a
literal name. Each file belongs to a package: the first path part under priority_families (`refresh.py` is the
package `refresh`, the top-level `__init__.py` is `priority_families`). From these the tests assert:

- every package has a level in LEVELS;
- there is no import cycle between packages;
- no package imports a package on a higher level (or a same-level package it may not import);
- the tracker (`web`) never opens the DuckDB store itself: no `import duckdb`, no `.connect(` / `.publishing(`
  on a Workspace.

Not seen: Django's dotted-string references (settings modules, INSTALLED_APPS, ROOT_URLCONF, templates).
The self-tests at the end feed the checkers fake imports and sources and see them flag what they should.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = "priority_families"
SRC = Path(__file__).resolve().parents[1] / "src" / ROOT
SIDE = "side"

# The single statement of the layering. A package may import packages on lower levels; imports on its own
# level only as SAME_LEVEL says; a side package only levels 0-5, and only the CLI may import a side package.
LEVELS: dict[int | str, frozenset[str]] = {
    0: frozenset({ROOT}),  # the top-level __init__.py: the version
    1: frozenset({"core"}),  # settings, engine seam, SQL helpers, calendars
    2: frozenset({"ingest", "linkage", "households", "plans", "identify", "geography"}),  # the stages
    3: frozenset({"refresh"}),  # refresh.py: composes the stages, the refresh in force
    4: frozenset({"casedb"}),  # the case record
    5: frozenset({"outcomes", "claims"}),
    6: frozenset({"reports", "governance"}),  # papers; information governance (flags, subject access, retention)
    7: frozenset({"cli", "web"}),  # adapters
    SIDE: frozenset({"synth", "evaluation"}),  # the synthetic county; scoring against its truth
}
# Imports between two packages on the same level. Level 2: any stage may import another (never in a cycle).
# Level 5: claims reads outcomes, never the reverse. Level 7: the adapters stay apart, except that `pf serve`
# starts the tracker: cli may import priority_families.web.wsgi, inside the function `serve`, and nothing else.
SAME_LEVEL: dict[int, str | frozenset[tuple[str, str]]] = {
    2: "any",
    5: frozenset({("claims", "outcomes")}),
    7: frozenset({("cli", "web")}),
}
NARROW: dict[tuple[str, str], tuple[str, str]] = {("cli", "web"): (f"{ROOT}.web.wsgi", "serve")}
SIDE_MAY_IMPORT_UP_TO = 5
SIDE_IMPORTED_BY = frozenset({"cli"})

LEVEL_OF: dict[str, int | str] = {package: level for level, packages in LEVELS.items() for package in packages}


@dataclass(frozen=True)
class Import:
    path: str  # relative to src/, e.g. priority_families/cli/web.py
    line: int
    importer: str  # package of the importing file
    module: str  # the module imported, e.g. priority_families.web.wsgi
    function: str | None  # the innermost enclosing function, if any
    text: str

    @property
    def imported(self) -> str:
        parts = self.module.split(".")
        return parts[1] if len(parts) > 1 else ROOT

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.text}"


def package_of(rel: Path) -> str:
    """The package a file belongs to; a top-level module foo.py is the package foo."""
    if len(rel.parts) == 1:
        return ROOT if rel.name == "__init__.py" else rel.stem
    return rel.parts[0]


def _is_module(dotted: str, src: Path) -> bool:
    parts = dotted.split(".")
    if parts[0] != ROOT:
        return False
    base = src.joinpath(*parts[1:])
    return base.is_dir() or base.with_suffix(".py").is_file()


def imports_in_source(source: str, rel: Path, src: Path = SRC) -> list[Import]:
    """Every import of our own package in one file; `rel` is the path under src/priority_families."""
    tree = ast.parse(source, str(rel))
    importer = package_of(rel)
    here = [ROOT, *rel.parts[:-1]]  # the package the file's relative imports start from
    found: list[Import] = []

    def add(node: ast.AST, module: str, function: str | None) -> None:
        if module == ROOT or module.startswith(ROOT + "."):
            found.append(Import(f"{ROOT}/{rel.as_posix()}", node.lineno, importer, module, function,
                                ast.unparse(node)))

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(node, alias.name, function)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                add(node, candidate if _is_module(candidate, src) else module, function)
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__")))):
            add(node, node.args[0].value, function)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return found


def all_imports(src: Path = SRC) -> list[Import]:
    found: list[Import] = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src)
        found.extend(imports_in_source(path.read_text(encoding="utf-8"), rel, src))
    return found


def package_graph(imports: Iterable[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.importer, set())
        if imp.imported != imp.importer:
            graph[imp.importer].add(imp.imported)
            graph.setdefault(imp.imported, set())
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Cycles (a, b, ..., a) between packages: in each group that imports itself round (Tarjan's strongly
    connected components), the shortest cycle through each member, each cycle once, starting at its least name."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)

    found: list[list[str]] = []
    for group in groups:
        members = set(group)
        for start in group:  # the shortest cycle through each member, each cycle once
            cycle = _shortest_cycle(graph, start, members)
            i = cycle.index(min(cycle[:-1]))
            cycle = [*cycle[i:-1], *cycle[:i], cycle[i]]
            if cycle not in found:
                found.append(cycle)
    return found


def _shortest_cycle(graph: Mapping[str, Iterable[str]], start: str, members: set[str]) -> list[str]:
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph.get(v, ())):
                if w == start:
                    return [*paths[v], start]
                if w in members and w not in paths:
                    paths[w] = [*paths[v], w]
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"{start} is in a strongly connected group but on no cycle")


def why_not_allowed(imp: Import) -> str | None:
    """None when the layering allows this import, else the reason it does not."""
    a, b = imp.importer, imp.imported
    if a == b:
        return None
    if a not in LEVEL_OF or b not in LEVEL_OF:
        return f"package without a level in LEVELS: {a if a not in LEVEL_OF else b}"
    la, lb = LEVEL_OF[a], LEVEL_OF[b]
    if lb == SIDE:
        return None if a in SIDE_IMPORTED_BY else f"{a} imports the side package {b} (only {sorted(SIDE_IMPORTED_BY)})"
    if la == SIDE:
        assert isinstance(lb, int)
        return None if lb <= SIDE_MAY_IMPORT_UP_TO else f"side package {a} imports {b} on level {lb}"
    assert isinstance(la, int) and isinstance(lb, int)
    if lb < la:
        return None
    if lb > la:
        return f"{a} (level {la}) imports {b} (level {lb})"
    rule = SAME_LEVEL.get(la)
    if rule == "any" or (rule and (a, b) in rule):
        if (a, b) in NARROW:
            module, function = NARROW[(a, b)]
            if imp.module != module or imp.function != function:
                return f"{a} may import {b} only as {module} inside {function}()"
        return None
    return f"{a} imports {b}, both on level {la}, which this level does not allow"


def upward(imports: Iterable[Import]) -> list[str]:
    return [f"{imp}  -- {reason}" for imp in imports if (reason := why_not_allowed(imp))]


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _name_of(node.func)
    return ""


def store_openings(source: str, rel: str, workspace_functions: Iterable[str] = ()) -> list[str]:
    """`import duckdb` and `.connect(` / `.publishing(` on a Workspace in one file.

    A receiver counts as a Workspace when it is `Workspace(...)`, a call of a function annotated to return a
    Workspace, a name bound to either or annotated as one, or a name/attribute/function called like one
    (`workspace`, `_workspace()`, `self.workspace`, `ws`). Django signals' `.connect(` are not receivers like that.
    """
    tree = ast.parse(source, rel)
    makers = {"Workspace", *workspace_functions}
    for node in ast.walk(tree):
        if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None
                and "Workspace" in ast.unparse(node.returns)):
            makers.add(node.name)
    names: set[str] = set()

    def is_workspace(expr: ast.AST) -> bool:
        name = _name_of(expr)
        if "workspace" in name.lower() or name == "ws":
            return True
        if isinstance(expr, ast.Call):
            return name in makers
        return isinstance(expr, ast.Name) and expr.id in names

    for _ in range(2):  # names bound from names bound from a Workspace
        for node in ast.walk(tree):
            if isinstance(node, ast.arg) and node.annotation is not None and "Workspace" in ast.unparse(
                    node.annotation):
                names.add(node.arg)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and (
                    "Workspace" in ast.unparse(node.annotation) or (node.value and is_workspace(node.value))):
                names.add(node.target.id)
            elif isinstance(node, ast.Assign) and is_workspace(node.value):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.NamedExpr) and is_workspace(node.value):
                names.add(node.target.id)
            elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name) and is_workspace(
                    node.context_expr):
                names.add(node.optional_vars.id)

    def opens_store(node: ast.AST) -> bool:
        if isinstance(node, ast.Import):
            return any(a.name.split(".")[0] == "duckdb" for a in node.names)
        if isinstance(node, ast.ImportFrom):
            return not node.level and (node.module or "").split(".")[0] == "duckdb"
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("connect", "publishing") and is_workspace(node.func.value))

    hits = sorted((node.lineno, ast.unparse(node)) for node in ast.walk(tree) if opens_store(node))
    return [f"{rel}:{line} {text}" for line, text in hits]


def web_store_openings(src: Path = SRC) -> list[str]:
    files = sorted((src / "web").rglob("*.py"))
    sources = {f"{ROOT}/{p.relative_to(src).as_posix()}": p.read_text(encoding="utf-8") for p in files}
    makers = {  # functions anywhere in web annotated to return a Workspace (one view may import another's)
        node.name
        for source in sources.values()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None
        and "Workspace" in ast.unparse(node.returns)
    }
    return [hit for rel, source in sources.items() for hit in store_openings(source, rel, makers)]


# --- the package as it is ----------------------------------------------------------------------------------


def test_the_parser_finds_the_package():
    imports = all_imports()
    assert len(imports) > 100
    assert {"core", "refresh", "casedb", "cli", "web"} <= {imp.importer for imp in imports}


def test_every_package_has_a_level():
    packages = {package_of(p.relative_to(SRC)) for p in SRC.rglob("*.py")}
    missing = sorted(packages - set(LEVEL_OF))
    assert not missing, f"packages without a level in LEVELS (tests/test_architecture.py): {missing}"


def test_no_import_cycle_between_packages():
    imports = all_imports()
    found = cycles(package_graph(imports))
    lines = []
    for cycle in found:
        lines.append(" -> ".join(cycle))
        for a, b in itertools.pairwise(cycle):
            example = next(imp for imp in imports if imp.importer == a and imp.imported == b)
            lines.append(f"    {a} -> {b}: {example}")
    assert not found, "import cycles between packages:\n" + "\n".join(lines)


def test_no_package_imports_a_higher_level():
    found = upward(all_imports())
    assert not found, "imports against the layering (LEVELS in tests/test_architecture.py):\n" + "\n".join(found)


def test_the_tracker_never_opens_the_store_itself():
    found = web_store_openings()
    assert not found, ("the tracker opens the DuckDB store itself; call a domain function instead:\n"
                       + "\n".join(found))


# --- the checkers can fail -----------------------------------------------------------------------------------


def _imp(importer: str, module: str, function: str | None = None) -> Import:
    return Import(f"{ROOT}/{importer}/fake.py", 1, importer, module, function, f"import {module}")


def test_the_cycle_check_flags_a_cycle_and_passes_a_tree():
    graph = {"core": set(), "linkage": {"core", "households"}, "households": {"linkage"}, "plans": {"core"}}
    assert cycles(graph) == [["households", "linkage", "households"]]
    three = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(three) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"a"}}) == [["a", "a"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    imports = [_imp("identify", f"{ROOT}.linkage.ids"), _imp("linkage", f"{ROOT}.identify.run")]
    assert cycles(package_graph(imports)) == [["identify", "linkage", "identify"]]


def test_the_level_check_flags_upward_imports():
    bad = [
        _imp("core", f"{ROOT}.casedb.models"),
        _imp("casedb", f"{ROOT}.outcomes.progress"),
        _imp("refresh", f"{ROOT}.casedb"),
        _imp("outcomes", f"{ROOT}.claims.ledger"),
        _imp("reports", f"{ROOT}.web.views"),
        _imp("web", f"{ROOT}.cli.app"),
        _imp("cli", f"{ROOT}.web.views.families", "serve"),
        _imp("cli", f"{ROOT}.web.wsgi", "publish"),
        _imp("cli", f"{ROOT}.web.wsgi"),
        _imp("reports", f"{ROOT}.synth.county"),
        _imp("web", f"{ROOT}.synth.truth"),
        _imp("synth", f"{ROOT}.reports.returns"),
        _imp("synth", f"{ROOT}.evaluation"),
        _imp("newthing", f"{ROOT}.core"),
    ]
    found = upward(bad)
    assert len(found) == len(bad), "\n".join(found)
    assert "core (level 1) imports casedb (level 4)" in found[0]


def test_the_level_check_allows_what_the_table_allows():
    good = [
        _imp("linkage", f"{ROOT}.core.sql"),
        _imp("households", f"{ROOT}.linkage.ids"),
        _imp("refresh", f"{ROOT}.identify.run"),
        _imp("casedb", f"{ROOT}.refresh"),
        _imp("claims", f"{ROOT}.outcomes.progress"),
        _imp("reports", f"{ROOT}.claims.ledger"),
        _imp("cli", f"{ROOT}.web.wsgi", "serve"),
        _imp("cli", f"{ROOT}.synth.county"),
        _imp("synth", f"{ROOT}.outcomes.progress"),
        _imp("web", ROOT),
    ]
    assert upward(good) == []


def test_the_parser_sees_imports_inside_functions_and_relative_ones():
    source = (
        "import priority_families.core.sql\n"
        "from . import wsgi\n"
        "from ..casedb import models\n"
        "from priority_families import casedb, __version__\n"
        "import os\n"
        "def serve():\n"
        "    from priority_families.web.wsgi import application\n"
        "    importlib.import_module('priority_families.reports.returns')\n"
    )
    found = imports_in_source(source, Path("web/fake.py"))
    got = [(imp.line, imp.module, imp.imported, imp.function) for imp in found]
    assert got == [
        (1, f"{ROOT}.core.sql", "core", None),
        (2, f"{ROOT}.web.wsgi", "web", None),
        (3, f"{ROOT}.casedb.models", "casedb", None),
        (4, f"{ROOT}.casedb", "casedb", None),
        (4, ROOT, ROOT, None),
        (7, f"{ROOT}.web.wsgi", "web", "serve"),
        (8, f"{ROOT}.reports.returns", "reports", "serve"),
    ]
    assert all(imp.importer == "web" for imp in found)
    assert package_of(Path("refresh.py")) == "refresh"
    assert package_of(Path("__init__.py")) == ROOT


def test_the_store_check_flags_duckdb_and_workspace_connects():
    source = (
        "import duckdb\n"
        "from duckdb import DuckDBPyConnection\n"
        "from priority_families.core.engine import Workspace\n"
        "def _workspace() -> Workspace:\n"
        "    return Workspace(path='w')\n"
        "def a():\n"
        "    with _workspace().connect() as con:\n"
        "        pass\n"
        "def b(store: Workspace):\n"
        "    store.connect(read_only=False)\n"
        "def c():\n"
        "    here = Workspace()\n"
        "    with here.publishing() as con:\n"
        "        pass\n"
        "def d():\n"
        "    signals.post_save.connect(handler)\n"
        "    Workspace('w').exists()\n"
    )
    found = store_openings(source, "web/fake.py")
    assert [hit.split(" ")[0] for hit in found] == ["web/fake.py:1", "web/fake.py:2", "web/fake.py:7",
                                                     "web/fake.py:10", "web/fake.py:13"]
    assert store_openings("from views import workspace_of\nstore_of(1).connect()\n", "x.py") == []
    assert store_openings("s = store_of(1)\ns.connect()\n", "x.py", workspace_functions={"store_of"}) != []

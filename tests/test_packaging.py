"""The package as users get it: a wheel installed in a clean virtual environment, without the dev extra.

Every third-party module the package imports (at module level or inside a function) must come from a declared
runtime dependency, every command must answer --help, and a small cycle (synth, identify, attach, follow-up,
claims, figures) must run. The environment is built once for the module: build the wheel, `python -m venv`
(no system site-packages), `pip install WHEEL` from pip's configured index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Nothing from the outer pytest run may leak into the clean install: not its settings, not its import path,
# not a workspace or database chosen for the tests (pf gets its workspace from -w only).
_STRIPPED = ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "PYTHONHOME", "PF_WORKSPACE", "DATABASE_URL", "VIRTUAL_ENV")


@dataclass(frozen=True)
class CleanInstall:
    venv: Path
    env: dict[str, str]

    @property
    def bin(self) -> Path:
        return self.venv / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / "python"

    @property
    def pf(self) -> Path:
        return self.bin / "pf"


def _run(args: list, *, env: dict[str, str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], check=False, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def _ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, (
        f"{' '.join(result.args)} exited {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )


@pytest.fixture(scope="module")
def clean_install(tmp_path_factory) -> CleanInstall:
    base = tmp_path_factory.mktemp("packaging")
    env = {k: v for k, v in os.environ.items() if k not in _STRIPPED}
    wheels = base / "wheels"
    # Build isolation: the build uses what [build-system].requires declares, as `pip install .` would.
    _ok(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", wheels, ROOT], env=env, cwd=base))
    (wheel,) = wheels.glob("priority_families-*.whl")
    venv = base / "venv"
    _ok(_run([sys.executable, "-m", "venv", venv], env=env, cwd=base))
    install = CleanInstall(venv, {})
    # The runtime dependencies only (no extras); pip uses its configured index and cache.
    _ok(_run([install.python, "-m", "pip", "install", wheel], env=env, cwd=base, timeout=600))
    env["PATH"] = os.pathsep.join([str(install.bin), env.get("PATH", "")])
    return CleanInstall(venv, env)


# Run inside the clean environment: every module of the installed package imports, and so does every
# third-party module any of them names in an import statement (including imports inside functions).
_IMPORT_EVERYTHING = textwrap.dedent(
    """
    import ast, importlib, importlib.util, json, os, pkgutil, re, sys
    from importlib import metadata
    from pathlib import Path

    os.environ["DJANGO_SETTINGS_MODULE"] = "priority_families.web.settings"
    import django

    django.setup()
    import priority_families

    package = Path(priority_families.__file__).parent
    third_party = {}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "priority_families":
                    third_party.setdefault(top, set()).add(str(path.relative_to(package)))
    def canonical(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    declared = {
        canonical(re.match(r"[A-Za-z0-9._-]+", r).group())
        for r in metadata.requires("priority-families") or []
        if "extra ==" not in r
    }
    # The `spark` extra's modules: imported only inside the Spark engine's functions (`core.spark`), after
    # `require_spark` has said what to install; they must be declared in that extra, and are not installed here.
    spark_extra = {
        canonical(re.match(r"[A-Za-z0-9._-]+", r).group())
        for r in metadata.requires("priority-families") or []
        if 'extra == "spark"' in r
    }
    providers = metadata.packages_distributions()
    failed = []
    for top, files in sorted(third_party.items()):
        where = f"{top} (imported by {', '.join(sorted(files))})"
        if top in ("pyspark", "pandas", "py4j"):
            if canonical(top) not in spark_extra or files != {"core/spark.py"}:
                failed.append(f"{where}: must be in the spark extra and imported only by core/spark.py")
            continue
        try:
            importlib.import_module(top)
        except Exception as e:
            failed.append(f"{where}: {type(e).__name__}: {e}")
            continue
        # Installed is not enough: it must come from a declared dependency, not only through another one.
        dists = {canonical(d) for d in providers.get(top, [])}
        if not dists & declared:
            failed.append(f"{where}: provided by {sorted(dists)}, none of them a declared runtime dependency")
    modules = [m.name for m in pkgutil.walk_packages(priority_families.__path__, "priority_families.")]
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as e:
            failed.append(f"{name}: {type(e).__name__}: {e}")
    dev_only = [m for m in ("pytest", "hypothesis", "recordlinkage", "pandas") if importlib.util.find_spec(m)]
    print(json.dumps({"third_party": sorted(third_party), "modules": len(modules), "failed": failed,
                      "dev_only_present": dev_only}))
    """
)


def test_every_import_of_the_package_is_a_declared_dependency(clean_install, tmp_path):
    # `priority_families.web.wsgi` refuses the public demo secret key at import, by design (docs/security.md)
    env = {**clean_install.env, "PF_LOCAL_DEMO": "1"}
    result = _run([clean_install.python, "-c", _IMPORT_EVERYTHING], env=env, cwd=tmp_path)
    _ok(result)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["modules"] > 50, report
    assert {"duckdb", "pyarrow", "django", "typer"} <= set(report["third_party"]), report
    assert not report["failed"], "\n".join(report["failed"])
    # The environment really is clean: nothing from the dev extra (nor pandas) came along.
    assert not report["dev_only_present"], report


_EVERY_HELP = textwrap.dedent(
    """
    import json
    import typer
    from typer.testing import CliRunner
    from priority_families.cli.app import app

    def walk(group, prefix=()):
        for name, command in group.commands.items():
            yield [*prefix, name]
            if getattr(command, "commands", None):
                yield from walk(command, (*prefix, name))

    paths = list(walk(typer.main.get_command(app)))
    runner = CliRunner()
    failed = []
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        if result.exit_code != 0 or "Usage" not in result.output:
            failed.append(f"pf {' '.join(path)} --help exited {result.exit_code}: {result.output[-500:]}")
    print(json.dumps({"paths": paths, "failed": failed}))
    """
)


def test_every_command_answers_help(clean_install, tmp_path):
    # the installed `pf` answers once as a program; every command's help is then asked in one process of the
    # clean install (a process per command cost a second each, for nothing --help does not already load)
    _ok(_run([clean_install.pf, "--help"], env=clean_install.env, cwd=tmp_path))
    found = _run([clean_install.python, "-c", _EVERY_HELP], env=clean_install.env, cwd=tmp_path)
    _ok(found)
    report = json.loads(found.stdout.strip().splitlines()[-1])
    paths = report["paths"]
    assert {"synth", "identify", "attach", "claims", "figures"} <= {p[0] for p in paths}
    assert any(len(p) > 1 for p in paths), "no sub-commands found"
    assert not report["failed"], "\n".join(report["failed"])


def test_a_small_cycle_runs(clean_install, tmp_path):
    def pf(*args: str) -> None:
        _ok(_run([clean_install.pf, *args], env=clean_install.env, cwd=tmp_path))

    pf("synth", "EXTRACTS", "--people", "300", "--as-of", "2015-08-31", "--seed", "2", "--follow-ups", "2")
    pf("identify", "EXTRACTS", "--as-of", "2015-08-31", "-w", "WS", "--out", "OUT0")
    pf("evaluate", "attachments", "EXTRACTS", "-w", "WS", "--out", "ATT.csv")
    assert (tmp_path / "ATT.csv").read_text().count("\n") > 1, "no attachments to attach"
    pf("attach", "ATT.csv", "-w", "WS")
    follow_up = yaml.safe_load((tmp_path / "EXTRACTS/follow-up-2/refresh.yaml").read_text())
    as_of = str(follow_up["as_of"])  # a date (YAML) or a string: YYYY-MM-DD either way
    pf("identify", "EXTRACTS/follow-up-2", "--as-of", as_of, "-w", "WS", "--out", "OUT2")
    pf("claims", "--window", as_of[:7], "-w", "WS", "--out", "CLAIMS")
    pf("figures", "-w", "WS")

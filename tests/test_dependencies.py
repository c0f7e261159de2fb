"""`make run` installs only the project's declared dependencies (not the `dev` extra the tests get), so every library
the application imports must be declared in pyproject.toml itself, not arrive by chance with a test tool."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Imported only when asked for, with a clear message when missing: Splink's Spark backend (`--backend spark`).
OPTIONAL = {"pyspark"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_libraries() -> set[str]:
    names = set()
    for path in (ROOT / "cme").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"cme"} - OPTIONAL


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_canonical(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]) for requirement in project["dependencies"]}


def test_every_library_the_application_imports_is_a_declared_dependency():
    distributions = importlib.metadata.packages_distributions()
    declared = _declared()
    undeclared = {
        name
        for name in _imported_libraries()
        if not any(_canonical(dist) in declared for dist in distributions.get(name, [name]))
    }
    assert not undeclared, f"imported by cme but not in pyproject.toml's dependencies: {sorted(undeclared)}"

"""Every third-party module the package imports belongs to a distribution pyproject.toml
declares itself, so no import works only because another dependency happens to pull it in."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = {"bot", "intake", "storage"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported(folders: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name not in OWN}


def test_every_module_the_package_imports_is_a_declared_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_normal(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0])
                for spec in project["dependencies"]}
    owners = packages_distributions()
    missing = {module: owners.get(module) for module in _imported(("bot", "intake", "storage"))
               if not {_normal(d) for d in owners.get(module, [])} & declared}
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_every_module_the_tests_import_is_declared_in_the_runtime_or_the_test_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    declared = {_normal(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in specs}
    local = {path.stem for path in (ROOT / "tests").rglob("*.py")} | {"tests"}
    owners = packages_distributions()
    missing = {module: owners.get(module) for module in _imported(("tests",)) - local
               if not {_normal(d) for d in owners.get(module, [])} & declared}
    assert not missing, f"imported by tests but not declared: {missing}"

"""Imports follow the pipeline: no module imports one of a later stage.

The stages, lowest first (docs/architecture.md draws the same table). A module may import
its own stage and the ones below it, never one above: a validator does not import the
image renderer, a planner does not import a validator. Imports under `if TYPE_CHECKING:`
count too: a type is a dependency.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "circlemade_site"
NAME = "circlemade_site"

# (stage, the modules and folders in it), lowest first
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("errors", "files", "slugs", "i18n", "config", "communes", "models", "spoofing",
              "links")),
    ("load", ("load", "reference", "scaffold", "cms")),
    ("route", ("urls",)),
    ("plan", ("plan", "translations", "freshness")),
    ("render", ("render",)),
    ("assets", ("assets",)),
    ("write", ("write",)),
    ("pipeline", ("pipeline",)),
    ("serve", ("serve",)),
    ("cli", ("cli", "__main__", "__init__")),
)
RANK = {module: rank for rank, (_, modules) in enumerate(STAGES) for module in modules}


def stage_of(module: str) -> int:
    """The rank of a dotted module name of the package ('circlemade_site.load.members')."""
    parts = module.split(".")
    if parts[0] != NAME:
        raise ValueError(module)
    if len(parts) == 1:
        return RANK["__init__"]
    if parts[1] not in RANK:
        raise LookupError(f"{module} is in no stage: add it to STAGES in tests/test_layers.py")
    return RANK[parts[1]]


def module_name(path: Path, package: Path) -> str:
    """circlemade_site/load/members.py -> 'circlemade_site.load.members'; a folder's
    __init__.py is the folder's module."""
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """Every module of the package that `module`'s code imports, with the line."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == NAME:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != NAME:
                continue
            for alias in node.names:   # `from circlemade_site import urls` names a module
                if target == NAME and alias.name in RANK:
                    yield f"{NAME}.{alias.name}", node.lineno
                else:
                    yield target, node.lineno


def wrong_way_imports(package: Path) -> list[str]:
    """'file:line: module (stage) imports module (stage), a later stage' for every import
    that goes up."""
    problems = []
    for path in sorted(package.rglob("*.py")):
        module = module_name(path, package)
        own = stage_of(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for target, line in imported(tree, module, path.name == "__init__.py"):
            if stage_of(target) > own:
                rel = path.relative_to(package.parent).as_posix()
                problems.append(f"{rel}:{line}: {module} ({STAGES[own][0]}) imports {target} "
                                f"({STAGES[stage_of(target)][0]}), a later stage")
    return problems


def test_no_module_imports_a_later_stage() -> None:
    assert wrong_way_imports(PACKAGE) == []


def test_every_module_is_in_a_stage() -> None:
    for path in PACKAGE.rglob("*.py"):
        stage_of(module_name(path, PACKAGE))


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / NAME
    for rel, text in files.items():
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return package


def test_the_check_sees_a_wrong_way_import(tmp_path: Path) -> None:
    """A validator importing the image renderer, written three ways, is caught each time;
    importing downward is not."""
    package = _package(tmp_path, {
        "__init__.py": "",
        "errors.py": "",
        "load/__init__.py": "",
        "load/members.py": """
            from circlemade_site import errors
            from circlemade_site.assets import images
        """,
        "load/pages.py": """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from ..plan.views import Output
        """,
        "load/sources.py": "import circlemade_site.serve.handler\n",
        "assets/__init__.py": "",
        "assets/images.py": "from circlemade_site.load import members\n",
    })
    assert wrong_way_imports(package) == [
        "circlemade_site/load/members.py:3: circlemade_site.load.members (load) imports "
        "circlemade_site.assets (assets), a later stage",
        "circlemade_site/load/pages.py:4: circlemade_site.load.pages (load) imports "
        "circlemade_site.plan.views (plan), a later stage",
        "circlemade_site/load/sources.py:1: circlemade_site.load.sources (load) imports "
        "circlemade_site.serve.handler (serve), a later stage",
    ]


def test_a_module_outside_every_stage_is_reported(tmp_path: Path) -> None:
    package = _package(tmp_path, {"__init__.py": "", "utils.py": ""})
    with pytest.raises(LookupError, match="circlemade_site.utils is in no stage"):
        for path in package.rglob("*.py"):
            stage_of(module_name(path, package))

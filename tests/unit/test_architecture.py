"""The package's imports point down the pipeline only: no cycle, no later stage imported by an earlier
one, and no import hidden inside a function unless it is listed below with its reason.

Every import counts, wherever it stands: at the top, under `if TYPE_CHECKING:`, or in a function
body. A lazy import does not remove an arrow from the design, it only delays it."""

from __future__ import annotations

import ast
import graphlib
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "archivist"

# The pipeline's stages, earliest first: a module may import its own stage and earlier ones.
STAGES = ("util", "content", "markdown", "citations", "library", "pages", "render", "harvest",
          "search", "write", "build", "serve", "cli")
# Modules every stage may use; they themselves use only each other and util.
FOUNDATION = ("archivist", "config", "model", "diagnostics", "i18n", "theme")

# Function-level imports kept on purpose; none may stand in for a top-level import that would cycle.
LAZY_ALLOWED = {
    # `archivist build` with nothing to do ends before Jinja, mistune or citeproc are loaded.
    ("archivist.build.output", "archivist.build.pipeline"),
    # Pagefind and its binary are only loaded by a build that indexes.
    ("archivist.build.steps", "archivist.search.index"),
    # Each command loads only what it runs: watchdog for `serve`, the scaffold for `new`, the
    # starter site for `init`, the theme comparison for `theme diff`.
    ("archivist.cli", "archivist.serve.preview"),
    ("archivist.cli", "archivist.content.scaffold"),
    ("archivist.cli", "archivist.build.pipeline"),
    ("archivist.cli", "archivist.content.starter"),
    ("archivist.cli", "archivist.render.theme_diff"),
    # A build in parts and the merge of parts load only for those commands; a part indexes like a build,
    # and the merge joins the parts' shards as a build joins its own.
    ("archivist.cli", "archivist.build.parts"),
    ("archivist.cli", "archivist.build.merge"),
    ("archivist.build.parts", "archivist.search.index"),
    ("archivist.build.merge", "archivist.search.index"),
    # `refs add` goes online (urllib); no other command, and no build, loads it.
    ("archivist.cli", "archivist.citations.refs_add"),
    # rich loads only when a build's progress is shown on a terminal.
    ("archivist.cli", "archivist.util.terminal"),
}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    lazy: bool  # inside a function body


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package by dotted name; a package is named by its folder."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _base(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute module an `from ... import` names, relative levels resolved."""
    if not node.level:
        return node.module or ""
    anchor = importer.split(".") if is_package else importer.split(".")[:-1]
    anchor = anchor[:len(anchor) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def _targets(node: ast.AST, importer: str, is_package: bool, modules: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = _base(node, importer, is_package)
    # `from pkg import name` imports the module pkg.name when there is one, else takes a name from pkg
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]


def _lazy_nodes(tree: ast.AST) -> set[ast.AST]:
    inside = set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(n for n in ast.walk(function) if isinstance(n, (ast.Import, ast.ImportFrom)))
    return inside


def imports_of(root: Path, package: str) -> list[Import]:
    """Every import of one package module by another, with where it stands."""
    modules = module_names(root, package)
    found = set()
    for importer, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        lazy = _lazy_nodes(tree)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(node, importer, path.name == "__init__.py", set(modules)):
                known = _known(target, modules)
                if known and known != importer:
                    found.add(Import(importer, known, node.lineno, node in lazy))
    return sorted(found, key=lambda edge: (edge.importer, edge.line, edge.imported))


def _known(target: str, modules: dict[str, Path]) -> str | None:
    """The package module an import loads, or None for other libraries."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def rank(module: str) -> int:
    stage = stage_of(module)
    return -1 if stage in FOUNDATION else STAGES.index(stage)


def cycle(found: list[Import]) -> tuple[str, ...]:
    """One import cycle among the modules, or () when there is none."""
    graph: dict[str, set[str]] = {}
    for edge in found:
        graph.setdefault(edge.importer, set()).add(edge.imported)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as problem:
        return tuple(problem.args[1])
    return ()


def backward(found: list[Import]) -> list[str]:
    """Imports from a later stage into an earlier one; foundation modules import only util and each other."""
    wrong = []
    for edge in found:
        source, target = rank(edge.importer), rank(edge.imported)
        foundation_reach = source == -1 and target > STAGES.index("util")
        if foundation_reach or (source >= 0 and target > source):
            wrong.append(f"{edge.importer}:{edge.line} imports {edge.imported}")
    return wrong


ARCHIVIST = imports_of(PACKAGE_DIR, "archivist")


def test_every_module_belongs_to_a_stage() -> None:
    strays = [m for m in module_names(PACKAGE_DIR, "archivist") if stage_of(m) not in STAGES + FOUNDATION]
    assert not strays


def test_the_package_has_no_import_cycle() -> None:
    assert cycle(ARCHIVIST) == ()


def test_no_stage_imports_a_later_one() -> None:
    assert backward(ARCHIVIST) == []


def test_function_level_imports_are_only_the_listed_ones() -> None:
    lazy = {(edge.importer, edge.imported) for edge in ARCHIVIST if edge.lazy}
    assert lazy - LAZY_ALLOWED == set()
    assert LAZY_ALLOWED - lazy == set(), "an allowed lazy import no longer exists: drop it from the list"


@pytest.fixture
def tangled(tmp_path: Path) -> Path:
    """A small package with every import form the walker must see, and a cycle hidden in a function."""
    files = {
        "__init__.py": "",
        "util/__init__.py": "",
        "util/names.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..render import pool\n",
        "render/__init__.py": "",
        "render/pool.py": "from . import theme\n",
        "render/theme.py": "def load():\n    from .pool import run\n",
        "config.py": "import pkg.util.names as names\nfrom pkg.content import load\n",
        "content/__init__.py": "",
        "content/load.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_walker_sees_relative_function_level_and_type_checking_imports(tangled: Path) -> None:
    found = imports_of(tangled, "pkg")
    edges = {(e.importer, e.imported, e.lazy) for e in found}
    assert edges == {("pkg.util.names", "pkg.render.pool", False), ("pkg.render.pool", "pkg.render.theme", False),
                     ("pkg.render.theme", "pkg.render.pool", True), ("pkg.config", "pkg.util.names", False),
                     ("pkg.config", "pkg.content.load", False)}
    assert set(cycle(found)) == {"pkg.render.pool", "pkg.render.theme"}
    assert backward(found) == ["pkg.config:2 imports pkg.content.load", "pkg.util.names:3 imports pkg.render.pool"]

"""The tree shows the data flow: the core a question flows through never reaches for the entry
points (HTTP, CLI), the ingest or the evaluation, and no two modules import each other in a
circle (an import anywhere in a file counts, also inside a function)."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

from tests.fixtures import ROOT

ENTRY_POINTS = ("assistant.server", "assistant.cli")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _graph() -> dict[str, set[str]]:
    files = [p for pkg in ("assistant", "ingest", "evals") for p in (ROOT / pkg).rglob("*.py")]
    modules = {_module(p): p for p in files}
    return {
        name: {i for i in _imports(path) if i in modules} - {name} for name, path in modules.items()
    }


def test_the_core_never_imports_entry_points_ingest_or_evals() -> None:
    graph = _graph()
    core = [m for m in graph if m.startswith("assistant") and not m.startswith(ENTRY_POINTS)]
    assert len(core) > 20
    leaks = {
        module: sorted(i for i in graph[module] if i.startswith((*ENTRY_POINTS, "ingest", "evals")))
        for module in core
    }
    assert {m: i for m, i in leaks.items() if i} == {}


def test_no_import_circle() -> None:
    graph = _graph()
    # A package's __init__ may gather its own sub-modules (the CLI registers its commands).
    edges = {
        m: {
            i for i in deps if not (i.startswith(m + ".") and (ROOT / m.replace(".", "/")).is_dir())
        }
        for m, deps in graph.items()
    }
    graphlib.TopologicalSorter(edges).prepare()  # raises CycleError naming the circle

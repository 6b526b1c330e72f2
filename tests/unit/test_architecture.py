"""The package's shape: stages depend one way (the import-linter contract in pyproject.toml),
no import cycle between any two modules (top-level or inside a function), and no module so
long that it hides more than one job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "include" / "nscl"
MAX_LINES = 400
LONG_REASON = "Longer than 400 lines because"


def test_layers_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return out


def test_no_import_cycles():
    graph = grimp.build_graph("nscl", include_external_packages=False)
    # A package's __init__ importing its own modules is not a cycle of design; there are none
    # here, so every component found is a real cycle.
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    """Guard for the test above: a graph with a cycle is reported."""
    graph = grimp.ImportGraph()
    for m in ("a", "a.x", "a.y"):
        graph.add_module(m)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    assert _cycles(graph) == [["a.x", "a.y"]]


def test_long_modules_say_why():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_LINES and LONG_REASON not in path.read_text(encoding="utf-8")[:3000]:
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert long == []

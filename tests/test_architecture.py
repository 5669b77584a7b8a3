"""The package's shape: folders by concern, imports one way, no cycle, modules readable at once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis.paths import PACKAGE_DIR

#: Folders from the bottom up. A module may import its own folder, the shared basics and
#: folders of a lower rank; the three analyses share a rank and never import each other.
RANKS = {"basics": 0, "corpus": 1, "annotate": 2, "terms": 3, "framing": 3, "sentiment": 3, "plots": 4,
         "report": 5, "cli": 6}
BASICS = {"errors", "markup", "paths", "store"}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def imports(path: Path, name: str) -> set[str]:
    """Every analysis module that ``path`` imports, at any depth (function-level imports too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("analysis")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            if base.startswith("analysis"):
                found |= {f"{base}.{alias.name}" for alias in node.names} | {base}
    known = modules()
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    return {name: imports(path, name) for name, path in modules().items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle as a list of modules (first == last), or None: depth-first search with colours."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def folder(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "basics"
    if parts[1] in BASICS:
        return "basics"
    if parts[1] in RANKS:
        return parts[1]
    return "cli"  # the entry points at the top: __main__, cli and the thin old-command modules


def test_find_cycle_sees_a_cycle_and_its_absence():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_imports_resolve_relative_and_function_level(tmp_path):
    path = PACKAGE_DIR / "framing" / "labels.py"
    assert "analysis.corpus.codebook" in imports(path, "analysis.framing.labels")


def test_no_import_cycle():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_folders_import_downward_only():
    wrong = []
    for module, targets in graph().items():
        here = folder(module)
        for target in targets:
            there = folder(target)
            if there == here or there == "basics" or module == "analysis":
                continue
            if RANKS[there] >= RANKS[here] and not (here == "basics"):
                wrong.append(f"{module} imports {target}")
            if here == "basics" and there != "basics":
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_top_level_is_small_and_has_the_concern_folders():
    top = [p.name for p in PACKAGE_DIR.glob("*.py")]
    assert len(top) <= 12, sorted(top)
    folders = {p.name for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").exists()}
    assert {"corpus", "annotate", "terms", "framing", "sentiment", "plots", "report"} <= folders


@pytest.mark.parametrize("path", sorted(PACKAGE_DIR.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_module_is_short_enough_to_read_at_once(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE_DIR)} has {lines} lines (at most {MAX_LINES})"


def test_every_folder_says_what_lives_there_and_what_it_may_import():
    for init in PACKAGE_DIR.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "import" in doc, f"{init.relative_to(PACKAGE_DIR)}: say what it may import"

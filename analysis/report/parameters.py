"""What a notebook declares: the names and literal defaults of its ``parameters`` cell, and its layers.

Read statically (``ast``) from the ``.ipynb`` file, never by running it: the batch report
plans its runs from them (which notebooks take an ``actor``, which annotation layers their
``open_workspace(...)`` calls need) before any kernel starts.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any, Iterable, Iterator


def code_cells(path: str | Path) -> list[tuple[str, list[str]]]:
    """(source, tags) of each code cell of an ``.ipynb`` file, read as plain JSON.

    Not through nbformat: importing it in a kernel (``check_parameters`` runs in every
    notebook) costs about 2 CPU seconds (jsonschema), and these readers need only the cells.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            cells.append(("".join(source) if isinstance(source, list) else source,
                          list(cell.get("metadata", {}).get("tags", []))))
    return cells


def code_trees(cells: list[tuple[str, list[str]]]) -> Iterator[ast.Module]:
    """The syntax tree of each code cell of :func:`code_cells`, magics (``%``, ``!``) left out;
    a cell that is not Python is skipped."""
    for text, _ in cells:
        source = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            yield ast.parse(source)
        except SyntaxError:
            continue


def notebook_imports(paths: Iterable[str | Path]) -> list[str]:
    """The modules that the code cells of the notebooks ``paths`` import at their top level, sorted
    (``import a.b`` and ``from a.b import c`` give ``a.b``; relative imports and magics are left out)."""
    found: set[str] = set()
    for path in paths:
        for tree in code_trees(code_cells(path)):
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module)
    return sorted(found)


def parameters_source(cells: list[tuple[str, list[str]]]) -> str | None:
    """The source of the code cell tagged ``parameters`` (None without one), from :func:`code_cells`."""
    for source, tags in cells:
        if "parameters" in tags:
            return source
    return None


def declarations(source: str) -> list[tuple[str, ast.expr | None, ast.expr | None]]:
    """(name, annotation, value) of each top-level assignment of a parameters cell, typed or plain.

    Raises SyntaxError for a cell that does not parse.
    """
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found.append((node.target.id, node.annotation, node.value))
        elif isinstance(node, ast.Assign):
            found.extend((target.id, None, node.value) for target in node.targets if isinstance(target, ast.Name))
    return found


def parameters_cell(cells: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """Names and literal defaults of a notebook's ``parameters`` cell (None where not a literal)."""
    source = parameters_source(cells)
    try:
        found = declarations(source) if source is not None else []
    except SyntaxError:
        return {}
    defaults: dict[str, Any] = {}
    for name, _, value in found:
        try:
            defaults[name] = ast.literal_eval(value) if value is not None else None
        except ValueError:
            defaults[name] = None
    return defaults


def declared_types(path: str | Path) -> dict[str, str | None]:
    """Name → annotation (source text, ``None`` for an untyped assignment) of a notebook's ``parameters`` cell."""
    source = parameters_source(code_cells(path))
    if source is None:
        return {}
    return {name: ast.unparse(annotation) if annotation is not None else None
            for name, annotation, _ in declarations(source)}


def notebook_parameters(path: str | Path) -> dict[str, Any]:
    """The parameters a notebook declares (name → literal default) in its ``parameters`` cell."""
    return parameters_cell(code_cells(path))


def workspace_layers(path: str | Path) -> list[tuple[str, ...] | None]:
    """The ``layers=`` of each ``open_workspace(...)`` call in a notebook (``None`` when not given: the default).

    A ``layers`` given as a parameter name resolves to the parameter's default. Calls whose
    layers cannot be read statically are left out (the notebook then annotates on its own).
    """
    cells = code_cells(path)
    defaults = parameters_cell(cells)
    found: list[tuple[str, ...] | None] = []
    for tree in code_trees(cells):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name != "open_workspace":
                continue
            layers: Any = "default"
            for keyword in node.keywords:
                if keyword.arg == "layers":
                    if isinstance(keyword.value, ast.Name):
                        layers = defaults.get(keyword.value.id)
                    else:
                        try:
                            layers = ast.literal_eval(keyword.value)
                        except ValueError:
                            layers = None
            if layers == "default" or layers is None:
                if None not in found:
                    found.append(None)
            elif isinstance(layers, (list, tuple)) and all(isinstance(x, str) for x in layers):
                key = tuple(layers)
                if key not in found:
                    found.append(key)
    return found

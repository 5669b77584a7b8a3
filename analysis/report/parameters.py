"""What a notebook declares: the names and literal defaults of its ``parameters`` cell, and its layers.

Read statically (``ast``) from the ``.ipynb`` file, never by running it: the batch report
plans its runs from them (which notebooks take an ``actor``, which annotation layers their
``open_workspace(...)`` calls need) before any kernel starts.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any


def parameters_source(nb) -> str | None:
    """The source of a notebook's cell tagged ``parameters`` (None without one)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return cell.source
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


def parameters_cell(nb) -> dict[str, Any]:
    """Names and literal defaults of a notebook's ``parameters`` cell (None where not a literal)."""
    source = parameters_source(nb)
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
    import nbformat

    source = parameters_source(nbformat.read(path, as_version=4))
    if source is None:
        return {}
    return {name: ast.unparse(annotation) if annotation is not None else None
            for name, annotation, _ in declarations(source)}


def notebook_parameters(path: str | Path) -> dict[str, Any]:
    """The parameters a notebook declares (name → literal default) in its ``parameters`` cell."""
    import nbformat

    return parameters_cell(nbformat.read(path, as_version=4))


def workspace_layers(path: str | Path) -> list[tuple[str, ...] | None]:
    """The ``layers=`` of each ``open_workspace(...)`` call in a notebook (``None`` when not given: the default).

    A ``layers`` given as a parameter name resolves to the parameter's default. Calls whose
    layers cannot be read statically are left out (the notebook then annotates on its own).
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    defaults = parameters_cell(nb)
    found: list[tuple[str, ...] | None] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
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

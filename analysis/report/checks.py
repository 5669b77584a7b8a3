"""Checks of notebook parameters against the types the notebook declares, before any work is done.

papermill injects parameters as they were typed: ``-p top_n abc`` gives the string
``"abc"``, and ``-p actors putin`` a string that a ``for`` loop reads letter by letter.
Each suite notebook's first code cell calls :func:`check_parameters`, which reads the
declared types from the annotations of the notebook's ``parameters`` cell (``int``,
``float``, ``str``, ``bool``, ``list[str]``, ``str | None`` ...), converts what can be read
unambiguously (a list given as YAML or comma-separated text, a number given as text),
checks the allowed values and ranges of :data:`RULES`, and raises an
:class:`~analysis.errors.InputError` whose one line names the parameter, the value and
what was expected.
"""

from __future__ import annotations

import ast
import math
import numbers
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from analysis.errors import InputError
from analysis.paths import NOTEBOOKS
from analysis.report.parameters import declared_types


@dataclass(frozen=True)
class Rule:
    """Allowed values (``choices``) or range (``minimum``/``maximum``, inclusive) of one parameter."""

    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def describe(self) -> str:
        """The rule in the words of an error message ("one of D, W, M", "≥ 1")."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.minimum is not None and self.maximum is not None:
            return f"from {self.minimum:g} to {self.maximum:g}"
        return f"≥ {self.minimum:g}" if self.minimum is not None else f"≤ {self.maximum:g}"

    def allows(self, value: Any) -> bool:
        """Whether ``value`` (already of the declared type) is allowed."""
        if self.choices:
            return value in self.choices
        return ((self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum))


_PERIODS = Rule(choices=("D", "W", "M"))
_POSITIVE, _NON_NEGATIVE = Rule(minimum=1), Rule(minimum=0)

#: Allowed values and ranges by parameter name: one meaning per name across the suite's notebooks.
RULES: dict[str, Rule] = {
    "period": _PERIODS, "trend_freq": _PERIODS,
    # analysis.sentiment.target.METHODS and "default" (tests/report/test_parameters.py keeps them equal)
    "method": Rule(choices=("default", "learned", "vader_sentence", "vader_window", "minilm", "minilm-ft")),
    "top_n": _POSITIVE, "panels": _POSITIVE, "n_boot": _POSITIVE, "min_freq": _POSITIVE,
    "ngram_max": Rule(minimum=1, maximum=3), "neutral_band": Rule(minimum=0, maximum=1),
    "sample": _NON_NEGATIVE, "context_window": _NON_NEGATIVE, "kwic_lines": _NON_NEGATIVE,
    "min_mentions": _NON_NEGATIVE,
}


class _Bad(Exception):
    """A value that does not fit its declared type (``expected``: what would)."""

    def __init__(self, expected: str):
        super().__init__(expected)
        self.expected = expected


def check_parameters(namespace: Mapping[str, Any], *, notebook: str | Path) -> dict[str, Any]:
    """The declared parameters of ``notebook`` found in ``namespace``, converted to their types and checked.

    ``notebook``: a suite notebook's name (``"40-actor-profile"``, read from ``notebooks/``)
    or an ``.ipynb`` path. Returns name → value for every declared parameter present in
    ``namespace`` (a notebook's ``globals()``), so that a notebook can write
    ``globals().update(check_parameters(globals(), notebook=...))``. Raises
    :class:`InputError` for the first parameter that does not fit; prints nothing.
    """
    path = notebook_file(notebook)
    checked: dict[str, Any] = {}
    for name, annotation in declared_types(path).items():
        if name in namespace:
            checked[name] = check_value(name, namespace[name], annotation=annotation, source=path.stem)
    return checked


def notebook_file(notebook: str | Path) -> Path:
    """The ``.ipynb`` file of a notebook name (``notebooks/<name>.ipynb``) or path."""
    path = Path(notebook)
    return path if path.suffix == ".ipynb" else NOTEBOOKS / f"{path.name}.ipynb"


def check_value(name: str, value: Any, *, annotation: str | None, source: str = "parameters") -> Any:
    """``value`` converted to ``annotation`` (source text of a type) and checked against ``RULES[name]``."""
    try:
        converted = value if annotation is None else _convert(value, ast.parse(annotation, mode="eval").body)
    except _Bad as bad:
        rule = RULES.get(name)
        extra = f" {rule.describe()}" if rule is not None and not rule.choices else ""
        raise _error(source, name, value, bad.expected + extra) from None
    rule = RULES.get(name)
    if rule is not None and converted is not None and not rule.allows(converted):
        kind = "" if rule.choices else _EXPECTED.get(annotation or "", "a value") + " "
        raise _error(source, name, value, kind + rule.describe())
    return converted


def _error(source: str, name: str, value: Any, expected: str) -> InputError:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return InputError(f"{source}: parameter {name!r}: expected {expected}, got {shown}")


# --- conversion by declared type ----------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?\d+")


def _to_int(value: Any) -> int:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    raise _Bad("a whole number")


def _to_float(value: Any) -> float:
    number: Any = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise _Bad("a number") from None
    if isinstance(number, bool) or not isinstance(number, numbers.Real) or not math.isfinite(number):
        raise _Bad("a number")
    return float(number)


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return str(value)  # papermill reads "-p actor 2022" as a number
    raise _Bad("text")


_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise _Bad("true or false")


def _to_list(value: Any, item: Callable[[Any], Any], item_expected: str) -> list:
    expected = f"a list of {item_expected} (YAML such as [a, b], or comma-separated a,b)"
    if isinstance(value, str):
        value = _parse_list(value, expected=expected)
    if not isinstance(value, (list, tuple)):
        raise _Bad(expected)
    try:
        return [item(v) for v in value]
    except _Bad:
        raise _Bad(expected) from None


def _parse_list(text: str, *, expected: str) -> list:
    """A list typed as text: YAML (``[a, b]``) when it starts with ``[``, else comma-separated (``a,b``)."""
    import yaml

    text = text.strip()
    if not text.startswith("["):
        return [part.strip() for part in text.split(",") if part.strip()]
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        raise _Bad(expected) from None
    if not isinstance(parsed, list):
        raise _Bad(expected)
    return parsed


_SCALARS: dict[str, Callable[[Any], Any]] = {"int": _to_int, "float": _to_float, "str": _to_str, "bool": _to_bool}
_EXPECTED = {"int": "a whole number", "float": "a number", "str": "text", "bool": "true or false"}


def _convert(value: Any, annotation: ast.expr) -> Any:
    """``value`` as the type ``annotation`` describes; unknown annotations pass the value through."""
    optional = _optional_of(annotation)
    if optional is not None:
        return None if value is None else _convert(value, optional)
    if isinstance(annotation, ast.Name) and annotation.id in _SCALARS:
        return _SCALARS[annotation.id](value)
    if isinstance(annotation, ast.Name) and annotation.id in ("list", "List"):
        return _to_list(value, _to_str, "text")
    if (isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name)
            and annotation.value.id in ("list", "List")):
        inner = annotation.slice
        return _to_list(value, lambda v: _convert(v, inner), _EXPECTED.get(ast.unparse(inner), "values"))
    return value


def _optional_of(annotation: ast.expr) -> ast.expr | None:
    """``X`` of ``X | None``, ``None | X`` or ``Optional[X]``, else ``None``."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [annotation.left, annotation.right]
        rest = [s for s in sides if not (isinstance(s, ast.Constant) and s.value is None)]
        return rest[0] if len(rest) == 1 else None
    if (isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name)
            and annotation.value.id == "Optional"):
        return annotation.slice
    return None

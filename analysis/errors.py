"""Errors for bad input: each names where (file, line or record), which field, and what was expected.

Users of the suite are researchers, not Python programmers: a message such as
``articles.csv, line 14, field 'date': expected a date as YYYY-MM-DD, got '2022-13-01'``
tells them what to fix without a traceback to decode.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record, kept as data so that a reader can collect them."""

    source: str
    field: str
    expected: str
    got: str | None = None
    line: int | None = None
    record: str | None = None

    def __str__(self) -> str:
        where = [self.source]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record is not None:
            where.append(f"record {self.record}")
        message = f"{', '.join(where)}, field {self.field!r}: expected {self.expected}"
        if self.got is not None:
            shown = self.got if len(self.got) <= 60 else self.got[:57] + "..."
            message += f", got {shown!r}"
        return message


class InputError(ValueError):
    """Bad user input (corpus, codebook, dictionary, parameters), with its location."""

    def __init__(self, problem: Problem | str, *, more: list[Problem] | None = None):
        self.problem = problem
        self.more = list(more or [])
        text = str(problem)
        if self.more:
            text += f" (and {len(self.more)} more problem(s): " + "; ".join(map(str, self.more[:3]))
            text += " ...)" if len(self.more) > 3 else ")"
        super().__init__(text)

    @classmethod
    def at(cls, source: object, *, field: str, expected: str, got: object = None,
           line: int | None = None, record: object = None) -> "InputError":
        """Shorthand: ``raise InputError.at(path, line=3, field='date', expected='YYYY-MM-DD', got=s)``."""
        return cls(Problem(source=str(source), field=field, expected=expected,
                           got=None if got is None else str(got), line=line,
                           record=None if record is None else str(record)))

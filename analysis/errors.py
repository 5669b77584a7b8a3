"""Errors for bad input: each names where (file, line or record), which field, and what was expected.

Users of the suite are researchers, not Python programmers: a message such as
``articles.csv, line 14, field 'date': expected a date as YYYY-MM-DD, got '2022-13-01'``
tells them what to fix without a traceback to decode.
"""

from __future__ import annotations

import argparse
import numbers
from dataclasses import dataclass
from typing import NoReturn


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


@dataclass(frozen=True)
class Notice(Problem):
    """A problem that does not stop a read (the ``warning:`` lines of the command line).

    Kept for input that is not wrong enough to refuse yet may not be what the user meant,
    such as metadata for articles that are not there: the read goes on, and the notice is
    listed (``Corpus.warnings``) and printed, never dropped.
    """


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


# --- counts and command lines -------------------------------------------------------------

#: What every count option (workers, jobs, min-count, top-n) accepts, in the words of its error.
COUNT_EXPECTED = "a positive whole number (1, 2, 3 ...)"


def require_count(value: object, *, name: str) -> int:
    """``value`` as an int when it is a whole number ≥ 1, else an :class:`InputError` naming ``name``.

    Zero and negative counts are refused rather than read as "all cores" or "none":
    ``workers=0`` used to mean every core, and a negative number of Dask workers hung.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InputError(f"{name}: expected {COUNT_EXPECTED}, got {value!r}")
    return int(value)


def count_option(text: str) -> int:
    """``argparse`` type of count options: the same rule as :func:`require_count`, as a usage error."""
    try:
        return require_count(int(text.strip()), name="")
    except (ValueError, InputError):
        raise argparse.ArgumentTypeError(f"expected {COUNT_EXPECTED}, got {text!r}") from None


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one ``error: ...`` line with exit code 2.

    The suite promises one line per bad input, never a usage block to decode; ``--help``
    still shows the full usage. Subparsers inherit the class.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {' '.join(message.split())} (see {self.prog} --help)\n")

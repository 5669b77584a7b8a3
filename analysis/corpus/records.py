"""Record streams of CSV and JSON Lines files: one ``(line, row)`` per record, with line numbers.

:mod:`analysis.corpus.reader` turns these rows into articles;
:mod:`analysis.framing.score_files` reads its input through them too. Each stream yields
``(line where the record starts, dict)`` or ``(line, Problem)`` for a record that cannot
be read, so a caller can stop at the first problem or skip and report every one.

Two faults of CSV files are easy to miss because the ``csv`` module accepts them
silently, and both are caught here:

* a quote that is never closed runs to the end of the file, turning every record after
  it into text of one field;
* a stray quote mid-file runs on until the next quote character, swallowing the records
  in between (the ``csv`` module returns one record where a reader of the file sees many).

A record whose quoted field takes in lines that look like records of their own (a
valid date in the date column, as many fields as the header), or a quote still open at
the end of the file, is a problem naming the line where the quote opened; every
swallowed line is a problem of its own, so that articles read plus records skipped
equals the records a reader of the file counts. Text after a closing quote (``"a"b``,
which the ``csv`` module glues into one field) is a problem too: it is how a stray
quote closed on its own line, or an undoubled quote inside quotes, shows.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import itertools
import json
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TextIO

from analysis.errors import InputError, Problem

#: Date column names recognised without a mapping, in order of preference.
DATE_COLUMNS = ("date", "published", "publication_date", "pub_date", "datetime")
#: The longest CSV field accepted: Python's default (131,072 characters) is shorter than some
#: articles; this is as large as the ``csv`` module allows on every platform (a C long).
FIELD_SIZE_LIMIT = min(sys.maxsize, 2**31 - 1)
DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z]*)?$")
#: A quoted CSV field that is closed: doubled quotes inside, a single quote at the end.
_CLOSED_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"(?!")')


def allow_long_fields() -> None:
    """Raise the ``csv`` module's field size limit (process-wide) so that long articles can be read."""
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)


def is_date(value: str) -> bool:
    """Does ``value`` start with a valid calendar day as YYYY-MM-DD (optionally a time after it)?"""
    match = DATE.match(value.strip())
    if not match:
        return False
    try:
        dt.date.fromisoformat(match[1])
    except ValueError:
        return False
    return True


def read_text(path: Path) -> str:
    """A whole UTF-8 file (a BOM is dropped); undecodable bytes are an error naming their line."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError.at(path, field="path", expected="a readable file", got=error.strerror) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError.at(path, line=line, field="encoding", expected="UTF-8 text",
                            got=f"undecodable bytes {data[error.start:error.end]!r}") from None


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """Open a UTF-8 text file for streaming; a decoding error names the line of the bad bytes."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise InputError.at(path, field="path", expected="a readable file", got=error.strerror) from None
    try:
        yield handle
    except UnicodeDecodeError:
        read_text(path)  # re-read as bytes to find and name the bad line
        raise
    finally:
        handle.close()


def quoted_spans(raw: str, *, delimiter: str = ",") -> list[tuple[int, int, int | None]]:
    """(field index, offset of the opening quote, offset after the closing quote or ``None``) per
    quoted field of one record's raw text.

    Follows the ``csv`` module's default dialect, non-strict: a quote opens a field only at
    its start, ``""`` inside is a quote, text after the closing quote joins the field, and a
    quote inside an unquoted field is a plain character. ``None`` means the quote is still
    open at the end of ``raw``.
    """
    unquoted = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    spans: list[tuple[int, int, int | None]] = []
    position, index = 0, 0
    while position < len(raw):
        if raw[position] == '"':
            match = _CLOSED_QUOTED.match(raw, position)
            if match is None:
                spans.append((index, position, None))
                break
            spans.append((index, position, match.end()))
            position = match.end()
        position = unquoted.match(raw, position).end()  # type: ignore[union-attr]
        if position >= len(raw) or raw[position] != delimiter:
            break  # a line break (or the end) ends the record
        position, index = position + 1, index + 1
    return spans


@dataclass(frozen=True)
class _Shape:
    """What a record of this CSV file looks like: its header, date column and delimiter."""

    path: Path
    header: list[str]
    delimiter: str
    date_index: int | None

    def column(self, index: int) -> str:
        return self.header[index] if index < len(self.header) else f"column {index + 1}"

    def starts_record(self, line: str) -> bool:
        """Would a reader of the file take ``line`` for the start of a record?

        Read on its own, it has a valid date in the date column and the header's number of
        fields (fewer if its last field is a quote still open at the line's end).
        """
        if self.date_index is None:
            return False
        try:
            values = next(csv.reader([line], delimiter=self.delimiter), [])
        except csv.Error:
            return False
        if len(values) <= self.date_index or not is_date(values[self.date_index]):
            return False
        if len(values) == len(self.header):
            return True
        spans = quoted_spans(line, delimiter=self.delimiter)
        return len(values) < len(self.header) and bool(spans) and spans[-1][2] is None


class _LineTap:
    """An iterator over a file's physical lines that keeps the lines of the record being read."""

    def __init__(self, handle: TextIO):
        self.handle = handle
        self.lines: list[str] = []
        self.count = 0

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        line = next(self.handle)
        self.lines.append(line)
        self.count += 1
        return line

    def take(self) -> list[str]:
        """The lines read since the last call (one record's lines)."""
        lines, self.lines = self.lines, []
        return lines


def _header(path: Path, reader: Iterator[list[str]]) -> list[str]:
    """The header row: present, and each non-empty column name once (a repeat would hide a column)."""
    try:
        header = next(reader)
    except StopIteration:
        raise InputError.at(path, line=1, field="header", expected="a header row", got="empty file") from None
    except csv.Error as error:
        raise InputError.at(path, line=1, field="header", expected="a CSV header row", got=str(error)) from None
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name and name in seen:
            raise InputError.at(path, line=1, field=name,
                                expected=f"each column name once (it is column {seen[name]} already)",
                                got=f"{name!r} again as column {position}")
        seen.setdefault(name, position)
    return header


def _records(reader: Iterator[list[str]], tap: _LineTap) -> Iterator[tuple[int, list[str] | csv.Error, list[str]]]:
    """(first line, values or the csv error, raw lines) per record; blank lines are left out."""
    while True:
        start = tap.count + 1
        try:
            values: list[str] | csv.Error = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            values = error
        lines = tap.take()
        if values != []:
            yield start, values, lines


def _line_finder(start: int, lines: list[str]) -> Callable[[int], int]:
    """Offset in the record's text → line number in the file."""
    ends = list(itertools.accumulate(map(len, lines), initial=0))
    return lambda offset: start + bisect.bisect_right(ends, offset) - 1


def _quote_problems(shape: _Shape, start: int, lines: list[str]) -> list[Problem]:
    """Problems with a record's quotes (none for almost every record): a quote that runs to the end of
    the file or swallows lines that look like records, or text after a closing quote."""
    raw = "".join(lines)
    if '"' not in raw:
        return []
    spans = quoted_spans(raw, delimiter=shape.delimiter)
    swallowed = [start + i for i, line in enumerate(lines[1:], start=1) if shape.starts_record(line)]
    line_of = _line_finder(start, lines)
    if spans and (swallowed or spans[-1][2] is None):  # the csv module ends a record in quotes only at the end
        first = len("".join(lines[:swallowed[0] - start])) if swallowed else len(raw)
        index, opened, closed = next(((i, s, e) for i, s, e in spans if s < first and (e is None or e > first)),
                                     spans[-1])
        return _runaway_quote(shape, shape.column(index), line_of(opened),
                              None if closed is None else line_of(closed - 1), swallowed)
    return _text_after_quote(shape, spans, raw, line_of)


def _runaway_quote(shape: _Shape, name: str, opened: int, closed: int | None, swallowed: list[int]
                   ) -> list[Problem]:
    """One problem at the line where the quote opened, then one for each line it swallowed."""
    got = ("no closing quote before the end of the file" if closed is None else
           f"closed only on line {closed}, {len(swallowed)} record(s) later")
    problems = [Problem(str(shape.path), line=opened, field=name,
                        expected='a closing quote (") for the quote that opens this field', got=got)]
    problems += [Problem(str(shape.path), line=line, field=name, expected="a record of its own",
                         got=f"text of the quoted field opened on line {opened}") for line in swallowed]
    return problems


def _text_after_quote(shape: _Shape, spans: list[tuple[int, int, int | None]], raw: str,
                      line_of: Callable[[int], int]) -> list[Problem]:
    """A closing quote followed by more text (``"a "b" c``): a stray quote, or a quote inside quotes
    that is not doubled. The csv module glues the pieces together and shifts the fields after them."""
    separator = "a tab" if shape.delimiter == "\t" else repr(shape.delimiter)
    for index, _, closed in spans:
        if closed is not None and closed < len(raw) and raw[closed] not in (shape.delimiter, "\r", "\n"):
            return [Problem(str(shape.path), line=line_of(closed - 1), field=shape.column(index),
                            expected=f"{separator} or the line's end after a closing quote "
                                     '(a quote inside quotes is written twice: "")',
                            got=raw[closed - 1:closed + 40].splitlines()[0])]
    return []


def csv_rows(path: Path, *, date_column: str | None = None) -> Iterator[tuple[int, dict | Problem]]:
    """(line where the record starts, row) for each CSV record, streamed; fields may span lines.

    ``date_column`` (default: the first of :data:`DATE_COLUMNS` in the header) is how swallowed
    records are recognised. A ``.tsv`` file is tab-separated.
    """
    allow_long_fields()
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with open_text(path) as handle:
        tap = _LineTap(handle)
        reader = csv.reader(tap, delimiter=delimiter)
        header = _header(path, reader)
        tap.take()
        date_column = date_column or next((c for c in DATE_COLUMNS if c in header), None)
        shape = _Shape(path, header, delimiter, header.index(date_column) if date_column in header else None)
        for start, values, lines in _records(reader, tap):
            problems = _quote_problems(shape, start, lines)
            if problems:
                yield from ((problem.line or start, problem) for problem in problems)
            elif isinstance(values, csv.Error):
                yield start, Problem(str(path), line=start, field="csv", expected="well-formed CSV", got=str(values))
            elif len(values) != len(header):
                yield start, Problem(str(path), line=start, field="columns",
                                     expected=f"{len(header)} fields as in the header", got=f"{len(values)} fields")
            else:
                yield start, dict(zip(header, values))


def jsonl_rows(path: Path) -> Iterator[tuple[int, dict | Problem]]:
    """(line, object) for each JSON Lines record, streamed.

    Values become text (``null`` → ``""``, numbers and booleans as written by ``str``);
    objects and lists are kept as they are, so that a reader can refuse them where it needs
    text instead of storing their Python form.
    """
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, Problem(str(path), line=number, field="json", expected="one JSON object per line",
                                      got=error.msg)
                continue
            if not isinstance(value, dict):
                yield number, Problem(str(path), line=number, field="json", expected="a JSON object",
                                      got=type(value).__name__)
                continue
            yield number, {k: _json_value(v) for k, v in value.items()}


def _json_value(value: object) -> object:
    if value is None:
        return ""
    return value if isinstance(value, (dict, list)) else str(value)


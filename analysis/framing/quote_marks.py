"""Quote marks: which double quote marks of an article pair up into quotations.

The first step of quote detection (:mod:`analysis.framing.quotes`). It has a module of
its own because :mod:`analysis.framing.speakers` needs it too (its ``_Article`` knows
where an article's quotations are) and must not import :mod:`analysis.framing.quotes`,
which imports it; :mod:`analysis.framing.roles` reads the spans as well. The rule:

Quote marks
    Straight (``"``) and curly (``“ ”``) double quotes. A curly mark says which side it
    is; a straight one is read from its neighbours (space before, letter after: opens;
    letter before, space or punctuation after: closes; otherwise it toggles). An opener
    that meets another opener is dropped (a stray mark must not swallow the rest of a
    one-line scraped article). Paragraph convention of news style: a quote paragraph that
    does not close continues when the next paragraph opens with a quote mark; the span then
    runs across the paragraph break. A quote left open otherwise is dropped.
"""

from __future__ import annotations

import re
from typing import Sequence

_MARKS = re.compile(r"[\"“”]")


def _mark_side(doc: str, pos: int, lo: int, hi: int) -> str:
    char = doc[pos]
    if char == "“":
        return "open"
    if char == "”":
        return "close"
    before = doc[pos - 1] if pos > lo else " "
    after = doc[pos + 1] if pos + 1 < hi else " "
    space_before = before.isspace() or before in "([{—–-/"
    space_after = after.isspace() or after in ",.;:!?)]}—–"
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    return "either"


def quote_mark_spans(doc: str, paragraphs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(opening mark, closing mark) offsets of each quotation, after the rules in the module docstring."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for index, (lo, hi) in enumerate(paragraphs):
        marks = [m.start() for m in _MARKS.finditer(doc, lo, hi)]
        if opened is not None:
            first = lo + len(doc[lo:hi]) - len(doc[lo:hi].lstrip())
            if marks and marks[0] == first and _mark_side(doc, first, lo, hi) != "close":
                marks = marks[1:]          # the continuation mark of a multi-paragraph quote
            else:
                opened = None
        for pos in marks:
            side = _mark_side(doc, pos, lo, hi)
            if opened is None:
                if side != "close":
                    opened = pos
            elif side != "open":
                spans.append((opened, pos))
                opened = None
            else:
                opened = pos               # an opener that never closed: drop it
        if opened is not None:
            following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            if following is None or doc[following[0]:following[0] + 1] not in ("\"", "“"):
                opened = None
    return spans


def _has_mark(doc: str, lo: int, hi: int) -> bool:
    return doc.find('"', lo, hi) >= 0 or doc.find("“", lo, hi) >= 0 or doc.find("”", lo, hi) >= 0

"""The span primitives every mention rule shares: a mention, containment, a trie regex.

Kept below :mod:`analysis.corpus.mentions` so that the rule modules it calls
(:mod:`analysis.corpus.descriptors`, :mod:`analysis.corpus.pronouns`) can use them too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterable, NamedTuple, Sequence


class Mention(NamedTuple):
    start: int
    end: int
    actor_id: str
    kind: str


def _trie_regex(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first, shaped as a trie.

    Python's ``re`` tries alternatives one by one at every position; a trie makes a
    failing position cost one character test, which matters over millions of characters.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


def _glued(text: str, start: int) -> bool:
    """Does a match start inside a word ("xRussia") or right after a period ("e.U.S")?"""
    return start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.")


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Is ``position`` inside one of the sorted, non-overlapping ``spans``?"""
    index = bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of ``spans`` (what :func:`_inside` expects)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out

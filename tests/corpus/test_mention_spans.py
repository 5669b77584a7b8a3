"""The span primitives: the trie regex and its fast-scanning form."""

from __future__ import annotations

import re

import pytest

from analysis.corpus.mention_spans import _trie_regex, word_start_regex

TEXT = ("He said his aides told them: she and They left. Ahem, shed, the-he, x-his, THEIR, "
        "hers, Heather, theirs. The Prime Minister met the prime minister's THE PRIME MINISTER.")


def _spans(pattern: str, text: str = TEXT, flags: int = 0) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, text, flags)]


def test_opens_with_a_class_and_checks_the_character_before():
    pattern = word_start_regex(["he", "his", "He"], not_after=r"\w")
    assert pattern == r"[Hh](?<!\w.)(?:(?<=H)e|(?<=h)(?:e|is))"


@pytest.mark.parametrize("words, not_after, flags", [
    ("He he him His his She she Her her They they them Their their".split(), r"\w", 0),
    ("He he him His his She she Her her They they them Their their".split(), r"[\w-]", 0),
    (["the prime minister", "the prime", "the president", "prime minister"], r"[\w.]", re.IGNORECASE),
    (["h", "he", "her"], r"\w", 0),
])
def test_same_matches_as_the_look_behind_and_trie(words, not_after, flags):
    slow = rf"(?<!{not_after})(?:{_trie_regex(words)})(?![\w-])"
    fast = word_start_regex(words, not_after=not_after) + r"(?![\w-])"
    assert _spans(fast, flags=flags) == _spans(slow, flags=flags)
    assert _spans(fast, flags=flags)  # the texts hold matches: the comparison is not vacuous


def test_pronouns_found_at_word_starts_only():
    pattern = word_start_regex("He he his them she They THEIR".split(), not_after=r"\w") + r"\b"
    found = [TEXT[a:b] for a, b in _spans(pattern)]
    assert found == ["He", "his", "them", "she", "They", "he", "his", "THEIR"]  # "the-he", "x-his": after a hyphen

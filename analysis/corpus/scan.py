"""Where a corpus writes names: runs of capitalised words, judged where they open a sentence.

The first step of candidate discovery (:mod:`analysis.corpus.candidates`). Rules:

* **A name run** is a sequence of capitalised words ("Recep Tayyip Erdoğan"), acronyms
  ("NATO", "U.S."), initials ("Joseph R. Biden"), abbreviated titles ("Sen.", "Mr.") and
  the particles of names between them ("Secretary of State", "State of the Union",
  "Charles de Gaulle"). A
  possessive ends a run ("Russia’s Defense Ministry" is "Russia" and "Defense Ministry");
  a contraction drops its word ("I’m", "Don’t").
* **Title-case headlines and lines** ("Republican Attacks On Joe Biden Over Ukraine") are
  skipped: their capitals say nothing about names.
* **Corpus statistics** decide what capitals mean: how often each word is written
  lower-case anywhere, and how often capitalised where no sentence opens.
* **Sentence-initial words** (after ". ", "? ", ": ", an opening quote, or a line start; not
  after an abbreviation such as "Mr." or an initial) are judged by
  :func:`opens_as_name`: a word the corpus writes lower-case more often than capitalised
  elsewhere is a common word ("Officials", "Later") and is dropped, so "Officials met. Boris
  Johnson branded it" yields "Boris Johnson" and "Later Jens Stoltenberg" yields "Jens
  Stoltenberg"; "Erdogan said" at a sentence start still counts for Erdogan.
* **Leading function words and day or month names** are dropped ("The Kremlin" is
  "Kremlin", "On Monday Putin" is "Putin"); the dropped word is kept as context (the word
  before the name), so "In Kyiv" still shows a locative preposition.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple

from analysis.corpus.text import abbreviations, stopwords

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŸŹŻŽ"
_ABBREVIATED = "Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Maj|Capt|Sgt|Adm|Cmdr|Prof|Rev|St|Jr|Sr|Ft|Mt|Pres"
_WORD = (rf"(?:(?:{_ABBREVIATED})\.|(?:[{_UPPER}]\.){{2,}}|[{_UPPER}]\.(?=[ \u00a0]+[{_UPPER}])"
         rf"|(?:al|el)-[{_UPPER}]\w*|[{_UPPER}](?:\w|[’'](?=[{_UPPER}])|[-‐](?:(?:[{_UPPER}]\.){{2,}}|(?=\w)))*)")
#: Lower-case particles that may join two capitalised words of one name.
PARTICLES = frozenset("of de da di du von van der den bin ibn la le".split())
_LINK = rf"[ \u00a0]+(?:(?:of[ \u00a0]+the|{'|'.join(sorted(PARTICLES))})[ \u00a0]+)?"
_NAME_RUN = re.compile(rf"(?<![\w’'.\-‐]){_WORD}(?:{_LINK}{_WORD})*")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_CONTRACTION = re.compile(r"[’'](?:m|ll|re|ve|d|t)\b|n[’']t\b")
_AFTER = re.compile(r"\s+([a-z]+)")
_OPENING = "“‘(["
_CLOSING = "”’)]"
CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december jan feb mar apr jun jul aug sep sept oct nov dec".split())
#: A headline or line is title case when at least this share of its words of four letters or
#: more are capitalised (and there are at least three such words).
TITLE_CASE_SHARE = 0.6


class Occurrence(NamedTuple):
    """One name run as written: where, its words, whether it opens a sentence, the two words
    before it and the lower-case word after it (lower case, or "")."""

    article: int
    start: int
    end: int
    words: tuple[str, ...]
    initial: bool
    before: str
    before2: str
    after: str


@dataclass
class Capitals:
    """How the corpus writes each word: ``lower`` (lower-case form → times written lower-case),
    ``capital`` (exact capitalised form → times written so where no sentence opens) and
    ``opening`` (times it opens a name run where no sentence opens)."""

    lower: Counter = field(default_factory=Counter)
    capital: Counter = field(default_factory=Counter)
    opening: Counter = field(default_factory=Counter)

    def mostly_lower(self, word: str) -> bool:
        """Is ``word`` written lower-case more often than capitalised mid-sentence?

        Acronyms of up to four capitals ("US", "NATO") are exempt: "us" is another word.
        """
        if word.isupper() and len(word) <= 4:
            return False
        return self.lower[word.lower()] > self.capital[word]


def title_case(line: str) -> bool:
    """Is a headline or line written in title case (see :data:`TITLE_CASE_SHARE`)?"""
    long_words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line) if len(w) >= 4]
    capitals = sum(w[0].isupper() for w in long_words)
    return len(long_words) >= 3 and capitals >= TITLE_CASE_SHARE * len(long_words)


def opens_sentence(text: str, start: int) -> bool:
    """Does a sentence (or a quotation, or a line) open at ``start``?

    After ". ", "! ", "? ", ": ", "…" (closing quotes between allowed), an opening quote or a
    line start; not after the period of an abbreviation (``resources/abbreviations.txt``),
    an initial ("R.") or an initialism ("U.S.").
    """
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    if i < 0 or text[i] == "\n" or text[i] in _OPENING:
        return True
    if text[i] in "\"'":
        if i == 0 or text[i - 1].isspace() or text[i - 1] in _OPENING:
            return True              # a straight quote that opens
        i -= 1
    while i >= 0 and text[i] in _CLOSING + "\"'":
        i -= 1
    if i < 0:
        return True
    if text[i] in "!?:…":
        return True
    if text[i] != ".":
        return False
    word_start = i
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:i].lower()
    return not (len(word) == 1 or "." in word or word in abbreviations())


def opens_as_name(word: str, rest: tuple[str, ...], capitals: Capitals) -> bool:
    """Is a capitalised word that opens a sentence a name (rule in the module docstring)?

    A word never seen elsewhere is a name only when it opens a longer run whose next word
    opens no name elsewhere ("Boris Johnson" in a small corpus); "Later Jens Stoltenberg",
    with "Jens Stoltenberg" named elsewhere, drops "Later".
    """
    if capitals.mostly_lower(word):
        return False
    if capitals.capital[word]:
        return True
    return bool(rest) and not capitals.opening[rest[0]]


def scan(documents: list[tuple[str, int]]) -> tuple[list[Occurrence], Capitals]:
    """Every name run of ``(document text, headline length)`` pairs, and the capitalisation statistics.

    Offsets point into the document (:func:`analysis.corpus.reader.document_text`); a
    title-case headline, or a title-case line of a body that has line breaks, is skipped.
    """
    capitals = Capitals()
    found: list[Occurrence] = []
    for index, (text, headline) in enumerate(documents):
        capitals.lower.update(_LOWER_WORD.findall(text))
        several_lines = "\n" in text[headline + 2:]
        for segment_start, segment in _segments(text):
            if (segment_start < headline or several_lines) and title_case(segment):
                continue
            for occurrence in _runs(index, segment, segment_start, text):
                found.append(occurrence)
                capitals.capital.update(occurrence.words[1:] if occurrence.initial else occurrence.words)
                if not occurrence.initial:
                    capitals.opening[occurrence.words[0]] += 1
    return found, capitals


def _segments(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) of each line of ``text``."""
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _runs(index: int, segment: str, offset: int, text: str) -> Iterator[Occurrence]:
    for match in _NAME_RUN.finditer(segment):
        words = tuple(match.group().split())
        start, end = match.start() + offset, match.end() + offset
        if _CONTRACTION.match(text, end) or _CONTRACTION.match(text, end - 1):
            words = words[:-1]                 # "I’m", "Don’t": the last word is a contraction
            if not words:
                continue
        before, before2 = _words_before(text, start)
        following = _AFTER.match(text, end)
        yield Occurrence(index, start, end, words, opens_sentence(text, start), before.lower(), before2.lower(),
                         following.group(1) if following else "")


def _words_before(text: str, start: int) -> tuple[str, str]:
    """The word just before ``start`` (separated by white space only) and the word before that."""
    if start == 0 or not text[start - 1].isspace():
        return "", ""
    words = text[max(0, start - 40):start].split()
    if start > 40 and len(words) <= 2:
        words = words[1:]                      # the first may be cut
    return (words[-1] if words else ""), (words[-2] if len(words) > 1 else "")


def function_words() -> frozenset[str]:
    """Words that never start a name: the written stop words, day and month names."""
    stop, _ = stopwords("written")
    return stop | CALENDAR

"""Text layer: sentences and word tokens with character offsets, stop words, stemming.

* Sentences come from NLTK's Punkt (Kiss & Strunk 2006) with its default English
  heuristics and the abbreviation list written in ``resources/abbreviations.txt``,
  so no model is downloaded. Punkt runs within each paragraph; a sentence never
  crosses a paragraph break, and the headline is always a sentence of its own.
* Word tokens come from one regular expression through NLTK's ``RegexpTokenizer``
  (initialisms such as "U.S." keep their periods; numbers keep their separators;
  clitics "'s" and "n't" split off as in the Penn Treebank; other punctuation is
  one token per character).
* Stop words are the written list in ``resources/stopwords_en.txt`` (NLTK's English
  list written out), or NLTK's installed copy when asked and present.

Offsets always point into :func:`analysis.corpus.reader.document_text`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, Iterator, Literal

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import punkt as punkt_module
from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer, PunktToken

from analysis.paths import RESOURCES

TOKEN_PATTERN = r"""(?x)
    (?:[^\W\d_]\.){2,}                # initialisms with periods: U.S.  U.K.  a.m.
  | \d+(?:[.,:/]\d+)*                 # numbers: 3,000  8.5  10:30  2/3
  | \w+(?:[-‐]\w+|['’][A-Z]\w+)*      # words, hyphenated compounds, names: Russia-Ukraine, O'Neill
  | ['’](?:[sSdDmMtT]|re|RE|ve|VE|ll|LL)(?![^\W\d_])  # clitics: 's 're 've 'll 'd 'm ('t: see token_spans)
  | \S                                # any other character: punctuation, symbols
"""
# NLTK's RegexpTokenizer runs this same pattern, but wraps every match in a ReDoS
# timeout guard that triples the cost on a large corpus; the pattern is linear, so the
# suite compiles it with the standard library instead.
_TOKEN = re.compile(TOKEN_PATTERN)
_NT_CLITIC = re.compile(r"(?<=[^\W\d_])n['’]t\b")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def _read_list(name: str) -> list[str]:
    lines = (RESOURCES / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Punkt abbreviation types (lower case, no final period) from ``resources/abbreviations.txt``."""
    return frozenset(_read_list("abbreviations.txt"))


def _unguarded(pattern: Any) -> Any:
    """The compiled ``regex`` pattern inside NLTK's ReDoS guard (same engine, same semantics).

    NLTK 3.10 routes every Punkt regex through ``nltk.redos.TimedPattern``, a wall-clock
    timeout around each match. Punkt's own patterns are fixed and linear, and the guard's
    per-call cost is a fifth of Punkt's time on news text, so the suite calls the
    patterns directly. Decisions are unchanged (tests/test_text.py compares with Punkt).
    """
    return getattr(pattern, "_rx", pattern)


class _FastLanguageVars(PunktLanguageVars):
    re_boundary_realignment = _unguarded(PunktLanguageVars.re_boundary_realignment)

    def _word_tokenizer_re(self) -> Any:
        return _unguarded(super()._word_tokenizer_re())

    def period_context_re(self) -> Any:
        return _unguarded(super().period_context_re())


class _FastToken(PunktToken):
    __slots__ = ()
    _RE_ELLIPSIS = _unguarded(PunktToken._RE_ELLIPSIS)
    _RE_NUMERIC = _unguarded(PunktToken._RE_NUMERIC)
    _RE_INITIAL = _unguarded(PunktToken._RE_INITIAL)
    _RE_ALPHA = _unguarded(PunktToken._RE_ALPHA)
    _NON_PUNCT = _unguarded(punkt_module._re_non_punct)

    @property
    def is_non_punct(self) -> Any:
        return self._NON_PUNCT.search(self.type)


class _MemoPunkt(PunktSentenceTokenizer):
    """Punkt that remembers its decision for each candidate context ("troops. The").

    ``text_contains_sentbreak`` is a pure function of the short context around a
    candidate boundary, and news prose repeats those contexts, so remembering them
    cuts Punkt's time by about a third with decisions unchanged (tests/test_text.py).
    """

    _LIMIT = 500_000

    def __init__(self, params: PunktParameters):
        super().__init__(params, lang_vars=_FastLanguageVars(), token_cls=_FastToken)
        self._decisions: dict[str, bool] = {}

    def text_contains_sentbreak(self, text: str) -> bool:
        decision = self._decisions.get(text)
        if decision is None:
            if len(self._decisions) >= self._LIMIT:
                self._decisions.clear()
            decision = self._decisions[text] = super().text_contains_sentbreak(text)
        return decision


def punkt_parameters() -> PunktParameters:
    """Punkt parameters: the written abbreviation list, nothing trained (offline, deterministic)."""
    params = PunktParameters()
    params.abbrev_types = set(abbreviations())
    return params


@lru_cache(maxsize=1)
def sentence_tokenizer() -> PunktSentenceTokenizer:
    """NLTK Punkt with the written abbreviation list (see :class:`_MemoPunkt`)."""
    return _MemoPunkt(punkt_parameters())


def paragraph_spans(text: str, *, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: runs of lines separated by blank (or white-space-only) lines.

    Each span is trimmed of surrounding white space.
    """
    spans = []
    start = 0
    for cut in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = cut.start() if cut else len(text)
        chunk = text[start:end]
        if chunk.strip():
            left = len(chunk) - len(chunk.lstrip())
            right = len(chunk.rstrip())
            spans.append((start + left + offset, start + right + offset))
        if cut:
            start = cut.end()
    return spans


def sentence_spans(text: str, *, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each Punkt sentence of one paragraph, shifted by ``offset``."""
    return [(start + offset, end + offset) for start, end in sentence_tokenizer().span_tokenize(text)]


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word token in ``text`` (see :data:`TOKEN_PATTERN`).

    "don't" splits as "do" + "n't" (Penn Treebank): the pattern yields "don" + "'t",
    and the rare contractions are mended afterwards, which keeps the hot loop simple.
    """
    spans = [match.span() for match in _TOKEN.finditer(text)]
    if "n't" not in text and "n’t" not in text:
        return spans
    starts = [start for start, _ in spans]
    for match in _NT_CLITIC.finditer(text):
        n = match.start()                               # the "n" of "n't"
        word = bisect_right(starts, n) - 1              # "don" (ends just after n)
        if word < 0 or word + 1 >= len(spans) or spans[word][1] != n + 1 or spans[word + 1][0] != n + 1:
            continue
        if spans[word][1] - spans[word][0] > 1:
            spans[word] = (spans[word][0], n)           # "don" → "do"
            spans[word + 1] = (n, spans[word + 1][1])   # "'t"  → "n't"
    return spans


def normalize(token: str) -> str:
    """Lower case with typographic apostrophes folded to ASCII ("Russia’s" → "russia's")."""
    return token.lower().replace("’", "'")


def is_word(token: str) -> bool:
    """A token that holds at least one letter (not punctuation or a bare number)."""
    return _HAS_LETTER.search(token) is not None


StopwordSource = Literal["written", "nltk", "auto"]


@lru_cache(maxsize=4)
def stopwords(source: StopwordSource = "written") -> tuple[frozenset[str], str]:
    """The English stop words and the name of the resource they came from.

    ``"written"`` uses the list in this repository; ``"nltk"`` NLTK's installed
    ``stopwords`` corpus (an error if it is not installed: it is never downloaded);
    ``"auto"`` the NLTK copy when present, else the written list.
    """
    if source in ("nltk", "auto"):
        try:
            from nltk.corpus import stopwords as nltk_stopwords

            words = frozenset(nltk_stopwords.words("english"))
            return words | {"'s", "n't", "'re", "'ve", "'ll", "'d", "'m"}, "nltk:corpora/stopwords/english"
        except LookupError:
            if source == "nltk":
                raise LookupError("NLTK's stopwords corpus is not installed; use source='written' "
                                  "(the suite never downloads data)") from None
    return frozenset(_read_list("stopwords_en.txt")), "analysis/resources/stopwords_en.txt"


@lru_cache(maxsize=1)
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter2) stem of a lower-case word, memoised (news vocabularies repeat)."""
    return _stemmer().stem(word)

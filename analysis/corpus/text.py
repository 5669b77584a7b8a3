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
import string
from bisect import bisect_right
from functools import lru_cache
from operator import itemgetter
from typing import Any, Iterator, Literal

import numpy as np

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
#: The same tokens, each with the white space before it: every character of a text is white space or part
#: of a token (the last alternative is ``\S``), so offsets follow from the lengths alone (:func:`token_arrays`).
_SPACED_TOKEN = re.compile(r"(?x)(\s*)(" + TOKEN_PATTERN[len("(?x)"):] + ")")
_NT_CLITIC = re.compile(r"(?<=[^\W\d_])n['’]t\b")
#: The same without its look-behind (which would make ``re`` try every position); :func:`_nt_clitics` checks it.
_NT = re.compile(r"n['’]t\b")
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
    """Punkt that decides each candidate context ("troops. The") once, by a short exact rule.

    ``text_contains_sentbreak`` is a pure function of the short context around a
    candidate boundary, and news prose repeats those contexts, so decisions are
    remembered. With parameters that hold only abbreviations (no collocations, sentence
    starters or orthographic contexts: nothing trained) Punkt's two annotation passes
    reduce to :func:`_breaks_after`, which runs without building token objects; and the
    word before each candidate is found with ``rfind`` instead of a loop over characters.
    Decisions are unchanged (tests/corpus/test_text.py compares with NLTK's Punkt on Q1).
    """

    _LIMIT = 500_000

    def __init__(self, params: PunktParameters):
        super().__init__(params, lang_vars=_FastLanguageVars(), token_cls=_FastToken)
        self._decisions: dict[str, bool] = {}
        self._untrained = not (params.collocations or params.sent_starters or params.ortho_context)

    def text_contains_sentbreak(self, text: str) -> bool:
        decision = self._decisions.get(text)
        if decision is None:
            if len(self._decisions) >= self._LIMIT:
                self._decisions.clear()
            if self._untrained:
                decision = _contains_break(text, self._lang_vars.word_tokenize, self._params.abbrev_types)
            else:
                decision = super().text_contains_sentbreak(text)
            self._decisions[text] = decision
        return decision

    def _get_last_whitespace_index(self, text: str) -> int:
        return max(max(map(text.rfind, _WHITESPACE)), 0)

    def _plain_break(self, context: str, match: Any) -> bool:
        """The common candidates, decided without tokenising: "?" or "!", or a plain word and "." ("troops.").

        "?" and "!" are tokens of their own and always break before the token that follows;
        a word of two or more letters then "." is one token that breaks unless it is an
        abbreviation (no second-pass rule applies to it: not an initial, not a number).
        False means "not decided here", and Punkt's rule decides.
        """
        if not self._untrained:
            return False
        end = match.group()
        if end != ".":
            return True
        word = context[:len(context) - len(match.group("after_tok")) - 1]
        return len(word) > 1 and word.isalpha() and word.lower() not in self._params.abbrev_types

    def span_tokenize(self, text: str, realign_boundaries: bool = True) -> Iterator[tuple[int, int]]:
        """NLTK's ``span_tokenize`` as one loop over lists (the same spans, without generator chains)."""
        if not realign_boundaries:
            yield from super().span_tokenize(text, realign_boundaries=False)
            return
        yield from _realign(text, self._breaks(text), self._lang_vars.re_boundary_realignment)

    def _breaks(self, text: str) -> list[tuple[int, int]]:
        """``_slices_from_text``: Punkt's candidate contexts (``_match_potential_end_contexts``), decided."""
        spans, last_break = [], 0
        previous_start = previous_stop = 0
        previous = None
        candidates = []
        for match in self._lang_vars.period_context_re().finditer(text):
            cut = self._get_last_whitespace_index(text[previous_stop:match.start()])
            start = cut + previous_stop + 1 if cut else previous_start
            if previous is not None and previous_stop <= start:
                candidates.append((previous, text[previous_start:previous_stop] + previous.group()
                                   + previous.group("after_tok")))
            previous, previous_start, previous_stop = match, start, match.start()
        if previous is not None:
            candidates.append((previous, text[previous_start:previous_stop] + previous.group()
                               + previous.group("after_tok")))
        for match, context in candidates:
            if self._plain_break(context, match) or self.text_contains_sentbreak(context):
                spans.append((last_break, match.end()))
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()
        spans.append((last_break, len(text.rstrip())))
        return spans


def _realign(text: str, spans: list[tuple[int, int]], realignment: Any) -> Iterator[tuple[int, int]]:
    """NLTK's ``_realign_boundaries``: closing quotes and brackets after a break join the sentence before."""
    realign = 0
    for index, (start, stop) in enumerate(spans):
        start += realign
        if index + 1 == len(spans):
            if text[start:stop]:
                yield start, stop
            continue
        following = spans[index + 1]
        match = realignment.match(text[following[0]:following[1]])
        if match:
            yield start, following[0] + len(match.group(0).rstrip())
            realign = match.end()
        else:
            realign = 0
            if text[start:stop]:
                yield start, stop


_WHITESPACE = tuple(string.whitespace)
_PUNKT_INITIAL = re.compile(r"[^\W\d]\.$")
_PUNKT_ELLIPSIS = re.compile(r"\.\.+$")
_PUNKT_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")


def _contains_break(text: str, word_tokenize: Any, abbreviations: set[str]) -> bool:
    """Punkt's ``text_contains_sentbreak`` for untrained parameters: a break before the last token?"""
    tokens = [token for line in text.split("\n") if line.strip() for token in word_tokenize(line)]
    return any(_breaks_after(first, second, abbreviations) for first, second in zip(tokens, tokens[1:]))


def _breaks_after(token: str, following: str, abbreviations: set[str]) -> bool:
    """Whether Punkt's two passes mark a sentence break after ``token`` (followed by ``following``).

    First pass: ".", "?" and "!" break, an ellipsis does not, a word ending in one period
    breaks unless it is an abbreviation. Second pass (period-final words): with no
    orthographic evidence the next word never proves a sentence start, so a break is only
    taken back, after an initial ("J.") or a number, when the next token is punctuation
    or starts lower case, or after an initial when it starts upper case.
    """
    if token in (".", "?", "!"):
        broken = True
    elif _PUNKT_ELLIPSIS.match(token):
        broken = False
    elif token.endswith(".") and not token.endswith(".."):
        word = token[:-1].lower()
        broken = not (word in abbreviations or word.split("-")[-1] in abbreviations)
    else:
        broken = False
    if not broken or not token.endswith("."):
        return broken
    kind = _PUNKT_NUMERIC.sub("##number##", token.lower())
    if len(kind) > 1 and kind[-1] == ".":
        kind = kind[:-1]
    initial = _PUNKT_INITIAL.match(token) is not None
    if initial or kind == "##number##":
        if following in (";", ":", ",", ".", "!", "?") or following[0].islower():
            return False
        if initial and following[0].isupper():
            return False
    return True


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


def token_arrays(text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The tokens of :func:`token_spans` as (strings, start offsets, end offsets), for a whole document.

    One ``findall`` pass yields each token with the white space before it; offsets are
    the running sum of their lengths, so no match object is made per token (over twice
    as fast on news text). "n't" is split off as in :func:`token_spans`.
    """
    pairs = _SPACED_TOKEN.findall(text)
    tokens = list(map(itemgetter(1), pairs))
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    ends = np.cumsum(np.fromiter(map(len, map(itemgetter(0), pairs)), dtype=np.int64, count=len(pairs)) + lengths)
    starts = ends - lengths
    if "n't" in text or "n’t" in text:
        _split_nt(text, tokens, starts, ends)
    return tokens, starts, ends


def _split_nt(text: str, tokens: list[str], starts: np.ndarray, ends: np.ndarray) -> None:
    """Mend "don" + "'t" into "do" + "n't" in place (the rule of :func:`token_spans`)."""
    found = starts.tolist()
    for n in _nt_clitics(text):
        word = bisect_right(found, n) - 1
        if word < 0 or word + 1 >= len(tokens) or ends[word] != n + 1 or starts[word + 1] != n + 1:
            continue
        if ends[word] - starts[word] > 1:
            ends[word] = starts[word + 1] = n
            tokens[word] = text[starts[word]:n]
            tokens[word + 1] = text[n:ends[word + 1]]


def _nt_clitics(text: str) -> Iterator[int]:
    """Where ``_NT_CLITIC`` matches: "n't" after a letter (matches of "n't" never overlap, so none is lost)."""
    for match in _NT.finditer(text):
        n = match.start()
        if n and _HAS_LETTER.match(text, n - 1):
            yield n


def normalize(token: str) -> str:
    """Lower case with typographic apostrophes folded to ASCII ("Russia’s" → "russia's")."""
    return token.lower().replace("’", "'")


def count_words(text: str) -> int:
    """The number of word tokens (tokens with a letter) of ``text``, as the token layer counts them.

    Splitting "n't" off (:func:`token_spans`) never changes which tokens hold a letter
    (both parts keep one), so the tokens of the plain pattern are counted, without spans.
    """
    return sum(map(bool, map(_HAS_LETTER.search, _TOKEN.findall(text))))


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

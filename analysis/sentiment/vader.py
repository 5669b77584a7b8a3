"""VADER sentence sentiment, offline, with a fast re-implementation that is exact.

VADER (Hutto & Gilbert 2014) is a lexicon- and rule-based scorer: every token
found in the lexicon contributes a valence, adjusted by preceding boosters
("very"), negations ("not", "n't") within three tokens, ALL-CAPS emphasis,
idioms, "least" and a "but" contrast (words before "but" count half, words
after count one and a half); the sum is normalised to ``compound`` in [-1, 1]
and ``neg``/``neu``/``pos`` give the share of each kind of token.

Two scorers live here:

* :func:`nltk_analyzer` returns NLTK's ``SentimentIntensityAnalyzer`` loaded
  with the lexicon file shipped inside the ``vaderSentiment`` pip package (no
  NLTK data is downloaded). It is the reference implementation.
* :class:`FastVader` reproduces NLTK's ``polarity_scores`` *exactly* (the same
  floats, including NLTK's quirks: a repeated token takes the context of its
  first occurrence, and punctuation is only stripped when a single entry of
  NLTK's punctuation list sits before or after an otherwise clean word), but
  tokenises with ``str.translate`` instead of building a
  punctuation x word product dictionary per call, skips the rule checks for
  tokens outside the lexicon, and memoises repeated texts. It is several times
  faster; ``tests/test_sentiment.py`` asserts float equality with NLTK on about
  17,000 news sentences, editorials and tweets.
"""

from __future__ import annotations

import math
import string
from collections import OrderedDict
from itertools import compress
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import nltk.data
from nltk.sentiment.vader import SentimentIntensityAnalyzer, VaderConstants

__all__ = [
    "VaderScores",
    "FastVader",
    "lexicon_path",
    "nltk_analyzer",
    "fast_analyzer",
    "polarity_scores",
]

METHOD_NOTE = (
    "VADER (Hutto & Gilbert 2014) as implemented in NLTK "
    "(nltk.sentiment.vader), lexicon file vader_lexicon.txt from the "
    "vaderSentiment 3.3.2 package; thresholds compound >= 0.05 positive, "
    "<= -0.05 negative."
)


class VaderScores(NamedTuple):
    """The four VADER scores of one text (rounded as NLTK rounds them)."""

    neg: float
    neu: float
    pos: float
    compound: float


def lexicon_path() -> Path:
    """Path of ``vader_lexicon.txt`` inside the installed ``vaderSentiment`` package."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).resolve().parent / "vader_lexicon.txt"
    if not path.is_file():  # pragma: no cover - broken installation
        raise FileNotFoundError(
            f"VADER lexicon not found at {path}: reinstall vaderSentiment==3.3.2"
        )
    return path


@lru_cache(maxsize=1)
def nltk_analyzer() -> SentimentIntensityAnalyzer:
    """NLTK's VADER analyzer with the pip-shipped lexicon, loaded once (cached).

    The lexicon's folder is put on ``nltk.data.path`` and the file is passed as
    a ``file:`` URL, so nothing is downloaded.
    """
    path = lexicon_path()
    folder = str(path.parent)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file="file:" + str(path))


# Constants, copied from NLTK's VaderConstants so that the rules are the same.
_C = VaderConstants
_B_INCR = _C.B_INCR
_B_DECR = _C.B_DECR
_C_INCR = _C.C_INCR
_N_SCALAR = _C.N_SCALAR
_NEGATE = frozenset(_C.NEGATE)
_BOOSTER = dict(_C.BOOSTER_DICT)
_IDIOMS = dict(_C.SPECIAL_CASE_IDIOMS)
_PUNC_SET = frozenset(_C.PUNC_LIST)
_PUNCT_CHARS = frozenset(string.punctuation)
_DELETE_PUNCT = str.maketrans("", "", string.punctuation)


def _negated(word: str) -> bool:
    """NLTK ``VaderConstants.negated([word])`` for a single word."""
    low = word.lower()
    return low in _NEGATE or "n't" in low


def _words_and_emoticons(text: str) -> list[str]:
    """NLTK ``SentiText._words_and_emoticons`` without the product dictionary.

    NLTK maps ``p + w`` and ``w + p`` to ``w`` when ``p`` is in its punctuation
    list and ``w`` is a punctuation-free word of length > 1 in the text. Since a
    token's own punctuation-free form is always such a word when it is long
    enough, the check reduces to: the leading (or trailing) run of ASCII
    punctuation is one list entry and the remainder is clean and longer than 1.
    """
    return [_strip_punctuation(we) if we[0] in _PUNCT_CHARS or we[-1] in _PUNCT_CHARS else we
            for we in text.split() if len(we) > 1]


def _strip_punctuation(we: str) -> str:
    """A word without the one punctuation-list entry before or after it, as NLTK strips it (else as is)."""
    stripped = we.translate(_DELETE_PUNCT)
    n = len(stripped)
    if n > 1:
        k = len(we) - n
        if we[k:] == stripped and we[:k] in _PUNC_SET:
            return stripped
        if we[:n] == stripped and we[n:] in _PUNC_SET:
            return stripped
    return we


def _score_valence(sentiments: list[float], text: str) -> VaderScores:
    """NLTK ``SentimentIntensityAnalyzer.score_valence`` (same operation order)."""
    if not sentiments:
        return VaderScores(0.0, 0.0, 0.0, 0.0)
    nonzero = [s for s in sentiments if s]
    return _score_nonzero(nonzero, len(sentiments) - len(nonzero), text)


def _score_nonzero(sentiments: list[float], neu_count: int, text: str) -> VaderScores:
    """``_score_valence`` from the non-zero valences (in order) and the number of zero ones.

    Zeros change none of NLTK's sums (``x + 0 == x``; a partial sum is never -0.0), so
    leaving them out gives the same floats; they count only as neutral words.
    """
    sum_s = float(sum(sentiments))
    ep_count = text.count("!")
    if ep_count > 4:
        ep_count = 4
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    punct = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct
    elif sum_s < 0:
        sum_s -= punct
    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    pos_sum = 0.0
    neg_sum = 0.0
    for s in sentiments:
        if s > 0:
            pos_sum += float(s) + 1
        if s < 0:
            neg_sum += float(s) - 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return VaderScores(
        round(math.fabs(neg_sum / total), 3),
        round(math.fabs(neu_count / total), 3),
        round(math.fabs(pos_sum / total), 3),
        round(compound, 4),
    )


class FastVader:
    """Exact, faster re-implementation of NLTK's VADER ``polarity_scores``.

    Parameters
    ----------
    lexicon:
        token -> valence; defaults to the lexicon of :func:`nltk_analyzer`.
    cache_size:
        number of distinct texts whose scores are memoised (0 disables).
    """

    def __init__(self, lexicon: dict[str, float] | None = None, *, cache_size: int = 100_000):
        self.lexicon = dict(nltk_analyzer().lexicon if lexicon is None else lexicon)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, VaderScores] = OrderedDict()

    # -- public API -------------------------------------------------------
    def polarity_scores(self, text: str) -> dict[str, float]:
        """Same dictionary as NLTK's ``polarity_scores`` (neg, neu, pos, compound)."""
        return self.scores(text)._asdict()

    def scores(self, text: str) -> VaderScores:
        """VADER scores of ``text`` as a :class:`VaderScores` named tuple."""
        if self.cache_size:
            hit = self._cache.get(text)
            if hit is not None:
                return hit
        result = self._compute(text)
        self.remember(text, result)
        return result

    def _compute(self, text: str) -> VaderScores:
        """The scores of ``text``, running VADER's rules only at its lexicon words.

        Every other word has valence 0, so the words are split, lower-cased and looked
        up in C-level passes, and :meth:`_valence` runs for the (few) lexicon words; the
        valences and their order are those of :meth:`token_valences`.
        """
        if not isinstance(text, str):
            text = str(text.encode("utf-8"))
        words = _words_and_emoticons(text)
        return self.score_words(text, words, list(map(str.lower, words)))

    def score_words(self, text: str, words: list[str], lower: list[str]) -> VaderScores:
        """The scores of ``text`` from its VADER words (``_words_and_emoticons``) and their lower case."""
        n = len(words)
        hits = list(compress(range(n), map(self.lexicon.__contains__, lower)))
        if not hits:
            return _score_nonzero([], n, text) if n else VaderScores(0.0, 0.0, 0.0, 0.0)
        n_upper = sum(map(str.isupper, words))
        is_cap_diff = 0 < n - n_upper < n
        values = []
        for position in hits:
            item = words[position]
            i = words.index(item)  # NLTK's quirk: a repeated word takes its first occurrence's context
            low = lower[i]
            if (i < n - 1 and low == "kind" and lower[i + 1] == "of") or low in _BOOSTER:
                values.append(0)
            else:
                values.append(self._valence(item, i, words, lower, is_cap_diff))
        if "but" in lower:
            bi = lower.index("but")
            values = [v * 0.5 if p < bi else v * 1.5 if p > bi else v for p, v in zip(hits, values)]
        nonzero = [v for v in values if v]
        return _score_nonzero(nonzero, n - len(nonzero), text)

    def remember(self, text: str, result: VaderScores) -> None:
        """Keep ``result`` as the scores of ``text`` in the memo (oldest out when full)."""
        if self.cache_size:
            if len(self._cache) >= self.cache_size:
                self._cache.popitem(last=False)
            self._cache[text] = result

    def token_valences(self, text: str) -> tuple[list[str], list[float]]:
        """VADER tokens of ``text`` and the valence of each after all rules.

        The valences are what NLTK sums into ``compound``; they are exposed so
        that target-dependent features can weight them by position.
        """
        if not isinstance(text, str):
            text = str(text.encode("utf-8"))
        words = _words_and_emoticons(text)
        n = len(words)
        lex = self.lexicon
        lower = [w.lower() for w in words]
        n_upper = sum(1 for w in words if w.isupper())
        is_cap_diff = 0 < n - n_upper < n
        first_index: dict[str, int] = {}
        for idx, tok in enumerate(words):
            if tok not in first_index:
                first_index[tok] = idx
        sentiments: list[float] = []
        for item, item_low in zip(words, lower):
            if item_low not in lex:
                sentiments.append(0)
                continue
            i = first_index[item]
            if (i < n - 1 and item_low == "kind" and lower[i + 1] == "of") or item_low in _BOOSTER:
                sentiments.append(0)
                continue
            sentiments.append(self._valence(item, i, words, lower, is_cap_diff))
        if "but" in lower:
            bi = lower.index("but")
            for sidx, s in enumerate(sentiments):
                if sidx < bi:
                    sentiments[sidx] = s * 0.5
                elif sidx > bi:
                    sentiments[sidx] = s * 1.5
        return words, sentiments

    # -- NLTK's sentiment_valence, for a token known to be in the lexicon --
    def _valence(self, item: str, i: int, words: list[str], lower: list[str], is_cap_diff: bool) -> float:
        lex = self.lexicon
        valence = lex[lower[i]]  # words[i] == item (first occurrence)
        if item.isupper() and is_cap_diff:
            if valence > 0:
                valence += _C_INCR
            else:
                valence -= _C_INCR
        for start_i in range(0, 3):
            if i > start_i and lower[i - (start_i + 1)] not in lex:
                prev = words[i - (start_i + 1)]
                s = 0.0
                prev_low = lower[i - (start_i + 1)]
                if prev_low in _BOOSTER:
                    s = _BOOSTER[prev_low]
                    if valence < 0:
                        s *= -1
                    if prev.isupper() and is_cap_diff:
                        if valence > 0:
                            s += _C_INCR
                        else:
                            s -= _C_INCR
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = self._never_check(valence, words, start_i, i)
                if start_i == 2:
                    valence = self._idioms_check(valence, words, i)
        # _least_check
        if i > 1 and lower[i - 1] not in lex and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * _N_SCALAR
        elif i > 0 and lower[i - 1] not in lex and lower[i - 1] == "least":
            valence = valence * _N_SCALAR
        return valence

    @staticmethod
    def _never_check(valence: float, words: list[str], start_i: int, i: int) -> float:
        if start_i == 0:
            if _negated(words[i - 1]):
                valence = valence * _N_SCALAR
        elif start_i == 1:
            if words[i - 2] == "never" and (words[i - 1] == "so" or words[i - 1] == "this"):
                valence = valence * 1.5
            elif _negated(words[i - 2]):
                valence = valence * _N_SCALAR
        else:
            if (
                words[i - 3] == "never"
                and (words[i - 2] == "so" or words[i - 2] == "this")
                or (words[i - 1] == "so" or words[i - 1] == "this")
            ):
                valence = valence * 1.25
            elif _negated(words[i - 3]):
                valence = valence * _N_SCALAR
        return valence

    @staticmethod
    def _idioms_check(valence: float, words: list[str], i: int) -> float:
        onezero = f"{words[i - 1]} {words[i]}"
        twoonezero = f"{words[i - 2]} {words[i - 1]} {words[i]}"
        twoone = f"{words[i - 2]} {words[i - 1]}"
        threetwoone = f"{words[i - 3]} {words[i - 2]} {words[i - 1]}"
        threetwo = f"{words[i - 3]} {words[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in _IDIOMS:
                valence = _IDIOMS[seq]
                break
        if len(words) - 1 > i:
            zeroone = f"{words[i]} {words[i + 1]}"
            if zeroone in _IDIOMS:
                valence = _IDIOMS[zeroone]
        if len(words) - 1 > i + 1:
            zeroonetwo = f"{words[i]} {words[i + 1]} {words[i + 2]}"
            if zeroonetwo in _IDIOMS:
                valence = _IDIOMS[zeroonetwo]
        if threetwo in _BOOSTER or twoone in _BOOSTER:
            valence = valence + _B_DECR
        return valence


@lru_cache(maxsize=1)
def fast_analyzer() -> FastVader:
    """A shared :class:`FastVader` (cached), using NLTK's loaded lexicon."""
    return FastVader()


def polarity_scores(text: str) -> VaderScores:
    """VADER scores of one text with the shared fast, exact analyzer."""
    return fast_analyzer().scores(text)

"""Token arrays: the tokens table as aligned numpy arrays, converted once and shared by the term measures.

:func:`token_arrays` checks a tokens table of :mod:`analysis.annotate.pipeline` (columns
article_id, sentence_id, token_id, start, end, text, lower, is_stop, is_word), puts its rows
in article (first appearance) then token order, and codes each token's term as an integer
into a vocabulary: its lower-case form, or its Snowball stem with ``stem=True`` (the table's
``stem`` column when it has one). The last few tables converted are remembered by identity,
so a notebook that asks many questions of one table converts it once.
:func:`match_term` finds a chosen word or phrase in the arrays (case-insensitive; a phrase
matches consecutive tokens of one sentence).

What a term, a word and an n-gram are: the counting rules of :mod:`analysis.terms.counts`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.corpus.text import normalize, stem as stem_word

_REQUIRED = ("article_id", "sentence_id", "token_id", "start", "end", "text", "lower", "is_stop", "is_word")
_SHIFT = np.int64(1) << np.int64(32)


@dataclass
class TokenArrays:
    """The tokens table as aligned numpy arrays, in article then token order.

    ``term`` holds integer codes into ``vocab``; ``group`` a code per token (0 unless a
    caller groups them); ``article`` a code into ``article_ids``; ``rows`` each token's
    row position in the tokens table (its text is read only when asked for). Shared by
    :mod:`analysis.terms.keyness` and :mod:`analysis.terms.kwic`.
    """

    article: np.ndarray
    article_ids: pd.Index
    sentence: np.ndarray
    token_id: np.ndarray
    start: np.ndarray
    end: np.ndarray
    term: np.ndarray
    vocab: np.ndarray
    is_word: np.ndarray
    is_stop: np.ndarray
    length: np.ndarray
    rows: np.ndarray
    source: pd.DataFrame
    group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Arrays derived from the others (blocks, keys), computed once and shared by the copies
    #: :func:`token_arrays` hands out; :meth:`take` starts a new one.
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.group) != len(self.term):
            self.group = np.zeros(len(self.term), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.term)

    @property
    def text(self) -> np.ndarray:
        """Each token's text as printed (object array)."""
        return self.source["text"].to_numpy(dtype=object)[self.rows]

    def take(self, index: np.ndarray, group: np.ndarray | None = None) -> "TokenArrays":
        """The tokens at ``index`` (kept in the given order), optionally with new group codes."""
        return TokenArrays(
            article=self.article[index], article_ids=self.article_ids, sentence=self.sentence[index],
            token_id=self.token_id[index], start=self.start[index], end=self.end[index], term=self.term[index],
            vocab=self.vocab, is_word=self.is_word[index], is_stop=self.is_stop[index],
            length=self.length[index], rows=self.rows[index], source=self.source,
            group=self.group[index] if group is None else np.asarray(group, dtype=np.int64))

    def _memo(self, name: str, compute: Callable[[], Any]) -> Any:
        if name not in self.derived:
            self.derived[name] = compute()
        return self.derived[name]

    def sentence_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """For each token, the positions [first, end) of its sentence (tokens must be contiguous)."""
        return self._memo("sentence_blocks", self._sentence_blocks)

    def _sentence_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        if not len(self):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        new = np.ones(len(self), dtype=bool)
        new[1:] = (self.article[1:] != self.article[:-1]) | (self.sentence[1:] != self.sentence[:-1])
        block = np.cumsum(new) - 1
        firsts = np.flatnonzero(new)
        ends = np.append(firsts[1:], len(self))
        return firsts[block], ends[block]

    def article_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """For each token, the positions [first, end) of its article."""
        return self._memo("article_blocks", self._article_blocks)

    def _article_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        firsts = np.searchsorted(self.article, self.article, side="left")
        ends = np.searchsorted(self.article, self.article, side="right")
        return firsts, ends

    def char_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted keys article × 2³² + offset of token starts and ends (for searchsorted)."""
        return self._memo("char_keys", self._char_keys)

    def _char_keys(self) -> tuple[np.ndarray, np.ndarray]:
        base = self.article.astype(np.int64) * _SHIFT
        return base + self.start, base + self.end

    def alphabetical(self) -> np.ndarray:
        """Each vocabulary code's position in alphabetical order (to break ties by term without strings)."""
        return self._memo("alphabetical", self._alphabetical)

    def _alphabetical(self) -> np.ndarray:
        order = np.argsort(self.vocab.astype(str), kind="stable")
        ranks = np.empty(len(order), dtype=np.int64)
        ranks[order] = np.arange(len(order))
        return ranks


#: The last few conversions, by table object (see :func:`token_arrays`); each keeps its table as ``source``.
_CONVERTED: OrderedDict[tuple[int, bool], tuple[tuple, TokenArrays]] = OrderedDict()
_CONVERTED_SIZE = 4


def token_arrays(tokens: pd.DataFrame, *, stem: bool = False) -> TokenArrays:
    """Check and convert a tokens table; rows are put in article (first appearance) then token order.

    The last few tables converted are remembered by identity (with their length and
    columns), so a notebook that asks many questions of one tokens table converts it
    once: annotation tables are read-only. Each call returns its own :class:`TokenArrays`
    (callers set ``group``); the arrays inside are shared and must not be written to.
    """
    key, shape = (id(tokens), stem), (len(tokens), tuple(tokens.columns))
    hit = _CONVERTED.get(key)
    if hit is not None and hit[1].source is tokens and hit[0] == shape:
        _CONVERTED.move_to_end(key)
        return replace(hit[1], group=np.zeros(len(hit[1]), dtype=np.int64))
    arrays = _convert(tokens, stem=stem)
    _CONVERTED[key] = (shape, arrays)
    while len(_CONVERTED) > _CONVERTED_SIZE:
        _CONVERTED.popitem(last=False)
    return replace(arrays, group=np.zeros(len(arrays), dtype=np.int64))


def _convert(tokens: pd.DataFrame, *, stem: bool) -> TokenArrays:
    missing = [c for c in _REQUIRED if c not in tokens.columns]
    if missing:
        raise ValueError(f"tokens table lacks column(s) {', '.join(missing)}; expected the tokens table "
                         f"of analysis.annotate.pipeline ({', '.join(_REQUIRED)})")
    article, article_ids = _factorize(tokens["article_id"])
    token_id = tokens["token_id"].to_numpy(dtype=np.int64)
    rows: np.ndarray | slice = slice(None)
    if len(article) > 1:
        order_key = article * _SHIFT + token_id
        if not (order_key[1:] > order_key[:-1]).all():
            rows = np.argsort(order_key, kind="stable")
    is_word = tokens["is_word"].to_numpy(dtype=bool)
    if stem and "stem" in tokens.columns:
        term, vocab = _factorize(tokens["stem"])
    else:
        term, vocab = _factorize(tokens["lower"])
        if stem:
            word_codes = np.unique(term[is_word])
            stems = vocab.copy()
            stems[word_codes] = [stem_word(w) for w in vocab[word_codes]]
            stem_codes, vocab = pd.factorize(stems, sort=False)
            term, vocab = stem_codes.astype(np.int64)[term], np.asarray(vocab, dtype=object)
    length = pc.utf8_length(_arrow(tokens["lower"])).to_numpy(zero_copy_only=False).astype(np.int64)
    return TokenArrays(
        article=article[rows], article_ids=pd.Index(article_ids, dtype="str"),
        sentence=tokens["sentence_id"].to_numpy(dtype=np.int64)[rows], token_id=token_id[rows],
        start=tokens["start"].to_numpy(dtype=np.int64)[rows], end=tokens["end"].to_numpy(dtype=np.int64)[rows],
        term=term[rows], vocab=vocab, is_word=is_word[rows], is_stop=tokens["is_stop"].to_numpy(dtype=bool)[rows],
        length=length[rows], rows=np.arange(len(tokens))[rows], source=tokens)


def _arrow(column: pd.Series) -> pa.Array:
    """A string column as one Arrow array (zero-copy for pandas' Arrow-backed "str" dtype)."""
    values = pa.array(column.array) if hasattr(column.array, "__arrow_array__") else pa.array(
        column.astype(str).tolist(), type=pa.string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values


def _factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (first-appearance order) and the distinct values (object array) of a string column."""
    encoded = pc.dictionary_encode(_arrow(column))
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, np.asarray(encoded.dictionary.to_pylist(), dtype=object)


def match_term(t: TokenArrays, term: str, *, stem: bool = False) -> tuple[np.ndarray, int]:
    """Start positions of ``term`` (one word or a space-separated phrase, case-insensitive) and its length.

    A phrase matches consecutive tokens of one sentence. With ``stem`` each word of the
    term is stemmed, so "sanction" also finds "sanctions" (``t`` must be stemmed too).
    """
    words = [normalize(w) for w in str(term).split()]
    if not words:
        raise ValueError("an empty term matches nothing; give a word or a phrase")
    if stem:
        words = [stem_word(w) for w in words]
    lookup = {v: k for k, v in enumerate(t.vocab)}
    codes = [lookup.get(w, -1) for w in words]
    n = len(words)
    if -1 in codes or len(t) < n:
        return np.zeros(0, dtype=np.int64), n
    i = np.flatnonzero(t.term[: len(t) - n + 1] == codes[0])
    for j in range(1, n):
        i = i[(t.term[i + j] == codes[j]) & (t.article[i + j] == t.article[i])
              & (t.sentence[i + j] == t.sentence[i]) & (t.token_id[i + j] == t.token_id[i] + j)]
    return i, n

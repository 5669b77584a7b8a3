"""Target features of many mentions at once: the fast path of the learned target-sentiment model.

:func:`analysis.sentiment.target_features.target_features` names the features of one
target (the readable reference); :class:`analysis.sentiment.target_model.TargetModel` needs
only their weight sums. :func:`chunk_sums` computes those for every target of a chunk of
sentences with array operations, never building a feature name:

* the chunk's sentences are tokenised in one pass (joined by line breaks, which no token
  crosses), and each token's norm, word code, VADER valence (with the negation flip),
  clause-boundary and negation flags become arrays (:func:`_tokens`: what
  ``_sentence_info`` computes per sentence, for all sentences at once);
* each target's tokens, own region, other targets and overlaps come from searches and
  pair tables over the chunk (:func:`_locate`, :func:`_geometry`: ``_span_tokens`` and
  ``_locate`` of the reference);
* the feature families are array operations (:mod:`analysis.sentiment.target_vector`)
  over the model's lookup tables (:mod:`analysis.sentiment.target_tables`).

Integer weight sums are exact in any order, and every float goes through the same
operations in the same order as the reference, so the probabilities equal it to the last
bit (tests/sentiment/test_target_model.py). A target that another span overlaps (its
masked words differ from the sentence's shared mask) takes the reference path.
"""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.sentiment.target_features import (_TOKEN_WS_RE, _expand, _locate as _locate_one, _norm, _residual,
                                                _sentence_info, _sentence_mask, _span_tokens)
from analysis.sentiment.target_tables import _OTHER, FeatureTables
from analysis.sentiment.target_vector import Chunk, first_at_or_after, prefix_sums, vector_rows
from analysis.sentiment.vader import fast_analyzer

__all__ = ["Joined", "chunk_sums", "join_tokens"]

_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def chunk_sums(tables: FeatureTables, texts: Sequence[str], sent: np.ndarray, starts: np.ndarray,
               ends: np.ndarray, num_keys: Sequence[str], *, joined: Joined | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Integer weight sums ``(m, 3)`` and numeric features ``(m, len(num_keys))`` of ``m`` targets.

    Target ``i`` is ``texts[sent[i]][starts[i]:ends[i]]``; ``sent`` is non-decreasing, and
    the other targets of its sentence are its ``others``. Rows of targets that another
    span overlaps come from the reference features; rows of sentences without tokens
    stay zero (the model's bias alone), as in the reference fast path. ``joined`` is
    :func:`join_tokens` of ``texts`` when the caller has it already.
    """
    m = len(sent)
    qsum = np.zeros((m, 3), dtype=np.int64)
    num = np.zeros((m, len(num_keys)), dtype=np.float64)
    if not m:
        return qsum, num
    tok = _tokens(tables, texts, joined)
    t0, t1, has_tokens = _locate(tok, sent, starts, ends)
    o0, o1, others, plain = _geometry(sent, starts, ends, t0, t1, tok["n"][sent])
    for row in np.flatnonzero(has_tokens & ~plain).tolist():
        feats, values = _reference(tables, texts, sent, starts, ends, row)
        ids = [j for j in map(tables.index.get, feats) if j is not None]
        if ids:
            qsum[row] = tables.q[ids].astype(np.int64).sum(axis=0)
        num[row] = [values.get(k, 0.0) for k in num_keys]
    rows = np.flatnonzero(has_tokens & plain)
    if len(rows):
        chunk = Chunk(nc=tok["nc"], mc=_mask(tables, tok, sent, t0, t1, has_tokens), val=tok["val"], bound=tok["bound"],
                      neg=tok["neg"], off=tok["lo"][sent], n=tok["n"][sent], t0=t0, t1=t1, o0=o0, o1=o1,
                      others=others, compound=tok["compound"][sent], lead=tok["lead"][sent], but=tok["but"][sent])
        sums, values = vector_rows(tables, chunk, rows)
        qsum[rows] = sums
        for j, key in enumerate(num_keys):
            if key in values:
                num[rows, j] = values[key]
    return qsum, num


class Joined(NamedTuple):
    """The tokens of many texts joined by line breaks (no token crosses one), found in one pass.

    ``tokens`` and ``array`` (the same strings for Arrow), their ``starts``/``ends`` offsets in
    the joined text; per text its offset there (``base``) and its length (``lengths``).
    """

    tokens: list[str]
    array: pa.Array
    starts: np.ndarray
    ends: np.ndarray
    base: np.ndarray
    lengths: np.ndarray


def join_tokens(texts: Sequence[str]) -> Joined:
    """:class:`Joined` tokens of ``texts``: done once per chunk and shared by both halves of the model."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    base = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        base[1:] = np.cumsum(lengths[:-1] + 1)
    pairs = _TOKEN_WS_RE.findall("\n".join(texts))
    tokens = list(map(_SECOND, pairs))
    token_array = pa.array(tokens, type=pa.string())
    length = pc.utf8_length(token_array).to_numpy(zero_copy_only=False).astype(np.int64)
    spaces = pc.utf8_length(pa.array(list(map(_FIRST, pairs)), type=pa.string())).to_numpy(zero_copy_only=False)
    ends = np.cumsum(spaces.astype(np.int64) + length)
    return Joined(tokens, token_array, ends - length, ends, base, lengths)


def _tokens(tables: FeatureTables, texts: Sequence[str], joined: Joined | None = None) -> dict[str, np.ndarray]:
    """``_sentence_info`` of every sentence at once, as arrays over the concatenated tokens.

    Per token: ``nc`` (word code of the norm), ``val``, ``bound``, ``neg``, ``starts``/``ends``
    (offsets in the joined text); per sentence: ``base`` (its offset in the joined text),
    ``lo``/``n`` (its first token, its number of tokens), ``compound``, ``lead`` (leading
    capitalised words, counted up to 4: the rules only compare it with a position <= 3),
    ``but``. ``joined`` is :func:`join_tokens` of ``texts`` when the caller has it already.
    """
    joined = join_tokens(texts) if joined is None else joined
    tokens, token_array, starts, ends, base = joined.tokens, joined.array, joined.starts, joined.ends, joined.base
    lo = np.searchsorted(starts, base)
    n = np.searchsorted(starts, base + joined.lengths) - lo
    nc, val, neg = _lookups(tables, tokens, token_array)
    _flip_negated(val, neg, np.repeat(lo, n))
    but = first_at_or_after(tables.flags["but"][nc])[np.minimum(lo, max(len(nc) - 1, 0))] if len(nc) else lo
    scores = fast_analyzer().scores
    return {"nc": nc, "val": val, "bound": tables.flags["boundary"][nc], "neg": neg, "starts": starts, "ends": ends,
            "base": base, "lo": lo, "n": n, "but": np.where((n > 0) & (but < lo + n), but - lo, -1),
            "compound": np.array([scores(text).compound for text in texts], dtype=np.float64),
            "lead": np.array([_lead(tokens, a, k) for a, k in zip(lo.tolist(), n.tolist())], dtype=np.int64)}


def _flip_negated(val: np.ndarray, neg: np.ndarray, sentence_lo: np.ndarray) -> None:
    """VADER's negation flip of ``_sentence_info``: a valence times -0.74 after a negation within 3 tokens."""
    lex = np.flatnonzero(val != 0)
    if not len(lex) or not neg.any():
        return
    negations = prefix_sums(neg)
    window = np.maximum(sentence_lo[lex], lex - 3)
    flip = lex[negations[lex] - negations[window] > 0]
    val[flip] *= -0.74


def _lead(tokens: list[str], lo: int, n: int) -> int:
    """Leading tokens that are capitalised words, up to 4."""
    lead = 0
    while lead < n and lead < 4 and _norm(tokens[lo + lead])[0].isalpha() and tokens[lo + lead][:1].isupper():
        lead += 1
    return lead


def _lookups(tables: FeatureTables, tokens: list[str], token_array: pa.Array
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word code, VADER valence and negation flag of each token's norm (``_norm`` of the reference).

    Arrow lower-cases, folds the apostrophe, spots numbers and looks words up in one
    pass each; for ASCII tokens that is exactly Python's ``str.lower`` and ``\\d``, so only
    the other tokens (curly quotes, accents) are normed and looked up in Python.
    """
    norms = pc.utf8_lower(token_array)
    norms = pc.if_else(pc.match_substring_regex(norms, r"^[0-9][0-9.,]*$"), "<num>", norms)
    words, keys, values = _vocabulary(tables)
    nc = _found(pc.index_in(norms, value_set=words), offset=1)
    at = _found(pc.index_in(norms, value_set=keys), offset=1) - 1
    val = np.where(at >= 0, values[np.maximum(at, 0)], 0.0)
    neg = pc.ends_with(norms, "n't").to_numpy(zero_copy_only=False)
    other = np.flatnonzero(~pc.string_is_ascii(token_array).to_numpy(zero_copy_only=False))
    if len(other):
        lexicon = fast_analyzer().lexicon
        fixed = [_norm(tokens[i]) for i in other.tolist()]
        nc[other] = [tables.codes.get(w, 0) for w in fixed]
        val[other] = [lexicon.get(w, 0.0) for w in fixed]
        neg[other] = [w.endswith("n't") for w in fixed]
    return nc, val, neg | tables.flags["negation"][nc]


def _found(index: pa.Array, *, offset: int) -> np.ndarray:
    """Positions from ``pc.index_in`` plus ``offset``; 0 where not found."""
    return pc.fill_null(pc.add(index, offset), 0).to_numpy(zero_copy_only=False).astype(np.int64)


@lru_cache(maxsize=4)
def _vocabulary_of(tables: FeatureTables, lexicon_id: int) -> tuple[pa.Array, pa.Array, np.ndarray]:
    lexicon = fast_analyzer().lexicon
    words = pa.array(list(tables.codes), type=pa.string())  # in code order: code = position + 1
    return words, pa.array(list(lexicon), type=pa.string()), np.fromiter(lexicon.values(), dtype=np.float64)


def _vocabulary(tables: FeatureTables) -> tuple[pa.Array, pa.Array, np.ndarray]:
    """The model's words (code order) and VADER's lexicon words and valences, as arrays (made once)."""
    return _vocabulary_of(tables, id(fast_analyzer().lexicon))


def _locate(tok: dict[str, np.ndarray], sent: np.ndarray, starts: np.ndarray, ends: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t0, t1, has_tokens): ``_span_tokens`` of every target (local token indices)."""
    lo, n = tok["lo"][sent], tok["n"][sent]
    start = tok["base"][sent] + np.asarray(starts, dtype=np.int64)
    end = tok["base"][sent] + np.asarray(ends, dtype=np.int64)
    t_starts, t_ends = tok["starts"], tok["ends"]
    first = np.searchsorted(t_ends, start, side="right")
    last = np.searchsorted(t_starts, end, side="left") - 1
    i = np.searchsorted(t_starts, start, side="left") - lo  # nearest start, ties to the earlier token
    top = max(len(t_starts) - 1, 0)
    before = t_starts[np.clip(lo + i - 1, 0, top)] if len(t_starts) else start
    after = t_starts[np.clip(lo + i, 0, top)] if len(t_starts) else start
    i = np.where((i == n) | ((i > 0) & (start - before <= after - start)), i - 1, i)
    found = first <= last
    return np.where(found, first - lo, i), np.where(found, last - lo, i), n > 0


def _geometry(sent: np.ndarray, starts: np.ndarray, ends: np.ndarray, t0: np.ndarray, t1: np.ndarray,
              n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(o0, o1, others, plain) of each target among the others of its sentence (``_locate`` of the reference).

    Every pair of targets of a sentence is compared once: a span that overlaps the target
    in characters is not another target (and makes the target not ``plain``); the own
    region runs halfway to the nearest other target's centre on each side.
    """
    m = len(sent)
    first = np.searchsorted(sent, sent, side="left")
    size = np.searchsorted(sent, sent, side="right") - first
    j = np.repeat(np.arange(m), size)
    k = first[j] + np.arange(len(j)) - np.repeat(np.cumsum(size) - size, size)
    starts, ends = np.asarray(starts), np.asarray(ends)
    other = k != j
    overlap = other & (starts[k] < ends[j]) & (ends[k] > starts[j])
    plain = np.bincount(j[overlap], minlength=m) == 0
    other &= ~overlap
    others = np.bincount(j[other], minlength=m)
    centre = (t0 + t1) / 2
    mine, theirs = centre[j], centre[k]
    o0, o1 = np.zeros(m, dtype=np.int64), n - 1
    right = other & (theirs > mine)
    np.minimum.at(o1, j[right], np.floor((mine[right] + theirs[right]) / 2).astype(np.int64))
    left = other & (theirs < mine)
    np.maximum.at(o0, j[left], np.ceil((mine[left] + theirs[left]) / 2).astype(np.int64))
    return o0, o1, others, plain


def _mask(tables: FeatureTables, tok: dict[str, np.ndarray], sent: np.ndarray, t0: np.ndarray, t1: np.ndarray,
          has_tokens: np.ndarray) -> np.ndarray:
    """Word codes with every target's tokens as ``<other>`` (``_sentence_mask`` of every sentence)."""
    mc = tok["nc"].copy()
    cover = np.zeros(len(mc) + 1, dtype=np.int64)
    lo = tok["lo"][sent]
    np.add.at(cover, (lo + t0)[has_tokens], 1)
    np.add.at(cover, (lo + t1 + 1)[has_tokens], -1)
    mc[np.cumsum(cover[:-1]) > 0] = tables.codes[_OTHER]
    return mc


def _reference(tables: FeatureTables, texts: Sequence[str], sent: np.ndarray, starts: np.ndarray,
               ends: np.ndarray, row: int) -> tuple[list[str], dict[str, float]]:
    """The named features of one target by the reference functions (a target another span overlaps)."""
    rows = np.flatnonzero(sent == sent[row])
    spans = [(int(starts[r]), int(ends[r])) for r in rows]
    j = int(np.flatnonzero(rows == row)[0])
    info = _sentence_info(texts[sent[row]])
    span_tok = [_span_tokens(info, a, b) for a, b in spans]
    tg = _locate_one(info, spans, j, span_tok, _sentence_mask(info, span_tok))
    feats, num = _residual(tg, tables.settings)
    return feats + _expand(tg, tables.settings), num

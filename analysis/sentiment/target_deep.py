"""The deep half of the learned target-sentiment model: a small convolution over the words near a target.

The learned model (:class:`analysis.sentiment.target_model.TargetModel`) adds two sets of class
scores: the sparse, wide half (weights of named features) and this deep half, a
one-layer convolutional network in numpy (Kim 2014; pooling around the target as in
target-dependent CNNs, e.g. Huang & Carley 2018):

* each word of the sentence (:func:`analysis.sentiment.target_features.tokenize`, normalised as
  the wide features are) is a ``d``-dimensional embedding, initialised from all-MiniLM-L6-v2
  embeddings of the word alone (Reimers & Gurevych 2019; reduced by PCA) and then trained,
  plus its VADER valence / 4 (Hutto & Gilbert 2014);
* a width-3 convolution over the sentence gives ``h`` filters per word, once per sentence;
* for each target, every word within :data:`CLIP` - 1 words of it adds an embedding of its
  signed distance to the target (0 inside it) and of its kind (the target, another target
  of the sentence, other), then a ReLU; the target's score inputs are the maximum of each
  filter over those words and the filter mean over the target's own words;
* a linear layer maps the ``2h`` values to the three class scores.

The weights are fitted jointly with the wide half (:mod:`analysis.sentiment.train_deep`);
:func:`encode` and :func:`windows` are the one definition of the words, distances and kinds,
used by training and scoring alike. Scoring (:meth:`DeepPart.logits`) uses lookups,
element-wise operations and sums in a fixed order only, so a target's scores are the same
floats whatever else is scored in the same call (a matrix product's last bits depend on the
batch's shape), and tables stay identical across engines, chunks and caches.
"""

from __future__ import annotations

import base64
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.sentiment.target_batch import Joined, join_tokens
from analysis.sentiment.target_features import _norm
from analysis.sentiment.vader import fast_analyzer

__all__ = ["CLIP", "TARGET", "Encoded", "DeepPart", "concat", "encode", "valences", "windows"]

CLIP = 15  # distances are clipped to +-CLIP; words at |distance| < CLIP are pooled
OTHER, TARGET, OTHER_TARGET = 0, 1, 2  # kinds of a word relative to a target


class Encoded(NamedTuple):
    """Words of the sentences and the token ranges of ``n_targets`` targets, as flat arrays.

    ``word`` holds the normalised words of every distinct sentence, one after the other, with the
    positions of their left and right neighbours in the same sentence (``prev``/``next``, -1 at
    the sentence's edge). Target ``i`` spans words ``first[i]..last[i]`` (flat positions) of the
    sentence at ``base[i]`` with ``count[i]`` words; ``cover[j]`` counts the targets of word
    ``j``'s sentence that span it.
    """

    word: list[str]
    prev: np.ndarray
    next: np.ndarray
    base: np.ndarray
    count: np.ndarray
    first: np.ndarray
    last: np.ndarray
    cover: np.ndarray

    @property
    def n_targets(self) -> int:
        return len(self.base)


_norm_memo = lru_cache(maxsize=1 << 16)(_norm)  # news repeats its words: normalise each once


def valences(words: Sequence[str]) -> np.ndarray:
    """VADER lexicon valence / 4 of each word (0 outside the lexicon), float32."""
    lexicon = fast_analyzer().lexicon
    return np.fromiter((lexicon.get(w, 0.0) for w in words), dtype=np.float32, count=len(words)) / np.float32(4.0)


def encode(texts: Sequence[str], sent: np.ndarray, starts: np.ndarray, ends: np.ndarray, *,
           joined: Joined | None = None) -> Encoded:
    """Words and target ranges of ``m`` targets: target ``i`` is ``texts[sent[i]][starts[i]:ends[i]]``.

    ``sent`` is non-decreasing; the other targets of a sentence are each target's others. A
    target in a sentence without words has ``count`` 0 (the deep half then adds nothing). A
    target's words are those its span overlaps, or for an empty or between-words span the word
    starting nearest to it (``target_features._span_tokens``). ``joined`` is
    :func:`~analysis.sentiment.target_batch.join_tokens` of all of ``texts`` when the caller has
    it already (the wide half's fast path tokenises the same chunk); otherwise only the texts
    with targets are tokenised.
    """
    sent = np.asarray(sent, dtype=np.int64)
    used = np.arange(len(texts)) if joined is not None else np.unique(sent)
    if joined is None:
        joined = join_tokens([texts[s] for s in used.tolist()])
    tok_starts, tok_ends, text_base = joined.starts, joined.ends, joined.base
    words = list(map(_norm_memo, joined.tokens))
    n = len(words)
    lo = np.searchsorted(tok_starts, text_base)
    size = np.searchsorted(tok_starts, text_base + joined.lengths) - lo
    u = np.searchsorted(used, sent)
    base, count = lo[u], size[u]
    a = text_base[u] + np.asarray(starts, dtype=np.int64)
    b = text_base[u] + np.asarray(ends, dtype=np.int64)
    first = np.searchsorted(tok_ends, a, side="right")
    last = np.searchsorted(tok_starts, b, side="left") - 1
    for i in np.flatnonzero((first > last) & (count > 0)).tolist():  # no word overlaps: the nearest start
        k = int(base[i]) + bisect_left(tok_starts[base[i]:base[i] + count[i]].tolist(), int(a[i]))
        if k == base[i] + count[i] or (k > base[i] and a[i] - tok_starts[k - 1] <= tok_starts[k] - a[i]):
            k -= 1
        first[i] = last[i] = k
    first[count == 0] = last[count == 0] = base[count == 0]
    has = count > 0
    diff = np.zeros(n + 1, dtype=np.int64)
    np.add.at(diff, first[has], 1)
    np.add.at(diff, last[has] + 1, -1)
    ends_at = np.zeros(n, dtype=bool)
    ends_at[(lo + size - 1)[size > 0]] = True
    index = np.arange(n, dtype=np.int64)
    prev = np.where(np.r_[True, ends_at[:-1]], -1, index - 1) if n else index
    nxt = np.where(ends_at, -1, index + 1)
    return Encoded(words, prev, nxt, base, count, first, last, np.cumsum(diff[:-1]))


def concat(parts: Sequence[Encoded]) -> Encoded:
    """One :class:`Encoded` of many, targets in order (positions shifted; used to batch training targets)."""
    sizes = np.array([len(p.word) for p in parts], dtype=np.int64)
    shift = np.r_[0, np.cumsum(sizes)[:-1]]
    moved = lambda field: np.concatenate([getattr(p, field) + k for p, k in zip(parts, shift.tolist())])  # noqa: E731
    edge = lambda field: np.concatenate([np.where(getattr(p, field) < 0, -1, getattr(p, field) + k)  # noqa: E731
                                         for p, k in zip(parts, shift.tolist())])
    return Encoded([w for p in parts for w in p.word], edge("prev"), edge("next"), moved("base"), np.concatenate([p.count for p in parts]), moved("first"),
                   moved("last"), np.concatenate([p.cover for p in parts]))


def windows(enc: Encoded, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words within ``CLIP - 1`` of each target in ``rows``, padded: ``(k, L)`` flat word positions (-1:
    padding), clipped signed distances + ``CLIP`` and kinds."""
    first, last = enc.first[rows], enc.last[rows]
    width = int((last - first).max(initial=0)) + 2 * CLIP - 1
    pos = first[:, None] - (CLIP - 1) + np.arange(width)[None, :]
    base, count = enc.base[rows][:, None], enc.count[rows][:, None]
    valid = (pos >= base) & (pos < base + count) & (pos <= last[:, None] + CLIP - 1)
    distance = np.clip(np.where(pos < first[:, None], pos - first[:, None], np.maximum(pos - last[:, None], 0)),
                       -CLIP, CLIP) + CLIP  # padding beyond a short target's window: clipped, and masked
    own = (pos >= first[:, None]) & (pos <= last[:, None])
    safe = np.where(valid, pos, 0)
    kind = np.where(own, TARGET, np.where(enc.cover[safe] > 0, OTHER_TARGET, OTHER)) if len(enc.cover) else \
        np.zeros_like(pos)
    return np.where(valid, pos, -1), distance, kind


def _pack(a: np.ndarray) -> dict:
    a = np.ascontiguousarray(a, dtype=np.float32)
    return {"shape": list(a.shape), "float32_b64": base64.b64encode(a.tobytes()).decode("ascii")}


def _unpack(obj: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(obj["float32_b64"]), dtype=np.float32).reshape(obj["shape"]).copy()


_ARRAYS = ("conv", "conv_bias", "distance", "kind", "out", "out_bias")


def _pack_rows_int8(a: np.ndarray) -> dict:
    """Rows quantised to int8 with a float32 scale each (max |value| / 127): a quarter of the size."""
    a = np.asarray(a, dtype=np.float32)
    scale = (np.abs(a).max(axis=1) / np.float32(127.0)).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.clip(np.round(a / scale[:, None]), -127, 127).astype(np.int8)
    return {"shape": list(a.shape), "int8_b64": base64.b64encode(q.tobytes()).decode("ascii"),
            "scale": _pack(scale)}


def _unpack_rows_int8(obj: dict) -> np.ndarray:
    q = np.frombuffer(base64.b64decode(obj["int8_b64"]), dtype=np.int8).reshape(obj["shape"])
    return q.astype(np.float32) * _unpack(obj["scale"])[:, None]


@dataclass
class DeepPart:
    """Weights of the deep half. ``vocabulary[j]`` is row ``j + 2`` of ``embedding`` (row 1: unknown words).

    Shapes: ``embedding`` (V + 2, d), ``conv`` (3, d + 1, h) for the left neighbour, the word and the
    right neighbour, ``conv_bias`` (h,), ``distance`` (2 CLIP + 1, h), ``kind`` (3, h), ``out``
    (2h, 3), ``out_bias`` (3,).
    """

    vocabulary: list[str]
    embedding: np.ndarray
    conv: np.ndarray
    conv_bias: np.ndarray
    distance: np.ndarray
    kind: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray

    def __post_init__(self) -> None:
        self._vocabulary = pa.array(self.vocabulary, type=pa.string())
        d = self.embedding.shape[1]
        # the convolution is linear in its inputs: each known word's share of it (embedding and valence, per
        # offset; the bias with the word itself) is looked up, never multiplied per batch, so a target's scores
        # do not depend on the batch it is scored in (a matrix product's last bits do)
        valence = np.r_[np.zeros(2, dtype=np.float32), valences(self.vocabulary)]
        zero = np.zeros((1, self.conv.shape[2]), dtype=np.float32)
        self._word_share = [np.vstack([(self.embedding @ self.conv[o, :d] + valence[:, None] * self.conv[o, d]
                                        + (self.conv_bias if o == 1 else 0.0)).astype(np.float32), zero])
                            for o in range(3)]
        self._pair_share = (self.distance[:, None, :] + self.kind[None, :, :]).reshape(-1, self.conv.shape[2])

    def word_ids(self, words: Sequence[str]) -> np.ndarray:
        """Embedding rows of words (1 for a word outside the vocabulary), looked up by Arrow in one pass."""
        found = pc.index_in(pa.array(words, type=pa.string()), value_set=self._vocabulary)
        return pc.fill_null(pc.add(found, 2), 1).to_numpy(zero_copy_only=False).astype(np.int64)

    def logits(self, enc: Encoded, *, chunk: int = 1024) -> np.ndarray:
        """Class scores ``(enc.n_targets, 3)`` (float64; zeros for a target in a sentence without words).

        Every step is a lookup, an element-wise operation or a sum in a fixed order, so the
        scores of a target are the same floats whatever else is scored with it.
        """
        z = np.zeros((enc.n_targets, 3), dtype=np.float64)
        rows = np.flatnonzero(enc.count > 0)
        if not len(rows):
            return z
        ids = np.r_[self.word_ids(enc.word), -1]  # -1: the zero row, outside the sentence
        shares = (ids[:-1], ids[enc.prev], ids[enc.next])  # rows of the word itself, its left and right neighbour
        unknown = np.flatnonzero(ids[:-1] == 1)  # the valences of words outside the vocabulary, added one by one
        valence = valences([enc.word[i] for i in unknown.tolist()])
        unknown, valence = unknown[valence != 0], valence[valence != 0]
        # (receiving word, its valence, convolution offset): the word itself, its right and left neighbour
        extra = [(at[at >= 0], valence[at >= 0], o) for o, at in ((1, unknown), (0, enc.next[unknown]),
                                                                 (2, enc.prev[unknown]))]
        d = self.embedding.shape[1]
        for lo in range(0, len(rows), chunk):
            part = rows[lo:lo + chunk]
            w0, w1 = int(enc.base[part].min()), int((enc.base[part] + enc.count[part]).max())
            s = np.empty((w1 - w0 + 1, self.conv.shape[2]), dtype=np.float32)  # the chunk's sentences' words
            np.take(self._word_share[1], shares[0][w0:w1], axis=0, out=s[:-1])
            s[:-1] += np.take(self._word_share[0], shares[1][w0:w1], axis=0)
            s[:-1] += np.take(self._word_share[2], shares[2][w0:w1], axis=0)
            for at, value, o in extra:
                keep = (at >= w0) & (at < w1)
                s[at[keep] - w0] += value[keep, None] * self.conv[o, d]
            s[-1] = -np.inf  # window padding: ReLU gives 0
            word, distance, kind = windows(enc, part)
            word = np.where(word >= 0, word - w0, -1)
            c = s[word]
            c += self._pair_share[distance * 3 + kind]
            np.maximum(c, 0.0, out=c)
            own = kind == TARGET
            own_sum = np.zeros((len(part), c.shape[2]), dtype=np.float32)
            for col in range(CLIP - 1, CLIP - 1 + int((enc.last[part] - enc.first[part]).max()) + 1):
                own_sum += c[:, col] * own[:, col, None]
            pooled = np.hstack([c.max(axis=1), own_sum / own.sum(axis=1, keepdims=True)]).astype(np.float64)
            out = np.tile(self.out_bias.astype(np.float64), (len(part), 1))
            for j in range(pooled.shape[1]):  # a sum in a fixed order
                out += pooled[:, j:j + 1] * self.out[j]
            z[part] = out
        return z

    def to_json(self) -> dict:
        """The weights as JSON: word embeddings int8 by row (:func:`_pack_rows_int8`), the rest float32."""
        return {"vocabulary": self.vocabulary, "embedding": _pack_rows_int8(self.embedding),
                **{name: _pack(getattr(self, name)) for name in _ARRAYS}}

    @classmethod
    def from_json(cls, obj: dict) -> "DeepPart":
        return cls(vocabulary=list(obj["vocabulary"]), embedding=_unpack_rows_int8(obj["embedding"]),
                   **{name: _unpack(obj[name]) for name in _ARRAYS})

"""The learned target-sentiment model: weights of named sparse features plus a small convolution.

The class scores of a target are the sum of a *wide* half, a multinomial logistic regression
over the named features below, and, when the model has one, a *deep* half
(:class:`analysis.sentiment.target_deep.DeepPart`), both fitted together by
:mod:`analysis.sentiment.train_deep`.

:class:`TargetModel` is trained on NewsMTSC ``train`` (Hamborg & Donnay 2021) over the
features of :mod:`analysis.sentiment.target_features`. Its wide half scores one named
feature set (:meth:`TargetModel.logits` of
:func:`analysis.sentiment.target_features.target_features`: the readable reference);
:meth:`TargetModel.score_many` and :meth:`TargetModel.score_targets` score all targets
of many sentences at once (integer prefix sums over each sentence, the same floats to the
last bit, plus the deep half's scores of each sentence); wide weights are stored
int8-quantised with a per-class scale (:func:`_quantise`). The model file
``resources/target_sentiment_model.json`` (:func:`load_model`) records its
provenance (data file and sha256, script, settings, CV scores); it is written
by ``python -m analysis train-sentiment --method learned --deep ARTICLES``.
"""

from __future__ import annotations

import base64
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from analysis.paths import RESOURCES
from analysis.sentiment.newsmtsc import LABELS
from analysis.sentiment.target_batch import FeatureTables, chunk_sums, join_tokens
from analysis.sentiment.target_deep import DeepPart, encode
from analysis.sentiment.target_features import Settings

__all__ = ["TargetModel", "load_model"]

MODEL_PATH = RESOURCES / "target_sentiment_model.json"  # the default: wide and deep halves
#: The wide half alone, fitted on NewsMTSC ``train`` only (``python -m analysis.sentiment.train``): the
#: base of the optional ``minilm`` method, whose head was trained on top of it.
WIDE_MODEL_PATH = RESOURCES / "target_sentiment_wide.json"


def _quantise(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 weights and a per-class scale (max |w| / 127) with ``weights ~ q * scale``."""
    scale = np.abs(weights).max(axis=0) / 127.0 if len(weights) else np.ones(3)
    scale[scale == 0] = 1.0
    return np.clip(np.round(weights / scale), -127, 127).astype(np.int8), scale


@dataclass
class TargetModel:
    """A multinomial logistic regression over named sparse features.

    ``weights[k]`` holds one weight per class (order :data:`LABELS`) for the
    feature at ``index[name] == k``. Weights are stored int8-quantised with a
    per-class scale, so a target's class scores are ``bias + scale * (integer
    sum of its binary features' weights) + numeric features @ their
    weights``: the integer sum is exact in any order, which is what lets
    :meth:`score_sentence` (prefix sums over the sentence) give the very same
    floats as :meth:`predict_proba` on :func:`target_features`.
    """

    index: dict[str, int]
    weights: np.ndarray  # (n_features, 3), float; quantised on construction
    bias: np.ndarray  # (3,)
    settings: Settings = field(default_factory=Settings)
    meta: dict = field(default_factory=dict)
    memo_size: int = 50_000
    deep: DeepPart | None = None  # the deep half (analysis.sentiment.target_deep), added to the class scores

    def __post_init__(self) -> None:
        q, scale = _quantise(np.asarray(self.weights, dtype=np.float64))
        self._setup(q, scale)

    def _setup(self, q: np.ndarray, scale: np.ndarray) -> None:
        self.q = q.astype(np.int64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.weights = self.q * self.scale
        self.bias = np.asarray(self.bias, dtype=np.float64)
        self._num_names = sorted(k for k in self.index if k.startswith("#"))
        self._num_keys = [k[1:] for k in self._num_names]
        self._num_w = (self.weights[[self.index[k] for k in self._num_names]]
                       if self._num_names else np.zeros((0, 3)))
        self._tables: FeatureTables | None = None  # built on first use (parsing every feature name)
        self._memo: OrderedDict[tuple, np.ndarray] = OrderedDict()

    # -- the reference path: named features of one target --------------------
    def _z(self, qsum: np.ndarray, num: np.ndarray) -> np.ndarray:
        """Class scores of rows: integer feature sums (m, 3) and numeric features (m, n_numeric)."""
        z = self.bias + qsum * self.scale
        for j in range(num.shape[1]):
            z = z + num[:, j : j + 1] * self._num_w[j]
        return z

    def logits(self, feats: list[str], num: dict[str, float]) -> np.ndarray:
        """Class scores (log-odds up to a constant) of one feature set: the wide half's."""
        get = self.index.get
        rows = [j for j in map(get, feats) if j is not None]
        qsum = self.q[rows].sum(axis=0) if rows else np.zeros(3, dtype=np.int64)
        numvec = np.array([[num.get(k, 0.0) for k in self._num_keys]], dtype=np.float64)
        return self._z(qsum[None, :], numvec)[0]

    def predict_proba(self, feats: list[str], num: dict[str, float]) -> np.ndarray:
        """Class probabilities (negative, neutral, positive) of the wide half alone (no deep half: it needs
        the sentence; :meth:`score_targets` scores both)."""
        return _softmax(self.logits(feats, num)[None, :])[0]

    # -- the fast path: many sentences at once -------------------------------
    def score_sentence(self, sentence: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """Class probabilities ``(len(spans), 3)`` of every target span of one sentence."""
        return self.score_many([(sentence, spans)])[0]

    def score_many(self, items: Sequence[tuple[str, Sequence[tuple[int, int]]]], *,
                   chunk: int = 1024) -> list[np.ndarray]:
        """Class probabilities of the target spans of many sentences: one ``(len(spans), 3)`` array per item.

        Equal to the last bit to :meth:`predict_proba` of :func:`target_features`
        (with a sentence's other spans as ``others``), but each sentence is
        tokenised once for all its targets, the per-token word features become
        integer prefix sums, everything numeric runs once per chunk of
        sentences, and results are memoised per (sentence, spans).
        """
        keys = [(str(sentence), tuple((int(a), int(b)) for a, b in spans)) for sentence, spans in items]
        out: list[np.ndarray | None] = [self._memo.get(k) for k in keys]
        todo = list(dict.fromkeys(k for k, hit in zip(keys, out) if hit is None))
        done: dict[tuple, np.ndarray] = {}
        for c in range(0, len(todo), chunk):
            part = todo[c : c + chunk]
            for key, probs in zip(part, self._score_chunk(part)):
                probs.setflags(write=False)
                done[key] = probs
                if self.memo_size:
                    if len(self._memo) >= self.memo_size:
                        self._memo.popitem(last=False)
                    self._memo[key] = probs
        return [hit if hit is not None else done[k] for k, hit in zip(keys, out)]

    def _score_chunk(self, keys: Sequence[tuple[str, tuple[tuple[int, int], ...]]]) -> list[np.ndarray]:
        sizes = [len(spans) for _, spans in keys]
        spans = [span for _, item in keys for span in item]
        probs = self.score_targets([sentence for sentence, _ in keys], np.repeat(np.arange(len(keys)), sizes),
                                   np.array([a for a, _ in spans], dtype=np.int64),
                                   np.array([b for _, b in spans], dtype=np.int64), chunk=len(keys) or 1)
        return np.split(probs, np.cumsum(sizes)[:-1])

    def score_targets(self, sentences: Sequence[str], sentence: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                      *, chunk: int = 4096) -> np.ndarray:
        """Class probabilities ``(m, 3)`` of ``m`` targets given as arrays, without the memo.

        Target ``i`` is ``sentences[sentence[i]][starts[i]:ends[i]]`` (``sentence`` non-decreasing);
        the other targets of its sentence are its others. The same floats as :meth:`score_many`;
        :func:`analysis.sentiment.tone.score_mentions` calls it with the columns of a mention table.
        """
        sentence = np.asarray(sentence, dtype=np.int64)
        out = np.empty((len(sentence), 3), dtype=np.float64)
        for first in range(0, len(sentences), chunk):
            lo, hi = np.searchsorted(sentence, [first, first + chunk])
            texts, local = sentences[first:first + chunk], sentence[lo:hi] - first
            joined = join_tokens(texts) if hi > lo else None  # tokenised once for both halves
            qsum, num = chunk_sums(self._feature_tables(), texts, local, starts[lo:hi], ends[lo:hi], self._num_keys,
                                   joined=joined)
            z = self._z(qsum, num)
            if self.deep is not None:
                z = z + self.deep.logits(encode(texts, local, starts[lo:hi], ends[lo:hi], joined=joined))
            out[lo:hi] = _softmax(z)
        return out

    def _feature_tables(self) -> FeatureTables:
        """The weights as lookup tables for :func:`analysis.sentiment.target_batch.chunk_sums` (built once)."""
        if self._tables is None:
            self._tables = FeatureTables(self.index, self.q, self.settings)
        return self._tables

    # -- (de)serialisation: int8-quantised weights, base64, per-class scale --
    def to_json(self) -> dict:
        names = sorted(self.index, key=self.index.get)
        return {
            "format": "analysis.target_sentiment/1",
            "labels": list(LABELS),
            "settings": self.settings.__dict__,
            "meta": self.meta,
            "bias": [float(b) for b in self.bias],
            "scale": [float(s) for s in self.scale],
            "features": names,
            "weights_int8_b64": base64.b64encode(self.q.astype(np.int8).tobytes()).decode("ascii"),
            **({"deep": self.deep.to_json()} if self.deep is not None else {}),
        }

    @classmethod
    def from_json(cls, obj: dict) -> "TargetModel":
        names = obj["features"]
        q = np.frombuffer(base64.b64decode(obj["weights_int8_b64"]), dtype=np.int8).reshape(len(names), 3)
        model = cls.__new__(cls)
        model.index = {n: i for i, n in enumerate(names)}
        model.bias = np.asarray(obj["bias"], dtype=np.float64)
        model.settings = Settings(**obj.get("settings", {}))
        model.meta = obj.get("meta", {})
        model.memo_size = 50_000
        model.deep = DeepPart.from_json(obj["deep"]) if "deep" in obj else None
        model._setup(q, np.asarray(obj["scale"], dtype=np.float64))
        return model


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


@lru_cache(maxsize=4)
def load_model(path: str | Path = MODEL_PATH) -> TargetModel:
    """Load (and cache) a trained model file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: target-sentiment model not found; train it with "
            "'python -m analysis train-sentiment --method learned --deep ARTICLES --out PATH' (both halves; needs "
            "the minilm extra and minilm-ft's weights) or 'python -m analysis train-sentiment --train "
            "../shared/data/newsmtsc/train.jsonl --out PATH' (the wide half alone)"
        )
    with path.open(encoding="utf-8") as fh:
        return TargetModel.from_json(json.load(fh))

"""Tone toward many targets at once, by method: probabilities, scores and labels in one place.

:func:`score_targets` is the one path every caller takes (the mention table of
:func:`analysis.sentiment.tone.score_mentions`, the single-mention
:func:`analysis.sentiment.target.target_sentiment`, the evaluation command): targets are
given as arrays over a list of sentence texts, the other targets of a sentence bound
what concerns each one, and each method works on all of them at once. Scores and
labels follow the one rule of :mod:`analysis.sentiment.polarity`.

Methods (:data:`METHODS`):

* ``learned`` (default): the numpy logistic regression of
  :mod:`analysis.sentiment.target_model` (NewsMTSC ``train``, Hamborg & Donnay 2021);
* ``vader_sentence``: the whole sentence's VADER compound (Hutto & Gilbert 2014);
* ``vader_window``: lexicon valences of the target's clause and own region, weighted by
  distance (no learning);
* ``minilm`` (extra ``minilm``): frozen all-MiniLM-L6-v2 features fused with ``learned``
  (:mod:`analysis.sentiment.embedding`);
* ``minilm-ft`` (extra ``minilm`` and weights made by ``make sentiment-model``):
  all-MiniLM-L6-v2 fine-tuned end to end on NewsMTSC ``train``
  (:mod:`analysis.sentiment.minilm_ft`).

The optional methods' modules (and torch) are imported only when they are asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from analysis.sentiment.polarity import BAND, labels_from_scores, lead_scores
from analysis.sentiment.target_features import Settings, target_features
from analysis.sentiment.target_model import load_model
from analysis.sentiment.vader import fast_analyzer

__all__ = ["METHODS", "OPTIONAL", "Scored", "canonical", "probabilities", "score_targets", "unavailable"]

METHODS: tuple[str, ...] = ("learned", "vader_sentence", "vader_window", "minilm", "minilm-ft")
OPTIONAL: tuple[str, ...] = ("minilm", "minilm-ft")
_PROBABILISTIC = ("learned", "minilm", "minilm-ft")


@dataclass(frozen=True)
class Scored:
    """Scores ``(m,)`` in [-1, 1], labels ``(m,)`` and class probabilities ``(m, 3)`` (NaN without a model)."""

    score: np.ndarray
    label: np.ndarray
    probs: np.ndarray
    method: str


def canonical(method: str) -> str:
    """The method's name (``default`` is ``learned``), or a ``ValueError`` naming the known ones."""
    if method == "default":
        return "learned"
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: expected one of {('default',) + METHODS}")
    return method


def unavailable(method: str) -> str | None:
    """Why ``method`` cannot run here (extra not installed, weights not made), or None when it can."""
    method = canonical(method)
    if method in OPTIONAL:
        from analysis.sentiment.embedding import EXTRA_HINT, available

        if not available():
            return EXTRA_HINT.replace("'minilm' method", f"{method!r} method")
    if method == "minilm-ft":
        from analysis.sentiment.minilm_ft import missing_weights

        return missing_weights()
    return None


def vader_window(sentence: str, start: int, end: int, others: Sequence[tuple[int, int]]) -> float:
    """Lexicon valences of the target's clause/own region, weighted by 1/(1+d/4), normalised like VADER."""
    feats, num = target_features(sentence, start, end, others=others, settings=Settings(sentence_words=False))
    s = 4.0 * (0.5 * num["vC"] + 0.5 * num["vO"])
    return s / math.sqrt(s * s + 15)


def _others(sentence: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[list[tuple[int, int]]]:
    """The spans of the other targets of each target's sentence."""
    bounds = np.flatnonzero(np.diff(sentence)) + 1
    out: list[list[tuple[int, int]]] = []
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(sentence)]):
        spans = list(zip(starts[lo:hi].tolist(), ends[lo:hi].tolist()))
        out.extend(spans[:k] + spans[k + 1:] for k in range(len(spans)))
    return out


def probabilities(texts: Sequence[str], sentence: np.ndarray, starts: np.ndarray, ends: np.ndarray, *,
                  method: str) -> np.ndarray | None:
    """Class probabilities ``(m, 3)`` (negative, neutral, positive) of a model method; None for the lexicon ones.

    Target ``i`` is ``texts[sentence[i]][starts[i]:ends[i]]``; ``sentence`` is non-decreasing and
    the other targets of a sentence are each target's others.
    """
    method = canonical(method)
    if method == "learned":  # all targets of a sentence at once, many sentences per array step
        return load_model().score_targets(texts, sentence, starts, ends)
    if method == "minilm":
        from analysis.sentiment.embedding import predict_proba  # optional extra: imported only here

        others = _others(sentence, starts, ends)
        return predict_proba([(texts[s], [(a, b), *o]) for s, a, b, o in
                              zip(sentence.tolist(), starts.tolist(), ends.tolist(), others)])
    if method == "minilm-ft":
        from analysis.sentiment.minilm_ft import predict_proba as ft_proba  # optional extra: imported only here

        return ft_proba([(texts[s], a, b) for s, a, b in zip(sentence.tolist(), starts.tolist(), ends.tolist())])
    return None


def score_targets(texts: Sequence[str], sentence: np.ndarray, starts: np.ndarray, ends: np.ndarray, *,
                  method: str = "learned", band: float = BAND) -> Scored:
    """Scores, labels and probabilities of ``m`` targets (as :func:`probabilities`) by ``method``.

    Model methods score the lead of the most probable polar class
    (:func:`analysis.sentiment.polarity.lead_scores`), lexicon methods a VADER compound; every
    label is the score cut at +-``band`` (:func:`analysis.sentiment.polarity.labels_from_scores`).
    """
    method = canonical(method)
    sentence = np.asarray(sentence, dtype=np.int64)
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if len(sentence) and np.any(np.diff(sentence) < 0):
        raise ValueError("targets must be grouped by sentence (sentence index non-decreasing)")
    probs = probabilities(texts, sentence, starts, ends, method=method)
    if probs is not None:
        score = lead_scores(probs)
    elif method == "vader_sentence":
        fv = fast_analyzer()
        compound = np.array([fv.scores(t).compound for t in texts], dtype=np.float64)
        score = compound[sentence] if len(sentence) else np.zeros(0)
    else:
        others = _others(sentence, starts, ends)
        score = np.array([vader_window(texts[s], a, b, o) for s, a, b, o in
                          zip(sentence.tolist(), starts.tolist(), ends.tolist(), others)], dtype=np.float64)
    if probs is None:
        probs = np.full((len(sentence), 3), np.nan)
    return Scored(score=score, label=labels_from_scores(score, band), probs=np.asarray(probs, dtype=np.float64),
                  method=method)

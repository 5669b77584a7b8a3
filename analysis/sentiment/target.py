"""Target-dependent sentiment: how a sentence treats one mentioned actor.

A sentence can treat two actors differently: in "Putin blamed the escalating
tensions on the U.S." Putin is the one who blames and the U.S. the one blamed.
Whole-sentence VADER (Hutto & Gilbert 2014) gives both the same score. The
default method, :func:`target_sentiment` with ``"learned"``, is a small
multinomial logistic regression trained on the NewsMTSC ``train`` split
(Hamborg & Donnay 2021): :mod:`analysis.sentiment.target_model` over the
features of the words that concern the mention
(:mod:`analysis.sentiment.target_features`: side and distance, own clause and
region, VADER valences, the target's role, negation and "but" contrast).

Other methods: ``"vader_sentence"`` (whole-sentence compound, cut at
+-0.05) and ``"vader_window"`` (lexicon valences weighted by distance to the
target within its clause; no learning); with the optional install extra
``minilm``, ``"minilm"`` (:mod:`analysis.sentiment.embedding`: all-MiniLM-L6-v2
features of the target-marked sentence, fused with the learned model; imported
only when requested). The model file
``resources/target_sentiment_model.json`` records its provenance (data file
and sha256, script, settings, held-out scores); it is written by
``python -m analysis.sentiment.train``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

import numpy as np

from analysis.sentiment.newsmtsc import LABELS
from analysis.sentiment.target_features import Settings, target_features
from analysis.sentiment.target_model import load_model
from analysis.sentiment.vader import fast_analyzer

__all__ = [
    "METHODS",
    "TargetScore",
    "target_sentiment",
    "label_from_score",
]

Method = Literal["default", "learned", "vader_sentence", "vader_window", "minilm"]
METHODS: tuple[str, ...] = ("learned", "vader_sentence", "vader_window", "minilm")
THRESHOLD = 0.05  # VADER's neutral band for compound scores (Hutto & Gilbert 2014)


@dataclass(frozen=True)
class TargetScore:
    """Sentiment toward one target mention.

    ``score`` is in [-1, 1] (``p_positive - p_negative`` for the learned model,
    a VADER compound for the lexicon methods); ``label`` is one of
    :data:`LABELS`; the probabilities are ``nan`` when a method has none.
    """

    score: float
    label: str
    p_negative: float = math.nan
    p_neutral: float = math.nan
    p_positive: float = math.nan
    method: str = "learned"


def label_from_score(score: float, *, threshold: float = THRESHOLD) -> str:
    """VADER's three-way cut of a compound-like score at +-``threshold``."""
    if score >= threshold:
        return "positive"
    if score <= -threshold:
        return "negative"
    return "neutral"



def _vader_window(sentence: str, start: int, end: int, others: Sequence[tuple[int, int]]) -> float:
    """Lexicon valences of the target's clause/own region, weighted by 1/(1+d/4), normalised like VADER."""
    feats, num = target_features(sentence, start, end, others=others, settings=Settings(sentence_words=False))
    s = 4.0 * (0.5 * num["vC"] + 0.5 * num["vO"])
    return s / math.sqrt(s * s + 15)


def target_sentiment(
    sentence: str,
    start: int,
    end: int,
    *,
    others: Sequence[tuple[int, int]] = (),
    method: Method = "default",
) -> TargetScore:
    """Sentiment toward the mention ``sentence[start:end]``.

    ``others`` gives the offsets of other targets in the sentence (they help
    the learned model tell apart what concerns which actor). ``method``:
    ``"default"``/``"learned"`` (logistic regression trained on NewsMTSC),
    ``"vader_sentence"`` (whole-sentence VADER compound), ``"vader_window"`` or
    ``"minilm"`` (needs the install extra ``minilm``; see :mod:`analysis.sentiment.embedding`).
    """
    if not (0 <= start <= end <= len(sentence)):
        raise ValueError(f"mention offsets {start}:{end} outside the sentence (length {len(sentence)})")
    if method in ("default", "learned"):
        p = load_model().score_sentence(sentence, [(start, end), *others])[0]
        return TargetScore(
            score=float(p[2] - p[0]),
            label=LABELS[int(np.argmax(p))],
            p_negative=float(p[0]),
            p_neutral=float(p[1]),
            p_positive=float(p[2]),
            method="learned",
        )
    if method == "minilm":
        from analysis.sentiment.embedding import predict_proba  # optional extra: imported only here

        p = predict_proba([(sentence, [(start, end), *others])])[0]
        return TargetScore(score=float(p[2] - p[0]), label=LABELS[int(np.argmax(p))], p_negative=float(p[0]),
                           p_neutral=float(p[1]), p_positive=float(p[2]), method="minilm")
    if method == "vader_sentence":
        c = fast_analyzer().scores(sentence).compound
        return TargetScore(score=c, label=label_from_score(c), method=method)
    if method == "vader_window":
        c = _vader_window(sentence, start, end, others)
        return TargetScore(score=c, label=label_from_score(c), method=method)
    raise ValueError(f"unknown method {method!r}: expected one of {('default',) + METHODS}")


def iter_targets(sentence: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Each span with the list of the other spans of the same sentence."""
    spans = list(spans)
    return [(s, e, spans[:i] + spans[i + 1 :]) for i, (s, e) in enumerate(spans)]

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
features of the target-marked sentence, fused with the learned model) and
``"minilm-ft"`` (:mod:`analysis.sentiment.minilm_ft`: all-MiniLM-L6-v2 fine-tuned on
NewsMTSC ``train``; weights made once by ``make sentiment-model``), imported only
when requested. Every method goes through :func:`analysis.sentiment.methods.score_targets`,
and scores and labels follow the one rule of :mod:`analysis.sentiment.polarity`. The model file
``resources/target_sentiment_model.json`` records its provenance (data file
and sha256, script, settings, held-out scores); it is written by
``python -m analysis.sentiment.train``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

import numpy as np

from analysis.sentiment.methods import METHODS, canonical, score_targets
from analysis.sentiment.polarity import BAND, label_from_score

__all__ = [
    "METHODS",
    "TargetScore",
    "target_sentiment",
    "label_from_score",
]

Method = Literal["default", "learned", "vader_sentence", "vader_window", "minilm", "minilm-ft"]
THRESHOLD = BAND  # the neutral band of every score (VADER's cut of its compound, Hutto & Gilbert 2014)


@dataclass(frozen=True)
class TargetScore:
    """Sentiment toward one target mention.

    ``score`` is in [-1, 1] (for the model methods the lead of the most probable polar
    class over the runner-up, 0 when neutral is the most probable; a VADER compound for
    the lexicon methods; :mod:`analysis.sentiment.polarity`); ``label`` is one of
    :data:`~analysis.sentiment.newsmtsc.LABELS`, the score cut at +-0.05; the
    probabilities are ``nan`` when a method has none.
    """

    score: float
    label: str
    p_negative: float = math.nan
    p_neutral: float = math.nan
    p_positive: float = math.nan
    method: str = "learned"


def target_sentiment(
    sentence: str,
    start: int,
    end: int,
    *,
    others: Sequence[tuple[int, int]] = (),
    method: Method = "default",
    neutral_band: float = THRESHOLD,
) -> TargetScore:
    """Sentiment toward the mention ``sentence[start:end]``.

    ``others`` gives the offsets of other targets in the sentence (they help
    the learned model tell apart what concerns which actor). ``method``:
    ``"default"``/``"learned"`` (logistic regression trained on NewsMTSC),
    ``"vader_sentence"`` (whole-sentence VADER compound), ``"vader_window"``,
    ``"minilm"`` or ``"minilm-ft"`` (need the install extra ``minilm``; see
    :mod:`analysis.sentiment.methods`). The same numbers as one row of
    :func:`analysis.sentiment.tone.score_mentions`.
    """
    method = canonical(method)
    if not (0 <= start <= end <= len(sentence)):
        raise ValueError(f"mention offsets {start}:{end} outside the sentence (length {len(sentence)})")
    spans = [(start, end), *((int(a), int(b)) for a, b in others)]
    res = score_targets([sentence], np.zeros(len(spans), dtype=np.int64), np.array([a for a, _ in spans]),
                        np.array([b for _, b in spans]), method=method, band=neutral_band)
    p = [math.nan if np.isnan(x) else float(x) for x in res.probs[0]]  # math.nan itself: equal results compare equal
    return TargetScore(score=float(res.score[0]), label=str(res.label[0]), p_negative=p[0], p_neutral=p[1],
                       p_positive=p[2], method=method)


def iter_targets(sentence: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Each span with the list of the other spans of the same sentence."""
    spans = list(spans)
    return [(s, e, spans[:i] + spans[i + 1 :]) for i, (s, e) in enumerate(spans)]

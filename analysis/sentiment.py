"""Sentiment tables: per sentence, per actor mention, and per actor with uncertainty.

* :func:`score_sentences` - VADER (Hutto & Gilbert 2014) scores of each
  sentence, through an exact fast re-implementation of NLTK's analyzer
  (:mod:`analysis.vader`) with the lexicon shipped in ``vaderSentiment``.
* :func:`score_mentions` - target-dependent sentiment toward each actor
  mention (:mod:`analysis.target_sentiment`; model trained on NewsMTSC,
  Hamborg & Donnay 2021).
* :func:`actor_tone` - mean tone and class shares per actor (and optionally
  outlet, date ...), with seeded bootstrap percentile intervals (Efron &
  Tibshirani 1993) over mentions.
* :func:`evidence` - the most negative and most positive mentions of an actor
  with their sentences, for reading what the numbers rest on.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.target_sentiment import (
    LABELS,
    METHODS,
    Method,
    TargetScore,
    load_model,
    target_features,
    target_sentiment,
)
from analysis.vader import METHOD_NOTE as VADER_NOTE
from analysis.vader import fast_analyzer, nltk_analyzer

__all__ = [
    "score_sentences",
    "score_mentions",
    "target_sentiment",
    "TargetScore",
    "actor_tone",
    "evidence",
    "method_note",
    "nltk_analyzer",
]

SENTENCE_COLUMNS = ["article_id", "sentence_id", "neg", "neu", "pos", "compound"]
MENTION_COLUMNS = ["article_id", "mention_id", "actor_id", "sentence_id", "score", "label",
                   "p_negative", "p_neutral", "p_positive", "method"]


def method_note(*, method: str = "learned") -> str:
    """A sentence a write-up can cite for the sentiment method used."""
    if method in ("default", "learned"):
        meta = load_model().meta
        return (
            "Sentence tone: " + VADER_NOTE + " Tone toward actors: target-dependent logistic regression "
            f"trained on NewsMTSC train (Hamborg & Donnay 2021; {meta.get('train_sha256', '?')[:12]}), "
            "features from the mention's clause, side and distance, VADER lexicon valences, speaker role, "
            "negation and 'but' contrast; score = P(positive) - P(negative)."
        )
    return "Sentence tone and tone toward actors: " + VADER_NOTE


def _require(df: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{name} table lacks column(s) {missing}; expected at least {list(cols)}")


def score_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """VADER scores of each sentence.

    Input: a table with ``article_id, sentence_id, text`` (more columns are
    ignored). Output columns:

    * ``article_id``, ``sentence_id`` - as in the input;
    * ``neg``, ``neu``, ``pos`` - shares of negative, neutral and positive
      lexicon weight (sum to about 1; rounded to 3 decimals as VADER does);
    * ``compound`` - normalised sum of valences in [-1, 1] (4 decimals);
      >= 0.05 reads as positive, <= -0.05 as negative.

    Scores equal NLTK's ``SentimentIntensityAnalyzer.polarity_scores``.
    """
    _require(sentences, ["article_id", "sentence_id", "text"], "sentences")
    fv = fast_analyzer()
    scores = [fv.scores(t) for t in sentences["text"].astype(str)]
    arr = np.array(scores, dtype=np.float64).reshape(len(scores), 4)
    out = pd.DataFrame({
        "article_id": sentences["article_id"].to_numpy(),
        "sentence_id": sentences["sentence_id"].to_numpy(),
        "neg": arr[:, 0], "neu": arr[:, 1], "pos": arr[:, 2], "compound": arr[:, 3],
    })
    return out[SENTENCE_COLUMNS]


def score_mentions(sentences: pd.DataFrame, mentions: pd.DataFrame, *, method: Method = "default") -> pd.DataFrame:
    """Target-dependent sentiment toward each mention.

    ``mentions`` has ``article_id, mention_id, sentence_id, start, end,
    actor_id`` with ``start``/``end`` character offsets into the article;
    ``sentences`` has ``article_id, sentence_id, start, end, text`` with the
    same offsets. Other mentions in the same sentence are passed as ``others``
    (they bound what concerns each actor). Output columns: ``article_id,
    mention_id, actor_id, sentence_id, score`` (in [-1, 1]), ``label``
    (negative/neutral/positive), ``p_negative, p_neutral, p_positive`` (nan
    for the lexicon methods) and ``method``.
    """
    _require(sentences, ["article_id", "sentence_id", "start", "end", "text"], "sentences")
    _require(mentions, ["article_id", "mention_id", "sentence_id", "start", "end", "actor_id"], "mentions")
    if method not in ("default",) + METHODS:
        raise ValueError(f"unknown method {method!r}: expected one of {('default',) + METHODS}")
    if mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c.startswith("p_") or c == "score" else "object")
                             for c in MENTION_COLUMNS})
    sent = sentences.set_index(["article_id", "sentence_id"])[["start", "text"]]
    key = pd.MultiIndex.from_frame(mentions[["article_id", "sentence_id"]])
    missing = ~key.isin(sent.index)
    if missing.any():
        row = mentions[missing].iloc[0]
        raise KeyError(f"mention {row['mention_id']!r} of article {row['article_id']!r} refers to sentence "
                       f"{row['sentence_id']!r}, which is not in the sentences table")
    joined = sent.reindex(key)
    s_start = joined["start"].to_numpy()
    texts = joined["text"].to_numpy()
    m_start = mentions["start"].to_numpy() - s_start
    m_end = mentions["end"].to_numpy() - s_start
    groups = pd.Series(np.arange(len(mentions))).groupby(
        [mentions["article_id"].to_numpy(), mentions["sentence_id"].to_numpy()], sort=False).indices
    model = load_model() if method in ("default", "learned") else None
    res = np.full((len(mentions), 4), np.nan)
    labels = np.empty(len(mentions), dtype=object)
    items = []
    for rows in groups.values():
        spans = [(int(m_start[r]), int(m_end[r])) for r in rows]
        text = texts[rows[0]]
        for (a, b), r in zip(spans, rows):
            if not (0 <= a <= b <= len(text)):
                raise ValueError(f"mention {mentions['mention_id'].iat[r]!r}: offsets {a}:{b} fall outside "
                                 f"sentence {mentions['sentence_id'].iat[r]!r} (length {len(text)})")
        items.append((text, spans))
    if model is not None:  # all targets of a sentence at once, many sentences per numpy step
        for rows, p in zip(groups.values(), model.score_many(items)):
            res[rows, 0] = p[:, 2] - p[:, 0]
            res[rows, 1:] = p
        labels[:] = np.asarray(LABELS, dtype=object)[res[:, 1:].argmax(axis=1)]
    else:
        for rows, (text, spans) in zip(groups.values(), items):
            for k, r in enumerate(rows):
                ts = target_sentiment(text, *spans[k], others=spans[:k] + spans[k + 1:], method=method)
                res[r, 0] = ts.score
                labels[r] = ts.label
    out = pd.DataFrame({
        "article_id": mentions["article_id"].to_numpy(),
        "mention_id": mentions["mention_id"].to_numpy(),
        "actor_id": mentions["actor_id"].to_numpy(),
        "sentence_id": mentions["sentence_id"].to_numpy(),
        "score": res[:, 0], "label": labels,
        "p_negative": res[:, 1], "p_neutral": res[:, 2], "p_positive": res[:, 3],
        "method": "learned" if method == "default" else method,
    })
    return out[MENTION_COLUMNS]


def actor_tone(
    mention_scores: pd.DataFrame,
    *,
    by: Sequence[str] = ("actor_id",),
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Mean tone per group with bootstrap percentile intervals.

    Groups ``mention_scores`` (from :func:`score_mentions`, optionally with
    ``outlet``/``date`` merged in) by ``by``; resamples each group's mentions
    with replacement ``n_boot`` times (``numpy.random.default_rng(seed)``, one
    stream per group in sorted group order, so results are reproducible).
    Columns: ``by...``, ``n_mentions``, ``mean`` (mean score), ``ci_low``,
    ``ci_high`` (percentile interval at level ``ci``), ``share_negative``,
    ``share_neutral``, ``share_positive`` (shares of labels).
    """
    by = list(by)
    _require(mention_scores, by + ["score", "label"], "mention_scores")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1), got {ci}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    cols = by + ["n_mentions", "mean", "ci_low", "ci_high", "share_negative", "share_neutral", "share_positive"]
    df = mention_scores.dropna(subset=["score"])
    if df.empty:
        return pd.DataFrame(columns=cols)
    rng = np.random.default_rng(seed)
    alpha = (1 - ci) / 2
    rows = []
    for key, g in df.groupby(by, sort=True, dropna=False):
        x = g["score"].to_numpy(dtype=np.float64)
        n = len(x)
        idx = rng.integers(0, n, size=(n_boot, n))
        means = x[idx].mean(axis=1)
        lo, hi = np.quantile(means, [alpha, 1 - alpha])
        lab = g["label"].to_numpy()
        key = key if isinstance(key, tuple) else (key,)
        rows.append((*key, n, float(x.mean()), float(lo), float(hi),
                     float(np.mean(lab == "negative")), float(np.mean(lab == "neutral")),
                     float(np.mean(lab == "positive"))))
    return pd.DataFrame(rows, columns=cols)


def evidence(mention_scores: pd.DataFrame, sentences: pd.DataFrame, *, actor_id: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` most negative and ``n`` most positive mentions of ``actor_id``, with their sentences.

    Columns: ``side`` ('most negative' / 'most positive'), ``rank``,
    ``article_id``, ``sentence_id``, ``mention_id``, ``score``, ``label``,
    ``text``. Ties are broken by article, sentence and mention id so the
    choice is stable.
    """
    _require(mention_scores, ["article_id", "sentence_id", "mention_id", "actor_id", "score", "label"], "mention_scores")
    _require(sentences, ["article_id", "sentence_id", "text"], "sentences")
    m = mention_scores[mention_scores["actor_id"] == actor_id].dropna(subset=["score"])
    m = m.merge(sentences[["article_id", "sentence_id", "text"]], on=["article_id", "sentence_id"], how="left")
    keys = ["article_id", "sentence_id", "mention_id"]
    neg = m.sort_values(["score"] + keys, ascending=[True, True, True, True], kind="mergesort").head(n)
    pos = m.sort_values(["score"] + keys, ascending=[False, True, True, True], kind="mergesort").head(n)
    parts = []
    for side, part in (("most negative", neg), ("most positive", pos)):
        part = part.assign(side=side, rank=np.arange(1, len(part) + 1))
        parts.append(part)
    cols = ["side", "rank", "article_id", "sentence_id", "mention_id", "score", "label", "text"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)

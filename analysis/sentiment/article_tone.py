"""Tone toward each actor per article: the unit most content-analysis codebooks code.

:func:`article_tone` turns the tone of each mention (:func:`analysis.sentiment.tone.score_mentions`)
into one row per article × actor. The rule was fixed before it was run on any corpus and is
not tuned: a stance is called only when the article's mentions lean one way clearly.

    label = "negative"  if n_negative − n_positive ≥ 2 and n_negative ≥ n_mentions / 3
            "positive"  if n_positive − n_negative ≥ 2 and n_positive ≥ n_mentions / 3
            "neutral"   otherwise

where ``n_negative``/``n_positive`` count the mentions labelled so. One negative mention in
passing is not a negative article, and three negative against two positive is no clear
stance. ``rule`` says which case gave the label: ``"margin"`` (a side won), ``"no margin"``
(non-neutral mentions that do not reach the margin), ``"all neutral"``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["ARTICLE_TONE_COLUMNS", "MIN_MARGIN", "MIN_SHARE", "STANCE_COLUMNS", "article_stance", "article_tone"]

ARTICLE_TONE_COLUMNS = ["article_id", "actor_id", "n_mentions", "n_negative", "n_neutral", "n_positive",
                        "mean_score", "label", "rule"]
STANCE_COLUMNS = ["n_articles", "articles_negative", "articles_neutral", "articles_positive", "share_negative",
                  "share_neutral", "share_positive"]
#: A side must lead the other by this many mentions ...
MIN_MARGIN = 2
#: ... and hold at least this share of the actor's mentions in the article.
MIN_SHARE = 1 / 3


def article_tone(mention_scores: pd.DataFrame) -> pd.DataFrame:
    """One row per article × actor (columns :data:`ARTICLE_TONE_COLUMNS`, sorted by article then actor).

    ``mention_scores`` needs ``article_id, actor_id, score, label``; unscored mentions (NaN
    score) are left out. ``mean_score`` is the mean of the mention scores (P(pos) − P(neg)).
    """
    missing = [c for c in ("article_id", "actor_id", "score", "label") if c not in mention_scores.columns]
    if missing:
        raise KeyError(f"mention_scores lacks column(s) {missing}: pass the mention_sentiment table")
    scored = mention_scores.dropna(subset=["score"])
    if scored.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c.startswith("n_") else
                                          "float64" if c == "mean_score" else "object")
                             for c in ARTICLE_TONE_COLUMNS})
    frame = scored.assign(neg=scored["label"].eq("negative"), neu=scored["label"].eq("neutral"),
                          pos=scored["label"].eq("positive"))
    table = frame.groupby(["article_id", "actor_id"], sort=True).agg(
        n_mentions=("score", "size"), n_negative=("neg", "sum"), n_neutral=("neu", "sum"),
        n_positive=("pos", "sum"), mean_score=("score", "mean")).reset_index()
    n, neg, pos = (table[c].to_numpy() for c in ("n_mentions", "n_negative", "n_positive"))
    negative = (neg - pos >= MIN_MARGIN) & (neg >= MIN_SHARE * n)
    positive = (pos - neg >= MIN_MARGIN) & (pos >= MIN_SHARE * n)
    table["label"] = np.where(negative, "negative", np.where(positive, "positive", "neutral"))
    table["rule"] = np.where(negative | positive, "margin", np.where(neg + pos > 0, "no margin", "all neutral"))
    for column in ("n_mentions", "n_negative", "n_neutral", "n_positive"):
        table[column] = table[column].astype("int64")
    return table[ARTICLE_TONE_COLUMNS]


def article_stance(table: pd.DataFrame, *, by: Sequence[str] = ("actor_id",)) -> pd.DataFrame:
    """How many of the articles that mention each actor (per group) lean negative, neutral or positive.

    ``table`` is :func:`article_tone`'s output, optionally with ``outlet``/``period`` joined
    (:func:`analysis.sentiment.tone.with_articles`). Columns: ``by...`` + :data:`STANCE_COLUMNS`
    (counts of article labels and their shares), rows sorted by ``by``.
    """
    by = list(by)
    if table.empty:
        return pd.DataFrame(columns=[*by, *STANCE_COLUMNS])
    counts = pd.crosstab([table[c] for c in by], table["label"], dropna=False)
    counts = counts.reindex(columns=["negative", "neutral", "positive"], fill_value=0)
    out = counts.rename(columns=lambda c: f"articles_{c}").reset_index()
    out.insert(len(by), "n_articles", counts.sum(axis=1).to_numpy())
    for label in ("negative", "neutral", "positive"):
        out[f"share_{label}"] = out[f"articles_{label}"] / out["n_articles"]
    out.columns.name = None
    return out[[*by, *STANCE_COLUMNS]]

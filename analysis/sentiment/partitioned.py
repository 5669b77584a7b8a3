"""Tone of a partitioned dataset (:class:`analysis.annotate.dataset.Dataset`) from partition sums.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from analysis.annotate.dataset import Dataset


def partitioned_tone(dataset: Dataset, *, by: Sequence[str] = (), table: str = "mention_sentiment",
                     score: str = "score", label: str = "label") -> pd.DataFrame:
    """Mean target sentiment per actor (and group) from partition sums, with an article-clustered 95% CI.

    At this scale the cluster bootstrap of :func:`analysis.sentiment.tone.actor_tone` would
    need every mention in memory; instead each article's sum ``s_j`` and count ``n_j`` of
    scores are summed per group in one pass, and the mean ``r = Σs_j / Σn_j`` gets the
    cluster-robust (linearised ratio) standard error ``√(k/(k−1) · Σ(s_j − r·n_j)²) / Σn_j``
    over the group's ``k`` articles (Cameron & Miller 2015): the same estimand as the
    article bootstrap, normal-approximated (CI = r ± 1.96·SE). Columns: ``actor_id, by...,
    n_mentions, n_articles, mean, ci_low, ci_high, share_negative, share_neutral, share_positive``.
    """
    keys = ["actor_id", *by]
    parts = []
    for frame in dataset.joined(table, article_columns=list(by) or ["outlet"]):
        frame = frame.assign(neg=frame[label].eq("negative"), neu=frame[label].eq("neutral"),
                             pos=frame[label].eq("positive"))
        # an article lies in one partition: per-article sums are complete here
        articles = frame.groupby([*keys, "article_id"], dropna=False).agg(
            s=(score, "sum"), n=(score, "size"), neg=("neg", "sum"), neu=("neu", "sum"), pos=("pos", "sum"))
        articles = articles.assign(s2=articles["s"] ** 2, sn=articles["s"] * articles["n"], n2=articles["n"] ** 2,
                                   k=1)
        parts.append(articles.groupby(level=list(range(len(keys))), dropna=False).sum())
    if not parts:
        return pd.DataFrame(columns=[*keys, "n_mentions", "n_articles", "mean", "ci_low", "ci_high"])
    sums = pd.concat(parts).groupby(level=list(range(len(keys))), dropna=False).sum().reset_index()
    mean = sums["s"] / sums["n"]
    k = sums["k"]
    residual = (sums["s2"] - 2 * mean * sums["sn"] + mean**2 * sums["n2"]).clip(lower=0)
    half = 1.96 * (k / (k - 1).where(k > 1) * residual) ** 0.5 / sums["n"]
    return pd.DataFrame({
        "actor_id": sums["actor_id"], **{key: sums[key] for key in by}, "n_mentions": sums["n"].astype("int64"),
        "n_articles": k.astype("int64"), "mean": mean, "ci_low": mean - half.fillna(0),
        "ci_high": mean + half.fillna(0), "share_negative": sums["neg"] / sums["n"],
        "share_neutral": sums["neu"] / sums["n"], "share_positive": sums["pos"] / sums["n"],
    }).sort_values(keys).reset_index(drop=True)

"""Tone of a partitioned dataset (:class:`analysis.annotate.dataset.Dataset`) from partition sums.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from analysis.annotate.dataset import Dataset


def partitioned_tone(dataset: Dataset, *, by: Sequence[str] = (), table: str = "mention_sentiment",
                     score: str = "score", label: str = "label") -> pd.DataFrame:
    """Mean target sentiment per actor (and group) from partition sums, with a normal-approximation 95% CI.

    At this scale the exact bootstrap of :func:`analysis.sentiment.tone.actor_tone` would need
    every mention in memory; sums of n, Σx and Σx² per group give the mean and its standard
    error (CI = mean ± 1.96·s/√n) in one pass. Columns: ``actor_id, by..., n_mentions, mean,
    ci_low, ci_high, share_negative, share_neutral, share_positive``.
    """
    parts = []
    for frame in dataset.joined(table, article_columns=list(by) or ["outlet"]):
        frame = frame.assign(x2=frame[score] ** 2, neg=frame[label].eq("negative"), neu=frame[label].eq("neutral"),
                             pos=frame[label].eq("positive"))
        parts.append(frame.groupby(["actor_id", *by], dropna=False).agg(n=(score, "size"), sx=(score, "sum"), sx2=("x2", "sum"),
                                                         neg=("neg", "sum"), neu=("neu", "sum"), pos=("pos", "sum")))
    if not parts:
        return pd.DataFrame(columns=["actor_id", *by, "n_mentions", "mean", "ci_low", "ci_high"])
    sums = pd.concat(parts).groupby(level=list(range(len(by) + 1)), dropna=False).sum().reset_index()
    mean = sums["sx"] / sums["n"]
    variance = ((sums["sx2"] - sums["n"] * mean**2) / (sums["n"] - 1)).clip(lower=0)
    half = 1.96 * (variance / sums["n"]) ** 0.5
    return pd.DataFrame({
        "actor_id": sums["actor_id"], **{key: sums[key] for key in by}, "n_mentions": sums["n"].astype("int64"),
        "mean": mean, "ci_low": mean - half.fillna(0), "ci_high": mean + half.fillna(0),
        "share_negative": sums["neg"] / sums["n"], "share_neutral": sums["neu"] / sums["n"],
        "share_positive": sums["pos"] / sums["n"],
    }).sort_values(["actor_id", *by]).reset_index(drop=True)

"""Framing measures of a partitioned dataset (:class:`analysis.annotate.dataset.Dataset`), partition by partition.

Each equals its in-memory twin (:func:`analysis.framing.salience.actor_salience`,
:func:`analysis.framing.frames.actor_frames` shares) because articles never span partitions.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from analysis.annotate.dataset import Dataset
from analysis.framing.salience import SALIENCE_COLUMNS, actor_salience


def partitioned_salience(dataset: Dataset, *, actors: Sequence[str], by: Sequence[str] = (),
                         freq: str | None = None) -> pd.DataFrame:
    """:func:`analysis.framing.salience.actor_salience`, computed partition by partition and summed.

    Articles never span partitions, so per-group counts (mentions, articles naming the
    actor, headline and lead articles, articles in the group) add up exactly; shares
    are recomputed from the sums. Equal to the in-memory result.
    """
    keys = list(by) + (["period"] if freq else [])
    counts = ["mentions", "articles", "headline_articles", "lead_articles", "n_articles"]
    parts = []
    for articles, sentences, mentions in zip(
            dataset.partitions("articles"),
            dataset.partitions("sentences", columns=["article_id", "sentence_id", "is_headline", "is_lead"]),
            dataset.partitions("mentions", columns=["article_id", "sentence_id", "actor_id"])):
        parts.append(actor_salience(mentions, sentences, articles, by=by, freq=freq, actors=actors)[
            ["actor_id", *keys, *counts]])
    total = pd.concat(parts).groupby(["actor_id", *keys], sort=False, dropna=False).sum().reset_index()
    total = total[total["n_articles"] > 0] if keys else total
    for share, column in (("share_articles", "articles"), ("share_headline", "headline_articles"),
                          ("share_lead", "lead_articles"), ("mentions_per_article", "mentions")):
        total[share] = total[column] / total["n_articles"].where(total["n_articles"] > 0)
        total[share] = total[share].fillna(0.0)
    order = {actor: i for i, actor in enumerate(actors)}
    total = total.sort_values([*keys, "actor_id"], key=lambda s: s.map(order) if s.name == "actor_id" else s)
    return total[[*keys, *SALIENCE_COLUMNS]].reset_index(drop=True)


def partitioned_frame_shares(dataset: Dataset, *, table: str = "frames") -> pd.DataFrame:
    """Per actor (and scheme) and frame: the actor's sentences, those with the frame, and the share.

    Computed partition by partition from the ``frames`` layer (sentence rows with
    ``hits``) and the mentions, and summed: an actor's sentence belongs to one partition.
    Columns: ``actor_id, [scheme,] frame, n_sentences, sentences_with_frame, share``.
    """
    with_frame, sentence_counts = [], []
    keys: list[str] = []
    for frames, mentions in zip(dataset.partitions(table),
                                dataset.partitions("mentions", columns=["article_id", "sentence_id", "actor_id"])):
        keys = [k for k in ("scheme", "frame") if k in frames]
        actor_sentences = mentions.drop_duplicates()
        sentence_counts.append(actor_sentences.groupby("actor_id").size())
        framed = frames.loc[frames["hits"] > 0, ["article_id", "sentence_id", *keys]].drop_duplicates()
        with_frame.append(actor_sentences.merge(framed, on=["article_id", "sentence_id"])
                          .groupby(["actor_id", *keys]).size())
    columns = ["actor_id", *keys, "n_sentences", "sentences_with_frame", "share"]
    if not with_frame:
        return pd.DataFrame(columns=columns)
    n_sentences = pd.concat(sentence_counts).groupby(level=0).sum()
    result = pd.concat(with_frame).groupby(level=list(range(len(keys) + 1))).sum()
    result = result.rename("sentences_with_frame").reset_index()
    result["n_sentences"] = result["actor_id"].map(n_sentences).astype("int64")
    result["share"] = result["sentences_with_frame"] / result["n_sentences"]
    return result[columns].sort_values(["actor_id", *keys]).reset_index(drop=True)

"""The cluster (article) bootstrap: sums per article, resampled means, wider intervals on clustered data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment.resampling import cluster_bootstrap_means, cluster_sums, percentile_interval
from analysis.sentiment.tone import actor_tone


def test_cluster_sums():
    sums, counts = cluster_sums(np.array([1.0, 2.0, 3.0, -1.0]), np.array(["b", "a", "b", "c"]))
    assert sums.tolist() == [2.0, 4.0, -1.0] and counts.tolist() == [1.0, 2.0, 1.0]   # a, b, c
    sums, counts = cluster_sums(np.array([1.0, 2.0]), None)
    assert sums.tolist() == [1.0, 2.0] and counts.tolist() == [1.0, 1.0]


def test_resample_mean_is_ratio_of_sums():
    sums, counts = np.array([3.0, -1.0]), np.array([2.0, 1.0])
    means = cluster_bootstrap_means(sums, counts, n_boot=6, rng=np.random.default_rng(1))
    draws = np.random.default_rng(1).integers(0, 2, (6, 2))
    assert means == pytest.approx(sums[draws].sum(axis=1) / counts[draws].sum(axis=1))
    # every resample is one of: both a (1.5), both b (-1), one each (2/3)
    assert set(np.round(means, 6)) <= {1.5, -1.0, round(2 / 3, 6)}


def test_blocks_draw_the_same_as_one_block():
    sums, counts = np.arange(10.0), np.ones(10)
    blocked = cluster_bootstrap_means(sums, counts, n_boot=50, rng=np.random.default_rng(3), cells=30)
    whole = cluster_bootstrap_means(sums, counts, n_boot=50, rng=np.random.default_rng(3))
    assert blocked == pytest.approx(whole)


def test_percentile_interval():
    assert percentile_interval(np.arange(101.0), ci=0.9) == pytest.approx((5.0, 95.0))


def test_intervals_are_wider_when_mentions_cluster_in_articles():
    """20 articles, 10 mentions each, every article's mentions alike: the mention-level bootstrap
    sees 200 independent scores, the article bootstrap 20."""
    rng = np.random.default_rng(7)
    article_tone = rng.normal(0, 0.5, 20)
    scores = pd.DataFrame({"actor_id": "putin", "article_id": np.repeat([f"a{i}" for i in range(20)], 10),
                           "score": np.repeat(article_tone, 10) + rng.normal(0, 0.05, 200), "label": "neutral"})
    clustered = actor_tone(scores, n_boot=2000, seed=0).iloc[0]
    by_mention = actor_tone(scores, n_boot=2000, seed=0, cluster=None).iloc[0]
    assert clustered["mean"] == by_mention["mean"]
    assert (clustered["n_mentions"], clustered["n_articles"], by_mention["n_articles"]) == (200, 20, 200)
    width, naive = clustered["ci_high"] - clustered["ci_low"], by_mention["ci_high"] - by_mention["ci_low"]
    assert width > 2.5 * naive          # about sqrt(10) ≈ 3.2 times wider
    # one mention per article: both bootstraps are the same draws
    single = scores.groupby("article_id", as_index=False).first()
    a, b = actor_tone(single, n_boot=500, seed=0), actor_tone(single, n_boot=500, seed=0, cluster=None)
    assert a[["ci_low", "ci_high"]].values.tolist() == b[["ci_low", "ci_high"]].values.tolist()

"""Bootstrap means that respect articles: resample whole articles, not mentions (cluster bootstrap).

Mentions of an actor in one article share its author, topic and tone, so they are not
independent; resampling mentions treats an article with 30 mentions as 30 independent
observations and gives intervals that are too narrow. The cluster (article) bootstrap
(Davison & Hinkley 1997, §3.8; Field & Welsh 2007) draws articles with replacement and
takes, in each resample, the mean over all mentions of the drawn articles:
``Σ_j s_j / Σ_j n_j`` with ``s_j`` the sum of scores and ``n_j`` the number of mentions of
article ``j``. With one mention per article it is the ordinary bootstrap of the mean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["cluster_sums", "cluster_bootstrap_means", "percentile_interval"]


def cluster_sums(scores: np.ndarray, clusters: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster sum of scores and number of scores, clusters in sorted order.

    ``clusters=None`` makes each score its own cluster (the mention-level bootstrap).
    """
    scores = np.asarray(scores, dtype=np.float64)
    if clusters is None:
        return scores, np.ones(len(scores))
    codes, _ = pd.factorize(np.asarray(clusters), sort=True)
    return np.bincount(codes, weights=scores), np.bincount(codes).astype(np.float64)


def cluster_bootstrap_means(sums: np.ndarray, counts: np.ndarray, *, n_boot: int, rng: np.random.Generator,
                            cells: int = 1 << 20) -> np.ndarray:
    """Means of ``n_boot`` cluster resamples: ``k`` clusters drawn with replacement each time.

    Drawn in blocks of about ``cells`` indices so that memory stays small; the draws are
    those of ``rng.integers(0, k, (n_boot, k))`` in order.
    """
    k = len(sums)
    rows = max(1, cells // k)
    means = np.empty(n_boot)
    for start in range(0, n_boot, rows):
        stop = min(n_boot, start + rows)
        index = rng.integers(0, k, size=(stop - start, k))
        means[start:stop] = sums[index].sum(axis=1) / counts[index].sum(axis=1)
    return means


def percentile_interval(means: np.ndarray, *, ci: float) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """The percentile interval of bootstrap ``means`` at level ``ci`` (Efron & Tibshirani 1993).

    ``means``: the draws of one estimate (1-D: two floats back), or one row of draws per
    group (2-D: an array of lower and one of upper bounds, one per row, in one call).
    """
    alpha = (1 - ci) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha], axis=-1)
    if np.ndim(means) == 1:
        return float(low), float(high)
    return low, high

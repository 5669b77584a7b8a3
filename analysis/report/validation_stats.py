"""Statistics of the validation appendix: proportions, correlations and classification scores with intervals.

* :func:`wilson_interval`: the Wilson score interval of a proportion (Wilson 1927), which keeps
  its coverage near 95% for small samples and proportions near 0 or 1 (Brown, Cai & DasGupta 2001);
* :func:`fisher_interval`: the interval of a Pearson r through Fisher's z (Fisher 1915);
* :func:`macro_f1_from_counts`: the macro-F1 of NewsMTSC (mean of per-class F1) from gold ×
  predicted counts (those of :func:`analysis.sentiment.evaluate.confusion`), for many resamples at once;
* :func:`bootstrap_macro_f1`: a percentile interval of macro-F1 from a cluster bootstrap over
  sentences (Efron & Tibshirani 1993).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

__all__ = ["LABELS", "Z95", "bootstrap_macro_f1", "fisher_interval", "macro_f1_from_counts", "wilson_interval"]

Z95 = 1.959963984540054
LABELS = ("negative", "neutral", "positive")


def wilson_interval(successes: int, n: int, *, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion (Wilson 1927; Brown, Cai & DasGupta 2001): (low, high).

    ``p̂ = k/n``; centre ``(p̂ + z²/2n) / (1 + z²/n)``, half-width
    ``z / (1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/4n²)``. NaN for ``n = 0``.
    """
    if n <= 0:
        return (float("nan"), float("nan"))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def fisher_interval(r: float, n: int, *, z: float = Z95) -> tuple[float, float]:
    """95% interval of a Pearson correlation by Fisher's z: ``tanh(atanh(r) ± z/sqrt(n − 3))``."""
    if n <= 3 or not -1 < r < 1:
        return (float("nan"), float("nan"))
    centre, half = math.atanh(r), z / math.sqrt(n - 3)
    return (math.tanh(centre - half), math.tanh(centre + half))


def macro_f1_from_counts(counts: np.ndarray) -> np.ndarray:
    """Macro-F1 of confusion counts ``(..., k, k)`` (gold rows, predicted columns): mean over classes of
    ``2·TP / (2·TP + FP + FN)``, a class with no gold and no prediction counting 0 (as
    :func:`analysis.sentiment.newsmtsc.f1_scores` does)."""
    counts = np.asarray(counts, dtype=float)
    tp = np.diagonal(counts, axis1=-2, axis2=-1)
    denominator = counts.sum(axis=-1) + counts.sum(axis=-2)  # 2·TP + FN + FP
    f1 = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    return f1.mean(axis=-1)


def bootstrap_macro_f1(gold: Sequence[str], predicted: Sequence[str], *, groups: Sequence[Any], n_boot: int = 2000,
                       seed: int = 0, labels: Sequence[str] = LABELS) -> tuple[float, float]:
    """Percentile 95% interval of macro-F1, resampling ``groups`` (sentences) with replacement.

    Targets of one sentence are not independent, so whole sentences are drawn (a cluster
    bootstrap; Efron & Tibshirani 1993), ``n_boot`` times with ``numpy.random.default_rng(seed)``.
    """
    index = {label: k for k, label in enumerate(labels)}
    keys = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    cells = np.zeros((len(keys), len(labels) * len(labels)))
    for g, gl, pl in zip(groups, gold, predicted):
        cells[keys[g], index[gl] * len(labels) + index[pl]] += 1
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(keys), size=(n_boot, len(keys)))
    weights = np.stack([np.bincount(row, minlength=len(keys)) for row in draws])
    scores = macro_f1_from_counts((weights @ cells).reshape(n_boot, len(labels), len(labels)))
    low, high = np.percentile(scores, [2.5, 97.5])
    return (float(low), float(high))

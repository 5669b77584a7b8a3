"""Tone toward each actor in one outlet against another: the difference in means and its bootstrap interval.

:func:`outlet_tone_difference` compares two outlets (A and B) actor by actor. For each
actor, the mean tone score of its mentions in A and in B, and the difference
``mean_a - mean_b`` with a percentile bootstrap interval (Efron & Tibshirani 1993): the
*articles* of each outlet are resampled with replacement, separately (the two outlets are
independent samples, of their own sizes), ``n_boot`` times, each resample's mean taken
over all mentions of the drawn articles (a cluster bootstrap,
:mod:`analysis.sentiment.resampling`: mentions in one article are not independent), and
the interval is taken from the differences of the resampled means. The generator is
``numpy.random.default_rng(seed)``, one stream drawn in sorted actor order, outlet A then
B, so results are reproducible. Without an ``article_id`` column every mention is its
own cluster.

:func:`compared_outlets` picks the pair: the two the user names, or by default the two
outlets with the most articles.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sentiment.resampling import cluster_bootstrap_means, cluster_sums

__all__ = ["DIFFERENCE_COLUMNS", "compared_outlets", "outlet_tone_difference"]

DIFFERENCE_COLUMNS = ["actor_id", "outlet_a", "outlet_b", "mean_a", "mean_b", "difference", "ci_low", "ci_high",
                      "n_a", "n_b"]


def compared_outlets(articles: pd.DataFrame, requested: Sequence[str] = (), *,
                     parameter: str = "compare_outlets") -> list[str]:
    """The two outlets to compare: ``requested`` (checked against the corpus), or the two with the most articles.

    Ties in article counts go to the outlet whose name sorts first. Returns fewer than two
    outlets when the corpus has fewer. Raises :class:`InputError` (naming ``parameter``)
    when ``requested`` is not empty and is not two different outlets of the corpus.
    """
    outlets = articles["outlet"].dropna().astype(str)
    if not requested:
        counts = outlets.value_counts()
        ranked = sorted(counts.index, key=lambda o: (-counts[o], o))
        return ranked[:2]
    requested = [str(o) for o in requested]
    known = sorted(set(outlets))
    unknown = [o for o in requested if o not in known]
    if len(requested) != 2 or len(set(requested)) != 2 or unknown:
        shown = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
        raise InputError(f"parameter {parameter!r}: expected two different outlets of the corpus ({shown}), "
                         f"got {requested!r}" + (f" ({', '.join(unknown)} not in the corpus)" if unknown else ""))
    return requested


def outlet_tone_difference(mention_scores: pd.DataFrame, *, outlets: Sequence[str], n_boot: int = 2000,
                           seed: int = 0, ci: float = 0.95, actors: Sequence[str] | None = None) -> pd.DataFrame:
    """Tone toward each actor in outlet A vs outlet B, with a bootstrap interval of the difference.

    ``mention_scores``: scored mentions (:func:`~analysis.sentiment.tone.score_mentions`)
    with an ``outlet`` column (:func:`~analysis.sentiment.tone.with_articles`);
    ``outlets``: the two outlets, A then B; ``actors``: the actors to keep (default every
    actor mentioned in A or B). Columns (:data:`DIFFERENCE_COLUMNS`): ``actor_id``,
    ``outlet_a``, ``outlet_b``, ``mean_a``, ``mean_b`` (mean score of the actor's mentions
    in each outlet), ``difference`` (``mean_a - mean_b``), ``ci_low``, ``ci_high``
    (percentile interval at level ``ci``), ``n_a``, ``n_b`` (scored mentions). An actor
    mentioned in one outlet only keeps its row, with NaN where a mean is missing. Rows
    sorted by actor id.
    """
    missing = [c for c in ("actor_id", "outlet", "score") if c not in mention_scores.columns]
    if missing:
        raise KeyError(f"mention_scores table lacks column(s) {missing}; join the outlets with with_articles()")
    if len(outlets) != 2:
        raise ValueError(f"outlets must name two outlets (A, B), got {list(outlets)!r}")
    if not 0 < ci < 1 or n_boot < 1:
        raise ValueError(f"ci must be in (0, 1) and n_boot >= 1, got ci={ci}, n_boot={n_boot}")
    a, b = (str(o) for o in outlets)
    scores = mention_scores.dropna(subset=["score"])
    scores = scores[scores["outlet"].astype(str).isin([a, b])]
    if actors is not None:
        scores = scores[scores["actor_id"].isin(list(actors))]
    rng = np.random.default_rng(seed)
    alpha = (1 - ci) / 2
    rows = []
    clustered = "article_id" in scores.columns
    for actor, group in scores.groupby("actor_id", sort=True):
        sides = []
        for outlet in (a, b):
            side = group[group["outlet"].astype(str) == outlet]
            x = side["score"].to_numpy(dtype=np.float64)
            sides.append((x, cluster_sums(x, side["article_id"].to_numpy() if clustered else None)))
        (x_a, sums_a), (x_b, sums_b) = sides
        rows.append((actor, a, b, *_difference(x_a, x_b, sums_a, sums_b, n_boot=n_boot, rng=rng, alpha=alpha),
                     len(x_a), len(x_b)))
    table = pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
    return table.astype({"n_a": "int64", "n_b": "int64"})


def _difference(x_a: np.ndarray, x_b: np.ndarray, sums_a: tuple[np.ndarray, np.ndarray],
                sums_b: tuple[np.ndarray, np.ndarray], *, n_boot: int, rng: np.random.Generator,
                alpha: float) -> tuple[float, float, float, float, float]:
    """mean_a, mean_b, difference, ci_low, ci_high (NaN where an outlet has no mention)."""
    mean_a = float(x_a.mean()) if len(x_a) else np.nan
    mean_b = float(x_b.mean()) if len(x_b) else np.nan
    if not len(x_a) or not len(x_b):
        return mean_a, mean_b, np.nan, np.nan, np.nan
    boot = (cluster_bootstrap_means(*sums_a, n_boot=n_boot, rng=rng)
            - cluster_bootstrap_means(*sums_b, n_boot=n_boot, rng=rng))
    low, high = np.quantile(boot, [alpha, 1 - alpha])
    return mean_a, mean_b, mean_a - mean_b, float(low), float(high)

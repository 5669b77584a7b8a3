"""Tone intervals on the Q1 corpus: mention bootstrap (old) vs article (cluster) bootstrap (new), and
the article-level stance table against the mean-cut aggregate.

    python bench/bench_intervals.py [--top 12]

Annotates the Q1 corpus (every layer; cached), then for the ``--top`` most mentioned actors prints
the mean tone, the 95% interval width resampling mentions and resampling articles (2,000 draws,
seed 0), and their ratio; then the article × actor labels of :func:`article_tone` beside the
labels of the obvious aggregate (mean mention score cut at ±0.05).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from analysis.annotate.pipeline import LAYERS, Settings, annotate_corpus  # noqa: E402
from analysis.corpus.codebook import load_codebook  # noqa: E402
from analysis.corpus.reader import read_corpus  # noqa: E402
from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS  # noqa: E402
from analysis.sentiment.tone import actor_tone  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    articles = read_corpus(Q1_CORPUS).articles
    tables = annotate_corpus(articles, load_codebook(DEFAULT_CODEBOOK), settings=Settings(layers=tuple(LAYERS)),
                             progress=False).tables
    scores = tables["mention_sentiment"]
    top = scores["actor_id"].value_counts().index[: args.top]
    scores = scores[scores["actor_id"].isin(top)]
    new = actor_tone(scores, n_boot=2000, seed=0).set_index("actor_id")
    old = actor_tone(scores, n_boot=2000, seed=0, cluster=None).set_index("actor_id")
    print(f"{'actor':<16}{'mentions':>9}{'articles':>9}{'mean':>8}{'old width':>11}{'new width':>11}{'ratio':>7}")
    for actor in top:
        w_old = old.loc[actor, "ci_high"] - old.loc[actor, "ci_low"]
        w_new = new.loc[actor, "ci_high"] - new.loc[actor, "ci_low"]
        print(f"{actor:<16}{new.loc[actor, 'n_mentions']:>9,}{new.loc[actor, 'n_articles']:>9,}"
              f"{new.loc[actor, 'mean']:>8.3f}{w_old:>11.4f}{w_new:>11.4f}{w_new / w_old:>7.2f}")
    stance = tables["article_tone"]
    cut = np.where(stance["mean_score"] > 0.05, "positive", np.where(stance["mean_score"] < -0.05, "negative",
                                                                      "neutral"))
    print(f"\narticle × actor pairs: {len(stance):,}")
    for label in ("negative", "neutral", "positive"):
        print(f"  {label:<9} article rule {int((stance['label'] == label).sum()):>7,}   "
              f"mean cut ±0.05 {int((cut == label).sum()):>7,}")


if __name__ == "__main__":
    main()

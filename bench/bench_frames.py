"""Frame scoring throughput on the 2022 Q1 Ukraine corpus, beside the base annotation.

    .venv/bin/python bench/bench_frames.py [--corpus ../shared/data/ukraine_media_2022q1/articles.csv]
                                           [--repeat 3] [--skip-base]

Timed on one core in the same run:

* base: :func:`analysis.annotate.pipeline.annotate_corpus` (sentences, tokens, mentions) with
  ``cache=False``, serial: the reference the framing layers must not exceed;
* frames: over the base token table, :func:`analysis.framing.frames.score_sentences` per
  scheme, :func:`analysis.framing.frames.frame_hits` (evidence), and the annotation layer
  :func:`analysis.framing.frames.annotate_frames` (both schemes), whole corpus at once and in
  the 128-article batches the annotation engines use.

MB/s is the corpus text (title + body, UTF-8) divided by the seconds; the best of
``--repeat`` runs is reported.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

import pandas as pd

from analysis.framing import frames as F
from analysis.framing.dictionaries import SCHEMES, load_frames
from analysis.annotate.pipeline import Settings, annotate_corpus
from analysis.paths import Q1_CORPUS
from analysis.annotate.workspace import open_workspace


def best_of(repeat: int, function: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def batches(tokens: pd.DataFrame, article_ids: list[str], size: int = 128) -> list[pd.DataFrame]:
    """The token table cut into the 128-article batches the annotation engines use."""
    groups = dict(tuple(tokens.groupby("article_id", sort=False)))
    return [pd.concat([groups[a] for a in article_ids[i:i + size] if a in groups], ignore_index=True)
            for i in range(0, len(article_ids), size)]


def batched_layer(parts: list[pd.DataFrame]) -> None:
    """The layer as the engines call it: one batch of articles at a time."""
    for part in parts:
        F.annotate_frames(pd.DataFrame(), {"tokens": part}, None, Settings())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Q1_CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per frame timing (best is reported)")
    parser.add_argument("--skip-base", action="store_true", help="do not time the base annotation")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    workspace = open_workspace(corpus=str(args.corpus))          # cached tokens (built once if absent)
    articles, tokens = workspace.articles, workspace.table("tokens")
    megabytes = sum(len(t.encode()) + len(b.encode()) + 2 for t, b in zip(articles["title"], articles["text"])) / 1e6
    dictionaries = {scheme: load_frames(scheme) for scheme in SCHEMES}
    for frames in dictionaries.values():
        F.score_sentences(tokens.head(1000), frames=frames)     # compile the matchers outside the timings

    rows: list[tuple[str, float]] = []
    if not args.skip_base:
        rows.append(("base annotation (sentences, tokens, mentions; cache=False)",
                     best_of(1, lambda: annotate_corpus(articles, workspace.codebook, cache=False, progress=False))))
    for scheme, frames in dictionaries.items():
        rows.append((f"score_sentences, {scheme} ({len(frames.frames)} frames)",
                     best_of(args.repeat, lambda f=frames: F.score_sentences(tokens, frames=f))))
        rows.append((f"frame_hits, {scheme}", best_of(args.repeat, lambda f=frames: F.frame_hits(tokens, frames=f))))
    rows.append(("annotate_frames layer, both schemes, whole corpus",
                 best_of(args.repeat, lambda: F.annotate_frames(articles, {"tokens": tokens}, None, Settings()))))
    parts = batches(tokens, articles["article_id"].tolist())
    rows.append(("annotate_frames layer, both schemes, 128-article batches",
                 best_of(args.repeat, lambda: batched_layer(parts))))

    print(f"corpus: {args.corpus.name}, {len(articles)} articles, {megabytes:.1f} MB, {len(tokens):,} tokens, "
          f"{tokens.groupby(['article_id', 'sentence_id']).ngroups:,} sentences (1 core)")
    width = max(len(name) for name, _ in rows)
    print(f"{'step':<{width}}  {'seconds':>8}  {'MB/s':>7}")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:8.2f}  {megabytes / seconds:7.1f}")
    if not args.skip_base:
        base = rows[0][1]
        layer = dict(rows)["annotate_frames layer, both schemes, 128-article batches"]
        print(f"frames layer / base annotation: {layer / base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

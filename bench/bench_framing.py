"""Framing annotation throughput on the 2022 Q1 Ukraine corpus, beside the base annotation.

    .venv/bin/python bench/bench_framing.py [--corpus ../shared/data/ukraine_media_2022q1/articles.csv]
                                            [--limit N] [--repeat 1]

Timed on one core (serial) in the same run:

* base: :func:`analysis.annotate.pipeline.annotate_corpus` (sentences, tokens, mentions) with
  ``cache=False``: the reference;
* framing layers over the base tables, in the 128-article batches the annotation
  engines use: frames (:func:`analysis.framing.frames.annotate_frames`, both schemes, when the
  module is present), quotes (:func:`analysis.framing.quotes.annotate_quotes`), roles
  (:func:`analysis.framing.roles.annotate_roles`) and labels
  (:func:`analysis.framing.labels.annotate_labels`, reusing the quotes).

Goal: all framing layers together cost no more than the base layer (ratio ≤ 1.0).
MB/s is the corpus text (title + body, UTF-8) over the seconds (one core, so also MB/s
per core); the best of ``--repeat`` runs is reported.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from typing import Callable

import pandas as pd

from analysis.annotate.pipeline import annotate_corpus
from analysis.corpus.codebook import load_codebook
from analysis.corpus.reader import read_corpus
from analysis.framing.labels import annotate_labels
from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS
from analysis.framing.quotes import annotate_quotes
from analysis.framing.roles import annotate_roles

BATCH = 128


def _best(function: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _batches(articles: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> list[tuple[pd.DataFrame, dict]]:
    """Cut the corpus tables into the engine's 128-article batches (outside the timings)."""
    batches = []
    for i in range(0, len(articles), BATCH):
        part = articles.iloc[i:i + BATCH]
        ids = set(part["article_id"])
        batches.append((part, {name: t[t["article_id"].isin(ids)] for name, t in tables.items()}))
    return batches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(Q1_CORPUS))
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        articles = read_corpus(args.corpus).articles
    except Exception as error:  # noqa: BLE001 - a benchmark reports and exits
        print(f"corpus not readable: {error}", file=sys.stderr)
        return 2
    if args.limit:
        articles = articles.head(args.limit)
    codebook = load_codebook(DEFAULT_CODEBOOK)
    megabytes = sum(len(f"{t}\n\n{x}".encode()) for t, x in zip(articles["title"], articles["text"])) / 1e6

    annotate_corpus(articles.head(50), codebook, cache=False, progress=False)       # warm caches (regexes)
    base_holder: dict = {}
    t_base = _best(lambda: base_holder.update(
        tables=annotate_corpus(articles, codebook, cache=False, progress=False).tables), args.repeat)
    batches = _batches(articles, base_holder["tables"])

    layers: list[tuple[str, Callable]] = []
    if importlib.util.find_spec("analysis.framing.frames") is not None:
        from analysis.framing.frames import annotate_frames

        layers.append(("frames (2 schemes)", lambda a, t: annotate_frames(a, t, codebook, None)))
    layers += [
        ("quotes", lambda a, t: t.update(annotate_quotes(a, t, codebook))),
        ("roles", lambda a, t: annotate_roles(a, t, codebook)),
        ("labels", lambda a, t: annotate_labels(a, t, codebook)),
    ]
    for part, tables in batches[:1]:
        for _, run in layers:
            run(part.head(20), dict(tables))                                    # warm the layers
    timings = []
    for name, run in layers:
        timings.append((name, _best(lambda: [run(part, tables) for part, tables in batches], args.repeat)))
    quotes = pd.concat([t["quotes"] for _, t in batches], ignore_index=True)

    print(f"corpus: {args.corpus}: {len(articles)} articles, {megabytes:.2f} MB, {len(quotes)} quotes "
          f"(1 core, best of {args.repeat})")
    print(f"{'stage':<22}{'seconds':>9}{'MB/s':>8}{'× base':>8}")
    print(f"{'base (annotate)':<22}{t_base:>9.2f}{megabytes / t_base:>8.2f}{1.0:>8.2f}")
    for name, seconds in timings:
        print(f"{name:<22}{seconds:>9.2f}{megabytes / seconds:>8.2f}{seconds / t_base:>8.2f}")
    total = sum(s for _, s in timings)
    print(f"{'framing total':<22}{total:>9.2f}{megabytes / total:>8.2f}{total / t_base:>8.2f}")
    print(f"goal (framing ≤ base): {'met' if total <= t_base else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

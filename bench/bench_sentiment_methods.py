"""Speed of every target-sentiment method on one core: mentions per CPU second, on the 2022 Q1 corpus.

    .venv/bin/python bench/bench_sentiment_methods.py [--articles ../shared/data/ukraine_media_2022q1/articles.csv]
                                                      [--limit 300] [--slow-mentions 1000]

Sentences and mentions as in ``bench/bench_sentiment.py`` (NLTK's untrained Punkt, a regex
over a few names). Each method scores the same mention table through
:func:`analysis.sentiment.tone.score_mentions` (the batched path every table takes); the
torch methods run on one thread and on the first ``--slow-mentions`` mentions only. Timed as
CPU time of this process (``time.process_time``), models loaded before the clock starts;
methods whose optional extra or weights are missing are listed as skipped. The learned
default is the baseline of the ratios, measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench_sentiment import DEFAULT, build_tables

from analysis.sentiment.methods import METHODS, OPTIONAL, unavailable
from analysis.sentiment.tone import score_mentions


def timed(sentences, mentions, method: str) -> float:
    """CPU seconds of score_mentions on the table (after a warm-up on its first sentence)."""
    first = mentions[mentions["sentence_id"] == mentions["sentence_id"].iloc[0]].iloc[:1]
    score_mentions(sentences, first, method=method)
    clock = time.process_time()
    score_mentions(sentences, mentions, method=method)
    return time.process_time() - clock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=300, help="first N articles")
    parser.add_argument("--slow-mentions", type=int, default=1000, help="mentions scored by the torch methods")
    args = parser.parse_args(argv)
    if not args.articles.is_file():
        print(f"corpus not found: {args.articles}", file=sys.stderr)
        return 2
    sentences, mentions = build_tables(args.articles, limit=args.limit)
    print(f"corpus: {args.articles.name}, {args.limit} articles, {len(mentions)} mentions (1 core, CPU time)")
    print(f"{'method':16s} {'mentions':>9s} {'seconds':>8s} {'mentions/s':>11s} {'vs learned':>11s}")
    base = None
    for method in ("learned", *(m for m in METHODS if m != "learned")):
        reason = unavailable(method)
        if reason:
            print(f"{method:16s} skipped: {reason}")
            continue
        table = mentions
        if method in OPTIONAL:
            import torch

            torch.set_num_threads(1)
            table = mentions.iloc[: args.slow_mentions]
        seconds = timed(sentences, table, method)
        rate = len(table) / seconds
        base = base or rate
        print(f"{method:16s} {len(table):9d} {seconds:8.2f} {rate:11.0f} {rate / base:10.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

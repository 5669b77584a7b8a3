"""Throughput of sentence + target sentiment vs. NLTK's VADER, on the 2022 Q1 Ukraine corpus.

    .venv/bin/python bench/bench_sentiment.py [--articles ../shared/data/ukraine_media_2022q1/articles.csv]
                                              [--limit N] [--parts 10]

Sentences come from NLTK's untrained ``PunktSentenceTokenizer()``; mentions
from a regex over a few names. Timed as CPU time of this process
(``time.process_time``, so other jobs on a shared machine do not skew the
ratio) on one core in the same run:

* NLTK: ``SentimentIntensityAnalyzer.polarity_scores`` once per sentence
  (its mention rate is the same pass: sentence tone stands in for the target);
* ours: :func:`analysis.sentiment.tone.score_sentences` (exact fast VADER, fresh
  memo cache) plus :func:`analysis.sentiment.tone.score_mentions` (learned
  target-dependent model) over the same tables.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from nltk.tokenize.punkt import PunktSentenceTokenizer

from analysis.sentiment import vader
from analysis.sentiment.tone import score_mentions, score_sentences
from analysis.sentiment.target_model import load_model
from analysis.sentiment.vader import nltk_analyzer

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ukraine_media_2022q1" / "articles.csv"
NAMES = re.compile(r"\b(?:Putin|Biden|Zelenskyy?|Russia|Ukraine|NATO|United States)\b")


def build_tables(path: Path, *, limit: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    articles = pd.read_csv(path, usecols=["doc_id", "text"], dtype=str, nrows=limit).fillna("")
    punkt = PunktSentenceTokenizer()
    srows, mrows = [], []
    for doc_id, text in zip(articles["doc_id"], articles["text"]):
        for sid, (a, b) in enumerate(punkt.span_tokenize(text)):
            srows.append((doc_id, sid, a, b, text[a:b]))
            for m in NAMES.finditer(text, a, b):
                mrows.append((doc_id, len(mrows), sid, m.start(), m.end(), m.group().lower()))
    sentences = pd.DataFrame(srows, columns=["article_id", "sentence_id", "start", "end", "text"])
    mentions = pd.DataFrame(mrows, columns=["article_id", "mention_id", "sentence_id", "start", "end", "actor_id"])
    return sentences, mentions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--parts", type=int, default=10, help="corpus parts over which the two sides alternate")
    args = parser.parse_args(argv)
    if not args.articles.is_file():
        print(f"corpus not found: {args.articles}", file=sys.stderr)
        return 2
    sentences, mentions = build_tables(args.articles, limit=args.limit)
    n_s, n_m = len(sentences), len(mentions)
    nltk_vader = nltk_analyzer()
    load_model()  # load outside the timings (both sides load their resources first)

    vader.fast_analyzer.cache_clear()  # fresh memo: only repeats within this run are cached
    # Interleave the two sides over parts of the corpus, so that a change in machine load
    # during the run affects both alike.
    t_nltk = t_sent = t_ment = 0.0
    parts = np.array_split(sentences["article_id"].unique(), args.parts)
    for ids in parts:
        s_part = sentences[sentences["article_id"].isin(ids)]
        m_part = mentions[mentions["article_id"].isin(ids)]
        t = time.process_time()
        for text in s_part["text"]:
            nltk_vader.polarity_scores(text)
        t_nltk += time.process_time() - t
        t = time.process_time()
        score_sentences(s_part)
        t_sent += time.process_time() - t
        t = time.process_time()
        score_mentions(s_part, m_part)
        t_ment += time.process_time() - t
    t_ours = t_sent + t_ment

    print(f"corpus: {args.articles.name}, {sentences['article_id'].nunique()} articles, "
          f"{n_s} sentences, {n_m} mentions (1 core)")
    rows = [
        ("NLTK VADER per sentence", t_nltk, n_s / t_nltk, n_m / t_nltk),
        ("ours: sentences only", t_sent, n_s / t_sent, float("nan")),
        ("ours: sentences + targets", t_ours, n_s / t_ours, n_m / t_ours),
    ]
    print(f"{'method':28s} {'seconds':>8s} {'sentences/s':>12s} {'mentions/s':>11s}")
    for name, sec, sps, mps in rows:
        print(f"{name:28s} {sec:8.2f} {sps:12.0f} {mps:11.0f}")
    print(f"ratio sentences+targets vs NLTK: {t_nltk / t_ours:.2f}x; sentence scoring alone: {t_nltk / t_sent:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

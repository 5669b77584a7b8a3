"""Annotation throughput on the Q1 corpus beside a plain NLTK loop, in the same run.

Baseline (per article): NLTK Punkt sentence split, then ``NLTKWordTokenizer`` (the tokenizer
behind ``word_tokenize``) on each sentence: what a notebook written from the NLTK book does.
Ours: ``annotate_corpus`` (sentences with offsets, tokens with offsets and stop-word/word
flags, actor mentions with title folding and pronoun resolution), one core, no cache.

Each side runs in a fresh subprocess (cold: no memoised Punkt decisions, no warm caches),
the two sides alternating ``--repeat`` times; the best run of each is reported. Reported:
CPU and wall seconds, articles/s, MB/s, peak resident memory, and the throughput ratio on
CPU time (this machine is shared: wall time also counts other processes' use of the core).
Usage: python bench/bench_annotate.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASELINE = """
import json, resource, sys, time
from nltk.tokenize import NLTKWordTokenizer
from nltk.tokenize.punkt import PunktSentenceTokenizer
from analysis.corpus.reader import read_corpus
from analysis.paths import Q1_CORPUS
articles = read_corpus(Q1_CORPUS).articles
started, cpu = time.perf_counter(), time.process_time()
splitter, tokenizer = PunktSentenceTokenizer(), NLTKWordTokenizer()
n_sentences = n_tokens = 0
for title, text in zip(articles["title"], articles["text"]):
    for sentence in [title, *splitter.tokenize(text)]:
        n_sentences += 1
        n_tokens += len(tokenizer.tokenize(sentence))
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "sentences": n_sentences, "tokens": n_tokens, "mentions": 0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

OURS = """
import json, resource, sys, time
from analysis.annotate.pipeline import annotate_corpus
from analysis.corpus.codebook import load_codebook
from analysis.corpus.reader import read_corpus
from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS
articles = read_corpus(Q1_CORPUS).articles
codebook = load_codebook(DEFAULT_CODEBOOK)
started, cpu = time.perf_counter(), time.process_time()
tables = annotate_corpus(articles, codebook, cache=False, progress=False).tables
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "sentences": len(tables["sentences"]), "tokens": len(tables["tokens"]),
                  "mentions": len(tables["mentions"]),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs per side, alternating; the best is reported")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from analysis.corpus.reader import read_corpus
    from analysis.paths import Q1_CORPUS

    articles = read_corpus(Q1_CORPUS).articles
    megabytes = (articles["title"].str.len().sum() + articles["text"].str.len().sum()) / 1e6
    sides = (("NLTK loop (Punkt + NLTKWordTokenizer)", BASELINE), ("analysis.annotate.pipeline (1 core)", OURS))
    runs: dict[str, list[dict]] = {name: [] for name, _ in sides}
    for _ in range(args.repeat):
        for name, code in sides:
            runs[name].append(run(code))
    results = {name: min(found, key=lambda r: r["cpu"]) for name, found in runs.items()}
    print(f"Q1 corpus: {len(articles):,} articles, {megabytes:.1f} M characters\n")
    print(f"{'method':40s} {'CPU s':>7s} {'wall s':>7s} {'articles/s':>11s} {'MB/s':>6s} {'sentences':>10s} "
          f"{'tokens':>10s} {'mentions':>9s} {'peak MB':>8s}")
    for name, r in results.items():
        print(f"{name:40s} {r['cpu']:7.2f} {r['seconds']:7.2f} {len(articles) / r['cpu']:11.0f} "
              f"{megabytes / r['cpu']:6.2f} {r['sentences']:10,} {r['tokens']:10,} {r['mentions']:9,} "
              f"{r['peak_mb']:8.0f}")
    base, ours = results.values()
    print(f"\nthroughput ratio on CPU time (ours / NLTK loop), best of {args.repeat}: "
          f"{base['cpu'] / ours['cpu']:.2f}x  (goal >= 3x; wall-time ratio {base['seconds'] / ours['seconds']:.2f}x)")


if __name__ == "__main__":
    main()

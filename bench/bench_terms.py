"""Term-frequency measures for every codebook actor on the Q1 corpus, beside plain NLTK counting.

    .venv/bin/python bench/bench_terms.py [--articles ../shared/data/ukraine_media_2022q1/articles.csv]
                                          [--limit N]

Ours: the calls notebook 10 makes (top terms, n-grams, collocations, TF-IDF, every
actor's context terms, keyness and KWIC lines, outlet comparison, trends), from
cached annotations (the corpus is annotated once first through ``open_workspace``,
outside the timings). NLTK: ``PunktSentenceTokenizer()`` (untrained, no download)
per article, ``NLTKWordTokenizer().tokenize`` per sentence, ``FreqDist`` of the
lower-cased tokens, in the same run on one core. Counts of ordinary words are then
compared: both should count the same thing there, and the table says where they
differ and why.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from nltk.probability import FreqDist
from nltk.tokenize import NLTKWordTokenizer
from nltk.tokenize.punkt import PunktSentenceTokenizer

from analysis.corpus.reader import document_text
from analysis.terms.keyness import actor_keyness, group_keyness
from analysis.terms.kwic import kwic
from analysis.paths import Q1_CORPUS
from analysis.terms.actor_context import actor_context_terms
from analysis.terms.collocations import collocations
from analysis.terms.counts import term_frequencies
from analysis.terms.tfidf import tfidf
from analysis.terms.trends import term_trends
from analysis.annotate.workspace import open_workspace

WORDS = ("troops", "sanctions", "invasion", "war", "military", "forces", "people", "president", "said",
         "russia", "ukraine", "putin", "biden", "nato", "kyiv", "u.s.")


def ours(ws, *, top_n: int = 15) -> tuple[list[tuple[str, float, float]], object]:
    """Time each of notebook 10's computations; return (name, wall s, CPU s) rows and the unigram counts."""
    tokens, mentions, articles = ws.table("tokens"), ws.table("mentions"), ws.articles
    actors = ws.actors()
    steps = [
        ("top terms", lambda: term_frequencies(tokens, ngram=1, top_n=top_n)),
        ("n-grams 2-3", lambda: term_frequencies(tokens, ngram=(2, 3), top_n=top_n)),
        ("collocations (LLR + PMI)", lambda: (collocations(tokens, measure="likelihood", min_freq=2, top_n=top_n),
                                              collocations(tokens, measure="pmi", min_freq=2, top_n=top_n))),
        ("context terms, all actors", lambda: actor_context_terms(tokens, mentions, actor_id=actors, top_n=top_n)),
        ("keyness, all actors", lambda: actor_keyness(tokens, mentions, actor_id=actors)),
        ("KWIC, all actors", lambda: kwic(tokens, articles, mentions, actor_id=actors, window="sentence")),
        ("terms by outlet", lambda: term_frequencies(tokens, articles, ngram=1, by="outlet")),
        ("trends (4 terms, weekly)", lambda: term_trends(tokens, articles, terms=["russia", "ukraine", "said",
                                                                                   "russian"], freq="W")),
    ]
    extra = [
        ("(extra) TF-IDF per article", lambda: tfidf(tokens, top_n=10)),
        ("(extra) outlet keyness: CNN", lambda: group_keyness(tokens, articles, column="outlet", target="CNN")),
        ("(extra) context ±5 tokens", lambda: actor_context_terms(tokens, mentions, window=5, top_n=top_n)),
    ]
    rows = []
    for name, step in steps + extra:
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        rows.append((name, time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = time.perf_counter(), time.process_time()
    counts = term_frequencies(tokens, drop_stopwords=False, min_length=1, top_n=None).set_index("term")["count"]
    rows.append(("unigram counts, no filters", time.perf_counter() - wall, time.process_time() - cpu))
    return rows, counts


def nltk_counts(articles) -> tuple[FreqDist, float, float, int]:
    punkt, words = PunktSentenceTokenizer(), NLTKWordTokenizer()
    fd: FreqDist = FreqDist()
    sentences = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for title, text in zip(articles["title"], articles["text"]):
        for sentence in punkt.tokenize(document_text(title, text)):
            sentences += 1
            fd.update(token.lower() for token in words.tokenize(sentence))
    return fd, time.perf_counter() - wall, time.process_time() - cpu, sentences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, default=Q1_CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="a seeded sample of N articles (0 = all)")
    args = parser.parse_args(argv)
    if not args.articles.is_file():
        print(f"corpus not found: {args.articles}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    ws = open_workspace(corpus=args.articles, sample=args.limit or None, progress=False)
    t_open = time.perf_counter() - start   # annotates on the first run, then reads the cache
    start = time.perf_counter()
    ws = open_workspace(corpus=args.articles, sample=args.limit or None, progress=False)
    t_cached = time.perf_counter() - start
    tokens = ws.table("tokens")
    print(f"corpus: {args.articles.name}, {len(ws.articles)} articles, {len(tokens)} tokens, "
          f"{int(tokens['is_word'].sum())} words, {len(ws.table('mentions'))} mentions, "
          f"{len(ws.codebook.ids)} actors (1 process)")
    print(f"open_workspace: {t_open:.2f} s first call, {t_cached:.2f} s from the cache (not in the totals)\n")

    rows, our_counts = ours(ws)
    fd, wall_nltk, cpu_nltk, n_sentences = nltk_counts(ws.articles)
    wall_nb, cpu_nb = sum(r[1] for r in rows[:8]), sum(r[2] for r in rows[:8])
    print(f"{'step':42s} {'wall s':>7s} {'CPU s':>7s}")
    for name, wall, cpu in rows:
        print(f"{name:42s} {wall:7.2f} {cpu:7.2f}")
    print(f"{'notebook 10 computations (first 8 rows)':42s} {wall_nb:7.2f} {cpu_nb:7.2f}   goal < 10 s")
    print(f"{'NLTK: Punkt + NLTKWordTokenizer + FreqDist':42s} {wall_nltk:7.2f} {cpu_nltk:7.2f}   "
          f"({n_sentences} sentences, {fd.N()} tokens)")
    cpu_unigram = rows[-1][2]
    print(f"\nratio (CPU) NLTK counting / our unigram counts from the cache: {cpu_nltk / cpu_unigram:.1f}x; "
          f"NLTK counting / all notebook computations: {cpu_nltk / cpu_nb:.2f}x")
    print("(wall time exceeds CPU time when other processes share the cores; CPU time is the fairer measure)\n")

    print(f"{'word':12s} {'ours':>8s} {'NLTK':>8s} {'diff':>6s}")
    for word in WORDS:
        a, b = int(our_counts.get(word, 0)), int(fd[word])
        print(f"{word:12s} {a:8d} {b:8d} {a - b:+6d}")
    # Where they differ: NLTK tokens that hold one of the words but are not the word.
    glued = Counter()
    for token, count in fd.items():
        for word in ("troops", "sanctions", "invasion", "russia", "ukraine"):
            if word in token and token != word and not token.startswith(word + "-") and "-" not in token:
                glued[token] += count
    print("\nNLTK tokens that contain a compared word (top 12):",
          ", ".join(f"{t!r}×{c}" for t, c in glued.most_common(12)))
    ours_glued = {t: int(c) for t, c in our_counts.items()
                  if any(w in t and t != w and "-" not in t for w in ("troops", "sanctions", "invasion", "russia",
                                                                     "ukraine"))}
    top = sorted(ours_glued.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
    print("our terms that contain a compared word (top 12):", ", ".join(f"{t!r}×{c}" for t, c in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())

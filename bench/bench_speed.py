"""Speed where a researcher waits: annotation beside a plain NLTK loop, and a codebook edit beside a cold run.

1. **Annotation vs the plain NLTK loop**, on the Q1 corpus (or ``--limit`` articles of it),
   one core, serial engine. Each side runs in a fresh subprocess (nothing memoised, no
   warm caches), the two alternating ``--repeat`` times; CPU seconds of the work itself
   (reading the corpus and importing modules excluded on both sides; loading models and
   lexicons included on both).

   * plain loop: what a notebook written from the NLTK book does per article: NLTK Punkt
     (built with the suite's abbreviation list, nothing downloaded), then per sentence
     ``NLTKWordTokenizer`` (the tokenizer behind ``word_tokenize``), a ``FreqDist`` of the
     lower-cased tokens, the codebook's aliases matched with one regular expression, and
     NLTK's VADER ``polarity_scores``;
   * ours: ``annotate_corpus`` with every layer (sentences, tokens, mentions, frames,
     quotes, roles, labels, sentence and target sentiment) into an empty cache folder
     (cold: everything computed, and the cache entries written, as ``python -m analysis
     annotate`` does); with ``--no-cache``, ``cache=False`` (the annotation work alone).

2. **Codebook edit vs cold annotation**: in a fresh subprocess, annotate cold into an
   empty cache, then add one alias to the codebook (``--alias``, default: "Harris" for
   the actor ``harris``) and annotate again; the ratio of the two CPU times, ``--repeat``
   times.

Usage: python bench/bench_speed.py [--repeat 3] [--limit N] [--no-cache] [--skip-loop] [--skip-edit]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SETUP = """
import json, re, sys, tempfile, time
from analysis.corpus.codebook import load_codebook, parse_codebook
from analysis.corpus.reader import read_corpus
from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS
articles = read_corpus(Q1_CORPUS).articles
if LIMIT:
    articles = articles.iloc[:LIMIT].reset_index(drop=True)
"""

BASELINE = _SETUP + """
from nltk import FreqDist
from nltk.tokenize import NLTKWordTokenizer
from nltk.tokenize.punkt import PunktSentenceTokenizer
from analysis.corpus.text import punkt_parameters
from analysis.sentiment.vader import nltk_analyzer
codebook = load_codebook(DEFAULT_CODEBOOK)
cpu = time.process_time()
aliases = sorted({alias for actor in codebook.actors for alias in actor.aliases}, key=len, reverse=True)
names = re.compile(r"\\b(?:" + "|".join(map(re.escape, aliases)) + r")\\b")
vader = nltk_analyzer()  # NLTK's SentimentIntensityAnalyzer, lexicon from the vaderSentiment package
splitter, tokenizer, freq = PunktSentenceTokenizer(punkt_parameters()), NLTKWordTokenizer(), FreqDist()
n_sentences = n_mentions = 0
for title, text in zip(articles["title"], articles["text"]):
    for sentence in [title, *splitter.tokenize(text)]:
        n_sentences += 1
        freq.update(token.lower() for token in tokenizer.tokenize(sentence))
        n_mentions += sum(1 for _ in names.finditer(sentence))
        vader.polarity_scores(sentence)
print(json.dumps({"cpu": time.process_time() - cpu, "sentences": n_sentences, "tokens": freq.N(),
                  "mentions": n_mentions}))
"""

OURS = _SETUP + """
import importlib
from analysis.annotate.pipeline import LAYERS, Settings, annotate_corpus
for layer in LAYERS.values():  # import every layer's module before the clock starts, as the loop imports NLTK
    for module in layer.modules():
        importlib.import_module(module)
codebook = load_codebook(DEFAULT_CODEBOOK)
with tempfile.TemporaryDirectory() as cache:
    cpu = time.process_time()
    tables = annotate_corpus(articles, codebook, settings=Settings(layers=tuple(LAYERS)),
                             cache=Path(cache) if WRITE_CACHE else False, progress=False).tables
    cpu = time.process_time() - cpu
print(json.dumps({"cpu": cpu, "sentences": len(tables["sentences"]), "tokens": len(tables["tokens"]),
                  "mentions": len(tables["mentions"])}))
"""

EDIT = _SETUP + """
from analysis.annotate.pipeline import LAYERS, Settings, annotate_corpus
text = DEFAULT_CODEBOOK.read_text(encoding="utf-8")
edited = parse_codebook(add_alias(text, ACTOR, ALIAS), source=str(DEFAULT_CODEBOOK))
settings = Settings(layers=tuple(LAYERS))
with tempfile.TemporaryDirectory() as cache:
    cpu = time.process_time()
    annotate_corpus(articles, parse_codebook(text, source=str(DEFAULT_CODEBOOK)), settings=settings,
                    cache=Path(cache), progress=False)
    cold = time.process_time() - cpu
    cpu = time.process_time()
    tables = annotate_corpus(articles, edited, settings=settings, cache=Path(cache), progress=False).tables
    edit = time.process_time() - cpu
    found = int((tables["mentions"]["actor_id"] == ACTOR).sum())
print(json.dumps({"cold": cold, "edit": edit, "mentions_of_actor": found}))
"""

_ADD_ALIAS = '''
from pathlib import Path
def add_alias(text, actor, alias):
    """The codebook text with ``alias`` appended to the aliases of ``actor`` (a flow list ``aliases: [...]``)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {actor}")
    at = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("aliases: ["))
    lines[at] = lines[at].replace("]", f", {alias}]", 1)
    return "".join(lines)
'''


def run(code: str, *, limit: int | None, actor: str = "", alias: str = "", cache: bool = True) -> dict:
    """Run one side in a fresh interpreter; its last output line is a JSON object."""
    source = (_ADD_ALIAS + code).replace("LIMIT", repr(limit)).replace("ACTOR", repr(actor))
    source = source.replace("ALIAS", repr(alias)).replace("WRITE_CACHE", repr(cache))
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"a benchmark process failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def loop_vs_annotation(*, repeat: int, limit: int | None, cache: bool) -> None:
    """Part 1: the plain NLTK loop and our annotation, alternating in fresh processes."""
    runs: dict[str, list[dict]] = {"loop": [], "ours": []}
    for _ in range(repeat):
        runs["loop"].append(run(BASELINE, limit=limit))
        runs["ours"].append(run(OURS, limit=limit, cache=cache))
    how = "cold cache, written" if cache else "no cache"
    print(f"1. annotation, every layer ({how}), vs the plain NLTK loop; CPU seconds, 1 core")
    print(f"   {'run':>4s} {'NLTK loop':>10s} {'ours':>8s} {'ratio':>7s}")
    ratios = []
    for i, (base, ours) in enumerate(zip(runs["loop"], runs["ours"]), 1):
        ratios.append(base["cpu"] / ours["cpu"])
        print(f"   {i:4d} {base['cpu']:10.2f} {ours['cpu']:8.2f} {ratios[-1]:6.2f}x")
    best = min(runs["loop"], key=lambda r: r["cpu"]), min(runs["ours"], key=lambda r: r["cpu"])
    print(f"   best of {repeat}: NLTK loop {best[0]['cpu']:.2f} s, ours {best[1]['cpu']:.2f} s: "
          f"{best[0]['cpu'] / best[1]['cpu']:.2f}x; median of pair ratios {statistics.median(ratios):.2f}x "
          "(goal >= 3x)")
    print(f"   output: NLTK loop {best[0]['sentences']:,} sentences, {best[0]['tokens']:,} tokens, "
          f"{best[0]['mentions']:,} alias matches; ours {best[1]['sentences']:,} sentences, "
          f"{best[1]['tokens']:,} tokens, {best[1]['mentions']:,} mentions + 6 more layers\n")


def edit_vs_cold(*, repeat: int, limit: int | None, actor: str, alias: str) -> None:
    """Part 2: one alias added to the codebook, re-annotation beside the cold annotation."""
    print(f"2. codebook edit (alias {alias!r} added to {actor!r}) re-annotated vs cold annotation; CPU seconds")
    print(f"   {'run':>4s} {'cold':>8s} {'edit':>8s} {'ratio':>7s}")
    ratios = []
    for i in range(1, repeat + 1):
        found = run(EDIT, limit=limit, actor=actor, alias=alias)
        ratios.append(found["edit"] / found["cold"])
        print(f"   {i:4d} {found['cold']:8.2f} {found['edit']:8.2f} {100 * ratios[-1]:6.1f}%")
    print(f"   median {100 * statistics.median(ratios):.1f}% of a cold annotation (goal <= 20%); "
          f"{found['mentions_of_actor']:,} mentions of {actor!r} after the edit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="alternating pairs / edit runs (default 3)")
    parser.add_argument("--limit", type=int, default=None, help="first N articles of the Q1 corpus only")
    parser.add_argument("--actor", default="harris", help="codebook actor that gets the new alias")
    parser.add_argument("--alias", default="Harris", help="the alias added for the edit")
    parser.add_argument("--skip-loop", action="store_true", help="skip part 1")
    parser.add_argument("--skip-edit", action="store_true", help="skip part 2")
    parser.add_argument("--no-cache", action="store_true", help="part 1: annotate with cache=False (no writing)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from analysis.corpus.reader import read_corpus
    from analysis.paths import Q1_CORPUS

    articles = read_corpus(Q1_CORPUS).articles
    n = min(len(articles), args.limit or len(articles))
    print(f"Q1 corpus: {n:,} articles; {args.repeat} runs per figure, each in a fresh process\n")
    if not args.skip_loop:
        loop_vs_annotation(repeat=args.repeat, limit=args.limit, cache=not args.no_cache)
    if not args.skip_edit:
        edit_vs_cold(repeat=args.repeat, limit=args.limit, actor=args.actor, alias=args.alias)


if __name__ == "__main__":
    main()

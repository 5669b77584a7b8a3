"""Candidate discovery on the Q1 corpus: recall of the seed codebook's actors, precision of the top 50.

With an empty codebook, the candidates of the Q1 corpus (2,812 articles) are compared with
``seeds/actors.yaml``, written by hand for this corpus:

* **recall**: each seed actor should be proposed in the top 60 (default types), in one row: a
  row "holds" an actor when one of its variants is one of the actor's aliases, and an actor
  held by two rows was not merged;
* **precision**: the share of the top 50 that are real actors by the hand labels in
  ``tests/corpus/q1_candidate_labels.csv`` (``actor``: a person, country, organisation, group
  or outlet a codebook could list; ``place``: a city, region, sea or bloc; ``not``: an event,
  a thing, a platform, a fragment). Reported for the default types and for ``--types all``
  (strict: actors only; lenient: actors and places), with the share of rows whose variants
  all name the candidate (``merge`` column of the labels).

Usage: python bench/bench_candidates.py        (about half a minute on one core)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.corpus.candidates import candidate_actors  # noqa: E402
from analysis.corpus.codebook import Codebook, load_codebook  # noqa: E402
from analysis.corpus.reader import read_corpus  # noqa: E402
from analysis.paths import DEFAULT_CODEBOOK, PROJ_ROOT, Q1_CORPUS  # noqa: E402

LABELS = PROJ_ROOT / "tests" / "corpus" / "q1_candidate_labels.csv"
RECALL_TOP = 60
PRECISION_TOP = 50


def recall(found: pd.DataFrame, codebook: Codebook, *, top: int = RECALL_TOP) -> pd.DataFrame:
    """One row per codebook actor: ``actor_id, ranks`` (1-based ranks of the top rows holding one
    of its aliases), ``found`` (at least one), ``one_row`` (exactly one)."""
    variants = [set(v.split("; ")) for v in found["variants"].head(top)]
    rows = []
    for actor in codebook.actors:
        ranks = [i + 1 for i, names in enumerate(variants) if names & set(actor.aliases)]
        rows.append({"actor_id": actor.id, "ranks": ranks, "found": bool(ranks), "one_row": len(ranks) == 1})
    return pd.DataFrame(rows)


def precision(found: pd.DataFrame, labels: pd.DataFrame, *, top: int = PRECISION_TOP) -> dict:
    """Shares of the ``top`` candidates labelled actor (strict), actor or place (lenient), and
    with every variant right (merge ok); candidates without a label count as not actors."""
    by_name = labels.drop_duplicates("candidate").set_index("candidate")
    names = found["candidate"].head(top).tolist()
    label = [by_name["label"].get(name, "unlabelled") for name in names]
    merge = [by_name["merge"].get(name, "unlabelled") for name in names]
    return {"n": len(names), "strict": sum(lab == "actor" for lab in label) / len(names),
            "lenient": sum(lab in ("actor", "place") for lab in label) / len(names),
            "merge_ok": sum(m == "ok" for m in merge) / len(names),
            "unlabelled": [n for n, lab in zip(names, label) if lab == "unlabelled"]}


def main() -> int:
    articles = read_corpus(Q1_CORPUS).articles
    codebook = load_codebook(DEFAULT_CODEBOOK)
    labels = pd.read_csv(LABELS, keep_default_na=False)
    started = time.perf_counter()
    default = candidate_actors(articles, None, top_n=RECALL_TOP)
    seconds = time.perf_counter() - started
    every = candidate_actors(articles, None, top_n=PRECISION_TOP, types=None)
    found = recall(default, codebook)
    print(f"Q1 corpus, {len(articles):,} articles, empty codebook ({seconds:.1f} s for discovery)\n")
    print(f"Recall of {DEFAULT_CODEBOOK.name} in the top {RECALL_TOP}: {found['found'].mean():.0%} found, "
          f"{found['one_row'].mean():.0%} in one row")
    print(found.to_string(index=False))
    for name, table in (("default types", default), ("--types all", every)):
        result = precision(table, labels)
        print(f"\nPrecision of the top {result['n']} ({name}): {result['strict']:.0%} actors, "
              f"{result['lenient']:.0%} actors or places; {result['merge_ok']:.0%} of rows with every variant right"
              + (f"; unlabelled: {', '.join(result['unlabelled'])}" if result["unlabelled"] else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

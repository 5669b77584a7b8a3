"""The hand-labelled pronoun sample of the Q1 corpus (issue 14): draw it, and score the resolver on it.

    python bench/pronoun_sample.py draw --n 120 --out FILE   # a seeded random sample, blind (no prediction)
    python bench/pronoun_sample.py score                     # precision of the current rules on the labels

``draw`` writes every pronoun mention's article, offsets and context with the pronoun marked
``[[...]]``; the labeller writes, for each, the codebook actor it refers to (``gold_actor_id``),
or ``other`` (a person or thing the codebook does not list). ``score`` re-runs the mention rules
on those articles and compares: a row is correct when the rules still produce a pronoun mention
at those offsets with the gold actor. Labels live in ``tests/corpus/pronoun_sample.csv``.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.corpus.codebook import load_codebook  # noqa: E402
from analysis.corpus.mentions import find_mentions  # noqa: E402
from analysis.corpus.reader import document_text, read_corpus  # noqa: E402
from analysis.paths import DEFAULT_CODEBOOK, PROJ_ROOT, Q1_CORPUS  # noqa: E402

SAMPLE = PROJ_ROOT / "tests" / "corpus" / "pronoun_sample.csv"
SEED = 2022


def _documents() -> dict[str, tuple[str, str]]:
    articles = read_corpus(Q1_CORPUS).articles
    return {r["article_id"]: (document_text(r["title"], r["text"]), r["date"]) for r in articles.to_dict("records")}


def draw(n: int, out: Path) -> None:
    codebook = load_codebook(DEFAULT_CODEBOOK)
    rows = []
    for article_id, (doc, date) in sorted(_documents().items()):
        for m in find_mentions(doc, codebook, date=date):
            if m.kind == "pronoun":
                rows.append({"article_id": article_id, "start": m.start, "end": m.end, "surface": doc[m.start:m.end],
                             "context": (doc[max(0, m.start - 700):m.start] + "[[" + doc[m.start:m.end] + "]]"
                                         + doc[m.end:m.end + 200]).replace("\n", " ")})
    sample = sorted(random.Random(SEED).sample(rows, n), key=lambda r: (r["article_id"], r["start"]))
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*sample[0], "gold_actor_id"])
        writer.writeheader()
        writer.writerows(sample)
    print(f"{len(rows)} pronoun mentions; {n} drawn (seed {SEED}) into {out}")


def score(path: Path = SAMPLE) -> dict[str, float]:
    """Precision of the current rules on the labelled sample: correct / labelled rows."""
    codebook = load_codebook(DEFAULT_CODEBOOK)
    documents = _documents()
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    found: dict[str, dict[tuple[int, int], str]] = {}
    correct = 0
    for row in rows:
        if row["article_id"] not in found:
            doc, date = documents[row["article_id"]]
            found[row["article_id"]] = {(m.start, m.end): m.actor_id for m in find_mentions(doc, codebook, date=date)
                                        if m.kind == "pronoun"}
        predicted = found[row["article_id"]].get((int(row["start"]), int(row["end"])))
        correct += predicted is not None and predicted == row["gold_actor_id"]
    result = {"labelled": len(rows), "correct": correct, "precision": correct / len(rows)}
    print(f"pronoun sample: {correct}/{len(rows)} correct antecedents, precision {result['precision']:.1%}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--n", type=int, default=120)
    d.add_argument("--out", type=Path, required=True)
    sub.add_parser("score")
    args = parser.parse_args()
    if args.command == "draw":
        draw(args.n, args.out)
    else:
        score()


if __name__ == "__main__":
    main()

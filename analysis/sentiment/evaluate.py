"""Evaluate target-dependent sentiment on NewsMTSC-format data: every method side by side, with speed.

:func:`evaluate_targets` scores methods of :mod:`analysis.sentiment.methods` on targets
read by :func:`analysis.sentiment.newsmtsc.read_newsmtsc` (NewsMTSC, Hamborg & Donnay
2021) through the same call the mention tables use
(:func:`analysis.sentiment.methods.score_targets`, labels by the one rule of
:mod:`analysis.sentiment.polarity`), with the measures its papers report: macro-averaged
F1 over the three classes (F1m), accuracy, per-class F1, and a confusion matrix. Speed is
targets per CPU second of this process (``time.process_time``: a one-core rate that other
jobs on a shared machine do not skew; model loading is done before the clock starts; the
torch methods run on one thread unless ``--threads`` says otherwise). The command line::

    python -m analysis.evaluate sentiment FILE.jsonl [--method M ...] [--out DIR]

prints one row per method (the whole-sentence VADER baseline first; by default every
method that can run here, the others listed with the reason) and each method's confusion
matrix; ``--out DIR`` writes ``sentiment_scores.csv``, ``sentiment_confusion.csv`` (tidy:
method, gold, predicted, count) and ``sentiment_evaluation.json`` (the file's sha256, the
band, scores, matrices and skipped methods).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.errors import InputError, OneLineParser
from analysis.sentiment.methods import METHODS, OPTIONAL, Scored, canonical, score_targets, unavailable
from analysis.sentiment.newsmtsc import LABELS, Target, f1_scores, read_newsmtsc
from analysis.sentiment.polarity import BAND
from analysis.store import file_sha256

__all__ = [
    "SCORE_COLUMNS",
    "confusion",
    "evaluate_targets",
    "predict",
    "main",
]

SCORE_COLUMNS = ["method", "n_targets", "macro_f1", "accuracy", "f1_negative", "f1_neutral", "f1_positive",
                 "targets_per_s", "cpu_seconds"]


def _arrays(targets: Sequence[Target]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Sentence texts (one per record) and each target's sentence index and offsets."""
    lines, index = [], []
    for t in targets:
        if not lines or lines[-1][0] != t.line:
            lines.append((t.line, t.sentence))
        index.append(len(lines) - 1)
    starts = np.array([t.start for t in targets], dtype=np.int64)
    ends = np.array([t.end for t in targets], dtype=np.int64)
    return [s for _, s in lines], np.array(index, dtype=np.int64), starts, ends


def scored(targets: Sequence[Target], *, method: str, band: float = BAND,
           threads: int | None = 1) -> tuple[Scored, float]:
    """Scores of ``targets`` by ``method`` and the CPU seconds they took (resources loaded beforehand).

    ``threads``: torch threads of the optional methods while they score (1: a one-core
    figure; None leaves torch's own setting).
    """
    texts, sentence, starts, ends = _arrays(targets)
    first = int(np.searchsorted(sentence, min(2, len(texts))))  # warm up on two sentences: load models
    score_targets(texts[:2], sentence[:first], starts[:first], ends[:first], method=method, band=band)
    torch, before = None, None
    if threads and canonical(method) in OPTIONAL:
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(threads)
    try:
        clock = time.process_time()
        result = score_targets(texts, sentence, starts, ends, method=method, band=band)
        seconds = time.process_time() - clock
    finally:
        if torch is not None:
            torch.set_num_threads(before)
    return result, seconds


def predict(targets: Sequence[Target], *, method: str, band: float = BAND) -> list[str]:
    """Labels predicted by ``method`` for each target (the score cut at +-``band``)."""
    return [str(x) for x in scored(targets, method=method, band=band)[0].label]


def confusion(gold: Sequence[str], pred: Sequence[str]) -> pd.DataFrame:
    """Counts of (gold, predicted) pairs, every pair of :data:`LABELS` (tidy: gold, predicted, count)."""
    pairs = pd.Series(list(zip(gold, pred))).value_counts()
    rows = [(g, p, int(pairs.get((g, p), 0))) for g in LABELS for p in LABELS]
    return pd.DataFrame(rows, columns=["gold", "predicted", "count"])


def evaluate_targets(targets: Sequence[Target], *, methods: Sequence[str] = ("vader_sentence", "learned"),
                     band: float = BAND, threads: int | None = 1,
                     matrices: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per method (:data:`SCORE_COLUMNS`); ``matrices`` (if given) receives each confusion matrix.

    ``targets_per_s`` is targets per CPU second; torch methods run on ``threads`` threads (see :func:`scored`).
    """
    gold = [t.label for t in targets]
    rows = []
    for m in methods:
        result, seconds = scored(targets, method=m, band=band, threads=threads)
        pred = [str(x) for x in result.label]
        rows.append({"method": m, "n_targets": len(targets), **f1_scores(gold, pred),
                     "targets_per_s": len(targets) / seconds if seconds > 0 else float("inf"),
                     "cpu_seconds": seconds})
        if matrices is not None:
            matrices[m] = confusion(gold, pred)
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _matrix_text(method: str, matrix: pd.DataFrame) -> str:
    wide = matrix.pivot(index="gold", columns="predicted", values="count").reindex(index=LABELS, columns=LABELS)
    wide.index.name, wide.columns.name = "gold \\ predicted", None
    return f"{method}:\n{wide.to_string()}"


def _write(out: Path, path: Path, table: pd.DataFrame, matrices: dict[str, pd.DataFrame],
           skipped: dict[str, str], band: float) -> None:
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "sentiment_scores.csv", index=False, float_format="%.4f")
    tidy = pd.concat([m.assign(method=k)[["method", "gold", "predicted", "count"]] for k, m in matrices.items()],
                     ignore_index=True)
    tidy.to_csv(out / "sentiment_confusion.csv", index=False)
    doc = {"file": path.name, "sha256": file_sha256(path), "band": band,
           "speed": "targets per CPU second of one process (time.process_time), models loaded beforehand",
           "scores": json.loads(table.round(4).to_json(orient="records")),
           "confusion": {k: {g: {p: int(c) for p, c in zip(grp["predicted"], grp["count"])}
                             for g, grp in m.groupby("gold", sort=False)} for k, m in matrices.items()},
           "skipped": skipped}
    (out / "sentiment_evaluation.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m analysis.evaluate sentiment FILE.jsonl [--method M ...] [--out DIR]``."""
    parser = OneLineParser(prog="python -m analysis evaluate",
                           description="Evaluate sentiment methods on labelled data.")
    sub = parser.add_subparsers(dest="task", required=True)
    p = sub.add_parser("sentiment", help="target-dependent sentiment on a NewsMTSC-format JSONL file")
    p.add_argument("file", type=Path)
    p.add_argument("--method", action="append", choices=list(METHODS) + ["default"],
                   help="method(s) to score besides the VADER sentence baseline "
                        "(default: every method that can run here)")
    p.add_argument("--band", type=float, default=BAND, help=f"neutral band of every score (default {BAND})")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads of the MiniLM methods (default 1: speed on one core)")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for sentiment_scores.csv, sentiment_confusion.csv, sentiment_evaluation.json")
    args = parser.parse_args(argv)
    requested = [canonical(m) for m in (args.method or [])]
    methods = list(dict.fromkeys(["vader_sentence", *(requested or METHODS)]))
    skipped = {m: reason for m in methods if (reason := unavailable(m))}
    if args.method and any(m in skipped for m in requested):
        for m in requested:
            if m in skipped:
                print(f"error: {skipped[m]}", file=sys.stderr)
        return 2
    if not 0 <= args.band < 1:
        print(f"error: --band must be in [0, 1), got {args.band}", file=sys.stderr)
        return 2
    try:
        targets = read_newsmtsc(args.file)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    matrices: dict[str, pd.DataFrame] = {}
    table = evaluate_targets(targets, methods=[m for m in methods if m not in skipped], band=args.band,
                             threads=max(1, args.threads), matrices=matrices)
    print(f"{args.file}: {len(targets)} targets; labels: score cut at +-{args.band:g}; "
          "speed: targets per CPU second (one core)")
    shown = table.assign(targets_per_s=table["targets_per_s"].round(0))
    print(shown.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    for m, reason in skipped.items():
        print(f"skipped {m}: {reason}")
    print("\nconfusion matrices (rows: gold, columns: predicted)")
    for m, matrix in matrices.items():
        print(_matrix_text(m, matrix))
    if args.out is not None:
        _write(args.out, args.file, table, matrices, skipped, args.band)
        print(f"wrote {args.out}/sentiment_scores.csv, sentiment_confusion.csv, sentiment_evaluation.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Class calibration of the default ``learned`` model, measured by nested 5-fold CV on NewsMTSC ``train`` (issue 13).

    python bench/learned_calibration_cv.py [--train FILE] [--step 0.1] [--span 1.0]

The shipped model's settings and L2 (``resources/target_sentiment_model.json``) are fitted in
the 5 folds of :func:`analysis.sentiment.train.folds` (by sentence, seed 0), giving out-of-fold
logits for every target of ``train``. Calibration adds an offset to the negative and the
positive logit (neutral fixed), which moves where the most probable class changes. For each
outer fold the offsets are chosen on the out-of-fold logits of the other four (grid from
``-span`` to ``span`` by ``step``, the smallest offsets among equals), then applied to the
held fold; labels by the suite's one rule (:mod:`analysis.sentiment.polarity`). The nested
mean is compared with the plain model's CV (same folds). ``devtest`` is never read.
The model's adoption rule is a CV gain above one sd of the current model's folds.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.paths import SHARED  # noqa: E402
from analysis.sentiment import train as T  # noqa: E402
from analysis.sentiment.newsmtsc import LABELS, f1_scores, read_newsmtsc  # noqa: E402
from analysis.sentiment.polarity import labels_from_scores, lead_scores  # noqa: E402
from analysis.sentiment.target_model import _softmax, load_model  # noqa: E402


def out_of_fold_logits(path: Path, *, k: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(logits ``(n, 3)``, gold class, fold) of every target of ``path``, each from the fit without its fold."""
    model = load_model()
    chosen = model.meta["chosen"]
    targets = read_newsmtsc(path)
    y = np.array([LABELS.index(t.label) for t in targets])
    fold = T.folds(targets, k=k, seed=seed)
    z = T.out_of_fold_logits(T.featurize(targets, model.settings), y, fold, l2=chosen["l2"],
                             min_count=chosen["min_count"], seed=seed)
    return z, y, fold


def macro_f1(z: np.ndarray, y: np.ndarray) -> float:
    """Macro-F1 of logits ``z`` against gold ``y``, labels by the lead rule."""
    labels = labels_from_scores(lead_scores(_softmax(z)))
    return f1_scores([LABELS[c] for c in y], list(labels))["macro_f1"]


def nested(z: np.ndarray, y: np.ndarray, fold: np.ndarray, grid: np.ndarray) -> list[dict]:
    """Per outer fold: offsets chosen on the other folds, and the held fold's macro-F1 with and without them."""
    rows = []
    for i in np.unique(fold).tolist():
        inner, outer = fold != i, fold == i
        score, _, neg, pos = max((macro_f1(z[inner] + [a, 0.0, c], y[inner]), -abs(a) - abs(c), a, c)
                                 for a, c in itertools.product(grid.tolist(), grid.tolist()))
        rows.append({"fold": i, "offset_negative": neg, "offset_positive": pos, "inner": round(score, 4),
                     "calibrated": round(macro_f1(z[outer] + [neg, 0.0, pos], y[outer]), 4),
                     "plain": round(macro_f1(z[outer], y[outer]), 4)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=Path, default=SHARED / "data" / "newsmtsc" / "train.jsonl")
    parser.add_argument("--step", type=float, default=0.1)
    parser.add_argument("--span", type=float, default=1.0)
    args = parser.parse_args(argv)
    if not args.train.is_file():
        print(f"error: NewsMTSC train not found at {args.train} (give --train)", file=sys.stderr)
        return 2
    z, y, fold = out_of_fold_logits(args.train)
    grid = np.round(np.arange(-args.span, args.span + args.step / 2, args.step), 4)
    rows = nested(z, y, fold, grid)
    for row in rows:
        print(json.dumps(row))
    summary = {}
    for key in ("plain", "calibrated"):
        values = [row[key] for row in rows]
        summary[key] = {"macro_f1_mean": round(float(np.mean(values)), 4),
                        "macro_f1_sd": round(float(np.std(values, ddof=1)), 4)}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Train the wide half of the target-dependent sentiment model on NewsMTSC ``train``.

The wide half alone is the base of the optional ``minilm`` method
(``resources/target_sentiment_wide.json``); the default model adds a deep half fitted together
with it (:mod:`analysis.sentiment.train_deep`), which reuses this module's features and fit.

A multinomial logistic regression (softmax, L2-penalised, full-batch Adam in
numpy; seeded and deterministic) over the features of
:func:`analysis.sentiment.target_features.target_features` (NewsMTSC, Hamborg &
Donnay 2021; data read by :mod:`analysis.sentiment.newsmtsc`) into a
:class:`analysis.sentiment.target_model.TargetModel`. Settings (L2 strength,
context window, minimum feature count) are chosen by macro-F1 on a held-out
20% of ``train`` split by sentence; the final model is refitted on all of
``train``. ``devtest_mt`` is never read here.

    python -m analysis.sentiment.train --train ../shared/data/newsmtsc/train.jsonl \\
        --out analysis/resources/target_sentiment_wide.json
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

import numpy as np

from analysis.sentiment.newsmtsc import LABELS, Target, f1_scores, read_newsmtsc, train_record
from analysis.sentiment.target_features import Settings, target_features
from analysis.sentiment.target_model import TargetModel

__all__ = ["featurize", "fit_softmax", "folds", "cross_validate", "train", "write_model", "main"]

GRID_L2 = (1e-3, 3e-3, 1e-2)
GRID_SETTINGS = (Settings(window=12, bigram_window=4, sentence_words=True, relations=True),
                 Settings(window=12, bigram_window=4, sentence_words=True, relations=False))
MIN_COUNT = 2


def featurize(targets: Sequence[Target], settings: Settings) -> list[tuple[list[str], dict[str, float]]]:
    """Feature sets of all targets."""
    return [target_features(t.sentence, t.start, t.end, others=t.others, settings=settings) for t in targets]


def _vocab(feats: list[tuple[list[str], dict[str, float]]], min_count: int) -> dict[str, int]:
    counts = Counter(f for fs, _ in feats for f in set(fs))
    names = sorted(f for f, c in counts.items() if c >= min_count and f != "bias")
    names += sorted({"#" + k for _, num in feats for k in num})
    return {n: i for i, n in enumerate(names)}


def _matrix(feats, index):
    """CSR-like (indptr, indices, values) of the feature sets (feature counts)."""
    indptr = [0]
    idx: list[int] = []
    val: list[float] = []
    for fs, num in feats:
        row = {}
        for f in fs:
            j = index.get(f)
            if j is not None:  # counts, as TargetModel.logits sums repeated features
                row[j] = row.get(j, 0.0) + 1.0
        for k, v in num.items():
            j = index.get("#" + k)
            if j is not None and v:
                row[j] = float(v)
        for j in sorted(row):
            idx.append(j)
            val.append(row[j])
        indptr.append(len(idx))
    return np.asarray(indptr, np.int64), np.asarray(idx, np.int64), np.asarray(val, np.float64)


def _logits(X, W, b):
    indptr, idx, val = X
    n = len(indptr) - 1
    rows = np.repeat(np.arange(n), np.diff(indptr))
    z = np.zeros((n, 3))
    contrib = W[idx] * val[:, None]
    for c in range(3):
        z[:, c] = np.bincount(rows, weights=contrib[:, c], minlength=n)
    return z + b, rows


def fit_softmax(X, y: np.ndarray, n_features: int, *, l2: float, iters: int = 300, lr: float = 0.05,
                seed: int = 0, balanced: bool = False, soft: np.ndarray | None = None,
                weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Minimise mean (weighted) cross-entropy + l2/2 ||W||^2 with full-batch Adam (deterministic).

    ``balanced`` weights each target by n / (3 * n_class), so that every class counts alike
    (the training set's own proportions; nothing is matched to a test set). ``soft`` gives
    target class probabilities ``(n, 3)`` in place of the one-hot ``y`` (distillation,
    Hinton et al. 2015), ``weight`` a weight per target (the mean is still over n).
    """
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, 1e-3, size=(n_features, 3))
    b = np.zeros(3)
    Y = np.eye(3)[y] if soft is None else np.asarray(soft, dtype=np.float64)
    n = len(Y)
    sw = (n / (3.0 * np.bincount(y, minlength=3)))[y] if balanced else np.ones(n)
    if weight is not None:
        sw = sw * np.asarray(weight, dtype=np.float64)
    indptr, idx, val = X
    mW = np.zeros_like(W); vW = np.zeros_like(W); mb = np.zeros(3); vb = np.zeros(3)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, iters + 1):
        z, rows = _logits(X, W, b)
        z -= z.max(axis=1, keepdims=True)
        P = np.exp(z); P /= P.sum(axis=1, keepdims=True)
        R = (P - Y) * sw[:, None] / n
        gW = np.empty_like(W)
        for c in range(3):
            gW[:, c] = np.bincount(idx, weights=val * R[rows, c], minlength=n_features)
        gW += l2 * W
        gb = R.sum(axis=0)
        mW = b1 * mW + (1 - b1) * gW; vW = b2 * vW + (1 - b2) * gW * gW
        mb = b1 * mb + (1 - b1) * gb; vb = b2 * vb + (1 - b2) * gb * gb
        step = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        W -= step * mW / (np.sqrt(vW) + eps)
        b -= step * mb / (np.sqrt(vb) + eps)
    return W, b


def _predict(X, W, b) -> np.ndarray:
    z, _ = _logits(X, W, b)
    return z.argmax(axis=1)


def _split(targets: Sequence[Target], *, seed: int, frac: float = 0.2) -> np.ndarray:
    """Boolean mask of the held-out part, whole sentences at a time (seeded)."""
    groups = sorted({t.group for t in targets})
    rng = np.random.default_rng(seed)
    held = set(np.asarray(groups, dtype=object)[rng.permutation(len(groups))[: int(frac * len(groups))]])
    return np.array([t.group in held for t in targets])


def folds(targets: Sequence[Target], *, k: int = 5, seed: int = 0) -> np.ndarray:
    """Fold number (0..k-1) of each target: whole sentences dealt round-robin in a seeded order."""
    groups = sorted({t.group for t in targets})
    order = np.asarray(groups, dtype=object)[np.random.default_rng(seed).permutation(len(groups))]
    fold_of = {g: i % k for i, g in enumerate(order)}
    return np.array([fold_of[t.group] for t in targets])


def out_of_fold_logits(feats: list[tuple[list[str], dict[str, float]]], y: np.ndarray, fold: np.ndarray, *,
                       l2: float, min_count: int = MIN_COUNT, seed: int = 0) -> np.ndarray:
    """Logits ``(n, 3)`` of every target, each from the model fitted on the folds other than its own."""
    z = np.zeros((len(y), 3))
    for i in np.unique(fold).tolist():
        fit = fold != i
        part = [f for f, m in zip(feats, fit) if m]
        index = _vocab(part, min_count)
        W, b = fit_softmax(_matrix(part, index), y[fit], len(index), l2=l2, seed=seed)
        z[~fit] = _logits(_matrix([f for f, m in zip(feats, fit) if not m], index), W, b)[0]
    return z


def cross_validate(path: Path, settings: Settings, l2: float, *, k: int = 5, seed: int = 0, log=None) -> dict:
    """k-fold CV over ``path`` by sentence of one setting: per-fold and mean +- sd macro-F1 (for reports)."""
    say = log or (lambda *a: None)
    targets = read_newsmtsc(path)
    y = np.array([LABELS.index(t.label) for t in targets])
    fold = folds(targets, k=k, seed=seed)
    z = out_of_fold_logits(featurize(targets, settings), y, fold, l2=l2, seed=seed)
    f1 = []
    for i in range(k):
        f1.append(_scores(y[fold == i], z[fold == i].argmax(axis=1))["macro_f1"])
        say(f"fold {i}: macro-F1 {f1[-1]:.4f}")
    return {"k": k, "seed": seed, "by": "sentence", "folds": f1,
            "macro_f1_mean": round(float(np.mean(f1)), 4), "macro_f1_sd": round(float(np.std(f1, ddof=1)), 4)}


def _scores(y, pred) -> dict[str, float]:
    return {k: round(v, 4) for k, v in f1_scores([LABELS[i] for i in y], [LABELS[i] for i in pred]).items()}


def train(path: Path, *, seed: int = 0, log=None) -> TargetModel:
    """Select settings on a held-out part of ``path``, refit on all of it, return the model."""
    say = log or (lambda *a: None)
    t_start = time.time()
    targets = read_newsmtsc(path)
    y = np.array([LABELS.index(t.label) for t in targets])
    held = _split(targets, seed=seed)
    multi = np.array([len(t.others) > 0 for t in targets])
    results = []
    cache = {}
    for s_i, settings in enumerate(GRID_SETTINGS):
        feats = featurize(targets, settings)
        cache[s_i] = feats
        fit_feats = [f for f, h in zip(feats, held) if not h]
        index = _vocab(fit_feats, MIN_COUNT)
        X_fit = _matrix(fit_feats, index)
        X_held = _matrix([f for f, h in zip(feats, held) if h], index)
        for l2 in GRID_L2:
            W, b = fit_softmax(X_fit, y[~held], len(index), l2=l2, seed=seed)
            pred = _predict(X_held, W, b)
            sc = _scores(y[held], pred)
            sc_multi = _scores(y[held & multi], pred[multi[held]])
            results.append({"settings": asdict(settings), "l2": l2, "heldout": sc, "heldout_multi_target": sc_multi,
                            "_s": s_i})
            say(f"settings={asdict(settings)} l2={l2}: held-out F1m {sc['macro_f1']:.3f} acc {sc['accuracy']:.3f}"
                f" | multi-target F1m {sc_multi['macro_f1']:.3f} ({time.time() - t_start:.0f}s)")
    best = max(results, key=lambda r: (r["heldout"]["macro_f1"], -r["l2"]))
    settings = GRID_SETTINGS[best["_s"]]
    feats = cache[best["_s"]]
    index = _vocab(feats, MIN_COUNT)
    X = _matrix(feats, index)
    W, b = fit_softmax(X, y, len(index), l2=best["l2"], seed=seed)
    train_sc = _scores(y, _predict(X, W, b))
    meta = {
        "method": "multinomial logistic regression (softmax, L2, full-batch Adam 300 iterations) over "
                  "target-context features; Hamborg & Donnay 2021 (NewsMTSC), VADER lexicon Hutto & Gilbert 2014",
        **train_record(path, len(targets)),
        "script": "python -m analysis.train_sentiment --train <train.jsonl> --out <model.json>",
        "date": _dt.date.today().isoformat(),
        "seed": seed,
        "selection": "macro-F1 on a held-out 20% of train (split by sentence, seeded); devtest not used",
        "grid": [{k: v for k, v in r.items() if k != "_s"} for r in results],
        "chosen": {"settings": asdict(settings), "l2": best["l2"], "min_count": MIN_COUNT},
        "heldout_chosen": best["heldout"],
        "train_scores_refit": train_sc,
        "n_features": len(index),
        "train_seconds": round(time.time() - t_start, 1),
    }
    say(f"chosen {meta['chosen']}; refit train F1m {train_sc['macro_f1']:.3f}; {len(index)} features")
    # drop near-zero weights after quantisation to keep the file small
    keep = np.abs(W).max(axis=1) >= np.abs(W).max() / 127.0
    names = [n for n, j in sorted(index.items(), key=lambda kv: kv[1]) if keep[j]]
    W = W[keep]
    return TargetModel(index={n: i for i, n in enumerate(names)}, weights=W, bias=b, settings=settings, meta=meta)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis train-sentiment", description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=Path, required=True, help="NewsMTSC train.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="model JSON to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cv", type=int, default=0, metavar="K",
                        help="only report K-fold CV (by sentence) of the settings and L2 stored in --out; write nothing")
    args = parser.parse_args(argv)
    if args.cv:
        model = TargetModel.from_json(json.loads(args.out.read_text(encoding="utf-8")))
        rep = cross_validate(args.train, model.settings, model.meta["chosen"]["l2"], k=args.cv, seed=args.seed,
                             log=lambda m: print(m, file=sys.stderr))
        print(json.dumps(rep))
        return 0
    model = train(args.train, seed=args.seed, log=lambda m: print(m, file=sys.stderr))
    write_model(model, args.out)
    return 0


def write_model(model: TargetModel, out: Path) -> None:
    """Write the model file atomically and say where."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(model.to_json(), indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

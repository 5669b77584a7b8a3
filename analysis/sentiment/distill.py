"""Distil the fine-tuned model into the light default: soft labels on news mentions plus NewsMTSC ``train``.

Knowledge distillation (Hinton, Vinyals & Dean 2015): the teacher, ``minilm-ft``
(:mod:`analysis.sentiment.minilm_ft`, fine-tuned on NewsMTSC ``train`` only), gives class
probabilities for actor mentions of an unlabelled news corpus (the *transfer set*: the
mentions the suite itself finds, :func:`transfer_targets`); the student, the numpy logistic
regression of :mod:`analysis.sentiment.train` over the same target-relative features, is
fitted to the union of ``train`` (one-hot gold labels, weight 1) and the transfer set (the
teacher's probabilities as soft targets, total weight ``alpha`` times that of ``train``).
The student stays light: the same features and inference path, only other weights.

``alpha`` (and the L2 strength) are chosen by K-fold cross-validation on ``train`` by
sentence: each fold's held-out gold targets are scored by a student fitted on the other
folds plus the whole transfer set, labels by the one rule of
:mod:`analysis.sentiment.polarity`. ``alpha = 0`` is the plain model (the baseline in the
same run). ``devtest`` files are never read. The teacher saw all of ``train``, so CV
figures of a distilled student lean a little optimistic; the transfer sentences
themselves are not in ``train``. ``shift`` reweights the transfer set so that its classes
weigh as in ``train`` (the teacher finds news mentions mostly neutral: 59%, against 8.5%
positive).

Result on the Q1 corpus (30,000 mentions; 5-fold CV macro-F1 of train): plain 0.6595,
alpha 0.5 0.6515, with ``shift`` alpha 0.25 0.6530 and alpha 1 0.6551. Distillation did not
help this linear student, so the wide half (``resources/target_sentiment_wide.json``) stays
fitted on ``train`` alone. The default model adds a deep half to it and distils through all of
the corpus's mentions (:mod:`analysis.sentiment.train_deep`): there the transfer set helps.

    python -m analysis train-sentiment --method learned --distill ../shared/data/ukraine_media_2022q1/articles.csv
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np
import pandas as pd

from analysis.paths import cache_dir
from analysis.sentiment.newsmtsc import LABELS, Target, f1_scores, train_record
from analysis.sentiment.polarity import BAND, labels_from_scores, lead_scores
from analysis.sentiment.target_features import Settings
from analysis.sentiment.tone import _mention_spans
from analysis.sentiment.train import MIN_COUNT, _matrix, _vocab, featurize, fit_softmax, folds
from analysis.store import file_sha256

if TYPE_CHECKING:
    from analysis.sentiment.target_model import TargetModel

__all__ = ["ALPHAS", "TRANSFER_LIMIT", "transfer_targets", "teacher_probabilities", "cross_validate", "fit", "train"]

ALPHAS = (0.0, 0.5, 1.0, 2.0)  # transfer set's total weight relative to train's (0: the plain model)
TRANSFER_LIMIT = 30_000  # transfer targets (whole sentences drawn in a seeded order until reached)


def transfer_targets(sentences: pd.DataFrame, mentions: pd.DataFrame, *, limit: int = TRANSFER_LIMIT,
                     seed: int = 0, name: str = "transfer") -> list[Target]:
    """Unlabelled targets from a mention table: each distinct sentence once, with all its mentions.

    ``sentences`` / ``mentions`` are annotation tables (article offsets, as
    :func:`analysis.sentiment.tone.score_mentions` takes them). A sentence repeated across
    articles (wire copy) counts once, with the spans of its first occurrence; identical spans
    of a sentence count once. Sentences are drawn in a seeded order until ``limit`` targets
    are reached, then kept in corpus order. ``label`` is empty; ``group`` names the sentence.
    """
    if mentions.empty:
        return []
    texts, group, starts, ends = _mention_spans(sentences, mentions)
    first: dict[str, int] = {}  # a sentence text -> the group of its first occurrence
    spans: dict[str, set[tuple[int, int]]] = {}
    for g, a, b in zip(group.tolist(), starts.tolist(), ends.tolist()):
        text = texts[g]
        if first.setdefault(text, g) == g and b > a:
            spans.setdefault(text, set()).add((a, b))
    distinct = [t for t in dict.fromkeys(texts) if spans.get(t)]
    order = np.random.default_rng(seed).permutation(len(distinct))
    chosen, total = [], 0
    for i in order.tolist():
        if total >= limit:
            break
        chosen.append(i)
        total += len(spans[distinct[i]])
    out: list[Target] = []
    for i in sorted(chosen):
        text = distinct[i]
        ordered = sorted(spans[text])
        for k, (a, b) in enumerate(ordered):
            out.append(Target(line=0, group=f"{name}:{i}", sentence=text, start=a, end=b,
                              others=tuple(ordered[:k] + ordered[k + 1:]), label=""))
    return out


def _targets_digest(targets: Sequence[Target]) -> str:
    digest = hashlib.sha256()
    for t in targets:
        digest.update(f"{t.start}:{t.end}|{len(t.sentence)}|".encode())
        digest.update(t.sentence.encode("utf-8"))
    return digest.hexdigest()


def teacher_probabilities(targets: Sequence[Target], *, folder: str | None = None,
                          log: Callable[[str], None] = lambda m: None) -> tuple[np.ndarray, dict]:
    """The teacher's class probabilities ``(n, 3)`` of ``targets`` and its identity (name, weights sha256).

    Memoised on disk under the annotation cache folder (``distill/<sha256>.npy``), keyed by the
    teacher's weights and the targets, since the teacher runs at tens of targets per second.
    """
    from analysis.sentiment.minilm_ft import load, predict_proba  # optional extra: imported only here

    _, _, provenance = load(folder)
    teacher = {"name": provenance["name"], "weights_sha256": provenance["weights_sha256"]}
    key = hashlib.sha256(f"{teacher['weights_sha256']}|{_targets_digest(targets)}".encode()).hexdigest()
    path = cache_dir() / "distill" / f"{key}.npy"
    if path.is_file():
        return np.load(path), teacher
    clock = time.time()
    probs = predict_proba([(t.sentence, t.start, t.end) for t in targets], folder=folder)
    log(f"teacher scored {len(targets)} transfer targets ({time.time() - clock:.0f}s)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, probs)
    tmp.replace(path)
    return probs, teacher


def _design(gold: Sequence[Target], transfer: Sequence[Target], soft: np.ndarray, alpha: float, feats_gold: list,
            feats_transfer: list, *, shift: bool = False) -> tuple[list, np.ndarray, np.ndarray]:
    """Features, soft targets and weights of the union: gold one-hot, weight 1 each; the transfer set's
    weights sum to alpha * n_gold (equal, or with ``shift`` reweighted to gold's class proportions)."""
    y = np.array([LABELS.index(t.label) for t in gold])
    if alpha == 0 or not len(transfer):
        return list(feats_gold), np.eye(3)[y], np.ones(len(gold))
    w = np.ones(len(transfer))
    if shift:  # label shift (Saerens et al. 2002): each class of the transfer set weighs as in gold
        ratio = (np.bincount(y, minlength=3) / len(y)) / np.maximum(np.asarray(soft, dtype=np.float64).mean(axis=0),
                                                                      1e-12)
        w = np.asarray(soft, dtype=np.float64) @ ratio
    w *= alpha * len(gold) / w.sum()
    return ([*feats_gold, *feats_transfer], np.vstack([np.eye(3)[y], soft]), np.r_[np.ones(len(gold)), w])


def _fit(feats: list, targets: np.ndarray, weight: np.ndarray, *, l2: float, seed: int):
    index = _vocab(feats, MIN_COUNT)
    W, b = fit_softmax(_matrix(feats, index), np.zeros(len(feats), dtype=np.int64), len(index), l2=l2, seed=seed,
                       soft=targets, weight=weight)
    return index, W, b


def _probs(feats: list, index: dict, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    from analysis.sentiment.train import _logits

    z, _ = _logits(_matrix(feats, index), W, b)
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def cross_validate(gold: Sequence[Target], transfer: Sequence[Target], soft: np.ndarray, *, settings: Settings,
                   alphas: Sequence[float] = ALPHAS, l2s: Sequence[float], k: int = 5, seed: int = 0,
                   shift: bool = False, log: Callable[[str], None] = lambda m: None) -> list[dict]:
    """K-fold CV on ``gold`` by sentence of each (alpha, l2): per-fold and mean +- sd macro-F1 (the one label rule)."""
    feats_gold = featurize(gold, settings)
    feats_transfer = featurize(transfer, settings)
    y = np.array([LABELS.index(t.label) for t in gold])
    fold = folds(gold, k=k, seed=seed)
    rows = []
    for alpha in alphas:
        for l2 in l2s:
            clock = time.time()
            f1 = []
            for i in range(k):
                part = fold != i
                sub = [t for t, m in zip(gold, part) if m]
                feats, targets, weight = _design(sub, transfer, soft, alpha,
                                                 [f for f, m in zip(feats_gold, part) if m], feats_transfer,
                                                 shift=shift)
                index, W, b = _fit(feats, targets, weight, l2=l2, seed=seed)
                probs = _probs([f for f, m in zip(feats_gold, part) if not m], index, W, b)
                gold_labels = [LABELS[j] for j in y[~part]]
                f1.append(round(f1_scores(gold_labels, list(labels_from_scores(lead_scores(probs), BAND)))
                                ["macro_f1"], 4))
            row = {"alpha": alpha, "l2": l2, "shift": shift, "folds": f1, "macro_f1_mean": round(float(np.mean(f1)), 4),
                   "macro_f1_sd": round(float(np.std(f1, ddof=1)), 4) if k > 1 else 0.0}
            rows.append(row)
            log(f"alpha {alpha} l2 {l2}: CV macro-F1 {row['macro_f1_mean']:.4f} +- {row['macro_f1_sd']:.4f} "
                f"({time.time() - clock:.0f}s)")
    return rows


def fit(gold: Sequence[Target], transfer: Sequence[Target], soft: np.ndarray, *, settings: Settings, alpha: float,
        l2: float, seed: int = 0, shift: bool = False) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """The student fitted on all of ``gold`` plus the transfer set: (feature index, weights, bias)."""
    feats, targets, weight = _design(gold, transfer, soft, alpha, featurize(gold, settings),
                                     featurize(transfer, settings), shift=shift)
    return _fit(feats, targets, weight, l2=l2, seed=seed)


def record(*, corpus: Path, transfer: Sequence[Target], teacher: dict, grid: list[dict], chosen: dict,
           settings: Settings) -> dict:
    """The distillation's provenance for the model file's ``meta``."""
    return {"method": "knowledge distillation (Hinton et al. 2015): teacher minilm-ft's class probabilities on "
                      "actor mentions of an unlabelled news corpus as soft targets, beside train's gold labels",
            "teacher": teacher, "transfer_corpus": corpus.name,
            "transfer_corpus_sha256": file_sha256(corpus),
            "n_transfer": len(transfer), "transfer_sha256": _targets_digest(transfer),
            "selection": "5-fold CV of train by sentence (transfer set in every fit); devtest not used",
            "grid": grid, "chosen": chosen, "settings": asdict(settings)}


def train(path: Path, corpus: Path, *, codebook: Path, seed: int = 0, alphas: Sequence[float] = ALPHAS,
          shift: bool = False, l2s: Sequence[float] = (3e-3,),
          log: Callable[[str], None] = lambda m: None) -> "TargetModel":
    """Choose alpha by CV on ``path`` (NewsMTSC train), refit on all of it plus the transfer set of ``corpus``.

    Measured on the Q1 corpus (``resources/sentiment_methods.json``, ``train.learned.distillation``):
    no alpha > 0 beat the plain model in CV, with or without ``shift``, so the wide half stays
    the plain one (the default's deep half is distilled by :mod:`analysis.sentiment.train_deep`).
    """
    from analysis.annotate.pipeline import annotate_corpus
    from analysis.corpus.codebook import load_codebook
    from analysis.corpus.reader import read_corpus
    from analysis.sentiment.newsmtsc import read_newsmtsc
    from analysis.sentiment.target_model import TargetModel
    from analysis.sentiment.train import GRID_SETTINGS

    clock = time.time()
    settings = GRID_SETTINGS[0]
    gold = read_newsmtsc(path)
    articles = read_corpus(corpus).articles
    tables = annotate_corpus(articles, load_codebook(codebook), progress=False).tables
    transfer = transfer_targets(tables["sentences"], tables["mentions"], seed=seed, name=corpus.stem)
    log(f"{len(transfer)} transfer targets from {corpus} ({time.time() - clock:.0f}s)")
    soft, teacher = teacher_probabilities(transfer, log=log)
    grid = cross_validate(gold, transfer, soft, settings=settings, alphas=alphas, l2s=l2s, seed=seed, shift=shift,
                          log=log)
    best = max(grid, key=lambda r: (r["macro_f1_mean"], -r["alpha"], -r["l2"]))
    index, W, b = fit(gold, transfer, soft, settings=settings, alpha=best["alpha"], l2=best["l2"], seed=seed,
                      shift=shift)
    meta = {
        "method": "multinomial logistic regression (softmax, L2, full-batch Adam 300 iterations) over "
                  "target-context features, distilled from minilm-ft; Hamborg & Donnay 2021 (NewsMTSC), "
                  "VADER lexicon Hutto & Gilbert 2014, Hinton et al. 2015",
        **train_record(path, len(gold)),
        "script": "python -m analysis train-sentiment --method learned --distill <articles.csv>",
        "seed": seed,
        "chosen": {"settings": asdict(settings), "l2": best["l2"], "min_count": MIN_COUNT, "alpha": best["alpha"]},
        "cv_chosen": {k: best[k] for k in ("folds", "macro_f1_mean", "macro_f1_sd")},
        "distillation": record(corpus=corpus, transfer=transfer, teacher=teacher, grid=grid,
                               chosen={"alpha": best["alpha"], "l2": best["l2"], "shift": shift},
                               settings=settings),
        "n_features": len(index),
        "train_seconds": round(time.time() - clock, 1),
    }
    log(f"chosen alpha {best['alpha']} l2 {best['l2']}: CV {best['macro_f1_mean']:.4f}; {len(index)} features")
    keep = np.abs(W).max(axis=1) >= np.abs(W).max() / 127.0  # weights that survive int8 quantisation
    names = [n for n, j in sorted(index.items(), key=lambda kv: kv[1]) if keep[j]]
    return TargetModel(index={n: i for i, n in enumerate(names)}, weights=W[keep], bias=b, settings=settings,
                       meta=meta)


def command_parser(*, flag: str, out: Path, description: str):
    """The options of both distilling trainers (this one and :mod:`analysis.sentiment.train_deep`):
    the corpus after ``flag``, ``--train``, ``--out`` (default ``out``) and ``--codebook``."""
    import argparse

    from analysis.paths import DEFAULT_CODEBOOK, SHARED

    parser = argparse.ArgumentParser(prog=f"python -m analysis train-sentiment --method learned {flag}",
                                     description=description)
    parser.add_argument(flag, type=Path, required=True, metavar="ARTICLES",
                        help="corpus whose actor mentions make the transfer set")
    parser.add_argument("--train", type=Path, default=SHARED / "data" / "newsmtsc" / "train.jsonl",
                        help="NewsMTSC train.jsonl")
    parser.add_argument("--out", type=Path, default=out, help=f"model JSON to write (default: {out.name})")
    parser.add_argument("--codebook", type=Path, default=DEFAULT_CODEBOOK, help="codebook that finds the mentions")
    return parser


def input_error(args, flag: str) -> str | None:
    """Why a distilling trainer cannot start (an input file missing, the teacher unavailable), or None."""
    from analysis.sentiment.methods import unavailable

    corpus = getattr(args, flag.lstrip("-"))
    for path, name in ((args.train, "--train"), (corpus, flag), (args.codebook, "--codebook")):
        if not path.is_file():
            return f"{name}: file not found: {path}"
    if (reason := unavailable("minilm-ft")) is not None:
        return f"the teacher is not available: {reason}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis train-sentiment --method learned --distill ARTICLES [--train F] [--out F] ...``."""
    import datetime as _dt
    import sys

    from analysis.sentiment.target_model import WIDE_MODEL_PATH
    from analysis.sentiment.train import write_model

    parser = command_parser(flag="--distill", out=WIDE_MODEL_PATH, description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--alpha", type=float, action="append", default=None,
                        help=f"transfer weight to try (repeatable; default {' '.join(map(str, ALPHAS))})")
    parser.add_argument("--shift", action="store_true", help="reweight the transfer set to train's class shares")
    args = parser.parse_args(argv)
    if (error := input_error(args, "--distill")) is not None:
        print(f"error: {error}", file=sys.stderr)
        return 2
    model = train(args.train, args.distill, codebook=args.codebook, seed=args.seed, alphas=args.alpha or ALPHAS,
                  shift=args.shift, log=lambda m: print(m, file=sys.stderr, flush=True))
    model.meta["date"] = _dt.date.today().isoformat()
    write_model(model, args.out)
    return 0

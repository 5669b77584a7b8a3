"""Keyness: which terms a target corpus uses more (or less) than a reference corpus.

For each term, the 2×2 contingency table of a term's count in target (a) and
reference (b) against the other words of each (c − a, d − b), where c and d are the
corpus sizes in words::

                 target   reference
    term            a         b
    other words   c − a     d − b

* ``g2``: the log-likelihood statistic G² = 2 Σ O ln(O / E) over the four cells
  (Dunning 1993; used for keywords by Rayson & Garside 2000, whose two-cell shortcut
  drops the "other words" cells: the difference is negligible for terms that are rare
  relative to the corpora), with 0 · ln 0 = 0.
* ``chi2``: Pearson's χ² = Σ (O − E)² / E over the same four cells, no Yates correction.
* ``p``: upper tail of χ² with 1 degree of freedom, ``erfc(sqrt(x / 2))``. With
  thousands of terms tested, read p as a ranking aid, not a per-term test (e.g. G² ≥
  15.13 is p < 0.0001).
* ``log_ratio``: effect size, log₂ of the ratio of relative frequencies (Hardie 2014),
  log₂((a / c) / (b / d)); 1 = twice as frequent in target. Where a count is zero, the
  same small constant ε is added to both relative frequencies, log₂((a / c + ε) / (b / d + ε)),
  with ε = ``correction`` / max(c, d) (half the smallest relative frequency either corpus
  can show, for ``correction`` = 0.5), so a term absent from one side gets a finite value
  whose sign always agrees with ``direction``. (Replacing only the zero count by 0.5, as
  earlier versions did, divides it by its own corpus size and can flip the sign when
  the corpora differ in size.)
* ``direction``: "target" where a / c > b / d, "reference" where less, "none" if equal.

E are the expected counts under independence: E(a) = c (a + b) / (c + d), and so on.
"""

from __future__ import annotations

import math
from typing import Literal, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.terms.actor_context import actor_contexts
from analysis.terms.counts import counts_of, period_start, unigram_filter
from analysis.terms.token_arrays import token_arrays

Measure = Literal["g2", "chi2"]
Counts = pd.DataFrame | pd.Series | Mapping[str, int]


def keyness_columns(measure: Measure = "g2") -> list[str]:
    return ["term", "count_target", "count_reference", "total_target", "total_reference", measure, "p",
            "log_ratio", "direction"]


def _empty(measure: Measure, leading: Sequence[str] = ()) -> pd.DataFrame:
    dtypes = {"term": "str", "count_target": "int64", "count_reference": "int64", "total_target": "int64",
              "total_reference": "int64", measure: "float64", "p": "float64", "log_ratio": "float64",
              "direction": "str"}
    frame = pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in keyness_columns(measure)})
    for column in reversed(list(leading)):
        frame.insert(0, column, pd.Series(dtype="str"))
    return frame


def chi2_pvalue(statistic: np.ndarray) -> np.ndarray:
    """P(χ²₁ ≥ x) = erfc(√(x/2)), elementwise (``math.erfc`` once per distinct value)."""
    values = np.sqrt(np.maximum(np.asarray(statistic, dtype=float), 0.0) / 2.0)
    distinct, where = np.unique(values, return_inverse=True)
    return np.array([math.erfc(v) for v in distinct], dtype=float)[where.reshape(values.shape)]


def _strings(values: Sequence[str] | np.ndarray, codes: np.ndarray) -> pd.Series:
    """``values[codes]`` as a pandas "str" column, taken in Arrow (no Python string per row)."""
    return pd.Series(pd.array(pa.array(list(values), type=pa.string()).take(pa.array(codes)), dtype="str"))


def keyness_statistics(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, *, measure: Measure = "g2",
                       correction: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(statistic, p, log_ratio) for counts a, b and corpus sizes c, d (see the module notes)."""
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    total = c + d
    observed = (a, b, c - a, d - b)
    expected = (c * (a + b) / total, d * (a + b) / total, c * (total - a - b) / total, d * (total - a - b) / total)
    statistic = np.zeros(len(a))
    with np.errstate(divide="ignore", invalid="ignore"):
        for o, e in zip(observed, expected):
            if measure == "g2":
                statistic += np.where(o > 0, o * np.log(np.where(o > 0, o, 1.0) / e), 0.0)
            else:
                statistic += np.where(e > 0, (o - e) ** 2 / e, 0.0)
    if measure == "g2":
        statistic *= 2
    return statistic, chi2_pvalue(statistic), hardie_log_ratio(a, b, c, d, correction=correction)


def hardie_log_ratio(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, *, correction: float = 0.5) -> np.ndarray:
    """Hardie's log ratio log₂((a/c) / (b/d)); where a count is zero, ε = correction / max(c, d) is added
    to both relative frequencies, so the sign always follows the observed relative frequencies."""
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    rate_target, rate_reference = a / c, b / d
    epsilon = np.where((a > 0) & (b > 0), 0.0, correction / np.maximum(c, d))
    with np.errstate(divide="ignore"):
        return np.log2((rate_target + epsilon) / (rate_reference + epsilon))


def keyness(target_counts: Counts, reference_counts: Counts, *, measure: Measure = "g2",
            total_target: int | None = None, total_reference: int | None = None, min_count: int = 1,
            correction: float = 0.5) -> pd.DataFrame:
    """Keyness of every term of target or reference: G² (or χ²), p, log ratio, and the counts behind them.

    Counts are a term table (columns term, count; e.g. :func:`analysis.terms.counts.term_frequencies`
    of one group), a Series indexed by term, or a mapping. ``total_target`` and
    ``total_reference`` are the corpus sizes in words; they default to the sums of the
    counts, which is right only when the counts cover every word: after stop words are
    removed pass the real sizes (the wrappers :func:`actor_keyness` and
    :func:`group_keyness` do). Terms with fewer than ``min_count`` occurrences in both
    together are left out. See the module notes for the formulas.

    Returns term, count_target, count_reference, total_target, total_reference, g2 (or
    chi2), p, log_ratio, direction; ordered by the statistic (descending), then term.
    """
    if measure not in ("g2", "chi2"):
        raise ValueError(f"measure must be 'g2' or 'chi2', got {measure!r}")
    target, reference = counts_of(target_counts), counts_of(reference_counts)
    total_target = int(target.sum()) if total_target is None else int(total_target)
    total_reference = int(reference.sum()) if total_reference is None else int(total_reference)
    if total_target < target.sum() or total_reference < reference.sum():
        raise ValueError(f"corpus sizes ({total_target}, {total_reference}) are smaller than the counts they hold "
                         f"({int(target.sum())}, {int(reference.sum())})")
    if total_target <= 0 or total_reference <= 0:
        return _empty(measure)
    table = pd.concat([target.rename("count_target"), reference.rename("count_reference")], axis=1)
    table = table.fillna(0).astype("int64")
    table = table[(table["count_target"] + table["count_reference"] >= max(min_count, 1))]
    return _score(table.rename_axis("term").reset_index(), total_target, total_reference, measure=measure,
                  correction=correction)


def _score(table: pd.DataFrame, total_target: int | np.ndarray, total_reference: int | np.ndarray, *,
           measure: Measure, correction: float, leading: Sequence[str] = ()) -> pd.DataFrame:
    """Add totals, statistic, p, log ratio and direction to (leading..., term, count_target, count_reference)."""
    if table.empty:
        return _empty(measure, leading)
    a = table["count_target"].to_numpy()
    b = table["count_reference"].to_numpy()
    c = np.broadcast_to(np.asarray(total_target, dtype=np.int64), a.shape)
    d = np.broadcast_to(np.asarray(total_reference, dtype=np.int64), a.shape)
    statistic, p, log_ratio = keyness_statistics(a, b, c, d, measure=measure, correction=correction)
    rate_t, rate_r = a / c, b / d
    direction = np.where(rate_t > rate_r, "target", np.where(rate_t < rate_r, "reference", "none"))
    out = pd.DataFrame({**{col: table[col].to_numpy() for col in leading},
                        "term": table["term"].to_numpy(), "count_target": a, "count_reference": b,
                        "total_target": c, "total_reference": d, measure: statistic, "p": p,
                        "log_ratio": log_ratio, "direction": direction})
    out = out.sort_values([*leading, measure, "term"], ascending=[True] * len(leading) + [False, True],
                          kind="stable").reset_index(drop=True)
    return out.astype({"term": "str", "direction": "str", "count_target": "int64", "count_reference": "int64",
                       "total_target": "int64", "total_reference": "int64",
                       **{col: "str" for col in leading}})


def actor_keyness(tokens: pd.DataFrame, mentions: pd.DataFrame, actor_id: str | Sequence[str] | None = None, *,
                  window: int | None = None, kinds: Sequence[str] | None = None, measure: Measure = "g2",
                  drop_stopwords: bool = True, min_length: int = 2, stem: bool = False, words_only: bool = True,
                  min_count: int = 1, correction: float = 0.5) -> pd.DataFrame:
    """Keyness of each actor's context (target) against the rest of the corpus (reference).

    The target is the actor's context as in :func:`analysis.terms.actor_context.actor_context_terms`
    (its sentences, or ±``window`` tokens, without the actor's own mention tokens); the
    reference is every other token of ``tokens``, again without the actor's mention
    tokens (so the actor's name is key on neither side). Unigrams; totals are the words
    of each side (stop words included). ``actor_id``: one id, a list, or ``None`` for
    every actor in ``mentions``.

    Returns actor_id followed by the columns of :func:`keyness`; ordered by actor_id,
    then statistic (descending), then term. An actor without mentions has no rows.
    """
    if measure not in ("g2", "chi2"):
        raise ValueError(f"measure must be 'g2' or 'chi2', got {measure!r}")
    t = token_arrays(tokens, stem=stem)
    contexts = actor_contexts(t, mentions, actor_id, window=window, kinds=kinds)
    n_actors, size_v = len(contexts.actor_ids), len(t.vocab)
    edge, _ = unigram_filter(t, drop_stopwords=drop_stopwords, min_length=min_length, words_only=words_only)

    def matrix(owner: np.ndarray, position: np.ndarray) -> np.ndarray:
        kept = edge[position]
        cells = owner[kept] * size_v + t.term[position[kept]]
        return np.bincount(cells, minlength=n_actors * size_v).reshape(n_actors, size_v)

    def words(owner: np.ndarray, position: np.ndarray) -> np.ndarray:
        return np.bincount(owner[t.is_word[position]], minlength=n_actors)

    corpus = np.bincount(t.term[edge], minlength=size_v)
    target = matrix(contexts.context_actor, contexts.context_pos)
    reference = corpus[None, :] - target - matrix(contexts.alias_actor, contexts.alias_pos)
    total_target = words(contexts.context_actor, contexts.context_pos)
    total_reference = int(t.is_word.sum()) - total_target - words(contexts.alias_actor, contexts.alias_pos)
    usable = (total_target > 0) & (total_reference > 0)
    owner, term = np.nonzero((target + reference >= max(min_count, 1)) & usable[:, None])
    if not len(owner):
        return _empty(measure, ["actor_id"])
    a, b = target[owner, term], reference[owner, term]
    c, d = total_target[owner], total_reference[owner]
    statistic, p, log_ratio = keyness_statistics(a, b, c, d, measure=measure, correction=correction)
    actor_order = np.argsort(np.asarray(contexts.actor_ids, dtype=str), kind="stable")
    actor_rank = np.empty(n_actors, dtype=np.int64)
    actor_rank[actor_order] = np.arange(n_actors)
    order = np.lexsort((t.alphabetical()[term], -statistic, actor_rank[owner]))
    rate_t, rate_r = a / c, b / d
    direction = np.where(rate_t > rate_r, 0, np.where(rate_t < rate_r, 1, 2))
    out = pd.DataFrame({
        "actor_id": _strings(contexts.actor_ids, owner[order]), "term": _strings(t.vocab, term[order]),
        "count_target": a[order].astype("int64"), "count_reference": b[order].astype("int64"),
        "total_target": c[order].astype("int64"), "total_reference": d[order].astype("int64"),
        measure: statistic[order], "p": p[order], "log_ratio": log_ratio[order],
        "direction": _strings(["target", "reference", "none"], direction[order])})
    return out


def group_keyness(tokens: pd.DataFrame, articles: pd.DataFrame, *, column: str = "outlet", target: object,
                  reference: object = None, measure: Measure = "g2", drop_stopwords: bool = True,
                  min_length: int = 2, stem: bool = False, words_only: bool = True, min_count: int = 1,
                  correction: float = 0.5) -> pd.DataFrame:
    """Keyness of the articles where ``column`` is ``target`` against the others (or ``reference``).

    ``target`` and ``reference`` are a value or a list of values of ``column`` (e.g.
    ``column="outlet", target="CNN"``); for ``column="date"`` each is a ``(first, last)``
    pair of dates, both days included (one period against another, e.g.
    ``target=("2022-02-24", "2022-03-31"), reference=("2022-01-01", "2022-02-23")``).
    ``reference=None`` means every article not in the target. Unigrams; totals are the
    words of each side. Returns the columns of :func:`keyness`.
    """
    if column not in articles.columns:
        raise ValueError(f"articles table has no column {column!r}")
    t = token_arrays(tokens, stem=stem)
    rows = articles.drop_duplicates("article_id").set_index("article_id").reindex(t.article_ids)
    in_target = _select(rows[column], target, column)
    in_reference = ~in_target if reference is None else _select(rows[column], reference, column) & ~in_target
    side = np.where(in_target, 0, np.where(in_reference, 1, -1)).astype(np.int64)[t.article]
    edge, _ = unigram_filter(t, drop_stopwords=drop_stopwords, min_length=min_length, words_only=words_only)
    size_v = len(t.vocab)
    target = np.bincount(t.term[edge & (side == 0)], minlength=size_v)
    reference = np.bincount(t.term[edge & (side == 1)], minlength=size_v)
    total_target, total_reference = int((t.is_word & (side == 0)).sum()), int((t.is_word & (side == 1)).sum())
    if total_target == 0 or total_reference == 0:
        return _empty(measure)
    present = np.flatnonzero(target + reference)
    vocab = t.vocab[present].astype(str)
    return keyness(pd.Series(target[present], index=vocab), pd.Series(reference[present], index=vocab),
                   measure=measure, total_target=total_target, total_reference=total_reference,
                   min_count=min_count, correction=correction)


def _select(values: pd.Series, wanted: object, column: str) -> np.ndarray:
    if column == "date":
        if not (isinstance(wanted, (tuple, list)) and len(wanted) == 2):
            raise ValueError("for column='date' give target/reference as a (first, last) pair of dates")
        first, last = (pd.Timestamp(x) for x in wanted)
        days = period_start(values, "D")
        return ((days >= first) & (days <= last)).to_numpy(dtype=bool)
    options = list(wanted) if isinstance(wanted, (list, tuple, set)) else [wanted]
    return values.isin(options).to_numpy(dtype=bool)

"""Each actor's context terms counted per article once, so that any set of articles is a sum.

An actor's context (:mod:`analysis.terms.actor_context`: the tokens of the sentences that
mention it, its own mention tokens left out) never crosses a sentence, so the context of
the actor's mentions in a set of articles is the union of its per-article contexts. Counting
per (actor, article, term) once lets an interactive selection (outlets, dates) add up the
selected articles' counts instead of finding and counting contexts again:

* :func:`actor_article_counts` counts, for the whole corpus, each actor's unigram context
  terms and its own mention tokens per article (the unigram filters of
  :mod:`analysis.terms.counts`), with the words (tokens holding a letter) of each;
* :func:`selection_context_terms` gives exactly what
  :func:`~analysis.terms.actor_context.actor_context_terms` (sentence context, unigrams) gives
  for the actor's mentions in the selected articles;
* :func:`selection_keyness` exactly what :func:`~analysis.terms.keyness.actor_keyness` gives
  for them (the reference is the rest of the whole corpus, as there), optionally only one
  direction's first ``top_n`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.terms.actor_context import CONTEXT_COLUMNS, actor_contexts
from analysis.terms.counts import _finish, unigram_filter
from analysis.terms.keyness import Measure, _empty, keyness_statistics
from analysis.terms.token_arrays import token_arrays


@dataclass(frozen=True)
class Cells:
    """Counts per (actor, article, term), sorted by actor, article, term; actor k's cells are
    ``[offsets[k], offsets[k + 1])``; ``words`` is the words per (actor, article)."""

    offsets: np.ndarray
    article: np.ndarray
    term: np.ndarray
    count: np.ndarray
    words: np.ndarray

    def total(self, k: int, selected: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, int]:
        """Actor k's (count per term, articles per term, words) in the ``selected`` articles (a mask)."""
        cells = slice(self.offsets[k], self.offsets[k + 1])
        keep = selected[self.article[cells]]
        term = self.term[cells][keep]
        count = np.bincount(term, weights=self.count[cells][keep], minlength=size).astype(np.int64)
        return count, np.bincount(term, minlength=size).astype(np.int64), int(self.words[k][selected].sum())


@dataclass(frozen=True)
class ArticleCounts:
    """Per-article context and own-mention counts of each actor, with the corpus totals keyness needs.

    ``article_ids`` are the article codes of the tokens' :class:`~analysis.terms.token_arrays.TokenArrays`
    (masks passed to the selection functions follow them, see :meth:`mask`).
    """

    actor_ids: tuple[str, ...]
    article_ids: pd.Index
    vocab: np.ndarray
    alphabetical: np.ndarray
    context: Cells
    alias: Cells
    corpus: np.ndarray
    corpus_words: int

    def mask(self, article_ids: Sequence[str] | pd.Index | np.ndarray) -> np.ndarray:
        """A mask over :attr:`article_ids`: True for the articles given (ids not in the tokens are ignored)."""
        codes = self.article_ids.get_indexer(pd.Index(article_ids))
        out = np.zeros(len(self.article_ids), dtype=bool)
        out[codes[codes >= 0]] = True
        return out


def actor_article_counts(tokens: pd.DataFrame, mentions: pd.DataFrame, actor_ids: Sequence[str] | None = None, *,
                         drop_stopwords: bool = True, min_length: int = 2,
                         words_only: bool = True) -> ArticleCounts:
    """Count each actor's sentence-context unigrams and own mention tokens per article (filters as in
    :func:`~analysis.terms.counts.unigram_filter`); ``actor_ids`` default to every actor in ``mentions``."""
    t = token_arrays(tokens)
    contexts = actor_contexts(t, mentions, None if actor_ids is None else list(actor_ids))
    edge, _ = unigram_filter(t, drop_stopwords=drop_stopwords, min_length=min_length, words_only=words_only)
    n_actors, n_articles, size_v = len(contexts.actor_ids), len(t.article_ids), max(len(t.vocab), 1)

    def cells(owner: np.ndarray, position: np.ndarray) -> Cells:
        kept = edge[position]
        key = (owner[kept] * n_articles + t.article[position[kept]]) * np.int64(size_v) + t.term[position[kept]]
        key, count = np.unique(key, return_counts=True)
        actor, rest = np.divmod(key, np.int64(n_articles) * size_v)
        article, term = np.divmod(rest, np.int64(size_v))
        word = t.is_word[position]
        words = np.bincount(owner[word] * n_articles + t.article[position[word]],
                            minlength=n_actors * n_articles).reshape(n_actors, n_articles).astype(np.int64)
        return Cells(offsets=np.searchsorted(actor, np.arange(n_actors + 1)), article=article, term=term,
                     count=count.astype(np.int64), words=words)

    return ArticleCounts(
        actor_ids=tuple(contexts.actor_ids), article_ids=t.article_ids, vocab=t.vocab, alphabetical=t.alphabetical(),
        context=cells(contexts.context_actor, contexts.context_pos), alias=cells(contexts.alias_actor, contexts.alias_pos),
        corpus=np.bincount(t.term[edge], minlength=len(t.vocab)).astype(np.int64), corpus_words=int(t.is_word.sum()))


def _actor_code(counts: ArticleCounts, actor_id: str) -> int | None:
    return counts.actor_ids.index(actor_id) if actor_id in counts.actor_ids else None


def selection_context_terms(counts: ArticleCounts, actor_id: str, selected: np.ndarray, *,
                            top_n: int | None = None) -> pd.DataFrame:
    """The actor's context terms in the ``selected`` articles (a mask, :meth:`ArticleCounts.mask`):
    the table :func:`~analysis.terms.actor_context.actor_context_terms` returns for the actor's
    mentions in those articles (sentence context, unigrams, the counting filters given at counting)."""
    k = _actor_code(counts, actor_id)
    size_v = len(counts.vocab)
    if k is None:
        total, docs, words = np.zeros(size_v, dtype=np.int64), np.zeros(size_v, dtype=np.int64), 0
    else:
        total, docs, words = counts.context.total(k, selected, size_v)
    present = np.flatnonzero(total)
    if top_n is not None and len(present) > top_n > 0:
        # rank = 1 + terms counted more often, so rank <= top_n needs a count >= the top_n-th largest
        floor = np.partition(total[present], len(present) - top_n)[len(present) - top_n]
        present = present[total[present] >= floor]
    if not len(present) or (top_n is not None and top_n <= 0):
        groups = pd.DataFrame({"actor_id": pd.Series([actor_id], dtype="str")})
        empty = pd.DataFrame({c: pd.Series(dtype="int64") for c in ("group", "n", "key", "count", "doc_freq")})
        return _finish(empty, np.array([words], dtype=np.int64), groups, counts.vocab, top_n=top_n)[CONTEXT_COLUMNS]
    # competition ranks ("min"), then rows by rank and term, as analysis.terms.counts._finish orders them
    count = total[present]
    distinct = np.unique(-count)
    rank = np.searchsorted(np.sort(-count), distinct)[np.searchsorted(distinct, -count)] + 1
    order = np.lexsort((counts.alphabetical[present], rank))
    if top_n is not None:
        order = order[rank[order] <= top_n][:top_n]
    term = present[order]
    return pd.DataFrame({"actor_id": pd.Series([actor_id] * len(term), dtype="str"),
                         "term": pd.Series(counts.vocab[term], dtype="str"), "n": np.ones(len(term), dtype=np.int64),
                         "count": total[term], "per_10k": total[term] / np.int64(words) * 10_000,
                         "doc_freq": docs[term], "rank": rank[order].astype(np.int64)})


def selection_keyness(counts: ArticleCounts, actor_id: str, selected: np.ndarray, *, measure: Measure = "g2",
                      min_count: int = 1, correction: float = 0.5, direction: str | None = None,
                      top_n: int | None = None) -> pd.DataFrame:
    """Keyness of the actor's context in the ``selected`` articles against the rest of the corpus: the
    table :func:`~analysis.terms.keyness.actor_keyness` returns for the actor's mentions in those articles
    (unigrams), keeping only the rows of ``direction`` ("target", "reference", "none") and the first ``top_n``."""
    if measure not in ("g2", "chi2"):
        raise ValueError(f"measure must be 'g2' or 'chi2', got {measure!r}")
    k = _actor_code(counts, actor_id)
    if k is None:
        return _empty(measure, ["actor_id"])
    size_v = len(counts.vocab)
    target, _, total_target = counts.context.total(k, selected, size_v)
    alias, _, alias_words = counts.alias.total(k, selected, size_v)
    reference = counts.corpus - target - alias
    total_reference = counts.corpus_words - total_target - alias_words
    if total_target <= 0 or total_reference <= 0:
        return _empty(measure, ["actor_id"])
    term = np.flatnonzero(target + reference >= max(min_count, 1))
    a, b = target[term], reference[term]
    rate_t, rate_r = a / total_target, b / total_reference
    side = np.where(rate_t > rate_r, 0, np.where(rate_t < rate_r, 1, 2))
    if direction is not None:
        keep = side == ["target", "reference", "none"].index(direction)
        term, a, b, side = term[keep], a[keep], b[keep], side[keep]
    if not len(term):
        return _empty(measure, ["actor_id"])
    c, d = np.full(len(a), total_target, dtype=np.int64), np.full(len(a), total_reference, dtype=np.int64)
    statistic, p, log_ratio = keyness_statistics(a, b, c, d, measure=measure, correction=correction)
    order = np.lexsort((counts.alphabetical[term], -statistic))[:top_n]
    return pd.DataFrame({
        "actor_id": pd.Series([actor_id] * len(order), dtype="str"),
        "term": pd.Series(counts.vocab[term[order]], dtype="str"),
        "count_target": a[order].astype("int64"), "count_reference": b[order].astype("int64"),
        "total_target": c[order], "total_reference": d[order], measure: statistic[order],
        "p": p[order], "log_ratio": log_ratio[order],
        "direction": pd.Series(np.array(["target", "reference", "none"], dtype=object)[side[order]], dtype="str")})


"""Actor contexts: the tokens around each actor's mentions, and the terms they hold.

An actor's context, as :func:`actor_contexts` finds it and :func:`actor_context_terms` counts it:

* ``window=None``: every token of every sentence that mentions the actor;
* ``window=k``: the k tokens (punctuation included) before and after each mention, clipped
  to the mention's sentence, so a subset of the sentence context;
* a mention covers the tokens its character span overlaps (:func:`mention_token_spans`);
  the tokens of the actor's own mentions are left out, other actors' names stay in;
* each token position counts once per actor, however many of its mentions reach it, and
  n-grams run only over consecutive context tokens. Terms, filters, doc_freq and rank
  follow the counting rules of :mod:`analysis.terms.counts`; per_10k is per 10,000 context
  words of the actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.terms.counts import NgramRange, _finish, count_terms, group_words
from analysis.terms.token_arrays import _SHIFT, TokenArrays, token_arrays

CONTEXT_COLUMNS = ["actor_id", "term", "n", "count", "per_10k", "doc_freq", "rank"]


@dataclass
class Contexts:
    """Token positions (into a :class:`TokenArrays`) of each actor's context and of its mentions."""

    actor_ids: list[str]
    context_actor: np.ndarray
    context_pos: np.ndarray
    alias_actor: np.ndarray
    alias_pos: np.ndarray


def _expand(owner: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (owner, position) pairs for ranges [low, high)."""
    lengths = np.maximum(high - low, 0)
    total = int(lengths.sum())
    rep = np.repeat(np.arange(len(low)), lengths)
    offsets = np.cumsum(lengths) - lengths
    return owner[rep], low[rep] + (np.arange(total) - offsets[rep])


def _merge(owner: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Overlapping or touching ranges of one owner merged: disjoint ranges sorted by (owner, low)."""
    keep = high > low
    owner, low, high = owner[keep], low[keep], high[keep]
    if not len(low):
        return owner, low, high
    order = np.lexsort((low, owner))
    owner, low, high = owner[order], low[order], high[order]
    shift = np.int64(max(int(high.max()), 1) + 1)
    reach = np.maximum.accumulate(owner * shift + high) - owner * shift   # running max of high per owner
    new = np.ones(len(low), dtype=bool)
    new[1:] = (owner[1:] != owner[:-1]) | (low[1:] > reach[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(low)) - 1
    return owner[starts], low[starts], reach[ends]


def mention_token_spans(t: TokenArrays, mentions: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Mentions whose article is in ``t``, with the positions [first, end) of the tokens they overlap."""
    article = t.article_ids.get_indexer(mentions["article_id"])
    kept = mentions[(article >= 0)]
    article = article[article >= 0].astype(np.int64)
    starts, ends = t.char_keys()
    base = article * _SHIFT
    first = np.searchsorted(ends, base + kept["start"].to_numpy(dtype=np.int64), side="right")
    end = np.searchsorted(starts, base + kept["end"].to_numpy(dtype=np.int64), side="left")
    valid = end > first
    return kept[valid], first[valid], end[valid]


def _actor_list(mentions: pd.DataFrame, actor_id: str | Sequence[str] | None) -> list[str]:
    if actor_id is None:
        return sorted(mentions["actor_id"].astype(str).unique().tolist())
    return [actor_id] if isinstance(actor_id, str) else list(actor_id)


def actor_contexts(t: TokenArrays, mentions: pd.DataFrame, actor_id: str | Sequence[str] | None = None, *,
                   window: int | None = None, kinds: Sequence[str] | None = None) -> Contexts:
    """Each actor's context token positions (sentence, or ±``window`` tokens within the sentence)
    without the actor's own mention tokens, and those mention tokens."""
    actors = _actor_list(mentions, actor_id)
    if window is not None and (not isinstance(window, (int, np.integer)) or window < 0):
        raise ValueError(f"window must be None (the sentence) or a number of tokens ≥ 0, got {window!r}")
    chosen = mentions[mentions["actor_id"].isin(actors)]
    if kinds is not None:
        chosen = chosen[chosen["kind"].isin(list(kinds))]
    chosen, first, end = mention_token_spans(t, chosen)
    owner = pd.Index(actors).get_indexer(chosen["actor_id"]).astype(np.int64)
    sentence_first, sentence_end = t.sentence_blocks()
    if len(first):
        low, high = sentence_first[first], sentence_end[end - 1]
        if window is not None:
            low, high = np.maximum(first - window, low), np.minimum(end + window, high)
    else:
        low = high = np.zeros(0, dtype=np.int64)
    c_owner, c_pos = _expand(*_merge(owner, low, high))
    a_owner, a_pos = _expand(*_merge(owner, first, end))
    size = np.int64(len(t) + 1)
    context, alias = c_owner * size + c_pos, a_owner * size + a_pos
    if len(alias):
        found = np.minimum(np.searchsorted(alias, context), len(alias) - 1)
        context = context[alias[found] != context]
    return Contexts(actor_ids=actors, context_actor=context // size, context_pos=context % size,
                    alias_actor=alias // size, alias_pos=alias % size)


def actor_context_terms(tokens: pd.DataFrame, mentions: pd.DataFrame, *,
                        actor_id: str | Sequence[str] | None = None, window: int | None = None,
                        kinds: Sequence[str] | None = None, ngram: NgramRange = 1, drop_stopwords: bool = True,
                        min_length: int = 2, stem: bool = False, words_only: bool = True,
                        top_n: int | None = None) -> pd.DataFrame:
    """The words around each actor: its sentences, or ±``window`` tokens of its mentions.

    Context of an actor (``actor_id``: one id, a list, or ``None`` for every actor in
    ``mentions``; ``kinds`` keeps only mentions of those kinds, e.g. ``["name",
    "title"]``):

    * ``window=None``: every token of every sentence that mentions the actor;
    * ``window=k``: the k tokens (punctuation included) before and after each mention,
      clipped to the mention's sentence, so it is a subset of the sentence context.

    Each token position counts once per actor, however many of its mentions reach it,
    and the tokens of the actor's own mentions (the alias, title or pronoun span) are
    left out; other actors' names stay in. N-grams run only over consecutive context
    tokens. Filters as in :func:`term_frequencies`.

    Returns actor_id, term, n, count, per_10k (per 10,000 context words of the actor),
    doc_freq (articles), rank; ordered by actor_id, n, rank, term. An actor without
    mentions has no rows.
    """
    t = token_arrays(tokens, stem=stem)
    contexts = actor_contexts(t, mentions, actor_id, window=window, kinds=kinds)
    sub = t.take(contexts.context_pos, group=contexts.context_actor)
    counts = count_terms(sub, ngram, drop_stopwords=drop_stopwords, min_length=min_length, words_only=words_only)
    groups = pd.DataFrame({"actor_id": pd.Series(contexts.actor_ids, dtype="str")})
    out = _finish(counts, group_words(sub, len(groups)), groups, t.vocab, top_n=top_n)
    out = out[["actor_id", "term", "n", "count", "per_10k", "doc_freq", "rank"]]
    return out.sort_values(["actor_id", "n", "rank", "term"], kind="stable").reset_index(drop=True)

"""Trends: how often chosen terms occur per period (and per outlet, or another article column).

Method, as :func:`term_trends` computes it:

* a term is a word or a phrase matched case-insensitively on the token sequence
  (:func:`analysis.terms.token_arrays.match_term`): a phrase matches consecutive tokens of
  one sentence, stop words are not removed (so "the west" can be followed), and with
  ``stem`` each word is stemmed;
* periods are days ("D"), weeks starting Monday ("W") or months ("M"), labelled by their
  first day (:func:`analysis.terms.counts.period_start`);
* per_10k is the count per 10,000 words of the period and group (every word, stop words
  included); every term gets a row for every (period, group) that has words, with count 0
  where it is absent.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.terms.counts import Freq, article_groups, group_words
from analysis.terms.token_arrays import match_term, token_arrays

TREND_COLUMNS = ["date", "term", "count", "words", "per_10k"]


def term_trends(tokens: pd.DataFrame, articles: pd.DataFrame, *, terms: Sequence[str], freq: Freq = "W",
                by: str | None = "outlet", stem: bool = False) -> pd.DataFrame:
    """Relative frequency of chosen terms per period (and per ``by`` group, e.g. outlet).

    Terms are words or phrases matched case-insensitively on the token sequence (a
    phrase within one sentence; stop words are not removed, so "the west" can be
    followed); ``freq`` is "D", "W" (weeks from Monday) or "M". Every term gets a row
    for every (period, group) that has words, with count 0 where it is absent, so lines
    do not skip periods silently.

    Returns date (first day of the period), <by>, term, count, words (all words of the
    period and group), per_10k; ordered by term, <by>, date.
    """
    terms = list(dict.fromkeys(terms))
    t = token_arrays(tokens, stem=stem)
    columns = ["date"] + ([by] if by else [])
    codes, groups = article_groups(t, articles, columns, freq=freq)
    t.group = codes[t.article] if len(t) else np.zeros(0, dtype=np.int64)
    words = group_words(t, len(groups))
    rows = []
    present = np.flatnonzero(words > 0)
    for term in terms:
        i, _ = match_term(t, term, stem=stem)
        counts = np.bincount(t.group[i], minlength=len(groups))
        frame = groups.iloc[present].copy()
        frame["term"] = term
        frame["count"] = counts[present]
        frame["words"] = words[present]
        rows.append(frame)
    order = ["date"] + ([by] if by else []) + ["term", "count", "words"]
    if not rows:
        out = pd.DataFrame({c: [] for c in order})
    else:
        out = pd.concat(rows, ignore_index=True)[order]
    out["per_10k"] = (out["count"] / out["words"] * 10_000).astype("float64")
    out = out.astype({"term": "str", "count": "int64", "words": "int64"})
    return out.sort_values(["term"] + ([by] if by else []) + ["date"], kind="stable").reset_index(drop=True)

"""Term counts of a partitioned dataset (:class:`analysis.annotate.dataset.Dataset`), partition by partition.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from analysis.annotate.dataset import Dataset


def partitioned_term_counts(dataset: Dataset, *, by: Sequence[str] = (), drop_stopwords: bool = True,
                            min_length: int = 2) -> pd.DataFrame:
    """Word counts and document frequencies per term (and group), summed over partitions.

    Columns: ``by..., term, count, doc_freq, per_10k`` (per 10,000 words of the group,
    stop words included in the denominator). Articles never span partitions, so
    document frequencies add up exactly.
    """
    keys = list(by)
    counts, totals = [], []
    for tokens in dataset.joined("tokens", columns=["article_id", "lower", "is_stop", "is_word"],
                                 article_columns=keys or ["outlet"]):
        words = tokens[tokens["is_word"]]
        totals.append(words.groupby(keys, dropna=False).size() if keys else pd.Series({"": len(words)}))
        kept = words[(~words["is_stop"] if drop_stopwords else True) & (words["lower"].str.len() >= min_length)]
        count = kept.groupby([*keys, "lower"], dropna=False).size().rename("count")
        doc_freq = kept.drop_duplicates([*keys, "lower", "article_id"]).groupby([*keys, "lower"], dropna=False).size()
        counts.append(pd.concat([count, doc_freq.rename("doc_freq")], axis=1))
    if not counts:
        return pd.DataFrame(columns=[*keys, "term", "count", "doc_freq", "per_10k"])
    table = pd.concat(counts).groupby(level=list(range(len(keys) + 1)), dropna=False).sum().reset_index()
    table = table.rename(columns={"lower": "term"})
    words = pd.concat(totals).groupby(level=list(range(len(keys))) if keys else 0, dropna=False).sum()
    if keys:
        table = table.merge(words.rename("_words").reset_index(), on=keys)
        table["per_10k"] = table["count"] / table.pop("_words") * 10_000
    else:
        table["per_10k"] = table["count"] / words.sum() * 10_000
    order = [*keys, "count", "term"]
    return table.sort_values(order, ascending=[True] * len(keys) + [False, True]).reset_index(drop=True)[
        [*keys, "term", "count", "doc_freq", "per_10k"]]

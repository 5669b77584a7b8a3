"""Where each article's and each sentence's rows are in an annotation table, found once.

Reports look up a few articles or sentences of tables with millions of rows (1.6 million frame
scores on the Q1 corpus): a dossier takes the rows of its actor's articles, or of its actor's
sentences; the explorer shows one sentence. A boolean selection costs a pass over every row
each time; :class:`TableRows` sorts the rows once by one key per sentence (the article's code
times 2**32 plus the sentence id; the article's code alone in a table without sentence ids),
so that an article is a range of keys and a sentence one key, found by binary search.
Positions come back in table order: the rows a boolean selection gives, in its order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

_SHIFT = np.int64(1) << np.int64(32)  # sentence ids stay below it: a key is (article code, sentence id)


@dataclass(frozen=True)
class TableRows:
    """A table's rows sorted by (article, sentence) key; ``by_sentence`` when it has whole-number sentence ids."""

    articles: pd.Index
    keys: np.ndarray
    order: np.ndarray
    by_sentence: bool

    @classmethod
    def of(cls, table: pd.DataFrame) -> "TableRows":
        code, uniques = pd.factorize(table["article_id"])
        sentence = table["sentence_id"] if "sentence_id" in table.columns else None
        by_sentence = (sentence is not None and pd.api.types.is_integer_dtype(sentence)
                       and not sentence.isna().any())
        keys = code.astype(np.int64) * _SHIFT
        if by_sentence:
            keys += sentence.to_numpy(dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        return cls(articles=pd.Index(uniques), keys=keys[order], order=order, by_sentence=by_sentence)

    def find(self, article_id: object, sentence_id: int) -> np.ndarray:
        """Row positions (in table order) of one sentence; empty when the table has none."""
        return self.of_sentences([article_id], [sentence_id])

    def of_articles(self, ids: Any) -> np.ndarray:
        """Row positions (in table order) of the articles ``ids``."""
        found = self.articles.get_indexer(pd.Index(pd.unique(np.asarray(ids, dtype=object))))
        first = found[found >= 0].astype(np.int64) * _SHIFT
        return self._positions(first, first + _SHIFT)

    def of_sentences(self, article_ids: Any, sentence_ids: Any) -> np.ndarray:
        """Row positions (in table order) of the sentences (``article_ids[i]``, ``sentence_ids[i]``)."""
        if not self.by_sentence:
            raise ValueError("rows by sentence need a sentence_id column of whole numbers")
        codes = self.articles.get_indexer(pd.Index(np.asarray(article_ids, dtype=object)))
        sentence = np.asarray(sentence_ids, dtype=np.int64)
        known = (codes >= 0) & (sentence >= 0) & (sentence < _SHIFT)
        keys = np.unique(codes[known] * _SHIFT + sentence[known])
        return self._positions(keys, keys + 1)

    def _positions(self, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Positions of the rows whose key lies in one of the disjoint ranges ``[first[i], stop[i])``, sorted."""
        lo, hi = np.searchsorted(self.keys, first), np.searchsorted(self.keys, stop)
        size = hi - lo
        starts = np.repeat(lo - np.r_[0, np.cumsum(size)[:-1]], size)  # where each taken row is in ``order``
        return np.sort(self.order[starts + np.arange(int(size.sum()))])

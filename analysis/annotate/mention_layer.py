"""The mentions table of a batch of articles: the codebook-dependent part of the base tables.

Kept apart from :mod:`analysis.annotate.text_layer` because the text layer is cached by
text and settings only (its code digest must not include the mention code); see
:mod:`analysis.corpus.mentions` for the counting rules.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.annotate.columns import frame, repeat_ids
from analysis.corpus.codebook import Codebook
from analysis.corpus.mentions import MENTION_COLUMNS, find_mentions, mentions_table, quote_spans

Columns = dict[str, list]


def mention_tables(records: Sequence[Mapping], documents: Sequence[str], sentence_starts: Sequence[Sequence[int]],
                   codebook: Codebook) -> dict[str, pd.DataFrame]:
    """``mentions`` of a batch, given each article's sentence start offsets (rows in record order)."""
    merged: Columns = {c: [] for c in MENTION_COLUMNS[1:]}
    counts = []
    for record, doc, starts in zip(records, documents, sentence_starts):
        quotes = quote_spans(doc)
        found = find_mentions(doc, codebook, quotes=quotes, date=record.get("date"), sentence_starts=starts)
        for column, values in mentions_table(record["article_id"], doc, found, starts, quotes).items():
            if column != "article_id":
                merged[column].extend(values)
        counts.append(len(found))
    ids = [record["article_id"] for record in records]
    return {"mentions": frame({"article_id": repeat_ids(ids, counts), **merged})}


def sentence_starts(sentences: pd.DataFrame, article_ids: Sequence[str]) -> list[list[int]]:
    """Each article's sentence start offsets from a sentences table (articles without rows: none)."""
    if sentences.empty:
        return [[] for _ in article_ids]
    starts = sentences["start"].to_numpy()
    groups = sentences.groupby("article_id", sort=False).indices
    empty = np.empty(0, dtype=np.intp)
    return [starts[groups.get(article_id, empty)].tolist() for article_id in article_ids]

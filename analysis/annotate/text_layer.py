"""The text layer of a batch of articles: the ``sentences`` and ``tokens`` tables.

They depend on the articles and the settings only, so they are cached by text (a
codebook edit reuses them); the mentions table is :mod:`analysis.annotate.mention_layer`.
Tables are built as columns (lists and arrays per article, one Arrow table per batch),
not rows, and the columns derived from token strings (lower case, stop word, word,
stem) are computed once per batch with vectorised string operations. Offsets point
into :func:`analysis.corpus.reader.document_text`; the tables are documented in
:mod:`analysis.annotate.pipeline`.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.annotate.columns import frame, joined, repeat_ids
from analysis.corpus.reader import body_offset, document_text
from analysis.corpus.text import paragraph_spans, sentence_spans, stem, stopwords, token_arrays

SENTENCE_COLUMNS = ["article_id", "sentence_id", "paragraph_id", "start", "end", "text", "is_headline", "is_lead"]
TOKEN_COLUMNS = ["article_id", "sentence_id", "token_id", "start", "end", "text", "lower", "is_stop", "is_word"]

Columns = dict[str, list]


def docs(records: Iterable[Mapping]) -> list[str]:
    """The document text of each record (``title``, a blank line, ``text``)."""
    return [document_text(record["title"], record["text"]) for record in records]


def text_tables(records: Sequence[Mapping], documents: Sequence[str], *, stem_words: bool, stopword_source: str,
                lead: int) -> dict[str, pd.DataFrame]:
    """``sentences`` and ``tokens`` of a batch (rows in record order)."""
    sentences: Columns = {c: [] for c in SENTENCE_COLUMNS[1:]}
    tokens: dict[str, list] = {c: [] for c in TOKEN_COLUMNS[1:6]}
    n_sentences, n_tokens = [], []
    for record, doc in zip(records, documents):
        spans = _sentences(doc, title=record["title"])
        for column, values in _sentence_columns(doc, spans, lead=lead).items():
            sentences[column].extend(values)
        for column, values in _token_columns(doc, [s for _, s, _ in spans]).items():
            tokens[column].append(values)
        n_sentences.append(len(spans))
        n_tokens.append(len(tokens["token_id"][-1]))
    ids = [record["article_id"] for record in records]
    token_frame = frame({"article_id": repeat_ids(ids, n_tokens), **{c: joined(v) for c, v in tokens.items()}})
    return {"sentences": frame({"article_id": repeat_ids(ids, n_sentences), **sentences}),
            "tokens": finish_tokens(token_frame, stem_words=stem_words, stopword_source=stopword_source)}


def _sentences(doc: str, *, title: str) -> list[tuple[int, int, int]]:
    """(paragraph_id, start, end) per sentence; the headline is paragraph 0, sentence 0."""
    spans: list[tuple[int, int, int]] = []
    paragraph_id = 0
    if title:
        spans.append((0, 0, len(title)))
    offset = body_offset(title)
    for paragraph_start, paragraph_end in paragraph_spans(doc[offset:], offset=offset):
        paragraph_id += 1
        for start, end in sentence_spans(doc[paragraph_start:paragraph_end], offset=paragraph_start):
            spans.append((paragraph_id, start, end))
    return spans


def _sentence_columns(doc: str, spans: Sequence[tuple[int, int, int]], *, lead: int) -> Columns:
    first_body = 1 if spans and spans[0][0] == 0 else 0
    return {
        "sentence_id": list(range(len(spans))),
        "paragraph_id": [p for p, _, _ in spans],
        "start": [s for _, s, _ in spans],
        "end": [e for _, _, e in spans],
        "text": [doc[s:e] for _, s, e in spans],
        "is_headline": [p == 0 for p, _, _ in spans],
        "is_lead": [p > 0 and first_body <= i < first_body + lead for i, (p, _, _) in enumerate(spans)],
    }


def _token_columns(doc: str, starts_of_sentences: Sequence[int]) -> dict[str, object]:
    """Token columns of a whole document at once; each token belongs to the sentence it starts in."""
    texts, starts, ends = token_arrays(doc)
    sentence_ids = (np.searchsorted(np.asarray(starts_of_sentences, dtype=np.int64), starts, side="right") - 1
                    if len(starts) else starts)
    return {"sentence_id": sentence_ids, "token_id": np.arange(len(texts)), "start": starts, "end": ends,
            "text": texts}




def finish_tokens(tokens: pd.DataFrame, *, stem_words: bool, stopword_source: str) -> pd.DataFrame:
    """Add lower, is_stop, is_word (and stem) with vectorised string operations."""
    stop, _ = stopwords(stopword_source)
    text = pa.array(tokens["text"], type=pa.string())
    lower = pc.replace_substring(pc.utf8_lower(text), "’", "'")
    tokens = tokens.assign(
        lower=pd.Series(lower.to_pandas(), index=tokens.index, dtype="str"),
        is_stop=pc.is_in(lower, value_set=pa.array(sorted(stop))).to_numpy(zero_copy_only=False),
        is_word=pc.match_substring_regex(text, r"\pL").to_numpy(zero_copy_only=False))
    if stem_words:
        words = tokens["lower"].where(tokens["is_word"])
        vocabulary = words.dropna().unique()
        stems = dict(zip(vocabulary, map(stem, vocabulary)))
        tokens["stem"] = words.map(stems).fillna(tokens["lower"])
    return tokens

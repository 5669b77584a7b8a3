"""Term frequency: counts, relative frequencies and document frequencies of terms and n-grams.

Every function reads the tidy ``tokens`` table of :mod:`analysis.annotate.pipeline` (never raw
text again) and returns a tidy DataFrame whose columns are listed in its docstring.
Here: :func:`term_frequencies`, the n-gram counting it shares with TF-IDF, collocations and
actor context terms (filters, n-gram positions, counts, ranks), and grouping by article
columns. Token arrays live in :mod:`analysis.terms.token_arrays`, TF-IDF in
:mod:`analysis.terms.tfidf`, collocations in :mod:`analysis.terms.collocations`, actor context
terms in :mod:`analysis.terms.actor_context`, trends in :mod:`analysis.terms.trends`, keyness
in :mod:`analysis.terms.keyness`, concordances in :mod:`analysis.terms.kwic`.

Counting rules (a write-up can cite them)
-----------------------------------------
* A *term* is a token's lower-case form (typographic apostrophes folded, ``"Russia’s"``
  → ``"russia's"``; clitics such as ``'s`` are tokens of their own), or its Snowball
  (Porter2) stem with ``stem=True``.
* *Words* are tokens that hold a letter; punctuation and bare numbers are not words.
  Relative frequencies are per 10,000 words of the group (every word counts in the
  denominator, stop words included, whatever the filters keep in the numerator).
* Unigram filters: ``words_only`` keeps words, ``drop_stopwords`` drops the stop words
  of :func:`analysis.corpus.text.stopwords` (the written list unless the annotation said
  otherwise), ``min_length`` drops terms shorter than that many characters.
* N-grams (n ≤ 3) are runs of consecutive tokens of one sentence: they never cross a
  sentence boundary, and with ``words_only`` a punctuation token breaks them
  ("Romania, Poland" is not a bigram). The unigram filters apply to an n-gram's first
  and last token only, the usual choice: "secretary of state" is kept, "of state" and
  "the troops" are dropped. Interior tokens must be words (with ``words_only``).
* ``doc_freq`` is the number of articles of the group that contain the term;
  ``rank`` ranks terms within a group and n by count (1 = most frequent, ties share
  the best rank), and rows are ordered by group, n, rank, term.
"""

from __future__ import annotations

from typing import Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.terms.token_arrays import TokenArrays, token_arrays

Freq = Literal["D", "W", "M"]
NgramRange = int | tuple[int, int]
TERM_COLUMNS = ["term", "n", "count", "per_10k", "doc_freq", "rank"]


def _ngram_range(ngram: NgramRange) -> range:
    low, high = (ngram, ngram) if isinstance(ngram, (int, np.integer)) else tuple(ngram)
    if not 1 <= low <= high <= 3:
        raise ValueError(f"ngram must be n or (low, high) with 1 ≤ low ≤ high ≤ 3, got {ngram!r}")
    return range(int(low), int(high) + 1)


def unigram_filter(t: TokenArrays, *, drop_stopwords: bool, min_length: int, words_only: bool
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(edge, inner) masks: tokens that may start or end an n-gram, tokens that may sit inside one."""
    inner = t.is_word.copy() if words_only else np.ones(len(t), dtype=bool)
    edge = inner & (t.length >= min_length)
    if drop_stopwords:
        edge &= ~t.is_stop
    return edge, inner


def ngram_positions(t: TokenArrays, n: int, edge: np.ndarray, inner: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Start positions and integer keys of the n-grams that pass the filters (see module notes).

    Tokens i..i+n-1 form an n-gram when they share article, sentence and group and their
    token ids are consecutive (so a token removed from ``t`` breaks the run). The key is
    the term codes in base ``len(vocab)``.
    """
    size = len(t) - n + 1
    if size <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i = np.flatnonzero(edge[:size] & edge[n - 1:])
    for j in range(1, n):
        i = i[(t.article[i + j] == t.article[i]) & (t.sentence[i + j] == t.sentence[i])
              & (t.token_id[i + j] == t.token_id[i] + j) & (t.group[i + j] == t.group[i])]
        if j < n - 1:
            i = i[inner[i + j]]
    size_v = np.int64(max(len(t.vocab), 1))
    key = np.zeros(len(i), dtype=np.int64)
    for j in range(n):
        key = key * size_v + t.term[i + j]
    return i, key


def decode(keys: np.ndarray, n: int, vocab: np.ndarray) -> np.ndarray:
    """Integer n-gram keys back to space-joined strings."""
    size_v = np.int64(max(len(vocab), 1))
    parts = []
    rest = np.asarray(keys, dtype=np.int64)
    for _ in range(n):
        parts.append(vocab[rest % size_v])
        rest = rest // size_v
    parts.reverse()
    if n == 1:
        return parts[0].astype(object)
    joined = pd.Series(parts[0], dtype=object)
    for part in parts[1:]:
        joined = joined + " " + pd.Series(part, dtype=object)
    return joined.to_numpy(dtype=object)


def tally(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of an integer array and how often each occurs (hash-based, first-appearance order)."""
    code, uniques = pd.factorize(keys)
    return np.asarray(uniques, dtype=np.int64), np.bincount(code).astype(np.int64)


def _group_key_counts(group: np.ndarray, key: np.ndarray, article: np.ndarray, *, n_groups: int,
                      n_keys: int | None, n_articles: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(group, key, count, doc_freq) per distinct (group, key) pair, with few hash passes.

    Keys are first compressed to dense codes (unless ``n_keys`` says they already are),
    so ``group × code × article`` stays well inside int64.
    """
    if n_keys is None:
        code, uniques = pd.factorize(key)
        code, uniques, size = code.astype(np.int64), np.asarray(uniques, dtype=np.int64), len(uniques)
    else:
        code, uniques, size = key, np.arange(n_keys, dtype=np.int64), n_keys
    cell = group * np.int64(size) + code
    cells = n_groups * size
    if cells <= 1 << 25:
        count = np.bincount(cell, minlength=cells)
        seen = pd.unique(cell * np.int64(n_articles) + article) // np.int64(n_articles)
        docs = np.bincount(seen, minlength=cells)
        present = np.flatnonzero(count)
        return present // size, uniques[present % size], count[present], docs[present]
    cell_code, cell_values = pd.factorize(cell)
    count = np.bincount(cell_code)
    seen = pd.unique(cell_code.astype(np.int64) * np.int64(n_articles) + article) // np.int64(n_articles)
    docs = np.bincount(seen, minlength=len(cell_values))
    cell_values = np.asarray(cell_values, dtype=np.int64)
    return cell_values // size, uniques[cell_values % size], count, docs


def count_terms(t: TokenArrays, ngram: NgramRange, *, drop_stopwords: bool = True, min_length: int = 2,
                words_only: bool = True) -> pd.DataFrame:
    """Counts per (group code, n, key): columns group, n, key, count, doc_freq (terms not decoded)."""
    edge, inner = unigram_filter(t, drop_stopwords=drop_stopwords, min_length=min_length, words_only=words_only)
    frames = []
    n_groups = int(t.group.max()) + 1 if len(t) else 1
    for n in _ngram_range(ngram):
        i, key = ngram_positions(t, n, edge, inner)
        if not len(i):
            continue
        group, keys, count, docs = _group_key_counts(t.group[i], key, t.article[i], n_groups=n_groups,
                                                     n_keys=len(t.vocab) if n == 1 else None,
                                                     n_articles=len(t.article_ids))
        frames.append(pd.DataFrame({"group": group, "n": n, "key": keys, "count": count, "doc_freq": docs}))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in ("group", "n", "key", "count", "doc_freq")})
    return pd.concat(frames, ignore_index=True).astype("int64")


def group_words(t: TokenArrays, n_groups: int) -> np.ndarray:
    """Words (tokens holding a letter) per group code."""
    return np.bincount(t.group[t.is_word], minlength=n_groups).astype(np.int64)


def competition_rank(block: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order (block, value descending) and the "min" rank of each row within its block (1 = largest)."""
    order = np.lexsort((-np.asarray(value, dtype=float), block))
    b, v = block[order], np.asarray(value)[order]
    position = np.arange(len(b))
    new_block = np.ones(len(b), dtype=bool)
    new_block[1:] = b[1:] != b[:-1]
    new_value = new_block.copy()
    new_value[1:] |= v[1:] != v[:-1]
    block_first = np.maximum.accumulate(np.where(new_block, position, 0))
    value_first = np.maximum.accumulate(np.where(new_value, position, 0))
    rank = np.empty(len(b), dtype=np.int64)
    rank[order] = value_first - block_first + 1
    return order, rank


def _finish(counts: pd.DataFrame, words: np.ndarray, groups: pd.DataFrame, vocab: np.ndarray, *,
            top_n: int | None) -> pd.DataFrame:
    """Rank, keep ``top_n``, decode terms, add per_10k, swap group codes for group columns, order rows."""
    group_columns = list(groups.columns)
    if counts.empty:
        empty = {"term": pd.Series(dtype="str"), "n": pd.Series(dtype="int64")}
        empty.update({c: pd.Series(dtype=groups[c].dtype) for c in group_columns})
        empty.update({"count": pd.Series(dtype="int64"), "per_10k": pd.Series(dtype="float64"),
                      "doc_freq": pd.Series(dtype="int64"), "rank": pd.Series(dtype="int64")})
        return pd.DataFrame(empty)
    group, n = counts["group"].to_numpy(), counts["n"].to_numpy()
    _, rank = competition_rank(group * 4 + n, counts["count"].to_numpy())
    counts = counts.assign(rank=rank)
    if top_n is not None:
        counts = counts[counts["rank"] <= top_n]
    terms = np.empty(len(counts), dtype=object)
    for size in np.unique(counts["n"]):
        mask = (counts["n"] == size).to_numpy()
        terms[mask] = decode(counts["key"].to_numpy()[mask], int(size), vocab)
    counts = counts.assign(term=terms)
    counts = counts.sort_values(["group", "n", "rank", "term"], kind="stable")
    if top_n is not None:
        counts = counts.groupby(["group", "n"], sort=False).head(top_n)
    codes = counts["group"].to_numpy()
    out = pd.DataFrame({"term": pd.Series(counts["term"].to_numpy(), dtype="str"), "n": counts["n"].to_numpy()})
    for column in group_columns:
        out[column] = groups[column].to_numpy()[codes]
    out["count"] = counts["count"].to_numpy()
    out["per_10k"] = counts["count"].to_numpy() / words[codes] * 10_000
    out["doc_freq"] = counts["doc_freq"].to_numpy()
    out["rank"] = counts["rank"].to_numpy()
    return out.reset_index(drop=True)


# --- grouping by article columns ------------------------------------------------------------


def article_groups(t: TokenArrays, articles: pd.DataFrame | None, by: str | Sequence[str] | None, *,
                   freq: Freq = "D") -> tuple[np.ndarray, pd.DataFrame]:
    """Group code per article code, and the table of groups (one row per code, sorted).

    ``by="date"`` groups by the period of ``freq`` ("D" day, "W" week starting Monday,
    "M" month), labelled by the period's first day.
    """
    columns = [by] if isinstance(by, str) else list(by or [])
    if not columns:
        return np.zeros(len(t.article_ids), dtype=np.int64), pd.DataFrame(index=[0])
    if articles is None:
        raise ValueError(f"grouping by {', '.join(columns)} needs the articles table")
    missing = [c for c in columns + ["article_id"] if c not in articles.columns]
    if missing:
        raise ValueError(f"articles table lacks column(s) {', '.join(missing)} (grouping by {', '.join(columns)})")
    rows = articles.drop_duplicates("article_id").set_index("article_id").reindex(t.article_ids)
    absent = rows.index[rows[columns].isna().all(axis=1)]
    if len(absent) and len(absent) == len(rows):
        raise ValueError("no article of the tokens table is in the articles table (article_id values differ)")
    values = pd.DataFrame({c: period_start(rows[c], freq) if c == "date" else rows[c] for c in columns})
    codes = values.groupby(columns, sort=True, dropna=False).ngroup().to_numpy(dtype=np.int64)
    groups = values.assign(_code=codes).drop_duplicates("_code").sort_values("_code")
    return codes, groups.drop(columns="_code").reset_index(drop=True)


def period_start(dates: pd.Series, freq: Freq) -> pd.Series:
    """First day of each date's period: day ("D"), week starting Monday ("W") or month ("M")."""
    if freq not in ("D", "W", "M"):
        raise ValueError(f"freq must be 'D', 'W' or 'M', got {freq!r}")
    dates = pd.to_datetime(dates)
    if freq == "D":
        return dates.dt.normalize()
    return dates.dt.to_period(freq).dt.start_time.astype("datetime64[ns]")


# --- public measures ------------------------------------------------------------------------


def term_frequencies(tokens: pd.DataFrame, articles: pd.DataFrame | None = None, *, ngram: NgramRange = 1,
                     by: str | Sequence[str] | None = None, freq: Freq = "D", drop_stopwords: bool = True,
                     min_length: int = 2, stem: bool = False, words_only: bool = True,
                     top_n: int | None = None) -> pd.DataFrame:
    """Counts, relative frequencies and document frequencies of terms (unigrams to trigrams).

    ``ngram`` is n or a range ``(low, high)`` with high ≤ 3; ``by`` an article column
    (e.g. "outlet", "date") or a list of them, with ``freq`` the date period ("D", "W",
    "M"); ``top_n`` keeps the ``top_n`` most frequent terms per group and n. See the
    module notes for what a term, a word and an n-gram are.

    Returns one row per (group, n, term), ordered by group, n, rank, term:

    ========  ====================================================================
    term      the term (n-grams space-joined)
    n         1, 2 or 3
    <by>      one column per grouping column (dates: first day of the period)
    count     occurrences in the group
    per_10k   count per 10,000 words of the group (all words, stop words included)
    doc_freq  articles of the group containing the term
    rank      rank by count within group and n (1 = most frequent; ties share)
    ========  ====================================================================
    """
    t = token_arrays(tokens, stem=stem)
    codes, groups = article_groups(t, articles, by, freq=freq)
    t.group = codes[t.article] if len(t) else np.zeros(0, dtype=np.int64)
    counts = count_terms(t, ngram, drop_stopwords=drop_stopwords, min_length=min_length, words_only=words_only)
    return _finish(counts, group_words(t, len(groups)), groups, t.vocab, top_n=top_n)


# --- reading term tables --------------------------------------------------------------------


def thin(frame: pd.DataFrame, *, column: str | None = None, minimum: int = 1) -> bool:
    """True when ``frame`` has no rows, or fewer than ``minimum`` distinct values in ``column``.

    Notebooks ask this before drawing, and show a short note instead of an empty chart.
    """
    if frame.empty:
        return True
    return column is not None and frame[column].nunique() < minimum


def counts_of(frame: pd.DataFrame | pd.Series | Mapping[str, int]) -> pd.Series:
    """Counts as a Series indexed by term from a term table (term, count), a Series or a mapping."""
    if isinstance(frame, pd.DataFrame):
        if not {"term", "count"} <= set(frame.columns):
            raise ValueError("a counts table needs 'term' and 'count' columns (e.g. from term_frequencies)")
        if frame["term"].duplicated().any():
            raise ValueError("a term occurs more than once in the counts table: pass one group "
                             "(filter the grouped table first)")
        series = pd.Series(frame["count"].to_numpy(), index=frame["term"].to_numpy())
    elif isinstance(frame, pd.Series):
        series = frame
    else:
        series = pd.Series(dict(frame), dtype="int64")
    series.index = series.index.astype(str)
    return series.astype("int64")

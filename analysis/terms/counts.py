"""Term frequency: counts, relative frequencies, n-grams, TF-IDF, collocations, actor context terms, trends.

Every function reads the tidy ``tokens`` table of :mod:`analysis.annotate.pipeline` (never raw
text again) and returns a tidy DataFrame whose columns are listed in its docstring.
Keyness lives in :mod:`analysis.terms.keyness`, concordances in :mod:`analysis.terms.kwic`.

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

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.corpus.text import normalize, stem as stem_word

Freq = Literal["D", "W", "M"]
NgramRange = int | tuple[int, int]
TERM_COLUMNS = ["term", "n", "count", "per_10k", "doc_freq", "rank"]
TFIDF_COLUMNS = ["article_id", "term", "n", "count", "doc_freq", "idf", "tfidf", "rank"]
COLLOCATION_COLUMNS = ["term", "n", "count", "score", "measure", "rank"]
CONTEXT_COLUMNS = ["actor_id", "term", "n", "count", "per_10k", "doc_freq", "rank"]
TREND_COLUMNS = ["date", "term", "count", "words", "per_10k"]
_REQUIRED = ("article_id", "sentence_id", "token_id", "start", "end", "text", "lower", "is_stop", "is_word")
_SHIFT = np.int64(1) << np.int64(32)


# --- token arrays -------------------------------------------------------------------------


@dataclass
class TokenArrays:
    """The tokens table as aligned numpy arrays, in article then token order.

    ``term`` holds integer codes into ``vocab``; ``group`` a code per token (0 unless a
    caller groups them); ``article`` a code into ``article_ids``; ``rows`` each token's
    row position in the tokens table (its text is read only when asked for). Shared by
    :mod:`analysis.terms.keyness` and :mod:`analysis.terms.kwic`.
    """

    article: np.ndarray
    article_ids: pd.Index
    sentence: np.ndarray
    token_id: np.ndarray
    start: np.ndarray
    end: np.ndarray
    term: np.ndarray
    vocab: np.ndarray
    is_word: np.ndarray
    is_stop: np.ndarray
    length: np.ndarray
    rows: np.ndarray
    source: pd.DataFrame
    group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Arrays derived from the others (blocks, keys), computed once and shared by the copies
    #: :func:`token_arrays` hands out; :meth:`take` starts a new one.
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.group) != len(self.term):
            self.group = np.zeros(len(self.term), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.term)

    @property
    def text(self) -> np.ndarray:
        """Each token's text as printed (object array)."""
        return self.source["text"].to_numpy(dtype=object)[self.rows]

    def take(self, index: np.ndarray, group: np.ndarray | None = None) -> "TokenArrays":
        """The tokens at ``index`` (kept in the given order), optionally with new group codes."""
        return TokenArrays(
            article=self.article[index], article_ids=self.article_ids, sentence=self.sentence[index],
            token_id=self.token_id[index], start=self.start[index], end=self.end[index], term=self.term[index],
            vocab=self.vocab, is_word=self.is_word[index], is_stop=self.is_stop[index],
            length=self.length[index], rows=self.rows[index], source=self.source,
            group=self.group[index] if group is None else np.asarray(group, dtype=np.int64))

    def _memo(self, name: str, compute: Callable[[], Any]) -> Any:
        if name not in self.derived:
            self.derived[name] = compute()
        return self.derived[name]

    def sentence_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """For each token, the positions [first, end) of its sentence (tokens must be contiguous)."""
        return self._memo("sentence_blocks", self._sentence_blocks)

    def _sentence_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        if not len(self):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        new = np.ones(len(self), dtype=bool)
        new[1:] = (self.article[1:] != self.article[:-1]) | (self.sentence[1:] != self.sentence[:-1])
        block = np.cumsum(new) - 1
        firsts = np.flatnonzero(new)
        ends = np.append(firsts[1:], len(self))
        return firsts[block], ends[block]

    def article_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """For each token, the positions [first, end) of its article."""
        return self._memo("article_blocks", self._article_blocks)

    def _article_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        firsts = np.searchsorted(self.article, self.article, side="left")
        ends = np.searchsorted(self.article, self.article, side="right")
        return firsts, ends

    def char_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted keys article × 2³² + offset of token starts and ends (for searchsorted)."""
        return self._memo("char_keys", self._char_keys)

    def _char_keys(self) -> tuple[np.ndarray, np.ndarray]:
        base = self.article.astype(np.int64) * _SHIFT
        return base + self.start, base + self.end

    def alphabetical(self) -> np.ndarray:
        """Each vocabulary code's position in alphabetical order (to break ties by term without strings)."""
        return self._memo("alphabetical", self._alphabetical)

    def _alphabetical(self) -> np.ndarray:
        order = np.argsort(self.vocab.astype(str), kind="stable")
        ranks = np.empty(len(order), dtype=np.int64)
        ranks[order] = np.arange(len(order))
        return ranks


#: The last few conversions, by table object (see :func:`token_arrays`); each keeps its table as ``source``.
_CONVERTED: OrderedDict[tuple[int, bool], tuple[tuple, TokenArrays]] = OrderedDict()
_CONVERTED_SIZE = 4


def token_arrays(tokens: pd.DataFrame, *, stem: bool = False) -> TokenArrays:
    """Check and convert a tokens table; rows are put in article (first appearance) then token order.

    The last few tables converted are remembered by identity (with their length and
    columns), so a notebook that asks many questions of one tokens table converts it
    once: annotation tables are read-only. Each call returns its own :class:`TokenArrays`
    (callers set ``group``); the arrays inside are shared and must not be written to.
    """
    key, shape = (id(tokens), stem), (len(tokens), tuple(tokens.columns))
    hit = _CONVERTED.get(key)
    if hit is not None and hit[1].source is tokens and hit[0] == shape:
        _CONVERTED.move_to_end(key)
        return replace(hit[1], group=np.zeros(len(hit[1]), dtype=np.int64))
    arrays = _convert(tokens, stem=stem)
    _CONVERTED[key] = (shape, arrays)
    while len(_CONVERTED) > _CONVERTED_SIZE:
        _CONVERTED.popitem(last=False)
    return replace(arrays, group=np.zeros(len(arrays), dtype=np.int64))


def _convert(tokens: pd.DataFrame, *, stem: bool) -> TokenArrays:
    missing = [c for c in _REQUIRED if c not in tokens.columns]
    if missing:
        raise ValueError(f"tokens table lacks column(s) {', '.join(missing)}; expected the tokens table "
                         f"of analysis.annotate.pipeline ({', '.join(_REQUIRED)})")
    article, article_ids = _factorize(tokens["article_id"])
    token_id = tokens["token_id"].to_numpy(dtype=np.int64)
    rows: np.ndarray | slice = slice(None)
    if len(article) > 1:
        order_key = article * _SHIFT + token_id
        if not (order_key[1:] > order_key[:-1]).all():
            rows = np.argsort(order_key, kind="stable")
    is_word = tokens["is_word"].to_numpy(dtype=bool)
    if stem and "stem" in tokens.columns:
        term, vocab = _factorize(tokens["stem"])
    else:
        term, vocab = _factorize(tokens["lower"])
        if stem:
            word_codes = np.unique(term[is_word])
            stems = vocab.copy()
            stems[word_codes] = [stem_word(w) for w in vocab[word_codes]]
            stem_codes, vocab = pd.factorize(stems, sort=False)
            term, vocab = stem_codes.astype(np.int64)[term], np.asarray(vocab, dtype=object)
    length = pc.utf8_length(_arrow(tokens["lower"])).to_numpy(zero_copy_only=False).astype(np.int64)
    return TokenArrays(
        article=article[rows], article_ids=pd.Index(article_ids, dtype="str"),
        sentence=tokens["sentence_id"].to_numpy(dtype=np.int64)[rows], token_id=token_id[rows],
        start=tokens["start"].to_numpy(dtype=np.int64)[rows], end=tokens["end"].to_numpy(dtype=np.int64)[rows],
        term=term[rows], vocab=vocab, is_word=is_word[rows], is_stop=tokens["is_stop"].to_numpy(dtype=bool)[rows],
        length=length[rows], rows=np.arange(len(tokens))[rows], source=tokens)


def _arrow(column: pd.Series) -> pa.Array:
    """A string column as one Arrow array (zero-copy for pandas' Arrow-backed "str" dtype)."""
    values = pa.array(column.array) if hasattr(column.array, "__arrow_array__") else pa.array(
        column.astype(str).tolist(), type=pa.string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values


def _factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (first-appearance order) and the distinct values (object array) of a string column."""
    encoded = pc.dictionary_encode(_arrow(column))
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, np.asarray(encoded.dictionary.to_pylist(), dtype=object)


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


def tfidf(tokens: pd.DataFrame, *, top_n: int | None = 10, ngram: NgramRange = 1, drop_stopwords: bool = True,
          min_length: int = 2, stem: bool = False, words_only: bool = True) -> pd.DataFrame:
    """The terms that distinguish each article: TF-IDF (Spärck Jones 1972; Salton & Buckley 1988).

    Weighting: raw count in the article × smoothed inverse document frequency
    ``idf = ln((1 + N) / (1 + df)) + 1`` (N articles in ``tokens``, df articles holding the
    term; the smoothing of scikit-learn's default), then each article's vector is
    l2-normalised, so ``tfidf`` values compare across articles of different length. In
    a one-article corpus every idf is 1 and the ranking is by count.

    Returns the ``top_n`` terms per article (all with ``None``), ordered by article (in
    table order), rank: article_id, term, n, count (in the article), doc_freq (articles
    in the corpus), idf, tfidf, rank (1 = most distinguishing; ties broken by term).
    """
    t = token_arrays(tokens, stem=stem)
    t.group = t.article.copy()
    counts = count_terms(t, ngram, drop_stopwords=drop_stopwords, min_length=min_length, words_only=words_only)
    if counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(
            TFIDF_COLUMNS, ["str", "str", "int64", "int64", "int64", "float64", "float64", "int64"])})
    n_docs = len(t.article_ids)
    article, key, n = (counts[c].to_numpy() for c in ("group", "key", "n"))
    term_code, _ = pd.factorize(key * 4 + n)
    df = np.bincount(term_code)[term_code]
    idf = np.log((1 + n_docs) / (1 + df)) + 1
    weight = counts["count"].to_numpy() * idf
    norm = np.sqrt(np.bincount(article, weights=weight ** 2, minlength=n_docs))[article]
    value = weight / norm
    _, coarse = competition_rank(article, value)
    keep = np.ones(len(value), dtype=bool) if top_n is None else coarse <= top_n
    terms = np.empty(int(keep.sum()), dtype=object)
    for size in np.unique(n[keep]):
        mask = n[keep] == size
        terms[mask] = decode(key[keep][mask], int(size), t.vocab)
    out = pd.DataFrame({"article": article[keep], "term": terms, "n": n[keep], "count": counts["count"].to_numpy()[keep],
                        "doc_freq": df[keep], "idf": idf[keep], "tfidf": value[keep]})
    out = out.sort_values(["article", "tfidf", "term"], ascending=[True, False, True], kind="stable")
    out["rank"] = out.groupby("article", sort=False).cumcount() + 1
    if top_n is not None:
        out = out[out["rank"] <= top_n]
    out.insert(0, "article_id", np.asarray(t.article_ids, dtype=object)[out["article"].to_numpy()])
    out = out.drop(columns="article").reset_index(drop=True)
    return out.astype({"article_id": "str", "term": "str", "n": "int64", "count": "int64", "doc_freq": "int64",
                       "rank": "int64"})


def collocations(tokens: pd.DataFrame, *, measure: Literal["pmi", "likelihood"] = "pmi", n: int = 2,
                 min_freq: int = 3, top_n: int | None = 20, drop_stopwords: bool = True, min_length: int = 2,
                 stem: bool = False) -> pd.DataFrame:
    """Collocations scored by NLTK's association measures (Manning & Schütze 1999, ch. 5).

    Counting is done here and handed to NLTK's ``BigramCollocationFinder`` /
    ``TrigramCollocationFinder``, which score with ``BigramAssocMeasures`` /
    ``TrigramAssocMeasures``: ``"pmi"`` (pointwise mutual information, log₂) or
    ``"likelihood"`` (Dunning's log-likelihood ratio). Window: adjacent tokens of one
    sentence (NLTK's ``window_size`` 2 for bigrams, contiguous trigrams with (w1, *, w3)
    gap counts for the wildcard cells); a punctuation token breaks the pair. Word
    counts (and N, the number of words) come from every word token, stop words
    included, as in NLTK where filters touch only the candidates. Candidates need
    ``min_freq`` occurrences (NLTK's ``apply_freq_filter``) and, like n-gram terms, a
    first and last word that is no stop word (with ``drop_stopwords``) and has at least
    ``min_length`` characters.

    Returns term (space-joined), n, count, score, measure, rank (1 = strongest), the
    ``top_n`` best (all with ``None``), ordered as NLTK's ``score_ngrams`` orders them
    (score descending, then the words).
    """
    from nltk.collocations import (BigramAssocMeasures, BigramCollocationFinder, TrigramAssocMeasures,
                                   TrigramCollocationFinder)
    from nltk.probability import FreqDist

    if n not in (2, 3):
        raise ValueError(f"collocations need n = 2 or 3, got {n!r}")
    if measure not in ("pmi", "likelihood"):
        raise ValueError(f"measure must be 'pmi' or 'likelihood', got {measure!r}")
    t = token_arrays(tokens, stem=stem)
    words = t.is_word
    edge, _ = unigram_filter(t, drop_stopwords=drop_stopwords, min_length=min_length, words_only=True)
    _, key = ngram_positions(t, n, edge, words)
    keys, counts = tally(key)
    keep = counts >= min_freq
    keys, counts = keys[keep], counts[keep]
    if not len(keys):
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(
            COLLOCATION_COLUMNS, ["str", "int64", "int64", "float64", "str", "int64"])})
    word_counts = np.bincount(t.term[words], minlength=len(t.vocab))
    present = np.flatnonzero(word_counts)
    word_fd = FreqDist(dict(zip(t.vocab[present].tolist(), word_counts[present].tolist())))
    grams = [tuple(g.split(" ")) for g in decode(keys, n, t.vocab)]
    ngram_fd = FreqDist(dict(zip(grams, counts.tolist())))
    if n == 2:
        finder = BigramCollocationFinder(word_fd, ngram_fd)
        scorer = getattr(BigramAssocMeasures, "pmi" if measure == "pmi" else "likelihood_ratio")
    else:
        # Only the pair cells of the candidate trigrams are needed for scoring.
        size_v = np.int64(max(len(t.vocab), 1))
        w1, w2, w3 = keys // size_v ** 2, keys // size_v % size_v, keys % size_v
        _, pair_key = ngram_positions(t, 2, words, words)
        tri_i, _ = ngram_positions(t, 3, words, np.ones(len(t), dtype=bool))
        gap_key = t.term[tri_i] * size_v + t.term[tri_i + 2]
        bigram_fd = _pair_fd(pair_key, np.concatenate([w1 * size_v + w2, w2 * size_v + w3]), t.vocab)
        wildcard_fd = _pair_fd(gap_key, w1 * size_v + w3, t.vocab)
        finder = TrigramCollocationFinder(word_fd, bigram_fd, wildcard_fd, ngram_fd)
        scorer = getattr(TrigramAssocMeasures, "pmi" if measure == "pmi" else "likelihood_ratio")
    scored = finder.score_ngrams(scorer)
    if top_n is not None:
        scored = scored[:top_n]
    return pd.DataFrame({
        "term": pd.Series([" ".join(g) for g, _ in scored], dtype="str"),
        "n": pd.Series([n] * len(scored), dtype="int64"),
        "count": pd.Series([ngram_fd[g] for g, _ in scored], dtype="int64"),
        "score": pd.Series([s for _, s in scored], dtype="float64"),
        "measure": pd.Series([measure] * len(scored), dtype="str"),
        "rank": pd.Series(np.arange(1, len(scored) + 1), dtype="int64"),
    })


def _pair_fd(occurrences: np.ndarray, wanted: np.ndarray, vocab: np.ndarray):
    """FreqDist of the ``wanted`` pair keys, counted in ``occurrences``."""
    from nltk.probability import FreqDist

    wanted = pd.unique(wanted)
    counts = pd.Series(occurrences).value_counts().reindex(wanted, fill_value=0).to_numpy()
    pairs = [tuple(g.split(" ")) for g in decode(wanted, 2, vocab)]
    return FreqDist(dict(zip(pairs, counts.tolist())))


# --- actor contexts ---------------------------------------------------------------------------


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


# --- matching chosen terms; trends ------------------------------------------------------------


def match_term(t: TokenArrays, term: str, *, stem: bool = False) -> tuple[np.ndarray, int]:
    """Start positions of ``term`` (one word or a space-separated phrase, case-insensitive) and its length.

    A phrase matches consecutive tokens of one sentence. With ``stem`` each word of the
    term is stemmed, so "sanction" also finds "sanctions" (``t`` must be stemmed too).
    """
    words = [normalize(w) for w in str(term).split()]
    if not words:
        raise ValueError("an empty term matches nothing; give a word or a phrase")
    if stem:
        words = [stem_word(w) for w in words]
    lookup = {v: k for k, v in enumerate(t.vocab)}
    codes = [lookup.get(w, -1) for w in words]
    n = len(words)
    if -1 in codes or len(t) < n:
        return np.zeros(0, dtype=np.int64), n
    i = np.flatnonzero(t.term[: len(t) - n + 1] == codes[0])
    for j in range(1, n):
        i = i[(t.term[i + j] == codes[j]) & (t.article[i + j] == t.article[i])
              & (t.sentence[i + j] == t.sentence[i]) & (t.token_id[i + j] == t.token_id[i] + j)]
    return i, n


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

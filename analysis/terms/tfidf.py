"""TF-IDF: the terms that distinguish each article from the rest of the corpus.

Method (Spärck Jones 1972; Salton & Buckley 1988), as :func:`tfidf` computes it:

* tf: the term's raw count in the article (terms, n-grams and filters follow the counting
  rules of :mod:`analysis.terms.counts`);
* idf = ln((1 + N) / (1 + df)) + 1, with N the articles in ``tokens`` and df the articles
  holding the term (the smoothing of scikit-learn's default);
* tfidf = tf × idf, each article's vector then l2-normalised, so values compare across
  articles of different length; in a one-article corpus every idf is 1 and the ranking is
  by count;
* rank: 1 = most distinguishing term of the article, ties broken by term.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.terms.counts import NgramRange, competition_rank, count_terms, decode
from analysis.terms.token_arrays import token_arrays

TFIDF_COLUMNS = ["article_id", "term", "n", "count", "doc_freq", "idf", "tfidf", "rank"]


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

"""Collocations: pairs and triples of words that occur together more often than chance, scored by NLTK.

Method (Manning & Schütze 1999, ch. 5), as :func:`collocations` computes it:

* Counting is done here, on the token arrays; scoring is NLTK's: ``BigramCollocationFinder``
  with ``BigramAssocMeasures`` (n = 2), ``TrigramCollocationFinder`` with
  ``TrigramAssocMeasures`` (n = 3).
* Measures: ``"pmi"``, pointwise mutual information (log₂), or ``"likelihood"``, Dunning's
  log-likelihood ratio.
* Window: adjacent tokens of one sentence (NLTK's ``window_size`` 2 for bigrams; contiguous
  trigrams, with (w1, *, w3) gap counts for the wildcard cells); a punctuation token breaks
  the pair.
* Word counts and N (the number of words) come from every word token, stop words included;
  the filters touch only the candidates: at least ``min_freq`` occurrences (NLTK's
  ``apply_freq_filter``) and, like n-gram terms (counting rules of
  :mod:`analysis.terms.counts`), a first and last word that is no stop word (with
  ``drop_stopwords``) and has at least ``min_length`` characters.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from analysis.terms.counts import decode, ngram_positions, tally, unigram_filter
from analysis.terms.token_arrays import token_arrays

COLLOCATION_COLUMNS = ["term", "n", "count", "score", "measure", "rank"]


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

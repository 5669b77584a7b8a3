"""Collocations: our counts handed to NLTK score as NLTK's own finder does.

Fixtures: two short literal articles (:mod:`term_fixtures`); every expected value below is
counted by hand from the token list written out in the docstring of :func:`term_fixtures.tables`.
"""

from __future__ import annotations

import pytest

from analysis.terms.collocations import collocations
from term_fixtures import tables  # noqa: F401 (fixture)


class TestCollocations:
    def test_matches_nltk_finder(self, tables):
        from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

        tokens = tables["tokens"]
        ours = collocations(tokens, min_freq=1, top_n=None, drop_stopwords=False, min_length=1)
        # NLTK over the same word runs: sentences cut at punctuation, words lower-cased.
        runs, run = [], []
        for (_, _), sentence in tokens.groupby(["article_id", "sentence_id"], sort=False):
            for lower, is_word in zip(sentence["lower"], sentence["is_word"]):
                if is_word:
                    run.append(lower)
                else:
                    runs.append(run)
                    run = []
            runs.append(run)
            run = []
        words = [w for r in runs for w in r]
        finder = BigramCollocationFinder.from_documents(runs)
        finder.word_fd = __import__("nltk").FreqDist(words)
        expected = dict(finder.score_ngrams(BigramAssocMeasures.pmi))
        assert len(ours) == len(expected)
        for term, score in zip(ours["term"], ours["score"]):
            assert score == pytest.approx(expected[tuple(term.split())])

    def test_min_freq_and_columns(self, tables):
        result = collocations(tables["tokens"], min_freq=2)
        assert list(result.columns) == ["term", "n", "count", "score", "measure", "rank"]
        assert result.empty       # no content pair occurs twice
        tri = collocations(tables["tokens"], n=3, measure="likelihood", min_freq=1, drop_stopwords=False)
        assert "secretary of state" in set(tri["term"])

"""TF-IDF weights, checked by hand.

Fixtures: two short literal articles (:mod:`term_fixtures`); every expected value below is
counted by hand from the token list written out in the docstring of :func:`term_fixtures.tables`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.terms.tfidf import tfidf
from term_fixtures import row, tables  # noqa: F401 (fixture)


class TestTfidf:
    def test_weights_by_hand(self, tables):
        result = tfidf(tables["tokens"], top_n=None)
        a1 = result[result["article_id"] == "a1"]
        # a1: putin 2, sanctions 2, said 1 occur in both articles (idf 1); west 2 and 12 other
        # terms once each occur only in a1 (idf ln(3/2) + 1).
        idf_one = math.log(3 / 2) + 1
        norm = math.sqrt(2 ** 2 + 2 ** 2 + 1 + (2 * idf_one) ** 2 + 12 * idf_one ** 2)
        west = row(a1, term="west")
        assert west["idf"] == pytest.approx(idf_one)
        assert west["tfidf"] == pytest.approx(2 * idf_one / norm)
        assert west["rank"] == 1
        assert row(a1, term="sanctions")["tfidf"] == pytest.approx(2 / norm)
        norms = np.sqrt(result.groupby("article_id")["tfidf"].apply(lambda v: (v ** 2).sum()))
        assert norms.tolist() == pytest.approx([1.0, 1.0])

    def test_top_n(self, tables):
        assert tfidf(tables["tokens"], top_n=3).groupby("article_id").size().tolist() == [3, 3]

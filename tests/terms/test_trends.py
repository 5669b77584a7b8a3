"""Term trends: zero-filled counts per period and outlet.

Fixtures: two short literal articles (:mod:`term_fixtures`); every expected value below is
counted by hand from the token list written out in the docstring of :func:`term_fixtures.tables`.
"""

from __future__ import annotations

import pandas as pd

from analysis.terms.counts import thin
from analysis.terms.trends import term_trends
from term_fixtures import ARTICLES, tables  # noqa: F401 (fixture)


class TestTrends:
    def test_zero_filled_per_week_and_outlet(self, tables):
        trends = term_trends(tables["tokens"], ARTICLES, terms=["sanctions", "kremlin", "secretary of state"])
        assert list(trends.columns) == ["date", "outlet", "term", "count", "words", "per_10k"]
        sanctions = trends[trends["term"] == "sanctions"]
        assert sanctions[["date", "outlet", "count", "words"]].values.tolist() == [
            [pd.Timestamp("2022-01-31"), "ABC", 2, 25], [pd.Timestamp("2022-02-07"), "CNN", 2, 9]]
        assert trends.loc[trends["term"] == "kremlin", "count"].tolist() == [0, 0]
        assert trends.loc[trends["term"] == "secretary of state", "count"].tolist() == [1, 0]

    def test_one_period_is_thin(self, tables):
        trends = term_trends(tables["tokens"], ARTICLES, terms=["sanctions"], freq="M", by=None)
        assert len(trends) == 1 and thin(trends, column="date", minimum=2)

"""KWIC: concordance lines for actors' mentions and for terms, with their windows and sampling.

Fixtures: two short literal articles (:mod:`term_fixtures`); every expected value below is
counted by hand from the token list written out in the docstring of :func:`term_fixtures.tables`.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.terms.kwic import KWIC_COLUMNS, kwic
from term_fixtures import ARTICLES, tables  # noqa: F401 (fixture)


class TestKwic:
    def test_actor_sentence_window(self, tables):
        lines = kwic(tables["tokens"], ARTICLES, tables["mentions"], actor_id="putin", window="sentence")
        assert list(lines.columns) == KWIC_COLUMNS
        assert lines[["left", "keyword", "right"]].values.tolist() == [
            ["", "Putin", "warns the West"],
            ["", "Russian President Vladimir Putin", "warned the West on Monday."],
            ["", "Putin", ", however, disagreed."],
        ]
        assert lines["outlet"].tolist() == ["ABC", "ABC", "CNN"]
        assert lines["date"].tolist() == [pd.Timestamp("2022-02-01")] * 2 + [pd.Timestamp("2022-02-08")]
        assert (lines["start"].tolist(), lines["end"].tolist()) == ([0, 22, 43], [5, 54, 48])

    def test_term_token_window(self, tables):
        lines = kwic(tables["tokens"], ARTICLES, term="sanctions", window=2)
        assert lines[["article_id", "left", "keyword", "right"]].values.tolist() == [
            ["a1", "Monday.", "Sanctions", "will hurt"],
            ["a1", ". New", "sanctions", "followed."],
            ["a2", "", "Sanctions", "bite Biden"],
            ["a2", "Biden said", "sanctions", "work."],
        ]

    def test_spread_keeps_first_middle_and_last_lines(self, tables):
        every = kwic(tables["tokens"], ARTICLES, term="sanctions", window=2)
        spread = kwic(tables["tokens"], ARTICLES, term="sanctions", window=2, spread=3)
        # positions round(linspace(0, 3, 3)) = 0, 2 (1.5 rounds to even), 3
        pd.testing.assert_frame_equal(spread, every.iloc[[0, 2, 3]].reset_index(drop=True))
        assert kwic(tables["tokens"], ARTICLES, term="sanctions", window=2, spread=10).equals(every)

    def test_first_lines_of_each_match(self, tables):
        every = kwic(tables["tokens"], ARTICLES, tables["mentions"], actor_id=["putin", "biden"], window=3)
        first = kwic(tables["tokens"], ARTICLES, tables["mentions"], actor_id=["putin", "biden"], window=3, per_match=2)
        pd.testing.assert_frame_equal(first, every.groupby("match", sort=False).head(2).reset_index(drop=True))
        assert first["match"].value_counts().to_dict() == {"putin": 2, "biden": 1}

    def test_phrase(self, tables):
        lines = kwic(tables["tokens"], ARTICLES, term="Secretary of State", window="sentence")
        assert lines[["left", "keyword", "right"]].values.tolist() == [["Sanctions will hurt Russia, the",
                                                                        "secretary of state", "said."]]

    def test_no_hits(self, tables):
        lines = kwic(tables["tokens"], ARTICLES, tables["mentions"], actor_id="scholz")
        assert lines.empty and list(lines.columns) == KWIC_COLUMNS

    def test_needs_one_query(self, tables):
        with pytest.raises(ValueError, match="exactly one"):
            kwic(tables["tokens"], ARTICLES)

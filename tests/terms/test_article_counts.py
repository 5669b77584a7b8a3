"""Per-article context counts: a selection of articles summed equals the direct count of its mentions.

Fixtures: the two literal articles of :mod:`term_fixtures` (token list in the docstring of
:func:`term_fixtures.tables`); expected values are counted by hand from it, and every selection
is also compared with :func:`actor_context_terms` / :func:`actor_keyness` of the selected mentions.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from analysis.terms.actor_context import actor_context_terms
from analysis.terms.article_counts import actor_article_counts, selection_context_terms, selection_keyness
from analysis.terms.keyness import actor_keyness
from term_fixtures import row, tables  # noqa: F401 (fixture)

SELECTIONS = [(), ("a1",), ("a2",), ("a1", "a2")]
ACTORS = ["putin", "russia", "biden", "scholz"]


@pytest.fixture(scope="module")
def counts(tables):
    return actor_article_counts(tables["tokens"], tables["mentions"])


class TestHandCounts:
    def test_first_article_only(self, counts):
        # a1 minus Putin's mention tokens: warns the West | warned the West on Monday . (8 words)
        terms = selection_context_terms(counts, "putin", counts.mask(["a1"]))
        assert dict(zip(terms["term"], terms["count"])) == {"west": 2, "monday": 1, "warned": 1, "warns": 1}
        assert row(terms, term="west")["per_10k"] == pytest.approx(2 / 8 * 10_000)
        assert terms["rank"].tolist() == [1, 2, 2, 2] and terms["term"].tolist()[1:] == ["monday", "warned", "warns"]

    def test_second_article_only(self, counts):
        terms = selection_context_terms(counts, "putin", counts.mask(["a2"]))   # , however , disagreed .
        assert dict(zip(terms["term"], terms["per_10k"])) == {"disagreed": 5000.0, "however": 5000.0}

    def test_top_n_keeps_ties_of_the_last_rank_up_to_n_rows(self, counts):
        terms = selection_context_terms(counts, "putin", counts.mask(["a1"]), top_n=2)
        assert terms["term"].tolist() == ["west", "monday"] and terms["rank"].tolist() == [1, 2]

    def test_keyness_reference_is_the_rest_of_the_corpus(self, counts):
        keys = selection_keyness(counts, "putin", counts.mask(["a2"]))
        # target: however, disagreed (2 words); reference: 34 words - 2 - Putin's a2 mention (1 word)
        assert set(keys["total_target"]) == {2} and set(keys["total_reference"]) == {31}
        # a1's Putin mentions are not selected, so they stay in the reference: 3 - 1 (a2's) = 2
        assert row(keys, term="putin")["count_reference"] == 2 and row(keys, term="west")["count_reference"] == 2
        assert set(keys[keys["direction"] == "target"]["term"]) == {"however", "disagreed"}

    def test_unknown_actor_and_empty_selection(self, counts):
        assert selection_context_terms(counts, "scholz", counts.mask(["a1", "a2"])).empty
        assert selection_keyness(counts, "putin", counts.mask([])).empty
        assert counts.mask(["a2", "nope"]).tolist() == [False, True]


class TestEqualsTheDirectCount:
    @pytest.mark.parametrize("actor, chosen", list(itertools.product(ACTORS, SELECTIONS)))
    @pytest.mark.parametrize("top_n", [None, 1, 2, 3])
    def test_context_terms(self, tables, counts, actor, chosen, top_n):
        mentions = tables["mentions"][tables["mentions"]["article_id"].isin(chosen)]
        direct = actor_context_terms(tables["tokens"], mentions, actor_id=actor, top_n=top_n)
        pd.testing.assert_frame_equal(selection_context_terms(counts, actor, counts.mask(chosen), top_n=top_n), direct)

    @pytest.mark.parametrize("actor, chosen", list(itertools.product(ACTORS, SELECTIONS)))
    @pytest.mark.parametrize("measure", ["g2", "chi2"])
    def test_keyness(self, tables, counts, actor, chosen, measure):
        mentions = tables["mentions"][tables["mentions"]["article_id"].isin(chosen)]
        direct = actor_keyness(tables["tokens"], mentions, actor, measure=measure)
        selected = counts.mask(chosen)
        pd.testing.assert_frame_equal(selection_keyness(counts, actor, selected, measure=measure), direct)
        for side, top_n in [("target", 3), ("reference", None)]:
            part = direct[direct["direction"] == side].head(top_n).reset_index(drop=True)
            fast = selection_keyness(counts, actor, selected, measure=measure, direction=side, top_n=top_n)
            if part.empty:
                assert fast.empty and list(fast.columns) == list(direct.columns)
            else:
                pd.testing.assert_frame_equal(fast, part)

    def test_counts_are_per_article(self, counts):
        putin = counts.actor_ids.index("putin")
        assert counts.context.words[putin].tolist() == [8, 2]  # a1, a2
        # own mention tokens: a1 "Putin" + "Russian President Vladimir Putin", a2 "Putin"
        assert counts.alias.words[putin].tolist() == [5, 1]
        assert counts.corpus_words == 34

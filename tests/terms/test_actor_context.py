"""Actor context terms: sentence and token-window contexts without the actor's own mention tokens.

Fixtures: two short literal articles (:mod:`term_fixtures`); every expected value below is
counted by hand from the token list written out in the docstring of :func:`term_fixtures.tables`.
"""

from __future__ import annotations

import pytest

from analysis.terms.actor_context import CONTEXT_COLUMNS, actor_context_terms
from term_fixtures import row, tables  # noqa: F401 (fixture)


class TestActorContext:
    def test_sentence_context_without_alias_tokens(self, tables):
        context = actor_context_terms(tables["tokens"], tables["mentions"], actor_id="putin")
        assert list(context.columns) == CONTEXT_COLUMNS
        # putin's sentences minus its mention tokens: warns the West | warned the West on Monday . | , however , disagreed .
        assert dict(zip(context["term"], context["count"])) == {
            "west": 2, "disagreed": 1, "however": 1, "monday": 1, "warned": 1, "warns": 1}
        assert row(context, term="west")["per_10k"] == pytest.approx(2 / 10 * 10_000)   # 10 context words
        assert row(context, term="west")["doc_freq"] == 1
        assert not context["term"].isin(["putin", "vladimir", "president", "russian"]).any()

    def test_token_window(self, tables):
        context = actor_context_terms(tables["tokens"], tables["mentions"], actor_id="putin", window=1)
        assert dict(zip(context["term"], context["count"])) == {"warned": 1, "warns": 1}
        assert set(context["per_10k"]) == {5000.0}

    def test_other_actors_names_stay(self, tables):
        context = actor_context_terms(tables["tokens"], tables["mentions"], actor_id="russia")
        # Russia's sentence is a1 s2, plus a1 s1 where the title's "Russian" folded into Putin (no mention of Russia)
        assert "russia" not in set(context["term"])
        assert {"sanctions", "hurt", "secretary", "state", "said"} == set(context["term"])

    def test_actor_without_mentions(self, tables):
        context = actor_context_terms(tables["tokens"], tables["mentions"], actor_id="scholz")
        assert context.empty and list(context.columns) == CONTEXT_COLUMNS

    def test_all_actors(self, tables):
        context = actor_context_terms(tables["tokens"], tables["mentions"])
        assert sorted(context["actor_id"].unique()) == ["biden", "putin", "russia"]

"""Tests for analysis.framing.roles: literal fixtures checked by hand, and the seed article."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.annotate.pipeline import annotate_article
from analysis.corpus.codebook import load_codebook
from analysis.corpus.reader import read_corpus
from analysis.paths import DEFAULT_CODEBOOK, SEEDS
from analysis.framing.roles import ROLE_COLUMNS, action_forms, annotate_roles, role_balance


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(DEFAULT_CODEBOOK)


def roles_of(body: str, codebook) -> list[tuple]:
    article = {"article_id": "a", "title": "", "text": body}
    tables = annotate_article(article, codebook)
    roles = annotate_roles(pd.DataFrame([article]), tables, codebook)["roles"]
    mentions = tables["mentions"].set_index("mention_id")["surface"]
    return [(mentions[r.mention_id], r.role, r.verb, r.pattern) for r in roles.itertuples()]


class TestFindRoles:
    @pytest.mark.parametrize("body, expected", [
        ("Russia invaded Ukraine.", [("Russia", "agent", "invaded", "subject"), ("Ukraine", "patient", "invaded", "object")]),
        ("Ukraine was attacked by Russia.",
         [("Ukraine", "patient", "attacked", "passive_subject"), ("Russia", "agent", "attacked", "by_passive")]),
        ("The EU imposed sanctions against Russia.",
         [("EU", "agent", "imposed", "subject"), ("Russia", "patient", "against", "against")]),
        ("Russian forces shelled Kyiv.", [("Russian", "agent", "shelled", "subject"), ("Kyiv", "patient", "shelled", "object")]),
        ("The invasion of Ukraine continued.", [("Ukraine", "patient", "invasion", "nominal_of")]),
        ("Russia's invasion shocked the world.", [("Russia", "agent", "invasion", "possessive_nominal")]),
        ("A Russian invasion looms.", [("Russian", "agent", "invasion", "demonym_nominal")]),
        ("NATO has already deployed jets.", [("NATO", "agent", "deployed", "subject")]),
        ("Biden orders US troop deployments.", [("Biden", "agent", "orders", "subject")]),  # "US" modifies "troop"
        ("Putin said the talks failed.", []),                       # speech is voice, not action
        ("Russian diplomats are talking.", []),                     # no action verb
    ])
    def test_literal(self, codebook, body, expected):
        assert roles_of(body, codebook) == expected

    def test_speech_verbs_are_not_actions(self):
        assert "said" not in action_forms() and "invaded" in action_forms() and "struck" in action_forms()


class TestSeed:
    def test_seed_roles(self, codebook):
        articles = read_corpus(SEEDS).articles
        tables = annotate_article(articles.iloc[0], codebook)
        roles = annotate_roles(articles, tables, codebook)["roles"]
        assert list(roles.columns) == ROLE_COLUMNS
        got = [(r.actor_id, r.role, r.verb, r.pattern, r.sentence_id) for r in roles.itertuples()]
        assert got == [
            ("biden", "agent", "orders", "subject", 0),
            ("nato", "patient", "reassure", "object", 0),
            ("biden", "agent", "ordered", "subject", 1),
            ("nato", "patient", "reassure", "object", 1),
            ("russia", "agent", "invade", "subject", 2),
            ("ukraine", "patient", "invade", "object", 2),
            ("united_states", "patient", "given", "passive_subject", 11),
            ("nato", "agent", "bar", "subject", 15),
            ("ukraine", "patient", "bar", "object", 15),
        ]
        assert roles.iloc[-1]["evidence"].startswith("Russian President Vladimir Putin blamed")
        assert not roles["in_quote"].any()

    def test_balance(self):
        roles = pd.DataFrame({"actor_id": ["x", "x", "y"], "role": ["agent", "patient", "patient"],
                              "mention_id": [0, 1, 2]})
        assert role_balance(roles).values.tolist() == [["x", 1, 1, 2, 0.5], ["y", 0, 1, 1, 0.0]]
        assert role_balance(roles.iloc[:0]).empty

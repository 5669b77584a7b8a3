"""Tests for analysis.framing.labels: literal fixtures checked by hand, and the seed article."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.annotate.pipeline import annotate_article
from analysis.corpus.codebook import load_codebook
from analysis.corpus.reader import read_corpus
from analysis.framing.labels import LABEL_COLUMNS, annotate_labels, label_counts
from analysis.paths import DEFAULT_CODEBOOK, SEEDS
from analysis.framing.quotes import annotate_quotes


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(DEFAULT_CODEBOOK)


def labels_of(body: str, codebook) -> list[tuple]:
    article = {"article_id": "a", "title": "", "text": body}
    tables = annotate_article(article, codebook)
    labels = annotate_labels(pd.DataFrame([article]), tables, codebook)["labels"]
    return [(r.actor_id, r.label, r.kind, r.asserted_by) for r in labels.itertuples()]


class TestFindLabels:
    @pytest.mark.parametrize("body, expected", [
        ("Pentagon press secretary John Kirby spoke.", [("kirby", "press secretary", "title", "author")]),
        ("Russian President Vladimir Putin spoke.", [("putin", "president", "title", "author")]),
        ("Dmytro Kuleba, Ukraine's foreign minister, met Blinken.",
         [("kuleba", "foreign minister", "appositive", "author")]),
        ("Ukraine's foreign minister, Dmytro Kuleba, met Blinken.",
         [("kuleba", "foreign minister", "appositive", "author")]),
        ("Russia is the aggressor.", [("russia", "aggressor", "predicate", "author")]),
        ("Kirby said Russia is the aggressor.", [("russia", "aggressor", "predicate", "kirby")]),
        ('"Putin is a war criminal," a senior official said.',
         [("putin", "war criminal", "predicate", "unnamed:a senior official")]),
        ("One of the units from Germany is an armored unit.", []),       # Germany is not the subject
        ("Russia is not the aggressor.", []),                           # negation: no label
        ("Russia is ready.", []),                                       # an adjective, not a nominal
    ])
    def test_literal(self, codebook, body, expected):
        assert labels_of(body, codebook) == expected


class TestSeed:
    def test_seed_labels(self, codebook):
        articles = read_corpus(SEEDS).articles
        tables = annotate_article(articles.iloc[0], codebook)
        tables["quotes"] = annotate_quotes(articles, tables, codebook)["quotes"]
        labels = annotate_labels(articles, tables, codebook)["labels"]
        assert list(labels.columns) == LABEL_COLUMNS
        got = [(r.actor_id, r.label, r.kind, r.asserted_by, r.sentence_id) for r in labels.itertuples()]
        assert got == [
            ("biden", "president", "title", "author", 1),
            ("kirby", "press secretary", "title", "author", 2),
            ("biden", "president", "title", "kirby", 3),           # inside Kirby's quote
            ("putin", "president", "title", "author", 15),
            ("russia", "aggressor", "predicate", "united_states;nato", 16),
        ]
        aggressor = labels[labels["label"] == "aggressor"].iloc[0]
        assert set(aggressor.asserted_by.split(";")) == {"united_states", "nato"}
        assert aggressor.evidence.startswith("The U.S. and NATO allies argue Russia is the aggressor")

    def test_counts(self):
        labels = pd.DataFrame({"actor_id": ["x", "x", "y"], "label": ["a", "a", "b"]})
        assert label_counts(labels).values.tolist() == [["x", "a", 2], ["y", "b", 1]]

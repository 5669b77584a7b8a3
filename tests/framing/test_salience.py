"""Salience measures on a hand-built two-article corpus."""

from __future__ import annotations

import pandas as pd

from analysis.annotate.pipeline import annotate_corpus
from analysis.corpus.reader import articles_frame
from analysis.framing.salience import actor_salience, corpus_overview


def corpus() -> pd.DataFrame:
    return articles_frame([
        {"article_id": "a", "date": "2022-02-01", "outlet": "CNN", "title": "Putin warns NATO",
         "text": "Putin spoke. Putin left.\n\nNATO met.", "url": "", "source": "t:1"},
        {"article_id": "b", "date": "2022-02-09", "outlet": "Fox", "title": "Talks",
         "text": "Officials met. Later, NATO said Russia erred.", "url": "", "source": "t:2"},
    ])


def test_salience_counts_by_hand(tiny_codebook):
    articles = corpus()
    tables = annotate_corpus(articles, tiny_codebook, cache=False, progress=False).tables
    table = actor_salience(tables["mentions"], tables["sentences"], articles, actors=["putin", "nato", "kirby"])
    rows = table.set_index("actor_id")
    # putin: headline + 2 in body of article a; nato: headline a, body a, body b
    assert rows.loc["putin", ["mentions", "articles", "headline_articles", "lead_articles"]].tolist() == [3, 1, 1, 1]
    assert rows.loc["nato", ["mentions", "articles", "headline_articles", "lead_articles"]].tolist() == [3, 2, 1, 0]
    assert rows.loc["nato", "share_articles"] == 1.0 and rows.loc["putin", "share_headline"] == 0.5
    assert rows.loc["kirby", ["mentions", "articles", "share_articles"]].tolist() == [0, 0, 0.0]
    assert table["actor_id"].tolist() == ["putin", "nato", "kirby"]  # requested order kept


def test_salience_by_outlet_and_week(tiny_codebook):
    articles = corpus()
    tables = annotate_corpus(articles, tiny_codebook, cache=False, progress=False).tables
    by = actor_salience(tables["mentions"], tables["sentences"], articles, by=["outlet"], freq="W",
                        actors=["nato"])
    assert by[["outlet", "period", "mentions", "n_articles"]].astype(str).values.tolist() == [
        ["CNN", "2022-01-31", "2", "1"], ["Fox", "2022-02-07", "1", "1"]]


def test_corpus_overview_keeps_zero_cells():
    overview = corpus_overview(corpus(), freq="W")
    assert overview["articles"].tolist() == [1, 0, 0, 1]

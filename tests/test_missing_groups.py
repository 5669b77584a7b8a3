"""Every grouped measure keeps an article with no outlet or no date as a group of its own.

Fixture: the seed corpus annotated with every layer, plus a copy of its one article (ids
suffixed ``-copy``) whose outlet is missing (NaN) and whose date is missing (NaT). Each
measure grouped by outlet or by period must count the copy in a NaN / NaT group, so its
group totals are exactly twice the seed's (issue 19: pandas' default ``dropna=True``
silently dropped such articles).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.annotate.pipeline import LAYERS
from analysis.annotate.workspace import open_workspace
from analysis.framing.frames import actor_frames
from analysis.framing.labels import label_counts
from analysis.framing.roles import role_balance
from analysis.framing.salience import actor_salience, corpus_overview
from analysis.framing.voice import voice
from analysis.paths import DEFAULT_CODEBOOK, SEEDS
from analysis.sentiment.tone import actor_tone, with_articles
from analysis.terms.counts import term_frequencies
from analysis.terms.trends import term_trends


@pytest.fixture(scope="module")
def doubled():
    """(articles, tables, seed article id): the seed and its copy with no outlet and no date."""
    ws = open_workspace(corpus=SEEDS, codebook=DEFAULT_CODEBOOK, layers=tuple(LAYERS), progress=False)
    articles = ws.articles
    copy = articles.assign(article_id=articles["article_id"] + "-copy", outlet=np.nan, date=pd.NaT)
    tables = {}
    for name in ("sentences", "tokens", "mentions", "quotes", "roles", "labels", "frames", "mention_sentiment"):
        table = ws.table(name)
        tables[name] = pd.concat([table, table.assign(article_id=table["article_id"] + "-copy")], ignore_index=True)
    return pd.concat([articles, copy], ignore_index=True), tables


def _missing(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame[frame[column].isna()]


def test_salience_by_outlet_and_week(doubled):
    articles, t = doubled
    by_outlet = actor_salience(t["mentions"], t["sentences"], articles, by=["outlet"])
    assert set(by_outlet.groupby("actor_id", dropna=False)["n_articles"].sum()) == {2}
    assert (_missing(by_outlet, "outlet")["n_articles"] == 1).all()
    by_week = actor_salience(t["mentions"], t["sentences"], articles, freq="W")
    assert set(by_week.groupby("actor_id")["n_articles"].sum()) == {2}
    assert not _missing(by_week, "period").empty


def test_corpus_overview(doubled):
    articles, _ = doubled
    overview = corpus_overview(articles, freq="W")
    assert overview["articles"].sum() == 2
    assert _missing(_missing(overview, "outlet"), "period")["articles"].tolist() == [1]


def test_term_frequencies_and_trends(doubled):
    articles, t = doubled
    freqs = term_frequencies(t["tokens"], articles, by="outlet")
    assert freqs.groupby("outlet", dropna=False)["count"].sum().tolist() == [freqs["count"].sum() / 2] * 2
    trends = term_trends(t["tokens"], articles, terms=["biden"], freq="W", by="outlet")
    assert trends["count"].sum() == 2 * trends.loc[trends["outlet"].notna(), "count"].sum() > 0


def test_tone_by_outlet_and_period(doubled):
    articles, t = doubled
    scores = with_articles(t["mention_sentiment"], articles, period="W")
    by_outlet = actor_tone(scores, by=["actor_id", "outlet"], n_boot=50)
    seed = by_outlet[by_outlet["outlet"].notna()].set_index("actor_id")["n_mentions"]
    assert _missing(by_outlet, "outlet").set_index("actor_id")["n_mentions"].equals(seed)
    by_period = actor_tone(scores, by=["actor_id", "period"], n_boot=50)
    assert by_period["n_mentions"].sum() == len(scores)


def test_voice_roles_labels_frames_by_outlet(doubled):
    articles, t = doubled
    spoken = voice(t["quotes"], articles, by=["actor", "outlet"])
    assert spoken["quotes"].sum() == 2 * spoken.loc[spoken["outlet"].notna(), "quotes"].sum() > 0
    roles = role_balance(with_articles(t["roles"], articles), by=["actor_id", "outlet"])
    assert roles["n"].sum() == len(t["roles"]) > 0
    labels = label_counts(with_articles(t["labels"], articles), by=["actor_id", "outlet", "label"])
    assert labels["n"].sum() == len(t["labels"]) > 0
    frames = actor_frames(with_articles(t["frames"], articles), t["mentions"], by="outlet")
    seed = frames[frames["outlet"].notna()]
    assert len(_missing(frames, "outlet")) == len(seed) > 0
    assert _missing(frames, "outlet")["n_sentences"].sum() == seed["n_sentences"].sum()

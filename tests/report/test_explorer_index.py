"""The explorer's precomputed index: every pane summed from per-article arrays equals the direct computation.

The direct computation is what the explorer did before the index (kept here as the reference):
filter the tables to the selected articles, then call the suite's measures (salience, tone,
frames, voice, verbs, context terms, keyness, KWIC). Fixture: the four literal articles of
:mod:`explorer_fixtures`; a few values are also counted by hand from their texts.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis.framing.frames import actor_frames
from analysis.framing.salience import actor_salience
from analysis.framing.voice import attribution_verbs, voice
from analysis.report.explorer import (ExplorerState, initial_state, kwic_page, kwic_table, selection, view_tables,
                                      with_changes)
from analysis.report.explorer_index import article_mask
from analysis.sentiment.tone import actor_tone
from analysis.terms.actor_context import actor_context_terms
from analysis.terms.keyness import actor_keyness
from explorer_fixtures import data  # noqa: F401 (fixture)

FEB = [dt.date(2022, 2, d) for d in range(1, 17)]
SELECTIONS = [((), (None, None)), (("Daily A",), (FEB[0], FEB[-1])), (("Daily B",), (FEB[2], FEB[14])),
              (("Daily A", "Daily B"), (FEB[14], FEB[15])), ((), (FEB[2], FEB[14])),
              (("Daily A",), (FEB[3], FEB[13])), (("Daily C",), (None, None))]  # the last two select nothing
ACTORS = ("nato", "putin", "kirby", "nobody")


def direct_tables(data, state: ExplorerState) -> dict[str, pd.DataFrame]:
    """Every pane's table for ``state`` computed directly from the filtered tables (no index)."""
    keep = np.ones(len(data.articles), dtype=bool)
    if state.outlets:
        keep &= data.articles["outlet"].isin(list(state.outlets)).to_numpy()
    if state.start:
        keep &= (data.articles["day"] >= pd.Timestamp(state.start)).to_numpy()
    if state.end:
        keep &= (data.articles["day"] <= pd.Timestamp(state.end)).to_numpy()
    articles = data.articles[keep]
    ids = articles["article_id"]
    quotes = data.quotes[data.quotes["article_id"].isin(ids)]

    def mentions(actor):
        found = data.by_actor.get(actor, data.mentions.head(0))
        return found[found["article_id"].isin(ids)]

    def tone(actor, by_period):
        rows = data.mention_tone[(data.mention_tone["actor_id"] == actor) & data.mention_tone["article_id"].isin(ids)]
        if by_period:
            rows = rows.assign(period=rows["date"].dt.to_period(state.period).dt.start_time.dt.normalize())
        return actor_tone(rows, by=["actor_id", "period"] if by_period else ["actor_id"], n_boot=state.n_boot, seed=0)

    def verbs(actor):
        table = attribution_verbs(quotes[quotes["speaker_actor_id"].str.contains(actor, regex=False, na=False)])
        return table[table["speaker"] == actor].head(state.top_n)

    def keyness(actor):
        keys = actor_keyness(data.tokens, mentions(actor), actor)
        return keys[keys["direction"] == "target"].head(state.top_n)

    measures = {
        "salience": lambda a: actor_salience(mentions(a), data.sentences, articles, freq=state.period, actors=[a]),
        "tone": lambda a: tone(a, True), "tone_overall": lambda a: tone(a, False),
        "frames": lambda a: actor_frames(data.frames, mentions(a)).sort_values(
            ["share", "frame"], ascending=[False, True], kind="stable"),
        "verbs": verbs, "keyness": keyness,
        "context": lambda a: actor_context_terms(data.tokens, mentions(a), actor_id=a, top_n=state.top_n)}
    out = {}
    for name, measure in measures.items():
        parts = [p for p in (measure(a) for a in state.actors) if not p.empty]
        out[name] = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    table = voice(quotes)
    out["voice"] = table[table["actor"].isin(list(state.actors))].reset_index(drop=True)
    return out


def assert_same(fast: dict[str, pd.DataFrame], direct: dict[str, pd.DataFrame]) -> None:
    for name, table in direct.items():
        if table.empty:
            assert fast[name].empty, name
        else:
            pd.testing.assert_frame_equal(fast[name], table, obj=name)


class TestEqualsTheDirectComputation:
    @pytest.mark.parametrize("outlets, span", SELECTIONS)
    def test_every_pane(self, data, outlets, span):
        state = ExplorerState(actors=ACTORS, outlets=outlets, start=span[0], end=span[1], top_n=3, n_boot=50)
        assert_same(view_tables(data, state), direct_tables(data, state))

    @pytest.mark.parametrize("period", ["D", "W", "M"])
    def test_every_period(self, data, period):
        state = ExplorerState(actors=ACTORS, outlets=("Daily B",), period=period, n_boot=50)
        assert_same(view_tables(data, state), direct_tables(data, state))

    def test_kwic_lines_of_the_selection(self, data):
        from analysis.terms.kwic import kwic

        state = ExplorerState(actors=("putin",), outlets=("Daily B",), start=FEB[2], end=FEB[15], query="sanctions")
        lines = kwic(data.tokens, data.articles, term="sanctions", window=8)
        direct = lines[lines["article_id"].isin(["n2", "n4"])].merge(data.articles[["article_id", "title"]],
                                                                     on="article_id", how="left")
        pd.testing.assert_frame_equal(kwic_table(data, state), direct[kwic_table(data, state).columns]
                                      .reset_index(drop=True))


    @pytest.mark.parametrize("query", ["sanctions", "NATO", "Russia", "said"])
    def test_kwic_page_details(self, data, query):
        state = ExplorerState(actors=("putin",), query=query, page_size=100)
        page = kwic_page(data, state)
        sentences = data.sentences.set_index(["article_id", "sentence_id"])
        tone = data.sentence_tone.set_index(["article_id", "sentence_id"])
        expected = {"sentence": [], "tone": [], "tone_label": [], "frames": []}
        for key in zip(page["article_id"], page["sentence_id"]):
            expected["sentence"].append(str(sentences["text"].get(key, "")))
            expected["tone"].append(float(tone["compound"].get(key, np.nan)))
            expected["tone_label"].append(str(tone["label"].get(key, "")))
            try:
                rows = data.frame_hits.loc[[key]]
            except KeyError:
                rows = data.frame_hits.head(0)
            expected["frames"].append("; ".join(f"{s}: {f.replace('_', ' ')} ({h})"
                                                for s, f, h in zip(rows["scheme"], rows["frame"], rows["hits"])))
        assert len(page) > 1
        for column, values in expected.items():
            assert page[column].tolist() == values, column


class TestHandCounts:
    def test_selection_mask(self, data):
        # n1 Feb 1 Daily A, n2 Feb 3 Daily B, n3 Feb 15 Daily A, n4 Feb 16 Daily B
        assert article_mask(data.index, outlets=["Daily A"]).tolist() == [True, False, True, False]
        assert article_mask(data.index, start=FEB[2], end=FEB[14]).tolist() == [False, True, True, False]
        assert not article_mask(data.index, outlets=["Daily C"]).any()

    def test_salience_of_a_date_range(self, data):
        state = with_changes(initial_state(data, actors=["putin"]), start=FEB[2], end=FEB[14])
        table = view_tables(data, state)["salience"].set_index("period")
        # week of Jan 31: n2 names Putin once (body); week of Feb 14: n3 does not name him
        assert table[["n_articles", "articles", "mentions", "headline_articles"]].values.tolist() == [
            [1, 1, 1, 0], [1, 0, 0, 0]]
        assert table["share_articles"].tolist() == [1.0, 0.0]
        assert selection(data, state).sum() == 2

    def test_voice_and_context_of_one_outlet(self, data):
        state = with_changes(initial_state(data, actors=["kirby", "putin"]), outlets=["Daily A"])
        tables = view_tables(data, state)
        # Daily A's four quotes: "Kirby said NATO would not bend." (n1), "Kirby said NATO troops were ready."
        # (n3), and Putin's "warns NATO" (n1 headline) and "warned NATO on Tuesday" (n1)
        assert tables["voice"][["actor", "quotes", "share_quotes"]].values.tolist() == [
            ["kirby", 2, 0.5], ["putin", 2, 0.5]]
        kirby = tables["context"].query("actor_id == 'kirby'")
        assert dict(zip(kirby["term"], kirby["count"])) == {
            "nato": 2, "said": 2, "bend": 1, "ready": 1, "troops": 1, "would": 1}  # "not", "were": stop words
        putin = tables["context"].query("actor_id == 'putin'")   # n1 only: headline and first sentence
        assert set(putin["term"]) == {"nato", "warned", "warns", "tuesday"}


def test_tone_resamples_articles_by_their_sorted_rank_as_by_their_id():
    """The index hands actor_tone each article's rank among the sorted ids (integers factorize fast):
    the same article order, so the same draws and intervals, also where ids are not in corpus order."""
    from analysis.report.explorer_index import _sorted_rank

    ids = pd.Series(["z9", "b2", "z9", "a7", "b2", "a7", "q1"], dtype="str")
    assert _sorted_rank(ids).tolist() == [3, 1, 3, 0, 1, 0, 2]
    rows = pd.DataFrame({"article_id": ids, "actor_id": "putin", "score": [0.5, -0.2, 0.1, -0.9, 0.3, 0.0, 0.8],
                         "label": ["positive", "negative", "neutral", "negative", "positive", "neutral", "positive"]})
    by_id = actor_tone(rows, n_boot=50, seed=3)
    by_rank = actor_tone(rows.assign(article=_sorted_rank(ids)), n_boot=50, seed=3, cluster="article")
    pd.testing.assert_frame_equal(by_rank, by_id, check_exact=True)
    shuffled = actor_tone(rows.assign(article=[0, 1, 0, 2, 1, 2, 3]), n_boot=50, seed=3, cluster="article")
    assert (shuffled[["ci_low", "ci_high"]].to_numpy() != by_id[["ci_low", "ci_high"]].to_numpy()).any()  # order matters

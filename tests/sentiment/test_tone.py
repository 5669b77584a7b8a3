"""Tests for analysis.sentiment.tone: sentence and mention tables, actor tone, quotes, the layer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment.tone import (actor_tone, annotate_sentiment, evidence, evidence_table, quote_tone, score_mentions,
                                score_sentences, with_articles)
from analysis.sentiment.polarity import lead_scores
from analysis.sentiment.target import target_sentiment
from analysis.sentiment.vader import polarity_scores


class TestScoreSentences:
    def test_columns_and_values(self):
        df = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1], "start": [0, 30],
                           "text": ["The movie was not bad at all!", "Nothing."]})
        out = score_sentences(df)
        assert list(out.columns) == ["article_id", "sentence_id", "neg", "neu", "pos", "compound", "label"]
        assert out["compound"].tolist() == [0.484, 0.0]
        assert out["pos"].iloc[0] == polarity_scores("The movie was not bad at all!").pos

    def test_missing_column(self):
        with pytest.raises(KeyError, match="text"):
            score_sentences(pd.DataFrame({"article_id": [], "sentence_id": []}))

def _span(sentence: str, word: str) -> tuple[int, int]:
    i = sentence.index(word)
    return i, i + len(word)


@pytest.fixture
def tables():
    doc = "Biden praised Zelensky. Putin attacked Ukraine and Biden."
    sentences = pd.DataFrame({"article_id": ["d1", "d1"], "sentence_id": [0, 1], "start": [0, 24],
                              "end": [23, 57], "text": [doc[0:23], doc[24:57]]})
    spans = [("Biden", 0, "biden"), ("Zelensky", 0, "zelensky"), ("Putin", 1, "putin"),
             ("Ukraine", 1, "ukraine"), ("Biden", 1, "biden")]
    rows, pos = [], 0
    for k, (word, sid, actor) in enumerate(spans):
        i = doc.index(word, pos)
        pos = i + len(word)
        rows.append({"article_id": "d1", "mention_id": k, "sentence_id": sid, "start": i, "end": pos,
                     "actor_id": actor})
    return sentences, pd.DataFrame(rows)


class TestScoreMentions:
    def test_table(self, tables):
        sentences, mentions = tables
        out = score_mentions(sentences, mentions)
        assert list(out.columns) == ["article_id", "mention_id", "actor_id", "sentence_id", "score", "label",
                                     "p_negative", "p_neutral", "p_positive", "method"]
        assert out["mention_id"].tolist() == [0, 1, 2, 3, 4]
        assert (out["method"] == "learned").all()
        # the one rule (analysis.sentiment.polarity): the lead of the most probable polar class, cut at +-0.05
        p = out[["p_negative", "p_neutral", "p_positive"]].to_numpy()
        np.testing.assert_allclose(out["score"], lead_scores(p))
        assert (np.sign(out["score"]) == np.array([{0: -1, 1: 0, 2: 1}[k] for k in p.argmax(axis=1)])).all()
        assert out["label"].tolist() == ["positive" if s >= 0.05 else "negative" if s <= -0.05 else "neutral"
                                         for s in out["score"]]
        # same as the single-mention API with the sentence's other mentions
        s = sentences["text"].iloc[1]
        one = target_sentiment(s, *_span(s, "Ukraine"), others=[_span(s, "Putin"), (s.rindex("Biden"), len(s) - 1)])
        assert out["score"].iloc[3] == pytest.approx(one.score)

    def test_vader_method_and_bad_sentence(self, tables):
        sentences, mentions = tables
        out = score_mentions(sentences, mentions, method="vader_sentence")
        assert out["p_neutral"].isna().all()
        assert out["score"].iloc[0] == polarity_scores(sentences["text"].iloc[0]).compound
        bad = mentions.assign(sentence_id=[0, 0, 1, 1, 7])
        with pytest.raises(KeyError, match="not in the sentences table"):
            score_mentions(sentences, bad)


# --- aggregation -------------------------------------------------------------

@pytest.fixture
def scored():
    rng = np.random.default_rng(1)
    n = 60
    score = np.round(rng.uniform(-1, 1, n), 3)
    return pd.DataFrame({
        "article_id": [f"a{i // 3}" for i in range(n)], "sentence_id": [i % 3 for i in range(n)],
        "mention_id": range(n), "actor_id": ["x", "y"] * (n // 2),
        "outlet": ["o1"] * (n // 2) + ["o2"] * (n // 2), "score": score,
        "label": np.where(score > 0.3, "positive", np.where(score < -0.3, "negative", "neutral")),
    })


class TestActorTone:
    def test_missing_article_id_is_named(self):
        scores = pd.DataFrame({"actor_id": ["a", "a"], "score": [0.5, -0.5], "label": ["positive", "negative"],
                               "article_id": ["x1", None]})
        with pytest.raises(ValueError, match="'article_id' has missing values"):
            actor_tone(scores)

    def test_columns_and_determinism(self, scored):
        a = actor_tone(scored, n_boot=500, seed=3)
        b = actor_tone(scored, n_boot=500, seed=3)
        pd.testing.assert_frame_equal(a, b)
        assert list(a.columns) == ["actor_id", "n_mentions", "n_articles", "mean", "ci_low", "ci_high",
                                   "share_negative", "share_neutral", "share_positive"]
        assert a["n_mentions"].tolist() == [30, 30]
        assert (a["ci_low"] <= a["mean"]).all() and (a["mean"] <= a["ci_high"]).all()
        np.testing.assert_allclose(a[["share_negative", "share_neutral", "share_positive"]].sum(axis=1), 1.0)
        x = scored[scored["actor_id"] == "x"]
        assert a["mean"].iloc[0] == pytest.approx(x["score"].mean())

    def test_seed_changes_interval_and_grouping(self, scored):
        a = actor_tone(scored, n_boot=500, seed=3)
        c = actor_tone(scored, n_boot=500, seed=4)
        assert not np.allclose(a["ci_low"], c["ci_low"])
        g = actor_tone(scored, by=["actor_id", "outlet"], n_boot=200)
        assert len(g) == 4 and list(g.columns[:2]) == ["actor_id", "outlet"]

    def test_single_mention_interval_is_a_point(self):
        df = pd.DataFrame({"actor_id": ["z"], "article_id": ["a"], "score": [0.4], "label": ["positive"]})
        out = actor_tone(df, n_boot=100)
        assert out["ci_low"].iloc[0] == out["ci_high"].iloc[0] == 0.4

    def test_bad_ci(self, scored):
        with pytest.raises(ValueError, match="ci"):
            actor_tone(scored, ci=1.5)

    @pytest.mark.parametrize("n, cells", [(7, 20), (30, 64), (5, 4), (1000, 3000)])
    def test_blocked_bootstrap_draws_what_one_big_draw_would(self, n, cells):
        from analysis.sentiment.resampling import cluster_bootstrap_means

        x = np.linspace(-1, 1, n) ** 3
        whole = x[np.random.default_rng(5).integers(0, n, size=(41, n))].mean(axis=1)
        blocked = cluster_bootstrap_means(x, np.ones(n), n_boot=41, rng=np.random.default_rng(5), cells=cells)
        np.testing.assert_allclose(blocked, whole, rtol=1e-12)


    def test_intervals_in_blocks_of_groups_equal_one_group_at_a_time(self, monkeypatch):
        """actor_tone takes the percentile intervals of many groups in one call, a block of groups at a time
        (memory bounded): the same floats as each group's draws on their own, in any block size."""
        import analysis.sentiment.tone as tone_module
        from analysis.sentiment.resampling import cluster_bootstrap_means, percentile_interval

        rng = np.random.default_rng(9)
        rows = pd.DataFrame({"actor_id": rng.choice(["a", "b", "c"], 300), "period": rng.integers(0, 7, 300),
                             "article_id": [f"n{i}" for i in rng.integers(0, 60, 300)],
                             "score": rng.uniform(-1, 1, 300), "label": rng.choice(["negative", "neutral", "positive"],
                                                                                   300)})
        whole = actor_tone(rows, by=["actor_id", "period"], n_boot=50, seed=4)
        monkeypatch.setattr(tone_module, "_DRAWS_AT_ONCE", 120)  # two groups per block
        pd.testing.assert_frame_equal(actor_tone(rows, by=["actor_id", "period"], n_boot=50, seed=4), whole,
                                      check_exact=True)
        draws = np.random.default_rng(4)  # by hand: each group's draws in group order, one interval each
        expected = []
        for _, group in rows.sort_values(["actor_id", "period"], kind="stable").groupby(["actor_id", "period"]):
            codes = pd.factorize(group["article_id"].to_numpy(), sort=True)[0]
            sums = np.bincount(codes, weights=group["score"].to_numpy())
            expected.append(percentile_interval(cluster_bootstrap_means(
                sums, np.bincount(codes).astype(float), n_boot=50, rng=draws), ci=0.95))
        assert [tuple(r) for r in whole[["ci_low", "ci_high"]].to_numpy()] == expected


class TestEvidence:
    def test_extremes(self, scored):
        sentences = scored[["article_id", "sentence_id"]].drop_duplicates().assign(text="t")
        ev = evidence(scored, sentences, actor_id="x", n=3)
        x = scored[scored["actor_id"] == "x"]
        neg = ev[ev["side"] == "most negative"]
        pos = ev[ev["side"] == "most positive"]
        assert neg["score"].tolist() == sorted(x["score"])[:3]
        assert pos["score"].tolist() == sorted(x["score"], reverse=True)[:3]
        assert (ev["text"] == "t").all() and ev["rank"].tolist() == [1, 2, 3, 1, 2, 3]
# --- quote tone, joins, evidence, the annotation layer ----------------------------

@pytest.fixture
def quotes():
    # the schema of analysis.framing.quotes.QUOTE_COLUMNS (the columns quote_tone reads, plus a few)
    return pd.DataFrame({
        "article_id": ["a1", "a1", "a1", "a2", "a2"],
        "quote_id": [0, 1, 2, 0, 1],
        "kind": ["direct", "indirect", "direct", "partial", "direct"],
        "text": ["This is a tragedy.", "the talks were good", "We will win!", "no comment", "Great news."],
        "speaker_actor_id": ["putin", "united_states;nato", "", "biden", "kirby"],
        "speaker_text": ["Putin", "The U.S. and NATO", "an official", "Biden", "Kirby"],
        "speaker_type": ["actor", "actor", "unnamed", "actor", "actor"],
        "verb": ["said", "said", "said", "said", "added"],
        "sentence_id": [1, 2, 3, 1, 2],
        "n_words": [4, 4, 3, 2, 2],
    })


class TestQuoteTone:
    def test_rows_scores_and_labels(self, quotes):
        out = quote_tone(quotes)
        assert list(out.columns) == ["article_id", "quote_id", "actor_id", "kind", "n_words", "neg", "neu", "pos",
                                     "compound", "score", "label"]
        # the unnamed speaker is left out; the joint quote counts for both speakers
        assert out[["article_id", "quote_id", "actor_id"]].values.tolist() == [
            ["a1", 0, "putin"], ["a1", 1, "nato"], ["a1", 1, "united_states"], ["a2", 0, "biden"], ["a2", 1, "kirby"]]
        # NLTK 3.10.4 VADER, vaderSentiment 3.3.2 lexicon
        assert out["compound"].tolist() == [-0.6597, 0.4404, 0.4404, -0.296, 0.6249]
        assert out["label"].tolist() == ["negative", "positive", "positive", "negative", "positive"]
        assert (out["score"] == out["compound"]).all()

    def test_band_kinds_and_speaker_types(self, quotes):
        wide = quote_tone(quotes, neutral_band=0.45)
        assert wide["label"].tolist() == ["negative", "neutral", "neutral", "neutral", "positive"]
        direct = quote_tone(quotes, kinds=["direct"], speaker_types=["actor", "unnamed"])
        assert direct["quote_id"].tolist() == [0, 1]  # a1/0 putin, a2/1 kirby; the unnamed one has no actor id
        with pytest.raises(KeyError, match="speaker_type"):
            quote_tone(quotes.drop(columns="speaker_type"))

    def test_aggregates_with_actor_tone(self, quotes):
        tone = actor_tone(quote_tone(quotes), n_boot=50)
        assert tone["actor_id"].tolist() == ["biden", "kirby", "nato", "putin", "united_states"]
        assert tone["n_mentions"].tolist() == [1, 1, 1, 1, 1]


class TestWithArticlesAndEvidenceTable:
    def test_period_and_outlet(self):
        scores = pd.DataFrame({"article_id": ["a", "b", "a"], "score": [0.1, -0.2, 0.3]})
        articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["x", "y"],
                                 "date": pd.to_datetime(["2022-02-23", "2022-03-02"])})
        out = with_articles(scores, articles, period="W")
        assert out["outlet"].tolist() == ["x", "y", "x"]
        assert [str(p.date()) for p in out["period"]] == ["2022-02-21", "2022-02-28", "2022-02-21"]
        assert str(with_articles(scores, articles, period="M")["period"].iloc[1].date()) == "2022-03-01"

    def test_evidence_table(self, scored):
        sentences = scored[["article_id", "sentence_id"]].drop_duplicates().assign(text="t")
        ev = evidence_table(scored, sentences, actors=["y", "x", "nobody"], n=2)
        assert ev["actor_id"].tolist() == ["y"] * 4 + ["x"] * 4
        assert list(ev.columns[:3]) == ["actor_id", "side", "rank"]


class TestAnnotateSentiment:
    def test_layer_tables(self, tables):
        sentences, mentions = tables
        out = annotate_sentiment(pd.DataFrame({"article_id": ["d1"]}), {"sentences": sentences, "mentions": mentions,
                                                                        "tokens": pd.DataFrame()}, None, None)
        assert set(out) == {"sentence_sentiment", "mention_sentiment", "article_tone"}
        assert out["article_tone"]["n_mentions"].sum() == 5
        assert out["sentence_sentiment"]["label"].tolist() == ["positive", "negative"]  # 0.4939, -0.4588
        assert out["mention_sentiment"]["mention_id"].tolist() == [0, 1, 2, 3, 4]
        empty = annotate_sentiment(pd.DataFrame(), {"sentences": sentences.iloc[:0], "mentions": mentions.iloc[:0]})
        assert empty["sentence_sentiment"].empty and empty["mention_sentiment"].empty and empty["article_tone"].empty


class TestPlots:
    def test_figures_and_thin_data(self, scored):
        from matplotlib.figure import Figure

        from analysis.plots.sentiment import plot_actor_tone, plot_tone_heatmap, plot_tone_trend

        tone = actor_tone(scored, n_boot=50)
        fig = plot_actor_tone(tone, colours={"x": "#ff0000"}, labels={"x": "X"})
        assert isinstance(fig, Figure) and [t.get_text() for t in fig.axes[0].get_yticklabels()] != []
        thin = plot_actor_tone(tone.iloc[:0], colours={}, labels={})
        assert "too little data" in thin.axes[0].texts[0].get_text()
        by_outlet = actor_tone(scored, by=["actor_id", "outlet"], n_boot=50)
        assert len(plot_tone_heatmap(by_outlet, labels={}).axes) == 2  # heatmap + colour bar
        one = plot_tone_heatmap(by_outlet[by_outlet["outlet"] == "o1"], labels={})
        assert "One outlet only" in one.axes[0].texts[0].get_text()
        trend = plot_tone_trend(by_outlet.rename(columns={"outlet": "period"}), colours={}, labels={}, actors=["x"])
        assert isinstance(trend, Figure)
        assert "One period only" in plot_tone_trend(tone.assign(period=1), colours={}, labels={},
                                                    actors=["x"]).axes[0].texts[0].get_text()


def test_mention_running_past_its_sentence_is_cut(tables):
    sentences, mentions = tables
    long = mentions.assign(end=mentions["end"].where(mentions["mention_id"] != 1, 30))  # "Zelensky. Putin "
    out = score_mentions(sentences, long)
    s = sentences["text"].iloc[0]
    one = target_sentiment(s, *_span(s, "Zelensky."), others=[_span(s, "Biden")])
    assert out["score"].iloc[1] == pytest.approx(one.score)
    with pytest.raises(ValueError, match="fall outside"):
        score_mentions(sentences, mentions.assign(start=mentions["start"] + 100, end=mentions["end"] + 100))


def test_tone_tables_reuse_the_cached_layer():
    from analysis.sentiment.tone import score_mentions, score_sentences, tone_tables
    from analysis.annotate.workspace import open_workspace

    tables = open_workspace().annotations.tables
    sentences, mentions = tone_tables(tables)
    assert sentences is tables["sentence_sentiment"] and mentions is tables["mention_sentiment"]
    pd.testing.assert_frame_equal(mentions, score_mentions(tables["sentences"], tables["mentions"]))
    pd.testing.assert_frame_equal(sentences, score_sentences(tables["sentences"]))
    other_sentences, other = tone_tables(tables, method="vader_window", neutral_band=0.1)
    pd.testing.assert_frame_equal(other, score_mentions(tables["sentences"], tables["mentions"],
                                                        method="vader_window", neutral_band=0.1))
    pd.testing.assert_frame_equal(other_sentences, score_sentences(tables["sentences"], neutral_band=0.1))

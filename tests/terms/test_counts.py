"""Term frequency, n-grams, TF-IDF, collocations, actor contexts, keyness, KWIC and trends.

Fixtures are two short literal articles annotated by :func:`analysis.annotate.pipeline.annotate_article`
with a three-actor codebook; every expected value below is counted by hand from the
token list written out in the comment of :func:`tables`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.annotate.pipeline import annotate_article, concat_tables
from analysis.corpus.codebook import parse_codebook
from analysis.terms.keyness import actor_keyness, group_keyness, keyness, keyness_columns
from analysis.terms.kwic import KWIC_COLUMNS, kwic
from analysis.paths import Q1_CORPUS, SHARED
from analysis.terms.counts import (CONTEXT_COLUMNS, TERM_COLUMNS, actor_context_terms, collocations, term_frequencies,
                            term_trends, tfidf, thin)

CODEBOOK = parse_codebook("""
actors:
  - id: putin
    label: Vladimir Putin
    type: person
    gender: male
    colour: "#8c2d04"
    aliases: [Vladimir Putin, Putin]
  - id: russia
    label: Russia
    type: country
    colour: "#d62728"
    aliases: [Russia]
    demonyms: [Russian]
  - id: biden
    label: Joe Biden
    type: person
    aliases: [Joe Biden, Biden]
  - id: scholz
    label: Olaf Scholz
    type: person
    aliases: [Olaf Scholz, Scholz]
""")
ARTICLES = pd.DataFrame({
    "article_id": ["a1", "a2"],
    "date": pd.to_datetime(["2022-02-01", "2022-02-08"]),
    "outlet": ["ABC", "CNN"],
    "title": ["Putin warns the West", "Sanctions bite"],
    "text": ["Russian President Vladimir Putin warned the West on Monday. "
             "Sanctions will hurt Russia, the secretary of state said.\n\nNew sanctions followed.",
             "Biden said sanctions work. Putin, however, disagreed."],
})


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """Tokens (sentence: tokens; * = stop word):

    a1 s0: Putin warns the* West          s1: Russian President Vladimir Putin warned the* West on* Monday .
    a1 s2: Sanctions will* hurt Russia , the* secretary of* state said .     s3: New sanctions followed .
    a2 s0: Sanctions bite    s1: Biden said sanctions work .    s2: Putin , however , disagreed .

    Words: a1 25, a2 9, corpus 34. Putin mentions: a1 "Putin" (s0), "Russian President
    Vladimir Putin" (s1, one title mention), a2 "Putin" (s2).
    """
    records = ARTICLES[["article_id", "title", "text"]].to_dict("records")
    return concat_tables([annotate_article(record, CODEBOOK) for record in records])


def row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, f"expected one row for {where}, got {mask.sum()}"
    return frame[mask].iloc[0]


def test_token_arrays_convert_a_table_once_and_hand_out_own_groups(tables):
    from analysis.terms.counts import token_arrays

    tokens = tables["tokens"]
    first = token_arrays(tokens)
    first.group = np.ones(len(first), dtype=np.int64)  # what grouping callers do
    second = token_arrays(tokens)
    assert second is not first and second.term is first.term  # arrays shared, object not
    assert not second.group.any()
    grown = tokens.assign(extra=1)
    assert token_arrays(grown).term is not first.term  # another table: converted afresh
    shorter = tokens.iloc[:10]
    assert len(token_arrays(shorter)) == 10


class TestTermFrequencies:
    def test_corpus_counts(self, tables):
        freqs = term_frequencies(tables["tokens"])
        assert list(freqs.columns) == TERM_COLUMNS
        sanctions = row(freqs, term="sanctions")
        assert (sanctions["count"], sanctions["doc_freq"]) == (4, 2)
        assert sanctions["per_10k"] == pytest.approx(4 / 34 * 10_000)
        assert row(freqs, term="putin")["count"] == 3
        assert row(freqs, term="west")["doc_freq"] == 1
        assert not freqs["term"].isin(["the", "of", "on", "will", ".", ","]).any()
        # ranks: sanctions (4) first, putin (3) second, then the terms with 2 share rank 3
        assert list(freqs["term"][:2]) == ["sanctions", "putin"]
        assert set(freqs.loc[freqs["rank"] == 3, "term"]) == {"said", "west"}

    def test_by_outlet_per_10k_uses_group_words(self, tables):
        freqs = term_frequencies(tables["tokens"], ARTICLES, by="outlet")
        assert list(freqs.columns) == ["term", "n", "outlet", "count", "per_10k", "doc_freq", "rank"]
        assert row(freqs, term="sanctions", outlet="ABC")["per_10k"] == pytest.approx(2 / 25 * 10_000)
        assert row(freqs, term="sanctions", outlet="CNN")["per_10k"] == pytest.approx(2 / 9 * 10_000)

    def test_by_week(self, tables):
        freqs = term_frequencies(tables["tokens"], ARTICLES, by="date", freq="W")
        assert sorted(freqs["date"].unique()) == [pd.Timestamp("2022-01-31"), pd.Timestamp("2022-02-07")]

    def test_stop_words_kept_on_request(self, tables):
        freqs = term_frequencies(tables["tokens"], drop_stopwords=False)
        assert row(freqs, term="the")["count"] == 3

    def test_stem(self, tables):
        freqs = term_frequencies(tables["tokens"], stem=True)
        assert row(freqs, term="sanction")["count"] == 4
        assert row(freqs, term="warn")["count"] == 2      # warns + warned

    def test_bigrams_stay_in_sentences_and_skip_punctuation(self, tables):
        bigrams = term_frequencies(tables["tokens"], ngram=2)
        terms = set(bigrams["term"])
        assert {"putin warns", "vladimir putin", "hurt russia", "state said", "new sanctions",
                "sanctions followed", "sanctions bite", "said sanctions"} <= terms
        assert "monday sanctions" not in terms      # across a sentence boundary
        assert "followed sanctions" not in terms    # across articles
        assert "putin however" not in terms          # across a comma
        assert "warns the" not in terms and "the west" not in terms  # stop word at an edge
        assert row(bigrams, term="vladimir putin")["per_10k"] == pytest.approx(1 / 34 * 10_000)

    def test_trigrams_keep_interior_stop_words(self, tables):
        trigrams = term_frequencies(tables["tokens"], ngram=(2, 3))
        assert row(trigrams, term="secretary of state")["n"] == 3
        assert "the secretary of" not in set(trigrams["term"])
        assert set(trigrams["n"]) == {2, 3}

    def test_top_n(self, tables):
        top = term_frequencies(tables["tokens"], ngram=(1, 2), top_n=2)
        assert top.groupby("n").size().to_dict() == {1: 2, 2: 2}

    def test_empty(self, tables):
        empty = term_frequencies(tables["tokens"].iloc[:0])
        assert empty.empty and list(empty.columns) == TERM_COLUMNS
        assert thin(empty)

    @pytest.mark.parametrize("ngram", [0, 4, (2, 1)])
    def test_bad_ngram(self, tables, ngram):
        with pytest.raises(ValueError, match="ngram"):
            term_frequencies(tables["tokens"], ngram=ngram)


class TestTfidf:
    def test_weights_by_hand(self, tables):
        result = tfidf(tables["tokens"], top_n=None)
        a1 = result[result["article_id"] == "a1"]
        # a1: putin 2, sanctions 2, said 1 occur in both articles (idf 1); west 2 and 12 other
        # terms once each occur only in a1 (idf ln(3/2) + 1).
        idf_one = math.log(3 / 2) + 1
        norm = math.sqrt(2 ** 2 + 2 ** 2 + 1 + (2 * idf_one) ** 2 + 12 * idf_one ** 2)
        west = row(a1, term="west")
        assert west["idf"] == pytest.approx(idf_one)
        assert west["tfidf"] == pytest.approx(2 * idf_one / norm)
        assert west["rank"] == 1
        assert row(a1, term="sanctions")["tfidf"] == pytest.approx(2 / norm)
        norms = np.sqrt(result.groupby("article_id")["tfidf"].apply(lambda v: (v ** 2).sum()))
        assert norms.tolist() == pytest.approx([1.0, 1.0])

    def test_top_n(self, tables):
        assert tfidf(tables["tokens"], top_n=3).groupby("article_id").size().tolist() == [3, 3]


class TestCollocations:
    def test_matches_nltk_finder(self, tables):
        from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

        tokens = tables["tokens"]
        ours = collocations(tokens, min_freq=1, top_n=None, drop_stopwords=False, min_length=1)
        # NLTK over the same word runs: sentences cut at punctuation, words lower-cased.
        runs, run = [], []
        for (_, _), sentence in tokens.groupby(["article_id", "sentence_id"], sort=False):
            for lower, is_word in zip(sentence["lower"], sentence["is_word"]):
                if is_word:
                    run.append(lower)
                else:
                    runs.append(run)
                    run = []
            runs.append(run)
            run = []
        words = [w for r in runs for w in r]
        finder = BigramCollocationFinder.from_documents(runs)
        finder.word_fd = __import__("nltk").FreqDist(words)
        expected = dict(finder.score_ngrams(BigramAssocMeasures.pmi))
        assert len(ours) == len(expected)
        for term, score in zip(ours["term"], ours["score"]):
            assert score == pytest.approx(expected[tuple(term.split())])

    def test_min_freq_and_columns(self, tables):
        result = collocations(tables["tokens"], min_freq=2)
        assert list(result.columns) == ["term", "n", "count", "score", "measure", "rank"]
        assert result.empty       # no content pair occurs twice
        tri = collocations(tables["tokens"], n=3, measure="likelihood", min_freq=1, drop_stopwords=False)
        assert "secretary of state" in set(tri["term"])


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


class TestKeyness:
    def test_two_by_two_by_hand(self):
        # a = 10 of c = 1,000 target words; b = 20 of d = 4,000 reference words.
        # Expected: E = 6, 24, 994, 3976 for O = 10, 20, 990, 3980.
        g2 = 2 * (10 * math.log(10 / 6) + 20 * math.log(20 / 24) + 990 * math.log(990 / 994)
                  + 3980 * math.log(3980 / 3976))
        chi2 = 4 ** 2 / 6 + 4 ** 2 / 24 + 4 ** 2 / 994 + 4 ** 2 / 3976
        assert g2 == pytest.approx(2.9438, abs=1e-4)
        assert chi2 == pytest.approx(3.3535, abs=1e-4)
        result = keyness({"war": 10}, {"war": 20}, total_target=1000, total_reference=4000)
        assert list(result.columns) == keyness_columns("g2")
        war = result.iloc[0]
        assert war["g2"] == pytest.approx(g2)
        assert war["p"] == pytest.approx(math.erfc(math.sqrt(g2 / 2)))
        # chi-square with 1 df is a squared standard normal: p = 2 (1 - Φ(√G²)) ≈ 0.0862
        assert war["p"] == pytest.approx(0.0862, abs=1e-4)
        assert war["log_ratio"] == pytest.approx(1.0)             # (10/1000) / (20/4000) = 2
        assert war["direction"] == "target"
        assert (war["count_target"], war["count_reference"], war["total_target"], war["total_reference"]) == (
            10, 20, 1000, 4000)
        chi = keyness({"war": 10}, {"war": 20}, total_target=1000, total_reference=4000, measure="chi2").iloc[0]
        assert chi["chi2"] == pytest.approx(chi2)

    def test_zero_count_correction(self):
        result = keyness({"a": 0, "b": 100}, {"a": 8, "b": 92}).set_index("term")
        assert result.loc["a", "log_ratio"] == pytest.approx(math.log2((0.5 / 100) / (8 / 100)))   # -4
        assert result.loc["a", "direction"] == "reference"
        # G2 with an empty cell: 0 * ln 0 = 0
        e = 8 * 100 / 200
        expected = 2 * (8 * math.log(8 / e) + 100 * math.log(100 / (100 - e)) + 92 * math.log(92 / (100 - e)))
        assert result.loc["a", "g2"] == pytest.approx(expected)

    def test_totals_default_to_sums_and_are_checked(self):
        result = keyness(pd.Series({"x": 3, "y": 1}), pd.Series({"x": 1, "y": 3}))
        assert set(result["total_target"]) == {4}
        with pytest.raises(ValueError, match="smaller"):
            keyness({"x": 3}, {"x": 1}, total_target=2)

    def test_from_term_tables(self, tables):
        freqs = term_frequencies(tables["tokens"], ARTICLES, by="outlet")
        target = freqs[freqs["outlet"] == "ABC"]
        reference = freqs[freqs["outlet"] == "CNN"]
        result = keyness(target, reference, total_target=25, total_reference=9)
        assert row(result, term="west")["count_reference"] == 0

    def test_actor_keyness_by_hand(self, tables):
        result = actor_keyness(tables["tokens"], tables["mentions"], "putin")
        assert list(result.columns) == ["actor_id"] + keyness_columns("g2")
        west = row(result, term="west")
        # target: 10 context words; reference: 34 words - 10 - 6 mention words (Putin, Russian
        # President Vladimir Putin, Putin) = 18; "west" 2 in target, 0 in reference.
        assert (west["count_target"], west["count_reference"], west["total_target"], west["total_reference"]) == (
            2, 0, 10, 18)
        n = 28
        expected = 2 * (2 * math.log(2 / (10 * 2 / n)) + 8 * math.log(8 / (10 * 26 / n))
                        + 18 * math.log(18 / (18 * 26 / n)))
        assert west["g2"] == pytest.approx(expected)
        assert west["log_ratio"] == pytest.approx(math.log2((2 / 10) / (0.5 / 18)))
        assert row(result, term="sanctions")["direction"] == "reference"
        assert "putin" not in set(result["term"])

    def test_actor_keyness_without_mentions(self, tables):
        result = actor_keyness(tables["tokens"], tables["mentions"], "scholz")
        assert result.empty and "g2" in result.columns

    def test_group_keyness(self, tables):
        result = group_keyness(tables["tokens"], ARTICLES, column="outlet", target="CNN")
        work = row(result, term="work")
        assert (work["count_target"], work["total_target"], work["total_reference"]) == (1, 9, 25)
        by_date = group_keyness(tables["tokens"], ARTICLES, column="date", target=("2022-02-05", "2022-02-10"))
        assert row(by_date, term="work")["total_target"] == 9
        assert group_keyness(tables["tokens"], ARTICLES, column="outlet", target="BBC").empty


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


class TestTrends:
    def test_zero_filled_per_week_and_outlet(self, tables):
        trends = term_trends(tables["tokens"], ARTICLES, terms=["sanctions", "kremlin", "secretary of state"])
        assert list(trends.columns) == ["date", "outlet", "term", "count", "words", "per_10k"]
        sanctions = trends[trends["term"] == "sanctions"]
        assert sanctions[["date", "outlet", "count", "words"]].values.tolist() == [
            [pd.Timestamp("2022-01-31"), "ABC", 2, 25], [pd.Timestamp("2022-02-07"), "CNN", 2, 9]]
        assert trends.loc[trends["term"] == "kremlin", "count"].tolist() == [0, 0]
        assert trends.loc[trends["term"] == "secretary of state", "count"].tolist() == [1, 0]

    def test_one_period_is_thin(self, tables):
        trends = term_trends(tables["tokens"], ARTICLES, terms=["sanctions"], freq="M", by=None)
        assert len(trends) == 1 and thin(trends, column="date", minimum=2)


class TestPlots:
    def test_figures_and_notes(self, tables):
        from matplotlib.figure import Figure

        from analysis.plots import terms as plots

        tokens, mentions = tables["tokens"], tables["mentions"]
        figures = [
            plots.plot_top_terms(term_frequencies(tokens, ngram=(1, 2), top_n=5)),
            plots.plot_context_terms(actor_context_terms(tokens, mentions), colours=CODEBOOK.colours()),
            plots.plot_keyness(actor_keyness(tokens, mentions, "putin")),
            plots.plot_keyness_panels(actor_keyness(tokens, mentions, ["putin", "biden"]), labels=CODEBOOK.labels()),
            plots.plot_outlet_comparison(term_frequencies(tokens, ARTICLES, by="outlet")),
            plots.plot_trends(term_trends(tokens, ARTICLES, terms=["sanctions"], freq="D")),
            plots.plot_trends(term_trends(tokens, ARTICLES, terms=["sanctions"], freq="M")),   # note
            plots.plot_context_terms(actor_context_terms(tokens, mentions, actor_id="scholz")),  # note
        ]
        assert all(isinstance(fig, Figure) for fig in figures)
        assert [len(fig.axes) for fig in figures[-2:]] == [1, 1]
        assert not figures[-1].axes[0].axison
        panels = figures[3]
        assert [ax.get_title() for ax in panels.axes if ax.axison] == ["Joe Biden", "Vladimir Putin"]
        keys = actor_keyness(tokens, mentions, "putin")
        top = keys[keys["direction"] == "target"].sort_values(["g2", "term"], ascending=[False, True]).head(8)
        assert [t.get_text() for t in panels.axes[1].get_yticklabels()] == top["term"].tolist()
        assert plots.plot_keyness_panels(keys.iloc[:0]).axes[0].axison is False  # a note, not an empty chart


@pytest.mark.shared
@pytest.mark.skipif(not Q1_CORPUS.exists(), reason=f"shared Q1 corpus not found under {SHARED} (absent on a user's clone)")
def test_q1_counts_match_tokens():
    from analysis.annotate.workspace import open_workspace

    ws = open_workspace(corpus=Q1_CORPUS)
    tokens = ws.table("tokens")
    freqs = term_frequencies(tokens, top_n=None).set_index("term")
    for word in ("troops", "sanctions", "invasion"):
        assert freqs.loc[word, "count"] == int((tokens["lower"] == word).sum())
    context = actor_context_terms(tokens, ws.table("mentions"), actor_id="putin", top_n=5)
    assert len(context) == 5

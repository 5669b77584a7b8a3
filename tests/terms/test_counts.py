"""Term frequencies: counts, n-grams, filters, groups; and the term plots drawn from the term tables.

Fixtures: two short literal articles (:mod:`term_fixtures`); every expected value below is
counted by hand from the token list written out in the docstring of :func:`term_fixtures.tables`.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.paths import Q1_CORPUS, SHARED
from analysis.terms.actor_context import actor_context_terms
from analysis.terms.counts import TERM_COLUMNS, term_frequencies, thin
from analysis.terms.keyness import actor_keyness
from analysis.terms.trends import term_trends
from term_fixtures import ARTICLES, CODEBOOK, row, tables  # noqa: F401 (fixture)


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

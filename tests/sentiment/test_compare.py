"""Tone toward each actor in outlet A vs outlet B: means, difference, seeded bootstrap interval, the outlet pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.sentiment.compare import DIFFERENCE_COLUMNS, compared_outlets, outlet_tone_difference


@pytest.fixture
def scores():
    rows = [("putin", "BBC", s) for s in (-0.8, -0.6, -0.7, -0.5)] + [("putin", "RT", s) for s in (0.2, 0.1, 0.3)]
    rows += [("biden", "BBC", 0.1), ("biden", "BBC", 0.3), ("nato", "CNN", 0.5), ("nato", "RT", -0.1)]
    return pd.DataFrame(rows, columns=["actor_id", "outlet", "score"])


class TestOutletToneDifference:
    def test_columns_means_and_counts(self, scores):
        out = outlet_tone_difference(scores, outlets=["BBC", "RT"], n_boot=500)
        assert list(out.columns) == DIFFERENCE_COLUMNS
        assert out["actor_id"].tolist() == ["biden", "nato", "putin"]  # every actor of A or B, sorted
        putin = out.set_index("actor_id").loc["putin"]
        assert (putin["outlet_a"], putin["outlet_b"], putin["n_a"], putin["n_b"]) == ("BBC", "RT", 4, 3)
        assert putin["mean_a"] == pytest.approx(-0.65) and putin["mean_b"] == pytest.approx(0.2)
        assert putin["difference"] == pytest.approx(-0.85)
        assert putin["ci_low"] <= -0.85 <= putin["ci_high"] and putin["ci_high"] < 0  # clearly apart

    def test_an_actor_in_one_outlet_keeps_its_row_without_a_difference(self, scores):
        out = outlet_tone_difference(scores, outlets=["BBC", "RT"], n_boot=50).set_index("actor_id")
        assert out.loc["biden", "n_b"] == 0 and np.isnan(out.loc["biden", "mean_b"])
        assert np.isnan(out.loc["biden", ["difference", "ci_low", "ci_high"]].astype(float)).all()
        assert out.loc["nato", "n_a"] == 0 and out.loc["nato", "mean_b"] == pytest.approx(-0.1)

    def test_seeded_and_reproducible(self, scores):
        first = outlet_tone_difference(scores, outlets=["BBC", "RT"], n_boot=300, seed=7)
        pd.testing.assert_frame_equal(first, outlet_tone_difference(scores, outlets=["BBC", "RT"], n_boot=300, seed=7))
        other = outlet_tone_difference(scores, outlets=["BBC", "RT"], n_boot=300, seed=8)
        assert not first["ci_low"].equals(other["ci_low"])

    def test_interval_matches_a_direct_bootstrap(self, scores):
        a = np.array([-0.8, -0.6, -0.7, -0.5])
        b = np.array([0.2, 0.1, 0.3])
        rng = np.random.default_rng(0)  # biden (no B) draws nothing, nato (no A) neither: putin is first
        boot = a[rng.integers(0, 4, (400, 4))].mean(axis=1) - b[rng.integers(0, 3, (400, 3))].mean(axis=1)
        out = outlet_tone_difference(scores, outlets=["BBC", "RT"], n_boot=400, seed=0).set_index("actor_id")
        assert out.loc["putin", ["ci_low", "ci_high"]].tolist() == pytest.approx(np.quantile(boot, [0.025, 0.975]))

    def test_actors_and_bad_arguments(self, scores):
        assert outlet_tone_difference(scores, outlets=["BBC", "RT"], actors=["putin"], n_boot=10)["actor_id"].tolist() \
            == ["putin"]
        assert outlet_tone_difference(scores, outlets=["X", "Y"], n_boot=10).empty
        with pytest.raises(ValueError, match="two outlets"):
            outlet_tone_difference(scores, outlets=["BBC"])
        with pytest.raises(KeyError, match="outlet"):
            outlet_tone_difference(scores.drop(columns="outlet"), outlets=["BBC", "RT"])


def test_articles_are_resampled_not_mentions(scores):
    # putin in BBC: two articles of two mentions each; without article ids each mention is its own cluster
    clustered = scores.assign(article_id=["b1", "b1", "b2", "b2", "r1", "r2", "r3", "x", "x", "y", "z"])
    wide = outlet_tone_difference(clustered, outlets=["BBC", "RT"], n_boot=4000, seed=0).set_index("actor_id")
    narrow = outlet_tone_difference(scores, outlets=["BBC", "RT"], n_boot=4000, seed=0).set_index("actor_id")
    assert wide.loc["putin", "difference"] == narrow.loc["putin", "difference"] == pytest.approx(-0.85)
    # BBC resamples: b1 (mean -0.7) and b2 (-0.6): the BBC mean lies in [-0.7, -0.6]
    assert wide.loc["putin", "ci_low"] >= -0.7 - 0.3 - 1e-12 and wide.loc["putin", "ci_high"] <= -0.6 - 0.1 + 1e-12


class TestComparedOutlets:
    ARTICLES = pd.DataFrame({"outlet": ["RT", "BBC", "CNN", "BBC", "CNN", "Fox", None]})

    def test_default_is_the_two_largest(self):
        assert compared_outlets(self.ARTICLES) == ["BBC", "CNN"]  # 2 each, ties by name
        assert compared_outlets(self.ARTICLES.iloc[:1]) == ["RT"]

    def test_requested_pair_is_checked(self):
        assert compared_outlets(self.ARTICLES, ["RT", "Fox"]) == ["RT", "Fox"]
        for bad in (["RT"], ["RT", "RT"], ["RT", "Daily Planet"], ["A", "B", "C"]):
            with pytest.raises(InputError, match="parameter 'compare_outlets': expected two different outlets"):
                compared_outlets(self.ARTICLES, bad)


def test_dossier_compares_the_two_largest_outlets(tmp_path, seed_article):
    from analysis.annotate.workspace import open_workspace
    from analysis.report.dossier import actor_view

    rows = [{"doc_id": f"d{i}", "date": "2022-02-02", "outlet": outlet, "title": seed_article["title"],
             "text": seed_article["text"]} for i, outlet in enumerate(["Big", "Big", "Second", "Small"])]
    rows[3]["date"] = "2022-02-03"
    corpus = tmp_path / "corpus.csv"
    pd.DataFrame(rows).to_csv(corpus, index=False)
    ws = open_workspace(corpus=corpus, cache=False)
    view = actor_view(ws, "biden")
    row = view.outlet_difference(n_boot=100).iloc[0]
    assert (row["actor_id"], row["outlet_a"], row["outlet_b"]) == ("biden", "Big", "Second")
    assert row["n_a"] == 2 * row["n_b"] and row["difference"] == pytest.approx(0.0)  # the same text twice
    assert view.outlet_difference(["Small", "Second"], n_boot=100).iloc[0]["outlet_a"] == "Small"
    with pytest.raises(InputError, match="compare_outlets"):
        view.outlet_difference(["Big", "Nowhere"])

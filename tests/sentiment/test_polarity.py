"""Tests for analysis.sentiment.polarity: one labelling rule, scores and labels that never contradict."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.sentiment.polarity import BAND, label_from_score, labels_from_scores, lead_scores


class TestLeadScores:
    @pytest.mark.parametrize("probs, score, label", [
        # the two rows a user found: p_pos - p_neg was +0.39 beside "neutral" and +0.09 beside "positive"
        ((0.05, 0.51, 0.44), 0.0, "neutral"),       # neutral most probable: score 0
        ((0.30, 0.31, 0.39), 0.08, "positive"),     # positive leads the runner-up (neutral 0.31) by 0.08
        ((0.10, 0.20, 0.70), 0.50, "positive"),     # 0.70 - 0.20
        ((0.60, 0.30, 0.10), -0.30, "negative"),    # -(0.60 - 0.30)
        ((0.45, 0.10, 0.45), 0.0, "neutral"),       # a tie between the polar classes: no lead
        ((0.36, 0.33, 0.31), -0.03, "neutral"),     # negative most probable but by less than the band
        ((0.0, 0.0, 1.0), 1.0, "positive"),
        ((1.0, 0.0, 0.0), -1.0, "negative"),
    ])
    def test_hand_made_triples(self, probs, score, label):
        s = lead_scores(np.array([probs]))
        assert s[0] == pytest.approx(score, abs=1e-12)
        assert labels_from_scores(s)[0] == label == label_from_score(s[0])

    def test_never_contradicts_on_random_triples(self):
        p = np.random.default_rng(0).dirichlet([0.7, 0.7, 0.7], size=20_000)
        s = lead_scores(p)
        lab = labels_from_scores(s)
        assert (s[lab == "positive"] >= BAND).all() and (s[lab == "negative"] <= -BAND).all()
        assert (np.abs(s[lab == "neutral"]) < BAND).all()
        # the label is the most probable class unless a polar class leads by less than the band
        top = np.asarray(["negative", "neutral", "positive"], dtype=object)[p.argmax(axis=1)]
        second = np.sort(p, axis=1)[:, 1]
        close = (top != "neutral") & (p.max(axis=1) - second < BAND)
        assert (lab[~close] == top[~close]).all() and (lab[close] == "neutral").all()
        # at band 0 the label is exactly the most probable class
        assert (labels_from_scores(s, 0.0) == top).all()

    def test_continuous_across_class_boundaries(self):
        # neutral and positive swap places at p_neu == p_pos: the score goes to 0 from both sides
        eps = 1e-9
        a, b = lead_scores(np.array([[0.2, 0.4 + eps, 0.4 - eps], [0.2, 0.4 - eps, 0.4 + eps]]))
        assert abs(a - b) < 1e-8


class TestLabels:
    def test_cut_at_band(self):
        s = np.array([0.05, 0.0499, -0.05, -0.0499, 0.0, np.nan, 1.0])
        assert labels_from_scores(s).tolist() == ["positive", "neutral", "negative", "neutral", "neutral",
                                                  "neutral", "positive"]

    def test_band_zero_is_the_sign(self):
        assert labels_from_scores(np.array([1e-9, 0.0, -1e-9]), 0.0).tolist() == ["positive", "neutral", "negative"]

    @pytest.mark.parametrize("band", [-0.1, 1.0])
    def test_bad_band(self, band):
        with pytest.raises(ValueError, match="neutral_band"):
            labels_from_scores(np.array([0.2]), band)

"""Keyness: G², χ², p and log ratio by hand, from count mappings, term tables, actors and groups.

Fixtures: two short literal articles (:mod:`term_fixtures`); every expected value below is
counted by hand from the token list written out in the docstring of :func:`term_fixtures.tables`.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.terms.counts import term_frequencies
from analysis.terms.keyness import actor_keyness, group_keyness, keyness, keyness_columns
from term_fixtures import ARTICLES, row, tables  # noqa: F401 (fixture)


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
        # a zero count: epsilon = 0.5 / max(100, 100) added to both relative frequencies
        assert result.loc["a", "log_ratio"] == pytest.approx(math.log2((0 + 0.005) / (8 / 100 + 0.005)))  # -4.09
        assert result.loc["a", "direction"] == "reference"
        # G2 with an empty cell: 0 * ln 0 = 0
        e = 8 * 100 / 200
        expected = 2 * (8 * math.log(8 / e) + 100 * math.log(100 / (100 - e)) + 92 * math.log(92 / (100 - e)))
        assert result.loc["a", "g2"] == pytest.approx(expected)

    def test_zero_target_count_in_a_small_target_is_negative(self):
        # The reproduction of issue 19: 0 of 227,452 target words vs 1 of 1,622,858 reference words.
        # Replacing only the zero by 0.5 gave log2((0.5 / 227452) / (1 / 1622858)) = +1.83.
        result = keyness({"w": 0, "z": 10}, {"w": 1, "z": 10}, total_target=227452,
                         total_reference=1622858).set_index("term")
        epsilon = 0.5 / 1622858
        assert result.loc["w", "log_ratio"] == pytest.approx(math.log2(epsilon / (1 / 1622858 + epsilon)))
        assert result.loc["w", "log_ratio"] < 0 and result.loc["w", "direction"] == "reference"

    @settings(max_examples=300, deadline=None)
    @given(a=st.integers(0, 10**6), b=st.integers(0, 10**6), extra_c=st.integers(0, 10**7),
           extra_d=st.integers(0, 10**7))
    def test_log_ratio_sign_follows_direction_and_relative_frequencies(self, a, b, extra_c, extra_d):
        assume(a + b > 0)
        c, d = a + extra_c + 1, b + extra_d + 1
        result = keyness({"t": a}, {"t": b}, total_target=c, total_reference=d).iloc[0]
        difference = a * d - b * c          # sign of a/c - b/d, in integers
        sign = (difference > 0) - (difference < 0)
        assert {1: "target", -1: "reference", 0: "none"}[sign] == result["direction"]
        assert math.isfinite(result["log_ratio"])
        ratio = float(result["log_ratio"])
        assert (ratio > 0) - (ratio < 0) == sign

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
        epsilon = 0.5 / 18     # a zero count: 0.5 / max(10, 18) added to both relative frequencies
        assert west["log_ratio"] == pytest.approx(math.log2((2 / 10 + epsilon) / (0 + epsilon)))
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

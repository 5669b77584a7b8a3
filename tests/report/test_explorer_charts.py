"""The explorer's HTML charts: bar lengths and interval positions computed by hand, text escaped."""

from __future__ import annotations

import re

import pandas as pd

from analysis.report.explorer_charts import (NEUTRAL, frame_shares_html, legend_html, term_bars_html,
                                             tone_intervals_html)

CONTEXT = pd.DataFrame({"actor_id": ["a", "a", "b", "c"], "term": ["war", "<script>", "talks", "gas"],
                        "rank": [1, 2, 1, 1], "per_10k": [20.0, 10.0, 5.0, 40.0]})
TONE = pd.DataFrame({"actor_id": ["b", "a"], "n_mentions": [1200, 7], "n_articles": [300, 5],
                     "mean": [0.1, -0.2], "ci_low": [0.0, -0.3], "ci_high": [0.3, -0.1],
                     "share_negative": [0.1, 0.6], "share_neutral": [0.5, 0.3], "share_positive": [0.4, 0.1]})


def widths(markup: str, kind: str) -> list[str]:
    return re.findall(rf"class='{kind}' style='(?:left:[\d.]+%;)?width:([\d.]+%)", markup)


class TestTermBars:
    def test_one_block_per_chosen_actor_with_one_scale(self):
        markup = term_bars_html(CONTEXT, actors=["b", "a", "nobody"], top_n=5, colours={"a": "#ff0000"},
                                labels={"a": "Actor <A&>"}, caption="per 10,000 words")
        assert markup.index("talks") < markup.index("war")  # blocks in the order chosen; c not chosen
        assert "gas" not in markup
        assert widths(markup, "bar") == ["25.0%", "100.0%", "50.0%"]  # 5, 20, 10 over the largest shown, 20
        assert "Actor &lt;A&amp;&gt;" in markup and "&lt;script&gt;" in markup and "<script>" not in markup
        assert f"color:{NEUTRAL}" in markup and "background:#ff0000" in markup
        assert ">20.0</td>" in markup and "per 10,000 words" in markup

    def test_top_n_and_nothing_to_show(self):
        assert widths(term_bars_html(CONTEXT, actors=["a"], top_n=1, colours={}, labels={}), "bar") == ["100.0%"]
        assert "No context words" in term_bars_html(CONTEXT, actors=["nobody"], top_n=5, colours={}, labels={})
        assert "No context words" in term_bars_html(CONTEXT.head(0), actors=["a"], top_n=5, colours={}, labels={})


class TestToneIntervals:
    def test_rows_sorted_by_mean_on_one_scale(self):
        markup = tone_intervals_html(TONE, colours={"a": "red", "b": "not a colour;}"}, labels={"b": "B & co"})
        assert markup.index(">a<") < markup.index("B &amp; co")  # a (-0.2) above b (+0.1)
        # scale -0.35 ... +0.35: zero at 50%; a's interval -0.3..-0.1 from 7.1% over 28.6%, its mean at 21.4%
        assert "-0.35 … +0.35" in markup and "class='zero' style='left:50.0%'" in markup
        assert "class='interval' style='left:7.1%;width:28.6%;background:#ff0000'" in markup
        assert "class='dot' style='left:21.4%;background:#ff0000'" in markup
        assert f"background:{NEUTRAL}" in markup and "not a colour" not in markup  # only #rrggbb reaches a style
        assert "[-0.300, -0.100]" in markup and ">1,200<" in markup and "60% / 30% / 10%" in markup

    def test_the_scale_covers_at_least_minus_to_plus_one_tenth(self):
        narrow = TONE.assign(mean=[0.01, 0.0], ci_low=[0.0, -0.01], ci_high=[0.02, 0.01])
        assert "-0.10 … +0.10" in tone_intervals_html(narrow, colours={}, labels={})
        assert "No scored mentions" in tone_intervals_html(TONE.head(0), colours={}, labels={})


class TestFrameShares:
    FRAMES = pd.DataFrame({"actor_id": ["b", "b", "a", "a"], "frame": ["conflict", "economic_consequences",
                                                                        "economic_consequences", "conflict"],
                           "share": [0.25, 1.0, 0.0, 0.5]})

    def test_actors_by_frames_shaded_from_zero_to_the_largest_share(self):
        markup = frame_shares_html(self.FRAMES, labels={"a": "<A>"}, caption="share of sentences")
        assert markup.index("<th>conflict</th>") < markup.index("<th>economic consequences</th>")
        assert markup.index(">b<") < markup.index("&lt;A&gt;")  # rows in the table's order
        cells = re.findall(r"background:(#\w{6});color:(#\w{6})'>([\d.]+)<", markup)
        # Blues at 1.0 is #08306b (white text), at 0 #f7fbff (dark text)
        assert cells[0][2] == "0.25" and cells[1] == ("#08306b", "#ffffff", "1.00")
        assert cells[2][2] == "0.50" and cells[3] == ("#f7fbff", "#222222", "0.00")

    def test_nothing_to_shade(self):
        assert "No sentences" in frame_shares_html(self.FRAMES.assign(share=0.0), labels={})
        assert "No sentences" in frame_shares_html(self.FRAMES.head(0), labels={})


def test_legend_names_each_actor_in_its_colour():
    markup = legend_html(["a", "b"], colours={"a": "#ff0000"}, labels={"b": "<B>"}, caption="Share & more")
    assert re.findall(r"background:(#\w{6})'></span>([^<]*)<", markup) == [("#ff0000", "a"), (NEUTRAL, "&lt;B&gt;")]
    assert "Share &amp; more" in markup

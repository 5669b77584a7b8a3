"""Tests for analysis.sentiment.vader: the fast VADER equals NLTK's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analysis.sentiment.vader import FastVader, nltk_analyzer

from analysis.paths import SHARED

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

"""Tone per article × actor: the fixed rule (margin of 2 mentions and a third of them)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.sentiment.article_tone import ARTICLE_TONE_COLUMNS, article_tone


def scores(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article_id", "actor_id", "score", "label"])


def test_rule_cases():
    table = article_tone(scores([
        ("a1", "putin", -0.6, "negative"), ("a1", "putin", -0.4, "negative"), ("a1", "putin", 0.0, "neutral"),
        ("a1", "biden", -0.5, "negative"),                                           # one in passing
        ("a2", "putin", -0.5, "negative"), ("a2", "putin", -0.5, "negative"), ("a2", "putin", -0.5, "negative"),
        ("a2", "putin", 0.5, "positive"), ("a2", "putin", 0.4, "positive"),          # 3 v 2: no margin
        ("a2", "nato", 0.3, "positive"), ("a2", "nato", 0.3, "positive"),
        *[("a2", "nato", 0.0, "neutral")] * 5,                                       # 2 of 7 < 1/3
        ("a3", "nato", 0.2, "positive"), ("a3", "nato", 0.3, "positive"), ("a3", "nato", 0.0, "neutral"),
        ("a3", "kirby", 0.0, "neutral"), ("a3", "kirby", float("nan"), "neutral"),   # unscored: left out
    ]))
    assert list(table.columns) == ARTICLE_TONE_COLUMNS
    got = table[["article_id", "actor_id", "n_mentions", "n_negative", "n_neutral", "n_positive", "label",
                 "rule"]].values.tolist()
    assert got == [["a1", "biden", 1, 1, 0, 0, "neutral", "no margin"],
                   ["a1", "putin", 3, 2, 1, 0, "negative", "margin"],
                   ["a2", "nato", 7, 0, 5, 2, "neutral", "no margin"],
                   ["a2", "putin", 5, 3, 0, 2, "neutral", "no margin"],
                   ["a3", "kirby", 1, 0, 1, 0, "neutral", "all neutral"],
                   ["a3", "nato", 3, 0, 1, 2, "positive", "margin"]]
    assert table["mean_score"].tolist() == pytest.approx([-0.5, -1 / 3, 0.6 / 7, -0.12, 0.0, 0.5 / 3])


def test_empty_and_missing_columns():
    empty = article_tone(scores([]))
    assert list(empty.columns) == ARTICLE_TONE_COLUMNS and empty.empty
    with pytest.raises(KeyError, match="label"):
        article_tone(pd.DataFrame({"article_id": [], "actor_id": [], "score": []}))


def test_stance_counts_and_shares():
    from analysis.sentiment.article_tone import STANCE_COLUMNS, article_stance

    table = pd.DataFrame({"article_id": ["a1", "a2", "a3", "a1"], "actor_id": ["putin", "putin", "putin", "nato"],
                          "label": ["negative", "negative", "neutral", "positive"]})
    out = article_stance(table)
    assert list(out.columns) == ["actor_id", *STANCE_COLUMNS]
    assert out.values.tolist() == [["nato", 1, 0, 0, 1, 0.0, 0.0, 1.0], ["putin", 3, 2, 1, 0, 2 / 3, 1 / 3, 0.0]]
    assert article_stance(table.iloc[:0]).empty

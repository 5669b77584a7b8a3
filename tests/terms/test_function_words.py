"""News function words: a documented list, left out of the charted terms by default."""

from __future__ import annotations

import pandas as pd

from analysis.terms.function_words import chart_terms, news_function_words


def test_the_list_holds_what_news_overuses_and_no_topic_words():
    words = news_function_words()
    assert {"said", "would", "also", "one", "told", "according", "thursday"} <= words
    assert not {"ukraine", "russia", "war", "sanctions", "us", "claimed", "new"} & words


def test_chart_terms_skip_function_words_unless_asked():
    freqs = pd.DataFrame({"term": ["said", "ukraine", "would", "russia", "also", "war", "the west"],
                          "n": [1, 1, 1, 1, 1, 1, 2], "rank": [1, 2, 3, 4, 5, 6, 1]})
    assert chart_terms(freqs, top_n=3) == ["ukraine", "russia", "war"]
    assert chart_terms(freqs, top_n=3, drop_function_words=False) == ["said", "ukraine", "would"]

"""News function words, and the terms worth charting once they are left out.

Counts of news text are topped by words that every outlet and every week uses alike:
reporting verbs ("said", "told", "according"), modal verbs ("would", "could"), number
words ("one", "two"), discourse adverbs ("also", "even") and dateline words ("Thursday").
General stop word lists (NLTK's, ``resources/stopwords_en.txt``) do not hold them, so a
comparison of outlets or a trend chart of "the most frequent words" shows "said" and
"would". :func:`news_function_words` reads the documented list in
``resources/news_function_words.txt``; :func:`chart_terms` picks the most frequent terms
without them, for the charts that compare groups or periods (term tables, keyness and
collocations keep every word).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from analysis.paths import RESOURCES

FUNCTION_WORDS_FILE = RESOURCES / "news_function_words.txt"


@lru_cache(maxsize=1)
def news_function_words() -> frozenset[str]:
    """The news function words (lower case) of ``resources/news_function_words.txt``."""
    lines = FUNCTION_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def chart_terms(freqs: pd.DataFrame, *, top_n: int = 15, drop_function_words: bool = True) -> list[str]:
    """The ``top_n`` most frequent unigrams of ``freqs``, without news function words unless asked.

    ``freqs``: :func:`analysis.terms.counts.term_frequencies` without grouping (give it
    more than ``top_n`` rows, e.g. no ``top_n``, so that terms remain after the filter).
    Order: rank, then term.
    """
    words = freqs[freqs["n"] == 1] if "n" in freqs else freqs
    words = words.sort_values(["rank", "term"], kind="stable")
    if drop_function_words:
        words = words[~words["term"].str.lower().isin(news_function_words())]
    return words["term"].head(top_n).tolist()

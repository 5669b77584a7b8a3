"""A 20-outlet corpus built from the shared Q1 corpus: real texts, outlets relabelled into twenty long names.

Written into a test's temporary folder only (the texts are never part of the repository);
:func:`twenty_outlet_corpus` skips the test when ``../shared`` is absent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conftest import require_shared

#: Twenty outlet names, some long, in the order articles are dealt to them.
OUTLETS = ("New York Times International Edition", "ABC News", "BBC", "The Guardian", "RT", "Fox News",
           "Daily Mirror", "HuffPost", "CNN", "CBS News", "Daily Express", "Al Jazeera English", "Reuters",
           "Associated Press", "The Washington Post", "Frankfurter Allgemeine Zeitung", "Le Monde",
           "South China Morning Post", "The Times of India", "Kyiv Independent")


def twenty_outlet_corpus(folder: Path, *, n_articles: int = 200, text_column: str = "text", seed: int = 0) -> Path:
    """``n_articles`` Q1 articles (a seeded sample, in date order) dealt round-robin to :data:`OUTLETS`, as a CSV.

    ``text_column`` renames the text column (e.g. ``"story"``, which needs ``--column text=story``).
    """
    source = require_shared("data", "ukraine_media_2022q1", "articles.csv")
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    sample = frame.sample(n=min(n_articles, len(frame)), random_state=seed).sort_values(["date", "doc_id"])
    sample = sample.assign(outlet=[OUTLETS[i % len(OUTLETS)] for i in range(len(sample))])
    sample = sample[["doc_id", "date", "outlet", "title", "url", "text"]].rename(columns={"text": text_column})
    path = folder / "twenty-outlets.csv"
    sample.to_csv(path, index=False)
    return path

"""What the tests of :mod:`analysis.terms` count by hand: two short literal articles, their tables.

The articles are annotated by :func:`analysis.annotate.pipeline.annotate_article` with a small
codebook (Scholz is never mentioned); every expected value in ``tests/terms`` is counted by
hand from the token list written out in the docstring of :func:`tables`. Test modules import
``tables`` (a fixture), ``ARTICLES``, ``CODEBOOK`` and ``row`` from here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.annotate.pipeline import annotate_article, concat_tables
from analysis.corpus.codebook import parse_codebook

CODEBOOK = parse_codebook("""
actors:
  - id: putin
    label: Vladimir Putin
    type: person
    gender: male
    colour: "#8c2d04"
    aliases: [Vladimir Putin, Putin]
  - id: russia
    label: Russia
    type: country
    colour: "#d62728"
    aliases: [Russia]
    demonyms: [Russian]
  - id: biden
    label: Joe Biden
    type: person
    aliases: [Joe Biden, Biden]
  - id: scholz
    label: Olaf Scholz
    type: person
    aliases: [Olaf Scholz, Scholz]
""")
ARTICLES = pd.DataFrame({
    "article_id": ["a1", "a2"],
    "date": pd.to_datetime(["2022-02-01", "2022-02-08"]),
    "outlet": ["ABC", "CNN"],
    "title": ["Putin warns the West", "Sanctions bite"],
    "text": ["Russian President Vladimir Putin warned the West on Monday. "
             "Sanctions will hurt Russia, the secretary of state said.\n\nNew sanctions followed.",
             "Biden said sanctions work. Putin, however, disagreed."],
})


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """Tokens (sentence: tokens; * = stop word):

    a1 s0: Putin warns the* West          s1: Russian President Vladimir Putin warned the* West on* Monday .
    a1 s2: Sanctions will* hurt Russia , the* secretary of* state said .     s3: New sanctions followed .
    a2 s0: Sanctions bite    s1: Biden said sanctions work .    s2: Putin , however , disagreed .

    Words: a1 25, a2 9, corpus 34. Putin mentions: a1 "Putin" (s0), "Russian President
    Vladimir Putin" (s1, one title mention), a2 "Putin" (s2).
    """
    records = ARTICLES[["article_id", "title", "text"]].to_dict("records")
    return concat_tables([annotate_article(record, CODEBOOK) for record in records])


def row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, f"expected one row for {where}, got {mask.sum()}"
    return frame[mask].iloc[0]

"""The notebook workspace: one call opens corpus, codebook and cached annotations."""

from __future__ import annotations

import os
import shutil

import pytest

from analysis.paths import PROJ_ROOT
from analysis.annotate.workspace import open_workspace


def test_seed_workspace():
    ws = open_workspace()
    assert sorted(ws.annotations.tables) == ["article_tone", "frames", "labels", "mention_sentiment", "mentions",
                                             "quotes", "roles", "sentence_sentiment", "sentences", "tokens"]
    # the seed article's stance toward Biden (5 mentions) and NATO (8), by the fixed article rule
    stance = ws.table("article_tone").set_index("actor_id")
    assert stance.loc["biden", "n_mentions"] == 5 and stance["n_mentions"].sum() == len(ws.table("mentions"))
    assert ws.most_mentioned(3) == ["united_states", "nato", "biden"]   # Biden 5 = Russia 5: codebook order
    assert ws.actors(["putin"]) == ["putin"] and ws.actors() == ws.codebook.ids
    with pytest.raises(ValueError, match="not in codebook"):
        ws.actors(["nobody"])
    assert ws.summary().startswith("**1 article(s)** from **1 outlet(s)** (ABC News: 1), 2022-02-02 to 2022-02-02")


def test_reopening_the_same_inputs_reuses_the_workspace(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(PROJ_ROOT / "seeds", corpus, ignore=shutil.ignore_patterns("*.yaml"))
    first = open_workspace(corpus=corpus, layers=())
    assert open_workspace(corpus=corpus, layers=()) is first
    assert open_workspace(corpus=corpus, layers=("frames",)) is not first
    article = next(corpus.glob("*.txt"))
    article.write_text(article.read_text() + "\nPutin spoke again.\n")
    os.utime(article, ns=(1, 1))
    changed = open_workspace(corpus=corpus, layers=())
    assert changed is not first
    assert len(changed.table("mentions")) == len(first.table("mentions")) + 1


def test_candidate_names_are_cached_by_the_articles_alone(tmp_path, monkeypatch, capsys):
    """Found once per corpus (any codebook), read back the same; a damaged entry is rebuilt; cache=False writes none."""
    from analysis.corpus import candidates as module
    from analysis.corpus.candidates import candidate_actors

    corpus = tmp_path / "corpus"
    shutil.copytree(PROJ_ROOT / "seeds", corpus, ignore=shutil.ignore_patterns("*.yaml"))
    article = next(corpus.glob("*.txt"))
    article.write_text(article.read_text() + "\nVictoria Nuland said so. Nuland said it again. Ms. Nuland left.\n")
    ws = open_workspace(corpus=corpus, layers=(), cache=tmp_path / "cache")
    expected = candidate_actors(ws.articles, ws.codebook, min_count=3, min_articles=1, top_n=20)
    assert "Victoria Nuland" in expected["candidate"].tolist()
    assert ws.candidates(top_n=20).equals(expected)
    (entry,) = (tmp_path / "cache" / "candidates").iterdir()

    def fail(*args, **kwargs):
        raise AssertionError("searched again instead of reading the cache")

    monkeypatch.setattr(module, "discover_unlabelled", fail)
    assert ws.candidates(top_n=20).equals(expected)  # read back, the same table
    (entry / "candidates.parquet").write_bytes(b"torn")
    monkeypatch.undo()
    assert ws.candidates(top_n=20).equals(expected)
    assert "discarded a damaged annotation cache entry" in capsys.readouterr().err
    monkeypatch.setattr("analysis.annotate.cache.write_entry", fail)  # cache=False: nothing written
    uncached = open_workspace(corpus=corpus, layers=(), cache=False)
    assert uncached.candidates(top_n=20).equals(expected)

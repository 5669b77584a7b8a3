"""Engines and partitioned datasets: serial, processes and Dask give identical tables."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.annotate.pipeline import annotate_corpus
from analysis.corpus.codebook import load_codebook
from analysis.corpus.reader import read_corpus
from analysis.annotate.dataset import Dataset, annotate_dataset
from analysis.framing.partitioned import partitioned_salience
from analysis.terms.partitioned import partitioned_term_counts
from analysis.annotate.engines import collector_paused, run_tasks
from analysis.errors import InputError
from analysis.paths import DEFAULT_CODEBOOK, PROJ_ROOT, Q1_CORPUS
from analysis.framing.salience import actor_salience
from conftest import require_shared


def test_collector_paused_restores_the_collector_state():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("a batch that fails")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a caller's own choice is left as it was
    finally:
        gc.enable()


def _square(x: int) -> int:
    return x * x


def _die_once(marker: str, value: int) -> int:
    """Kill this worker process the first time it runs value 3 (a worker lost mid-run)."""
    if value == 3 and not Path(marker).exists():
        Path(marker).write_text("killed")
        os._exit(1)
    return value * 10


def q1_sample(tmp_path: Path, n: int = 150) -> Path:
    require_shared("data", "ukraine_media_2022q1", "articles.csv")
    articles = pd.read_csv(Q1_CORPUS, dtype=str, keep_default_na=False)
    path = tmp_path / "sample.csv"
    articles.iloc[::len(articles) // n][:n].to_csv(path, index=False)
    return path


def test_run_tasks_keeps_task_order():
    tasks = [(i,) for i in range(7)]
    assert run_tasks(_square, iter(tasks)) == [0, 1, 4, 9, 16, 25, 36]
    assert run_tasks(_square, iter(tasks), engine="processes", workers=2, in_flight=2) == [0, 1, 4, 9, 16, 25, 36]


@pytest.mark.slow
def test_dask_worker_killed_mid_run_loses_nothing(tmp_path):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    marker = str(tmp_path / "killed")
    results = run_tasks(_die_once, [(marker, i) for i in range(8)], engine="dask", workers=2)
    assert Path(marker).exists(), "a worker was killed"
    assert results == [i * 10 for i in range(8)]


@pytest.mark.slow
def test_engines_give_identical_tables_on_seeds_and_q1_sample(tmp_path):
    codebook = load_codebook(DEFAULT_CODEBOOK)
    for corpus in (PROJ_ROOT / "seeds", q1_sample(tmp_path)):
        articles = read_corpus(corpus).articles
        serial = annotate_corpus(articles, codebook, cache=False, progress=False)
        for engine in ("processes", "dask"):
            other = annotate_corpus(articles, codebook, cache=False, progress=False, engine=engine, workers=2)
            for name in serial.tables:
                pd.testing.assert_frame_equal(serial.tables[name], other.tables[name])


@pytest.mark.slow
def test_partitioned_dataset_equals_in_memory(tmp_path):
    corpus = q1_sample(tmp_path)
    codebook = load_codebook(DEFAULT_CODEBOOK)
    serial = annotate_dataset(corpus, codebook, tmp_path / "serial", chunk_size=40, progress=False)
    on_dask = annotate_dataset(corpus, codebook, tmp_path / "dask", chunk_size=40, engine="dask", workers=2,
                               progress=False)
    assert serial.manifest["partitions"] == 4
    for table in ("articles", "sentences", "tokens", "mentions"):
        pd.testing.assert_frame_equal(serial.read(table), on_dask.read(table))
    # measured from partitions, equal to the in-memory measure
    articles = read_corpus(corpus).articles
    tables = annotate_corpus(articles, codebook, cache=False, progress=False).tables
    expected = actor_salience(tables["mentions"], tables["sentences"], articles, by=["outlet"],
                              actors=codebook.ids)
    got = partitioned_salience(serial, actors=codebook.ids, by=["outlet"])
    pd.testing.assert_frame_equal(expected, got, check_dtype=False)
    counts = partitioned_term_counts(serial)
    words = tables["tokens"][tables["tokens"]["is_word"] & ~tables["tokens"]["is_stop"]]
    assert counts.set_index("term").loc["ukraine", "count"] == (words["lower"] == "ukraine").sum()
    assert len(serial.dask("mentions").compute()) == len(tables["mentions"])


def test_dataset_never_overwrites(tmp_path):
    codebook = load_codebook(DEFAULT_CODEBOOK)
    out = tmp_path / "ds"
    annotate_dataset(PROJ_ROOT / "seeds", codebook, out, progress=False)
    with pytest.raises(InputError, match="a new folder"):
        annotate_dataset(PROJ_ROOT / "seeds", codebook, out, progress=False)
    assert Dataset(out).manifest["rows"]["mentions"] == 44
    with pytest.raises(InputError, match="complete dataset"):
        Dataset(tmp_path)


@pytest.mark.slow
def test_partitioned_frames_and_tone_equal_in_memory(tmp_path):
    from analysis.annotate.pipeline import LAYERS, Settings
    from analysis.framing.partitioned import partitioned_frame_shares
    from analysis.sentiment.partitioned import partitioned_tone
    from analysis.framing.frames import actor_frames

    corpus = q1_sample(tmp_path, n=60)
    codebook = load_codebook(DEFAULT_CODEBOOK)
    settings = Settings(layers=tuple(LAYERS))
    dataset = annotate_dataset(corpus, codebook, tmp_path / "ds", settings=settings, chunk_size=25, progress=False)
    assert dataset.manifest["partitions"] == 3
    frames, mentions = dataset.read("frames"), dataset.read("mentions")
    expected = actor_frames(frames, mentions)
    expected = expected[expected["sentences_with_frame"] > 0].set_index(["actor_id", "scheme", "frame"])
    got = partitioned_frame_shares(dataset).set_index(["actor_id", "scheme", "frame"])
    assert sorted(got.index) == sorted(expected.index)
    assert (got.loc[expected.index, "share"] - expected["share"]).abs().max() < 1e-12
    tone = partitioned_tone(dataset).set_index("actor_id")
    scores = dataset.read("mention_sentiment").groupby("actor_id")["score"]
    assert (tone["mean"] - scores.mean()).abs().max() < 1e-12
    assert (tone["n_mentions"] == scores.size()).all()
    # the cluster-robust interval, computed here from the mentions: SE = sqrt(k/(k-1) Σ(s_j - r n_j)²) / Σn_j
    table = dataset.read("mention_sentiment")
    for actor in ("putin", "biden"):
        per_article = table[table["actor_id"] == actor].groupby("article_id")["score"].agg(["sum", "size"])
        r, k = per_article["sum"].sum() / per_article["size"].sum(), len(per_article)
        se = (k / (k - 1) * ((per_article["sum"] - r * per_article["size"]) ** 2).sum()) ** 0.5 / per_article["size"].sum()
        assert tone.loc[actor, "n_articles"] == k
        assert tone.loc[actor, "ci_high"] - tone.loc[actor, "mean"] == pytest.approx(1.96 * se, rel=1e-9)

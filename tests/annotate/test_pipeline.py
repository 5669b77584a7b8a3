"""Annotation: pure per-article tables, cache round trip, engines agree."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.annotate.pipeline import Settings, annotate_article, annotate_corpus, corpus_key
from analysis.corpus.reader import articles_frame, document_text


def articles() -> pd.DataFrame:
    return articles_frame([
        {"article_id": f"a{i}", "date": f"2022-02-0{i + 1}", "outlet": "X", "title": f"Putin {i}",
         "text": f"Putin said {i} things. NATO answered.\n\nRussia, he added.", "url": "", "source": f"t:{i}"}
        for i in range(5)])


def test_tables_and_offsets(tiny_codebook):
    record = articles().iloc[0].to_dict()
    tables = annotate_article(record, tiny_codebook)
    doc = document_text(record["title"], record["text"])
    for name in ("sentences", "tokens", "mentions"):
        frame = tables[name]
        text_column = "surface" if name == "mentions" else "text"
        assert all(doc[s:e] == t for s, e, t in frame[["start", "end", text_column]].itertuples(index=False))
    assert tables["sentences"]["text"].tolist() == ["Putin 0", "Putin said 0 things.", "NATO answered.",
                                                    "Russia, he added."]
    # "he added" is not after a quote, and Putin is two sentences back: no antecedent (rule 10)
    assert tables["mentions"]["actor_id"].tolist() == ["putin", "putin", "nato", "russia"]
    assert tables["tokens"].groupby("sentence_id").size().tolist() == [2, 5, 3, 5]


def test_pure_same_input_same_output(tiny_codebook):
    record = articles().iloc[1].to_dict()
    first, second = annotate_article(record, tiny_codebook), annotate_article(record, tiny_codebook)
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])


def test_cache_round_trip(tmp_path, tiny_codebook):
    data = articles()
    fresh = annotate_corpus(data, tiny_codebook, cache=tmp_path, progress=False)
    assert (tmp_path / "annotations" / fresh.key / "manifest.json").exists()
    cached = annotate_corpus(data, tiny_codebook, cache=tmp_path, progress=False)
    for name in fresh.tables:
        pd.testing.assert_frame_equal(fresh.tables[name], cached.tables[name])


def test_cache_key_follows_content_and_settings(tiny_codebook):
    data = articles()
    key = corpus_key(data, tiny_codebook, Settings())
    changed = data.copy()
    changed.loc[0, "text"] = changed.loc[0, "text"] + " More."
    assert corpus_key(changed, tiny_codebook, Settings()) != key
    assert corpus_key(data, tiny_codebook, Settings(stem=True)) != key
    assert corpus_key(data, tiny_codebook, Settings()) == key


@pytest.mark.slow
def test_process_engine_equals_serial(tiny_codebook):
    data = pd.concat([articles()] * 60, ignore_index=True)
    data["article_id"] = [f"id{i:04d}" for i in range(len(data))]
    serial = annotate_corpus(data, tiny_codebook, cache=False, progress=False)
    parallel = annotate_corpus(data, tiny_codebook, cache=False, progress=False, engine="processes", workers=2)
    for name in serial.tables:
        pd.testing.assert_frame_equal(serial.tables[name], parallel.tables[name])


def test_unknown_engine_and_layer(tiny_codebook):
    with pytest.raises(ValueError, match="unknown engine"):
        annotate_corpus(articles(), tiny_codebook, cache=False, progress=False, engine="spark")
    with pytest.raises(ValueError, match="unknown annotation layer"):
        annotate_article(articles().iloc[0].to_dict(), tiny_codebook, settings=Settings(layers=("nope",)))

"""The layered annotation cache: a codebook edit reuses the text layer and untouched articles' rows.

Every test compares the tables of the cached run with a cold run (``cache=False``) on the
same inputs: reuse must never change a number.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis.annotate import text_layer
from analysis.annotate.pipeline import LAYERS, Settings, annotate_corpus
from analysis.corpus.codebook import parse_codebook
from analysis.corpus.reader import articles_frame
from conftest import TINY_CODEBOOK

ALL = Settings(layers=tuple(LAYERS))
KULEBA = """
  - id: kuleba
    label: Dmytro Kuleba
    type: person
    gender: male
    aliases: [Dmytro Kuleba, Kuleba]
  - id: ukraine
    label: Ukraine
    type: country
    aliases: [Ukraine]
"""
TEXTS = [
    'Putin said Russia would respond. "We will not wait," he added. NATO answered on Monday.',
    "Dmytro Kuleba, the Ukrainian foreign minister, said talks failed. Kuleba blamed Moscow.",
    "The Kremlin denied that Russian troops attacked. US officials said Russia invaded Ukraine.",
    "Kirby told reporters the U.S. would send troops, according to NATO. It was a sunny day.",
    "Markets fell. Oil prices rose sharply as traders worried about the war.",
]


def corpus() -> pd.DataFrame:
    return articles_frame([{"article_id": f"a{i}", "date": "2022-02-01", "outlet": "X", "title": f"Story {i}",
                            "text": text, "url": "", "source": f"t:{i}"} for i, text in enumerate(TEXTS)])


def codebook(extra: str = "", **replace: str):
    text = TINY_CODEBOOK + KULEBA + extra
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    return parse_codebook(text, source="edited.yaml")


def assert_same_as_cold(found, book, settings: Settings = ALL) -> None:
    cold = annotate_corpus(corpus(), book, settings=settings, cache=False, progress=False)
    assert list(found.tables) == list(cold.tables)
    for name in cold.tables:
        pd.testing.assert_frame_equal(found.tables[name], cold.tables[name], check_exact=True, obj=name)


@pytest.fixture
def calls(monkeypatch):
    """Counts of the text layer's calls and of the articles each mention layer was run on."""
    counted: Counter = Counter()
    text_tables = text_layer.text_tables

    def counting_text_tables(records, *args, **kwargs):
        counted["text_tables"] += 1
        return text_tables(records, *args, **kwargs)

    monkeypatch.setattr(text_layer, "text_tables", counting_text_tables)
    from analysis.framing import frames, quotes

    for module, name in ((frames, "annotate_frames"), (quotes, "annotate_quotes")):
        function = getattr(module, name)

        def counting(articles, tables, *args, _function=function, _name=name, **kwargs):
            counted[_name] += len(tables["tokens"]) if _name == "annotate_frames" else len(articles)
            return _function(articles, tables, *args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    return counted


def test_codebook_edit_reuses_the_text_layer_and_untouched_articles(tmp_path, calls):
    first = annotate_corpus(corpus(), codebook(), settings=ALL, cache=tmp_path, progress=False)
    assert calls["text_tables"] == 1 and calls["annotate_frames"] > 0 and calls["annotate_quotes"] == len(TEXTS)
    assert len(list((tmp_path / "text").iterdir())) == 1
    calls.clear()
    edited = codebook(**{"aliases: [NATO]": "aliases: [NATO, North Atlantic alliance]"})
    second = annotate_corpus(corpus(), edited, settings=ALL, cache=tmp_path, progress=False)
    assert second.key != first.key
    assert calls["text_tables"] == 0 and calls["annotate_frames"] == 0  # sentences, tokens, frames: reused
    assert calls["annotate_quotes"] == 0  # no article names the new alias: every mention row is reused
    assert_same_as_cold(second, edited)
    calls.clear()
    edited = codebook(**{"aliases: [NATO]": "aliases: [NATO, Markets]"})
    third = annotate_corpus(corpus(), edited, settings=ALL, cache=tmp_path, progress=False)
    assert calls["text_tables"] == 0 and calls["annotate_quotes"] == 1  # only article a4 names "Markets"
    assert (third.tables["mentions"]["surface"] == "Markets").sum() == 1
    assert_same_as_cold(third, edited)


@pytest.mark.parametrize("edit", [
    {"aliases: [Ukraine]": "aliases: [Ukraine, Ukrainian Republic]"},  # labels: "Ukrainian" now a name word
    {"aliases: [Dmytro Kuleba, Kuleba]": "aliases: [Dmytro Kuleba]"},  # "Kuleba blamed": no surname mention
    {"gender: male\n    aliases: [Vladimir Putin, Putin]": "gender: female\n    aliases: [Vladimir Putin, Putin]"},
    {"demonyms: [Russian, Russians]": "demonyms: []"},
])
def test_edits_give_the_tables_of_a_cold_run(tmp_path, edit):
    annotate_corpus(corpus(), codebook(), settings=ALL, cache=tmp_path, progress=False)
    edited = codebook(**edit)
    assert_same_as_cold(annotate_corpus(corpus(), edited, settings=ALL, cache=tmp_path, progress=False), edited)


def test_a_name_word_change_recomputes_the_labels_it_touches(tmp_path, calls):
    annotate_corpus(corpus(), codebook(), settings=ALL, cache=tmp_path, progress=False)
    calls.clear()
    edited = codebook(**{"aliases: [Ukraine]": "aliases: [Ukraine, Ukrainian Republic]"})
    found = annotate_corpus(corpus(), edited, settings=ALL, cache=tmp_path, progress=False)
    labels = found.tables["labels"]
    assert labels.loc[labels["article_id"] == "a1", "label"].tolist() == ["foreign minister"]
    assert calls["annotate_quotes"] == 0  # mentions unchanged: quotes reused, labels alone recomputed
    assert_same_as_cold(found, edited)


def test_settings_without_layers_and_a_hit(tmp_path, calls):
    settings = Settings()
    annotate_corpus(corpus(), codebook(), settings=settings, cache=tmp_path, progress=False)
    edited = codebook(**{"aliases: [NATO]": "aliases: [NATO, Markets]"})
    found = annotate_corpus(corpus(), edited, settings=settings, cache=tmp_path, progress=False)
    again = annotate_corpus(corpus(), edited, settings=settings, cache=tmp_path, progress=False)  # a hit
    assert again.key == found.key and calls["text_tables"] == 1
    assert_same_as_cold(found, edited, settings)
    assert_same_as_cold(again, edited, settings)


def _damage(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def test_a_damaged_text_entry_is_discarded_and_rebuilt(tmp_path, capsys, calls):
    annotate_corpus(corpus(), codebook(), settings=ALL, cache=tmp_path, progress=False)
    (entry,) = (tmp_path / "text").iterdir()
    _damage(entry / "tokens.parquet")
    capsys.readouterr()
    edited = codebook(**{"aliases: [NATO]": "aliases: [NATO, Markets]"})
    found = annotate_corpus(corpus(), edited, settings=ALL, cache=tmp_path, progress=False)
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and str(entry) in warnings[0] and "tokens.parquet unreadable" in warnings[0]
    assert calls["text_tables"] == 2  # rebuilt
    assert_same_as_cold(found, edited)
    assert "tokens.parquet" in {p.name for p in entry.iterdir()}  # the rebuilt entry is whole


def test_a_damaged_earlier_annotation_is_discarded_not_reused(tmp_path, capsys, calls):
    first = annotate_corpus(corpus(), codebook(), settings=ALL, cache=tmp_path, progress=False)
    entry = tmp_path / "annotations" / first.key
    (entry / "quotes.parquet").unlink()
    capsys.readouterr()
    calls.clear()
    edited = codebook(**{"aliases: [NATO]": "aliases: [NATO, Markets]"})
    found = annotate_corpus(corpus(), edited, settings=ALL, cache=tmp_path, progress=False)
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and str(entry) in warnings[0] and "quotes.parquet missing" in warnings[0]
    assert not entry.exists() and calls["text_tables"] == 0  # the text layer is still reused
    assert calls["annotate_quotes"] == len(TEXTS)  # nothing to reuse: every article's mention layers
    assert_same_as_cold(found, edited)

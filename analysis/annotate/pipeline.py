"""Annotation: one article in, tidy tables out; a corpus in, cached tables out.

:func:`annotate_article` is a pure function of (article, codebook, settings), so it
runs unchanged in a loop, a process pool or on a Dask cluster, and its output can be
cached by content. Tables (offsets point into :func:`analysis.corpus.reader.document_text`):

sentences
    ``article_id, sentence_id, paragraph_id, start, end, text, is_headline, is_lead``.
    Sentence 0 and paragraph 0 are the headline. The lead is the first
    ``settings.lead_sentences`` sentences of the body (paragraph markup differs by
    source, so the lead is counted in sentences, not paragraphs).
tokens
    ``article_id, sentence_id, token_id, start, end, text, lower, is_stop, is_word``
    (+ ``stem`` with ``settings.stem``). ``token_id`` counts within the article.
mentions
    ``article_id, mention_id, sentence_id, start, end, surface, actor_id, kind, in_quote``;
    see :mod:`analysis.corpus.mentions` for the counting rules.

Further layers add their own tables when named in ``settings.layers``; each is a
function registered in :data:`LAYERS`:

frames
    ``article_id, sentence_id, scheme, frame, hits, n_words, score`` (see :mod:`analysis.framing.frames`).
quotes
    direct, partial and indirect quotes with speaker, verb and verb class (see :mod:`analysis.framing.quotes`).
roles
    agent / patient roles of mentions with the rule and evidence sentence (see :mod:`analysis.framing.roles`).
labels
    titles, appositives and predicate nominals attached to actors, with who asserts them
    (see :mod:`analysis.framing.labels`; run after ``quotes`` so that it reuses the quotes table).
sentiment
    ``sentence_sentiment`` (VADER per sentence), ``mention_sentiment`` (target-dependent
    tone toward each mention), see :mod:`analysis.sentiment.tone`, and ``article_tone`` (one
    row per article × actor, :mod:`analysis.sentiment.article_tone`).

Each layer has a codebook-independent part (``Layer.text``: frames, sentence sentiment),
computed with sentences and tokens, and a part that depends on the mentions
(``Layer.mentions``: quotes, roles, labels, tone toward each mention). The corpus-level
cache (:mod:`analysis.annotate.cache`) keeps the text parts by text and settings only, so
a codebook edit recomputes only the mention parts, and of those only the rows of the
articles the edit touches (:mod:`analysis.annotate.reuse`).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.annotate import mention_layer, reuse, text_layer
from analysis.annotate import cache as caching
from analysis.annotate.cache import ANNOTATION_VERSION, BASE_TABLES, TEXT_TABLES, cache_problem
from analysis.annotate.engines import collector_paused, run_tasks
from analysis.corpus.codebook import Codebook
from analysis.errors import InputError, require_count
from analysis.paths import cache_dir
from analysis.store import read_tables

__all__ = ["ANNOTATION_VERSION", "Annotations", "LAYERS", "Layer", "Settings", "annotate_article", "annotate_corpus",
           "annotate_mentions", "annotate_records", "annotate_text", "cache_problem", "check_layers", "code_digest",
           "concat_tables", "corpus_key"]

SENTENCE_COLUMNS = text_layer.SENTENCE_COLUMNS
TOKEN_COLUMNS = text_layer.TOKEN_COLUMNS


@dataclass(frozen=True)
class Layer:
    """An optional annotation layer: its functions, named ``"module:function"`` and imported when asked for.

    Each function takes (articles: DataFrame of the batch, tables: dict of the tables so
    far, codebook, settings) and returns {table name: DataFrame}; rows depend only on their
    own article, so batches can be cut anywhere. ``text`` reads sentences and tokens only
    and gets no codebook (its tables are cached by text); ``mentions`` reads sentences,
    mentions and earlier mention tables. ``codebook_view`` (codebook -> JSON-able data)
    and ``codebook_touches`` (old view, new view -> a test ``(doc, mentions) -> bool`` or
    None) declare what of the codebook a mention part reads beyond the mentions.
    ``text_tables`` and ``mention_tables`` name the tables each part returns.
    """

    text: str = ""
    mentions: str = ""
    text_tables: tuple[str, ...] = ()
    mention_tables: tuple[str, ...] = ()
    codebook_view: str = ""
    codebook_touches: str = ""

    def modules(self) -> list[str]:
        return [name.partition(":")[0] for name in (self.text, self.mentions, self.codebook_view,
                                                     self.codebook_touches) if name]


#: Optional layers, by name (the order in which :data:`LAYERS` lists them is the default order).
LAYERS: dict[str, Layer] = {
    "frames": Layer(text="analysis.framing.frames:annotate_frames", text_tables=("frames",)),
    "quotes": Layer(mentions="analysis.framing.quotes:annotate_quotes", mention_tables=("quotes",)),
    "roles": Layer(mentions="analysis.framing.roles:annotate_roles", mention_tables=("roles",)),
    "labels": Layer(mentions="analysis.framing.labels:annotate_labels", mention_tables=("labels",),
                    codebook_view="analysis.framing.labels:codebook_view",
                    codebook_touches="analysis.framing.labels:codebook_touches"),
    "sentiment": Layer(text="analysis.sentiment.tone:annotate_sentence_sentiment",
                       text_tables=("sentence_sentiment",),
                       mentions="analysis.sentiment.tone:annotate_mention_sentiment",
                       mention_tables=("mention_sentiment", "article_tone")),
}

Engine = Literal["serial", "processes", "dask"]


@dataclass(frozen=True)
class Settings:
    """What annotation depends on besides the article and the codebook (part of the cache key)."""

    stem: bool = False
    stopwords: Literal["written", "nltk", "auto"] = "written"
    lead_sentences: int = 1
    layers: tuple[str, ...] = ()

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def text_key(self) -> str:
        """The part of :meth:`key` the text layer depends on (its layers: those with a text part)."""
        return json.dumps({"stem": self.stem, "stopwords": self.stopwords, "lead_sentences": self.lead_sentences,
                           "layers": sorted(name for name in self.layers if LAYERS[name].text)}, sort_keys=True)


def annotate_article(article: Mapping, codebook: Codebook, *, settings: Settings = Settings()
                     ) -> dict[str, pd.DataFrame]:
    """Annotate one article (a mapping with article_id, title, text) into tidy tables."""
    return annotate_records([dict(article)], codebook, settings=settings)


def annotate_records(records: Sequence[Mapping], codebook: Codebook, *, settings: Settings = Settings()
                     ) -> dict[str, pd.DataFrame]:
    """Annotate a batch of articles; rows come in record order. The unit every engine runs.

    The text layer (:func:`annotate_text`) and the mention layer (:func:`annotate_mentions`)
    of the same batch, the document texts made once for both.
    """
    check_layers(settings.layers)
    documents = text_layer.docs(records)
    tables = annotate_text(records, settings=settings, documents=documents)
    tables.update(annotate_mentions(records, tables, codebook, settings=settings, documents=documents))
    return ordered(tables, settings)


def annotate_text(records: Sequence[Mapping], *, settings: Settings = Settings(),
                  documents: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """The codebook-independent tables of a batch: sentences, tokens and the layers' text parts."""
    documents = text_layer.docs(records) if documents is None else documents
    tables = text_layer.text_tables(records, documents, stem_words=settings.stem, stopword_source=settings.stopwords,
                              lead=settings.lead_sentences)
    parts = [LAYERS[name].text for name in settings.layers if LAYERS[name].text]
    if parts:
        batch = pd.DataFrame(list(records))
        for part in parts:
            tables.update(_function(part)(batch, tables, None, settings))
    return tables


def annotate_mentions(records: Sequence[Mapping], tables: Mapping[str, pd.DataFrame], codebook: Codebook, *,
                      settings: Settings = Settings(), documents: Sequence[str] | None = None,
                      mentions: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The mention-dependent tables of a batch, given its ``sentences`` (and ``mentions``, if already made)."""
    documents = text_layer.docs(records) if documents is None else documents
    if mentions is None:
        starts = mention_layer.sentence_starts(tables["sentences"], [r["article_id"] for r in records])
        mentions = mention_layer.mention_tables(records, documents, starts, codebook)["mentions"]
    out = {"mentions": mentions}
    parts = [LAYERS[name].mentions for name in settings.layers if LAYERS[name].mentions]
    if parts:
        batch, known = pd.DataFrame(list(records)), {**tables, "mentions": mentions}
        for part in parts:
            found = _function(part)(batch, known, codebook, settings)
            known.update(found)
            out.update(found)
    return out


def ordered(tables: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """Tables in their documented order: base tables, then each layer's (text part first) in ``settings.layers``."""
    names = [*BASE_TABLES, *(n for layer in settings.layers for n in (*LAYERS[layer].text_tables,
                                                                     *LAYERS[layer].mention_tables))]
    first = [name for name in dict.fromkeys(names) if name in tables]
    return {name: tables[name] for name in [*first, *(n for n in tables if n not in first)]}


def text_table_names(settings: Settings) -> list[str]:
    """Names of the codebook-independent tables under ``settings``."""
    return [*TEXT_TABLES, *(n for layer in settings.layers for n in LAYERS[layer].text_tables)]


def check_layers(layers: Iterable[str]) -> None:
    """An :class:`InputError` naming the first unknown layer and the known ones (before any work starts)."""
    for name in layers:
        if name not in LAYERS:
            raise InputError(f"unknown annotation layer {name!r} in layers; known layers: "
                             f"{', '.join(sorted(LAYERS)) or 'none'}")


def _function(name: str) -> Callable:
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


# --- the corpus level -------------------------------------------------------------------


@dataclass
class Annotations:
    """The tidy tables of a corpus: ``articles`` plus one DataFrame per annotation table."""

    articles: pd.DataFrame
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    key: str = ""

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.articles if name == "articles" else self.tables[name]


def code_digest(layers: Sequence[str] = ()) -> str:
    """A hash of the code and resources that annotation runs, so a code change refreshes the cache.

    Covers the annotation modules, each requested layer's modules, and every analysis
    module they import (transitively), plus all resource files.
    """
    return caching.modules_digest([*caching.BASE_MODULES, *_layer_modules(layers)])


def _layer_modules(layers: Sequence[str], *, text_only: bool = False) -> list[str]:
    """The modules of the layers' functions (of their text parts only, with ``text_only``)."""
    found = []
    for layer in (LAYERS[name] for name in layers if name in LAYERS):
        if not text_only:
            found += layer.modules()
        elif layer.text:
            found.append(layer.text.partition(":")[0])
    return found


def corpus_key(articles: pd.DataFrame, codebook: Codebook, settings: Settings) -> str:
    """Cache key: a hash of every article's content, the codebook, the settings, and the code."""
    return caching.corpus_key(articles, codebook, settings.key(), code_digest(settings.layers))


def annotate_corpus(articles: pd.DataFrame, codebook: Codebook, *, settings: Settings = Settings(),
                    engine: Engine = "serial", workers: int | None = None, cache: bool | Path = True,
                    progress: bool = True, dask_address: str | None = None) -> Annotations:
    """Annotate every article, or load the same result from the cache.

    ``cache=True`` uses :func:`analysis.paths.cache_dir`; a path uses that folder;
    ``False`` neither reads nor writes. Output rows are in article order whatever the
    engine, so ``serial``, ``processes`` and ``dask`` give identical tables. After a
    codebook edit the cached text layer is reused and only mention-dependent rows of the
    articles the edit touches are recomputed (:mod:`analysis.annotate.cache`). A damaged
    cache entry is discarded and rebuilt, with one ``warning:`` line.
    Unknown layers or engine, and ``workers`` < 1, are an :class:`InputError` before any work.
    """
    _check_options(settings=settings, engine=engine, workers=workers)
    key = corpus_key(articles, codebook, settings)
    records = articles[["article_id", "title", "text"]].to_dict("records")
    run = partial(_run, engine=engine, workers=workers, progress=progress, dask_address=dask_address)
    if not cache:
        tables = concat_tables(run(_annotate_chunk, [(chunk, codebook, settings) for chunk in _chunks(records)]))
        return Annotations(articles=articles, tables=ordered(tables, settings), key=key)
    root = cache_dir() if cache is True else Path(cache)
    folder = root / "annotations" / key
    if (hit := caching.read_entry(folder, key=key, n_articles=len(articles))) is not None:
        names = ordered(dict.fromkeys(hit), settings)
        return Annotations(articles=articles, tables=_LazyUnion(names, hit, {}), key=key)
    return _Layered(articles, records, codebook, settings, root=root, key=key, run=run).annotate()


class _Layered:
    """A cache miss: reuse the text layer and earlier mention rows where they are valid, compute the rest."""

    def __init__(self, articles: pd.DataFrame, records: list[dict], codebook: Codebook, settings: Settings, *,
                 root: Path, key: str, run: Callable):
        self.articles, self.records, self.codebook, self.settings = articles, records, codebook, settings
        self.root, self.key, self.run = root, key, run
        text_code = caching.modules_digest([*caching.TEXT_MODULES, *_layer_modules(settings.layers, text_only=True)])
        self.text_key = caching.text_key(articles, settings.text_key(), text_code)
        self.mention_key = caching.mention_key(settings.key(), code_digest(settings.layers))
        self.text_folder = root / "text" / self.text_key
        self.hooks = {name: (_function(LAYERS[name].codebook_view), _function(LAYERS[name].codebook_touches))
                      for name in settings.layers if LAYERS[name].codebook_view}

    def annotate(self) -> Annotations:
        text = caching.read_entry(self.text_folder, key=self.text_key, n_articles=len(self.records),
                                  required=TEXT_TABLES)
        if text is None:
            tables = concat_tables(self.run(_annotate_chunk, [(chunk, self.codebook, self.settings)
                                                             for chunk in _chunks(self.records)]))
            names = [name for name in text_table_names(self.settings) if name in tables]
            caching.write_entry(self.text_folder, {name: tables[name] for name in names},
                                manifest={"key": self.text_key, "n_articles": len(self.records),
                                          "settings": json.loads(self.settings.text_key())})
            self._write({name: frame for name, frame in tables.items() if name not in names}, names)
            return Annotations(articles=self.articles, tables=ordered(tables, self.settings), key=self.key)
        mention_tables = self._mention_tables(text)
        self._write(mention_tables, list(text))
        lazy = read_tables(self.root / "annotations" / self.key)
        names = ordered(dict.fromkeys(lazy), self.settings)
        return Annotations(articles=self.articles, tables=_LazyUnion(names, lazy, mention_tables), key=self.key)

    def _write(self, mention_tables: Mapping[str, pd.DataFrame], text_names: Sequence[str]) -> None:
        views = {name: view(self.codebook) for name, (view, _) in self.hooks.items()}
        caching.write_entry(self.root / "annotations" / self.key, mention_tables, copy_from=self.text_folder,
                            copied=text_names,
                            manifest={"key": self.key, "n_articles": len(self.records),
                                      "settings": asdict(self.settings), "codebook": self.codebook.source,
                                      "text_key": self.text_key, "mention_key": self.mention_key,
                                      "codebook_views": views})

    def _mention_tables(self, text: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """Mention-dependent tables from the cached text layer, reusing a previous annotation's rows if any."""
        sentences = text["sentences"]
        previous = self._previous()
        if previous is None:
            return concat_tables(self.run(_mentions_chunk, self._tasks({"sentences": sentences})))
        old, manifest = previous
        mentions = concat_tables(self.run(_mentions_chunk, self._tasks({"sentences": sentences}, layers=False)))
        mentions = mentions["mentions"]
        ids = pd.Index(self.articles["article_id"])
        changed = reuse.changed_articles(old["mentions"], mentions, ids)
        tests = reuse.codebook_touches(self.hooks, manifest.get("codebook_views", {}), self.codebook)
        if tests is None:
            changed[:] = True
        out = {"mentions": mentions, **self._redo(old, changed, {"sentences": sentences, "mentions": mentions}, ids)}
        for layer, test in (tests or {}).items():
            extra = test(list(ids), text_layer.docs(self.records), mentions) & ~changed if test is not None else None
            if extra is not None and extra.any():
                known = {"sentences": sentences, **out}
                new = concat_tables(self.run(_layer_chunk, self._tasks(known, redo=extra, layer=layer)))
                out.update({name: reuse.merge_rows(out[name], new[name], extra, ids)
                            for name in LAYERS[layer].mention_tables})
        return out

    def _redo(self, old: Mapping[str, pd.DataFrame], redo: np.ndarray, tables: Mapping[str, pd.DataFrame],
              ids: pd.Index) -> dict[str, pd.DataFrame]:
        """Every mention layer's table: recomputed for the articles in ``redo``, the previous rows for the others."""
        names = [name for layer in self.settings.layers for name in LAYERS[layer].mention_tables]
        if not names or not redo.any():
            return {name: old[name] for name in names}
        new = concat_tables(self.run(_mentions_chunk, self._tasks(tables, redo=redo)))
        return {name: reuse.merge_rows(old[name], new[name], redo, ids) for name in names}

    def _previous(self) -> tuple[Mapping[str, pd.DataFrame], dict] | None:
        """The newest valid annotation of the same text layer, settings and code (damaged ones are discarded)."""
        for entry in caching.previous_entries(self.root, text=self.text_key, mentions=self.mention_key, skip=self.key):
            manifest = caching.manifest_of(entry)
            tables = caching.read_entry(entry, key=manifest.get("key", ""), n_articles=len(self.records))
            if tables is not None:
                return tables, manifest
        return None

    def _tasks(self, tables: Mapping[str, pd.DataFrame], *, layers: bool = True, redo: np.ndarray | None = None,
               layer: str | None = None) -> list[tuple]:
        """One task per chunk of records (those in ``redo``, or all): the chunk, its rows of ``tables``, options."""
        records = self.records if redo is None else [r for r, again in zip(self.records, redo) if again]
        chunks = _chunks(records)
        ids = pd.Index([r["article_id"] for r in records])
        parts = {name: _split(table, ids, chunks) for name, table in tables.items()}
        return [(chunk, {name: part[i] for name, part in parts.items()}, self.codebook, self.settings,
                 layer if layer is not None else layers) for i, chunk in enumerate(chunks)]


class _LazyUnion(Mapping[str, pd.DataFrame]):
    """Tables of a fresh cache entry: those computed in this run from memory, the others read on first use."""

    def __init__(self, names: Mapping[str, Any], lazy: Mapping[str, pd.DataFrame], loaded: Mapping[str, pd.DataFrame]):
        self._names, self._lazy, self._loaded = list(names), lazy, loaded

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._loaded[name] if name in self._loaded else self._lazy[name]

    def __contains__(self, name: object) -> bool:  # without reading a table
        return name in self._names

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _split(table: pd.DataFrame, ids: pd.Index, chunks: Sequence[Sequence[dict]]) -> list[pd.DataFrame]:
    """The rows of ``table`` (only articles in ``ids``, in their order) cut by chunk of records."""
    at = ids.get_indexer(table["article_id"])
    table = table[at >= 0]
    at = at[at >= 0]
    if len(at) and (np.diff(at) < 0).any():
        order = np.argsort(at, kind="stable")
        table, at = table.iloc[order], at[order]
    bounds = np.searchsorted(at, np.cumsum([0, *map(len, chunks)]))
    return [table.iloc[a:b].reset_index(drop=True) for a, b in zip(bounds[:-1], bounds[1:])]


def _check_options(*, settings: Settings, engine: str, workers: int | None) -> None:
    """Refuse bad options before any work (and before a cache hit hides them) as :class:`InputError`."""
    check_layers(settings.layers)
    if engine not in ("serial", "processes", "dask"):
        raise InputError(f"unknown engine {engine!r}: expected serial, processes or dask")
    if workers is not None:
        require_count(workers, name="workers")


def concat_tables(results: Iterable[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Join per-batch tables into one DataFrame per table, in batch order."""
    results = list(results)
    names = list(dict.fromkeys(name for result in results for name in result))
    return {name: pd.concat([r[name] for r in results if name in r], ignore_index=True) for name in names}


# The engines' units of work below run with the cyclic collector paused (see :func:`collector_paused`).
@collector_paused()
def _annotate_chunk(records: list[dict], codebook: Codebook, settings: Settings) -> dict[str, pd.DataFrame]:
    """Every layer of a chunk."""
    return annotate_records(records, codebook, settings=settings)


@collector_paused()
def _mentions_chunk(records: list[dict], tables: Mapping[str, pd.DataFrame], codebook: Codebook, settings: Settings,
                    layers: bool) -> dict[str, pd.DataFrame]:
    """The mention layer of a chunk from its cached ``sentences`` (and its ``mentions``, if already made)."""
    chosen = settings if layers else Settings(**{**asdict(settings), "layers": ()})
    return annotate_mentions(records, tables, codebook, settings=chosen, mentions=tables.get("mentions"))


@collector_paused()
def _layer_chunk(records: list[dict], tables: Mapping[str, pd.DataFrame], codebook: Codebook, settings: Settings,
                 layer: str) -> dict[str, pd.DataFrame]:
    """One layer's mention part for a chunk, given the chunk's tables it reads."""
    return _function(LAYERS[layer].mentions)(pd.DataFrame(records), dict(tables), codebook, settings)


def _chunks(records: list[dict], size: int = 128) -> list[list[dict]]:
    return [records[i:i + size] for i in range(0, len(records), size)]


def _run(function: Callable, tasks: list[tuple], *, engine: Engine, workers: int | None,
         progress: bool, dask_address: str | None) -> list[dict[str, pd.DataFrame]]:
    from tqdm import tqdm

    sizes = iter([len(task[0]) for task in tasks])
    with tqdm(total=sum(len(task[0]) for task in tasks), desc="annotate", unit="article",
              disable=not progress) as bar:
        return run_tasks(function, iter(tasks), engine=engine, workers=workers, address=dask_address,
                         on_result=lambda _: bar.update(next(sizes)))

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
    ``sentence_sentiment`` (VADER per sentence) and ``mention_sentiment`` (target-dependent
    tone toward each mention), see :mod:`analysis.sentiment.tone`.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis import __version__
from analysis.corpus.codebook import Codebook
from analysis.corpus.reader import body_offset, document_text
from analysis.corpus.mentions import MENTION_COLUMNS, find_mentions, mentions_table, quote_spans
from analysis.errors import InputError, require_count
from analysis.paths import PACKAGE_DIR, RESOURCES, cache_dir
from analysis.store import read_tables, write_tables
from analysis.corpus.text import paragraph_spans, sentence_spans, stem, stopwords, token_spans

#: Bump when annotation output changes for the same input, so that caches refresh.
ANNOTATION_VERSION = "1"
SENTENCE_COLUMNS = ["article_id", "sentence_id", "paragraph_id", "start", "end", "text", "is_headline", "is_lead"]
TOKEN_COLUMNS = ["article_id", "sentence_id", "token_id", "start", "end", "text", "lower", "is_stop", "is_word"]
BASE_TABLES = ("sentences", "tokens", "mentions")
#: Optional layers: name → "module:function". Each function takes
#: (articles: DataFrame of the batch, tables: dict[str, DataFrame] so far, codebook, settings)
#: and returns {table name: DataFrame}; rows depend only on their own article, so batches can
#: be cut anywhere. Imported lazily so that the base layer stays light.
LAYERS: dict[str, str] = {
    "frames": "analysis.framing.frames:annotate_frames",
    "quotes": "analysis.framing.quotes:annotate_quotes",
    "roles": "analysis.framing.roles:annotate_roles",
    "labels": "analysis.framing.labels:annotate_labels",
    "sentiment": "analysis.sentiment.tone:annotate_sentiment",
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


Columns = dict[str, list]


def annotate_article(article: Mapping, codebook: Codebook, *, settings: Settings = Settings()
                     ) -> dict[str, pd.DataFrame]:
    """Annotate one article (a mapping with article_id, title, text) into tidy tables."""
    return annotate_records([dict(article)], codebook, settings=settings)


def annotate_records(records: Sequence[Mapping], codebook: Codebook, *, settings: Settings = Settings()
                     ) -> dict[str, pd.DataFrame]:
    """Annotate a batch of articles; rows come in record order. The unit every engine runs.

    The per-article work (sentences, token spans, mentions) happens in Python; columns
    derived from token strings (lower case, stop word, word, stem) are computed once per
    batch with vectorised string operations, which is what makes the layer fast.
    """
    merged: dict[str, Columns] = {}
    for record in records:
        for name, columns in _article_columns(record, codebook, settings=settings).items():
            target = merged.setdefault(name, {column: [] for column in columns})
            for column, values in columns.items():
                target[column].extend(values)
    tables = {name: _frame(merged.get(name, {c: [] for c in columns}))
              for name, columns in (("sentences", SENTENCE_COLUMNS), ("tokens", TOKEN_COLUMNS[:6]),
                                    ("mentions", MENTION_COLUMNS))}
    tables["tokens"] = _finish_tokens(tables["tokens"], settings=settings)
    for layer in settings.layers:
        tables.update(_layer(layer)(pd.DataFrame(list(records)), tables, codebook, settings))
    return tables


def _article_columns(article: Mapping, codebook: Codebook, *, settings: Settings) -> dict[str, Columns]:
    article_id, title, body = article["article_id"], article["title"], article["text"]
    doc = document_text(title, body)
    spans = _sentences(doc, title=title)
    starts = [s for _, s, _ in spans]
    quotes = quote_spans(doc)
    return {
        "sentences": _sentence_columns(article_id, doc, spans, lead=settings.lead_sentences),
        "tokens": _token_columns(article_id, doc, starts),
        "mentions": mentions_table(article_id, doc, find_mentions(doc, codebook, quotes=quotes), starts, quotes),
    }


def check_layers(layers: Iterable[str]) -> None:
    """An :class:`InputError` naming the first unknown layer and the known ones (before any work starts)."""
    for name in layers:
        if name not in LAYERS:
            raise InputError(f"unknown annotation layer {name!r} in layers; known layers: "
                             f"{', '.join(sorted(LAYERS)) or 'none'}")


def _layer(name: str) -> Callable:
    check_layers((name,))
    module, _, function = LAYERS[name].partition(":")
    return getattr(importlib.import_module(module), function)


def _sentences(doc: str, *, title: str) -> list[tuple[int, int, int]]:
    """(paragraph_id, start, end) per sentence; the headline is paragraph 0, sentence 0."""
    spans: list[tuple[int, int, int]] = []
    paragraph_id = 0
    if title:
        spans.append((0, 0, len(title)))
    offset = body_offset(title)
    for paragraph_start, paragraph_end in paragraph_spans(doc[offset:], offset=offset):
        paragraph_id += 1
        for start, end in sentence_spans(doc[paragraph_start:paragraph_end], offset=paragraph_start):
            spans.append((paragraph_id, start, end))
    return spans


def _sentence_columns(article_id: str, doc: str, spans: Sequence[tuple[int, int, int]], *, lead: int) -> Columns:
    first_body = 1 if spans and spans[0][0] == 0 else 0
    return {
        "article_id": [article_id] * len(spans),
        "sentence_id": list(range(len(spans))),
        "paragraph_id": [p for p, _, _ in spans],
        "start": [s for _, s, _ in spans],
        "end": [e for _, _, e in spans],
        "text": [doc[s:e] for _, s, e in spans],
        "is_headline": [p == 0 for p, _, _ in spans],
        "is_lead": [p > 0 and first_body <= i < first_body + lead for i, (p, _, _) in enumerate(spans)],
    }


def _token_columns(article_id: str, doc: str, sentence_starts: Sequence[int]) -> Columns:
    """Token spans of the whole document at once; each token belongs to the sentence it starts in."""
    spans = token_spans(doc)
    starts = [s for s, _ in spans]
    sentence_ids = (np.searchsorted(np.asarray(sentence_starts), np.asarray(starts, dtype=np.int64),
                                    side="right") - 1).tolist() if spans else []
    return {
        "article_id": [article_id] * len(spans),
        "sentence_id": sentence_ids,
        "token_id": list(range(len(spans))),
        "start": starts,
        "end": [e for _, e in spans],
        "text": [doc[s:e] for s, e in spans],
    }


def _finish_tokens(tokens: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """Add lower, is_stop, is_word (and stem) with vectorised string operations."""
    stop, _ = stopwords(settings.stopwords)
    text = pa.array(tokens["text"], type=pa.string())
    lower = pc.replace_substring(pc.utf8_lower(text), "’", "'")
    tokens = tokens.assign(
        lower=pd.Series(lower.to_pandas(), index=tokens.index, dtype="str"),
        is_stop=pc.is_in(lower, value_set=pa.array(sorted(stop))).to_numpy(zero_copy_only=False),
        is_word=pc.match_substring_regex(text, r"\pL").to_numpy(zero_copy_only=False))
    if settings.stem:
        words = tokens["lower"].where(tokens["is_word"])
        vocabulary = words.dropna().unique()
        stems = dict(zip(vocabulary, map(stem, vocabulary)))
        tokens["stem"] = words.map(stems).fillna(tokens["lower"])
    return tokens


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


_BASE_MODULES = ("analysis.annotate.pipeline", "analysis.corpus.text", "analysis.corpus.mentions",
                 "analysis.corpus.reader", "analysis.corpus.codebook")


_IMPORT = re.compile(r"^\s*(?:from (analysis(?:\.\w+)+) import|import (analysis(?:\.\w+)+))", re.MULTILINE)


def _module_file(module: str) -> Path | None:
    """The source file of a dotted analysis module, or None (a name imported from a module)."""
    path = PACKAGE_DIR.joinpath(*module.split(".")[1:])
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_closure(modules: Sequence[str]) -> set[Path]:
    """The source files of the given analysis modules and every analysis module they import, transitively."""
    seen: set[Path] = set()
    todo = list(modules)
    while todo:
        file = _module_file(todo.pop())
        if file is None or file in seen:
            continue
        seen.add(file)
        for match in _IMPORT.finditer(file.read_text(encoding="utf-8")):
            todo.append(match[1] or match[2])
    return seen


def code_digest(layers: Sequence[str] = ()) -> str:
    """A hash of the code and resources that annotation runs, so a code change refreshes the cache.

    Covers the base modules, each requested layer's module, and every analysis module
    they import (transitively), plus all resource files.
    """
    digest = hashlib.sha256()
    roots = [*_BASE_MODULES, *(LAYERS[layer].partition(":")[0] for layer in layers if layer in LAYERS)]
    files = sorted(_module_closure(roots))
    files += sorted(p for p in RESOURCES.rglob("*") if p.is_file())
    for file in files:
        digest.update(file.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def corpus_key(articles: pd.DataFrame, codebook: Codebook, settings: Settings) -> str:
    """Cache key: a hash of every article's content, the codebook, the settings, and the code."""
    digest = hashlib.sha256()
    digest.update(f"{ANNOTATION_VERSION}\x1f{__version__}\x1f{codebook.digest}\x1f{settings.key()}".encode())
    digest.update(code_digest(settings.layers).encode())
    for row in articles[["article_id", "date", "outlet", "title", "text"]].itertuples(index=False):
        digest.update("\x1f".join(map(str, row)).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()[:24]


def annotate_corpus(articles: pd.DataFrame, codebook: Codebook, *, settings: Settings = Settings(),
                    engine: Engine = "serial", workers: int | None = None, cache: bool | Path = True,
                    progress: bool = True, dask_address: str | None = None) -> Annotations:
    """Annotate every article, or load the same result from the cache.

    ``cache=True`` uses :func:`analysis.paths.cache_dir`; a path uses that folder;
    ``False`` neither reads nor writes. Output rows are in article order whatever the
    engine, so ``serial``, ``processes`` and ``dask`` give identical tables. A damaged
    cache entry is discarded and rebuilt, with one ``warning:`` line (:func:`cache_problem`).
    Unknown layers or engine, and ``workers`` < 1, are an :class:`InputError` before any work.
    """
    _check_options(settings=settings, engine=engine, workers=workers)
    key = corpus_key(articles, codebook, settings)
    folder = (cache_dir() if cache is True else Path(cache)) / "annotations" / key if cache else None
    if folder is not None and (cached := _read_cache(folder, key=key, n_articles=len(articles))) is not None:
        return Annotations(articles=articles, tables=cached, key=key)
    records = articles[["article_id", "title", "text"]].to_dict("records")
    results = _run(records, codebook, settings=settings, engine=engine, workers=workers, progress=progress,
                   dask_address=dask_address)
    tables = concat_tables(results)
    if folder is not None:
        write_tables(folder, tables, manifest={"key": key, "n_articles": len(articles),
                                               "settings": asdict(settings), "codebook": codebook.source,
                                               "rows": {name: len(frame) for name, frame in tables.items()}})
    return Annotations(articles=articles, tables=tables, key=key)


def _check_options(*, settings: Settings, engine: str, workers: int | None) -> None:
    """Refuse bad options before any work (and before a cache hit hides them) as :class:`InputError`."""
    check_layers(settings.layers)
    if engine not in ("serial", "processes", "dask"):
        raise InputError(f"unknown engine {engine!r}: expected serial, processes or dask")
    if workers is not None:
        require_count(workers, name="workers")


def _read_cache(folder: Path, *, key: str, n_articles: int) -> Mapping[str, pd.DataFrame] | None:
    """The tables of a cache entry, or None when there is none or it was damaged (then discarded).

    A damaged entry (torn by a crash, a full disk or a hand edit) would otherwise fail every
    later run with an Arrow traceback until the user finds ``.cache``; it is removed (only
    that entry folder, which this tool wrote) and rebuilt, with one warning line.
    """
    if not folder.exists():
        return None
    problem = cache_problem(folder, key=key, n_articles=n_articles)
    if problem is None:
        return read_tables(folder)
    print(f"warning: discarded a damaged annotation cache entry {folder} ({problem}); rebuilding", file=sys.stderr)
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)
    else:
        folder.unlink(missing_ok=True)
    return None


def cache_problem(folder: Path, *, key: str, n_articles: int) -> str | None:
    """What is wrong with a cache entry, in a few words, or None when it is whole.

    Checks what can be checked without reading the tables: the manifest parses, is for this
    key and corpus size and lists the base tables; each table file exists, its Parquet footer
    reads, and its row count is the one the manifest recorded.
    """
    if not (folder / "manifest.json").is_file():
        return "manifest.json missing"
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return f"manifest.json unreadable: {_brief(error)}"
    if not isinstance(manifest, dict) or manifest.get("key") != key or manifest.get("n_articles") != n_articles:
        return "manifest.json is not this entry's (key or number of articles differ)"
    names, rows = manifest.get("tables"), manifest.get("rows", {})
    if (not isinstance(names, list) or not all(isinstance(n, str) and n.isidentifier() for n in names)
            or not set(BASE_TABLES) <= set(names) or not isinstance(rows, dict)):
        return f"manifest.json lists no {', '.join(BASE_TABLES)} tables"
    for name in names:
        if problem := _table_problem(folder / f"{name}.parquet", rows=rows.get(name)):
            return problem
    return None


def _table_problem(path: Path, *, rows: int | None) -> str | None:
    """What is wrong with one cached table file (missing, unreadable footer, wrong row count), or None."""
    if not path.is_file():
        return f"{path.name} missing"
    try:
        found = pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowException) as error:
        return f"{path.name} unreadable: {_brief(error)}"
    if rows is not None and rows != found:
        return f"{path.name} has {found} rows, the manifest says {rows}"
    return None


def _brief(error: BaseException) -> str:
    """An exception as one short line (for the warning)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def concat_tables(results: Iterable[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Join per-batch tables into one DataFrame per table, in batch order."""
    results = list(results)
    names = list(dict.fromkeys(name for result in results for name in result))
    return {name: pd.concat([r[name] for r in results if name in r], ignore_index=True) for name in names}


_INT32 = frozenset({"sentence_id", "token_id", "mention_id", "paragraph_id", "start", "end"})


def _frame(columns: Columns) -> pd.DataFrame:
    """Column lists as a DataFrame, built through Arrow (four times faster than from lists).

    Id and offset columns are int32, flags bool, text pandas' default ``str``.
    """
    arrays = {}
    for name, values in columns.items():
        if name in _INT32:
            arrays[name] = pa.array(values, type=pa.int32())
        elif values and isinstance(values[0], bool):
            arrays[name] = pa.array(values, type=pa.bool_())
        else:
            arrays[name] = pa.array(values, type=pa.string())
    return pa.table(arrays).to_pandas(types_mapper=_STR_TYPES.get)


_STR_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan"))}


def _annotate_chunk(records: list[dict], codebook: Codebook, settings: Settings) -> dict[str, pd.DataFrame]:
    return annotate_records(records, codebook, settings=settings)


def _chunks(records: list[dict], size: int) -> list[list[dict]]:
    return [records[i:i + size] for i in range(0, len(records), size)]


def _run(records: list[dict], codebook: Codebook, *, settings: Settings, engine: Engine, workers: int | None,
         progress: bool, dask_address: str | None) -> list[dict[str, pd.DataFrame]]:
    from tqdm import tqdm

    from analysis.annotate.engines import run_tasks

    chunks = _chunks(records, 128)
    with tqdm(total=len(records), desc="annotate", unit="article", disable=not progress) as bar:
        sizes = iter([len(chunk) for chunk in chunks])
        return run_tasks(_annotate_chunk, ((chunk, codebook, settings) for chunk in chunks), engine=engine,
                         workers=workers, address=dask_address, on_result=lambda _: bar.update(next(sizes)))

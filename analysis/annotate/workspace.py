"""What every notebook does first: read the corpus and codebook, annotate (cached), in one call.

Keeping this out of the notebooks means a notebook's first cell is its parameters and
its second is ``ws = open_workspace(corpus=..., codebook=...)``; everything after reads
tidy tables from ``ws``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

import pandas as pd

from analysis.annotate.pipeline import LAYERS, Annotations, Engine, Settings, annotate_corpus
from analysis.corpus.codebook import Codebook, load_codebook
from analysis.corpus.reader import Corpus, read_corpus
from analysis.markup import escape_markdown
from analysis.paths import DEFAULT_CODEBOOK, PROJ_ROOT, SEEDS

if TYPE_CHECKING:
    from analysis.corpus.coverage import Coverage


@dataclass
class Workspace:
    """A corpus, its codebook and its annotations, as one object for notebooks."""

    corpus: Corpus
    codebook: Codebook
    annotations: Annotations
    cache: bool | Path = True  # as open_workspace's: where candidate names are cached too (False: nowhere)

    @property
    def articles(self) -> pd.DataFrame:
        return self.corpus.articles

    def table(self, name: str) -> pd.DataFrame:
        """An annotation table ("sentences", "tokens", "mentions", ...) or "articles"."""
        return self.annotations[name]

    def actors(self, requested: Sequence[str] | None = None) -> list[str]:
        """Actor ids to report on: ``requested`` (checked against the codebook) or all, in codebook order."""
        if not requested:
            return self.codebook.ids
        unknown = [a for a in requested if a not in self.codebook.ids]
        if unknown:
            raise ValueError(f"actor(s) {', '.join(unknown)} not in codebook {self.codebook.source}; "
                             f"known: {', '.join(self.codebook.ids)}")
        return list(requested)

    def most_mentioned(self, n: int) -> list[str]:
        """The ``n`` actors with the most mentions (ties by codebook order)."""
        counts = self.table("mentions")["actor_id"].value_counts()
        order = {actor: i for i, actor in enumerate(self.codebook.ids)}
        ranked = sorted(counts.index, key=lambda a: (-counts[a], order.get(a, len(order))))
        return ranked[:n]

    def summary(self) -> str:
        """A Markdown paragraph describing the corpus: size, dates, outlets, skipped records, warnings.

        Outlet names and messages come from the corpus and are escaped (:func:`escape_markdown`):
        the notebooks display this paragraph as Markdown, which would pass HTML through.
        """
        articles = self.articles
        if articles.empty:
            return "The corpus holds no articles."
        first, last = articles["date"].min(), articles["date"].max()
        outlets = articles["outlet"].value_counts()
        mentions = self.table("mentions")
        text = (f"**{len(articles):,} article(s)** from **{len(outlets)} outlet(s)** "
                f"({', '.join(f'{escape_markdown(o)}: {n:,}' for o, n in outlets.items())}), "
                f"{first:%Y-%m-%d} to {last:%Y-%m-%d}; {len(self.table('sentences')):,} sentences, "
                f"{int(self.table('tokens')['is_word'].sum()):,} words; "
                f"{len(mentions):,} mentions of {mentions['actor_id'].nunique()} of the "
                f"{len(self.codebook.actors)} codebook actors.")
        if self.corpus.skipped:
            text += f" {len(self.corpus.skipped)} record(s) skipped: " + "; ".join(map(escape_markdown,
                                                                                        self.corpus.skipped[:5]))
        if self.corpus.warnings:
            text += f" {len(self.corpus.warnings)} warning(s): " + "; ".join(map(escape_markdown,
                                                                                 self.corpus.warnings[:5]))
        return text

    def candidates(self, *, top_n: int = 20, min_count: int = 3,
                   types: tuple[str, ...] | None = ("person", "country", "organisation", "group", "outlet")
                   ) -> pd.DataFrame:
        """Names missing from the codebook, merged and typed (``types=None``: places and unknowns too;
        see :func:`analysis.corpus.candidates.candidate_actors`)."""
        from analysis.corpus.candidates import label_known, select_candidates

        found = label_known(self.discovered(), self.codebook)
        return select_candidates(found, min_count=min_count, min_articles=1 if len(self.articles) < 5 else 2,
                                 top_n=top_n, types=types)

    def discovered(self, *, examples: int = 2, context_chars: int = 60) -> pd.DataFrame:
        """Every name the corpus uses often, merged and typed, without the codebook
        (:func:`analysis.corpus.candidates.discover_unlabelled`), cached by the articles alone.

        Finding them scans every article (about 10 CPU s on the 2,812 Q1 articles, each time
        notebook 00 runs); they do not depend on the codebook, so the cache entry
        (``candidates/<key>`` beside the annotations) serves every codebook edit too.
        """
        from analysis.annotate import cache as caching
        from analysis.corpus.candidates import discover_unlabelled
        from analysis.paths import cache_dir

        if self.cache is False:
            return discover_unlabelled(self.articles, examples=examples, context_chars=context_chars)[0]
        root = cache_dir() if self.cache is True else Path(self.cache)
        key = caching.candidates_key(self.articles, f"{examples}\x1f{context_chars}",
                                     caching.modules_digest(("analysis.corpus.candidates",)))
        folder = root / "candidates" / key
        found = caching.read_entry(folder, key=key, n_articles=len(self.articles), required=("candidates",))
        if found is not None:
            return found["candidates"]
        frame, _ = discover_unlabelled(self.articles, examples=examples, context_chars=context_chars)
        try:
            caching.write_entry(folder, {"candidates": frame}, manifest={"key": key, "n_articles": len(self.articles)})
        except OSError as error:  # a read-only or full cache folder: the names are still found
            print(f"warning: candidate names not cached in {folder} ({error})", file=sys.stderr)
        return frame

    def coverage(self, *, top_n: int = 20, min_count: int = 2) -> Coverage:
        """How much of the corpus the codebook sees (see :func:`analysis.corpus.coverage.coverage`)."""
        from analysis.corpus.coverage import coverage

        return coverage(self.articles, self.codebook, top_n=top_n, min_count=min_count)

    def mentions_with_articles(self) -> pd.DataFrame:
        """Mentions joined with each article's date, outlet and title."""
        return self.table("mentions").merge(self.articles[["article_id", "date", "outlet"]], on="article_id")


def resolve_path(path: str | Path) -> Path:
    """A path as given, or relative to the project root (so notebooks run from any folder)."""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    return PROJ_ROOT / path


def open_workspace(*, corpus: str | Path = SEEDS, codebook: str | Path = DEFAULT_CODEBOOK,
                   columns: Mapping[str, str] | None = None, on_error: str = "raise",
                   layers: Sequence[str] | None = None, engine: Engine | None = None,
                   dask_address: str | None = None, cache: bool | Path = True, progress: bool = False,
                   sample: int | None = None, seed: int = 0) -> Workspace:
    """Read ``corpus`` and ``codebook``, annotate with ``layers`` (cached), and return a :class:`Workspace`.

    ``layers=None`` means every registered layer (:data:`analysis.annotate.pipeline.LAYERS`), so
    that all notebooks and the batch share one cached annotation of a corpus.

    ``sample`` keeps a seeded random sample of that many articles (for quick looks at
    a large corpus); the sample is part of the cache key through its content.

    ``engine`` (serial, processes, dask) and ``dask_address`` default to the environment
    variables ``MEDIA_ANALYSIS_ENGINE`` and ``MEDIA_ANALYSIS_DASK_ADDRESS``, so every
    notebook can be pointed at a Dask cluster without editing it; results are the same
    whatever the engine.
    """
    engine = engine or os.environ.get("MEDIA_ANALYSIS_ENGINE", "serial")  # type: ignore[assignment]
    dask_address = dask_address or os.environ.get("MEDIA_ANALYSIS_DASK_ADDRESS") or None
    chosen = tuple(LAYERS) if layers is None else tuple(layers)
    memo_key = _memo_key(corpus, codebook, columns, on_error, chosen, cache, sample, seed)
    if memo_key is not None and memo_key in _OPENED:
        return _OPENED[memo_key]
    read = read_corpus(resolve_path(corpus), columns=columns, on_error=on_error)  # type: ignore[arg-type]
    if sample is not None and sample < len(read.articles):
        articles = read.articles.sample(n=sample, random_state=seed).sort_values(["date", "article_id"])
        read = Corpus(articles=articles.reset_index(drop=True), skipped=read.skipped)
    book = load_codebook(resolve_path(codebook))
    annotations = annotate_corpus(read.articles, book, settings=Settings(layers=chosen), engine=engine,
                                  cache=cache, progress=progress, dask_address=dask_address)
    workspace = Workspace(corpus=read, codebook=book, annotations=annotations, cache=cache)
    if memo_key is not None:
        _OPENED.clear()  # keep one: a kernel that moves on to another corpus frees the last
        _OPENED[memo_key] = workspace
    return workspace


#: The last workspace opened in this process, by its inputs' identity (see :func:`_memo_key`).
_OPENED: dict[tuple, Workspace] = {}


def _memo_key(corpus: str | Path, codebook: str | Path, *options: object) -> tuple | None:
    """Inputs' identity: paths with every file's size and modification time, code digest, options.

    A kernel reused by the batch (``analysis.report.notebooks.WarmKernels``) opens the same corpus
    for dozens of dossiers; with this key it reads and hashes it once. Any change to a
    corpus file, the codebook or the annotation code gives a new key. Workspace tables
    are shared between those calls and must be treated as read-only.
    """
    from analysis.annotate.pipeline import code_digest

    try:
        paths = [resolve_path(corpus).resolve(), resolve_path(codebook).resolve()]
        files = [p for p in paths if p.is_file()]
        files += [f for p in paths if p.is_dir() for f in sorted(p.iterdir()) if f.is_file()]
        stamps = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    except OSError:
        return None
    return (stamps, code_digest(options[2]), repr(options))

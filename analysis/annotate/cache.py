"""The annotation cache: keys, entries, and what to do with a damaged entry.

Two kinds of entry, each a folder of Parquet tables with a ``manifest.json``:

``annotations/<key>``
    Every table of a corpus annotated with a codebook and settings (:func:`corpus_key`:
    the articles, the codebook, the settings and the annotation code). A hit is read
    lazily. Its manifest also records the ``text_key`` and ``mention_key`` it was made
    with and each layer's view of the codebook, so that a later run with an edited
    codebook can reuse the rows of articles the edit does not touch
    (:mod:`analysis.annotate.reuse`).
``text/<text_key>``
    The codebook-independent tables (sentences, tokens, and the text parts of the layers:
    frames, sentence sentiment), keyed by the articles' ids and text, the settings and the
    code of the text layer only (:func:`text_key`). A codebook edit finds it and
    recomputes only the mention-dependent tables; the new ``annotations`` entry copies its
    files (no decoding and re-encoding).

An entry is checked before it is used (:func:`cache_problem`): a damaged one (torn by a
crash, a full disk or a hand edit) would otherwise fail every later run with an Arrow
traceback; it is removed (only that folder, which this tool wrote) and rebuilt, with one
``warning:`` line per entry (:func:`read_entry`).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import __version__
from analysis.corpus.codebook import Codebook
from analysis.paths import PACKAGE_DIR, RESOURCES
from analysis.store import output_marker, read_tables, staged_folder

#: Bump when annotation output changes for the same input, so that caches refresh.
ANNOTATION_VERSION = "1"
BASE_TABLES = ("sentences", "tokens", "mentions")
TEXT_TABLES = ("sentences", "tokens")
#: Modules whose code makes the base tables: all of annotation, and the text layer alone.
BASE_MODULES = ("analysis.annotate.pipeline",)
TEXT_MODULES = ("analysis.annotate.text_layer",)

_IMPORT = re.compile(r"^\s*(?:from (analysis(?:\.\w+)+) import|import (analysis(?:\.\w+)+))", re.MULTILINE)


# --- keys -------------------------------------------------------------------------------------


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


def modules_digest(roots: Sequence[str]) -> str:
    """A hash of the given modules, every analysis module they import (transitively) and all resource files."""
    digest = hashlib.sha256()
    files = sorted(_module_closure(roots))
    files += sorted(p for p in RESOURCES.rglob("*") if p.is_file())
    for file in files:
        digest.update(file.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _articles_digest(digest: Any, articles: pd.DataFrame, columns: Sequence[str]) -> None:
    for row in articles[list(columns)].itertuples(index=False):
        digest.update("\x1f".join(map(str, row)).encode())
        digest.update(b"\x1e")


def corpus_key(articles: pd.DataFrame, codebook: Codebook, settings_key: str, code: str) -> str:
    """Key of a whole annotation: every article's content, the codebook, the settings and the code."""
    digest = hashlib.sha256()
    digest.update(f"{ANNOTATION_VERSION}\x1f{__version__}\x1f{codebook.digest}\x1f{settings_key}".encode())
    digest.update(code.encode())
    _articles_digest(digest, articles, ("article_id", "date", "outlet", "title", "text"))
    return digest.hexdigest()[:24]


def text_key(articles: pd.DataFrame, settings_key: str, code: str) -> str:
    """Key of the text layer: the articles' ids, titles and texts (in order), its settings and its code."""
    digest = hashlib.sha256()
    digest.update(f"text\x1f{ANNOTATION_VERSION}\x1f{__version__}\x1f{settings_key}\x1f{code}".encode())
    _articles_digest(digest, articles, ("article_id", "title", "text"))
    return digest.hexdigest()[:24]


def candidates_key(articles: pd.DataFrame, options: str, code: str) -> str:
    """Key of a corpus's candidate names: the articles' ids, outlets, titles and texts, the options and the code."""
    digest = hashlib.sha256()
    digest.update(f"candidates\x1f{ANNOTATION_VERSION}\x1f{__version__}\x1f{options}\x1f{code}".encode())
    _articles_digest(digest, articles, ("article_id", "outlet", "title", "text"))
    return digest.hexdigest()[:24]


def mention_key(settings_key: str, code: str) -> str:
    """What besides the text and the codebook the mention tables depend on: settings and all annotation code."""
    text = f"mentions\x1f{ANNOTATION_VERSION}\x1f{__version__}\x1f{settings_key}\x1f{code}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# --- reading and checking entries ---------------------------------------------------------------


def read_entry(folder: Path | None, *, key: str, n_articles: int, required: Sequence[str] = BASE_TABLES
               ) -> Mapping[str, pd.DataFrame] | None:
    """The tables of a cache entry (read lazily), or None when there is none or it was damaged (then discarded)."""
    if folder is None or not folder.exists():
        return None
    problem = cache_problem(folder, key=key, n_articles=n_articles, required=required)
    if problem is None:
        return read_tables(folder)
    discard(folder, problem)
    return None


def discard(folder: Path, problem: str) -> None:
    """Remove a damaged entry (only that folder, which this tool wrote), with one warning line."""
    print(f"warning: discarded a damaged annotation cache entry {folder} ({problem}); rebuilding", file=sys.stderr)
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)
    else:
        folder.unlink(missing_ok=True)


def cache_problem(folder: Path, *, key: str, n_articles: int, required: Sequence[str] = BASE_TABLES) -> str | None:
    """What is wrong with a cache entry, in a few words, or None when it is whole.

    Checks what can be checked without reading the tables: the manifest parses, is for this
    key and corpus size and lists the ``required`` tables; each table file exists, its
    Parquet footer reads, and its row count is the one the manifest recorded.
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
            or not set(required) <= set(names) or not isinstance(rows, dict)):
        return f"manifest.json lists no {', '.join(required)} tables"
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


def manifest_of(folder: Path) -> dict[str, Any]:
    """An entry's manifest (an empty dict when it cannot be read)."""
    try:
        value = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def previous_entries(root: Path, *, text: str, mentions: str, skip: str) -> list[Path]:
    """``annotations`` entries made from the same text layer and mention settings and code, newest first.

    Their mention tables can be reused article by article after a codebook edit; ``skip``
    is the current key (an entry being rebuilt).
    """
    folder = root / "annotations"
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        if entry.name == skip or entry.name.startswith(".") or not entry.is_dir():
            continue
        manifest = manifest_of(entry)
        if manifest.get("text_key") == text and manifest.get("mention_key") == mentions:
            found.append(((entry / "manifest.json").stat().st_mtime_ns, entry))
    return [entry for _, entry in sorted(found, reverse=True)]


# --- writing entries ----------------------------------------------------------------------------


def write_entry(folder: Path, tables: Mapping[str, pd.DataFrame], *, manifest: Mapping[str, Any],
                copy_from: Path | None = None, copied: Sequence[str] = ()) -> None:
    """Write an entry atomically: ``tables`` as Parquet, plus the ``copied`` tables' files from ``copy_from``.

    Copying the text layer's files from its own entry costs a file copy instead of
    decoding and encoding millions of token rows.
    """
    rows = {name: len(frame) for name, frame in tables.items()}
    if copy_from is not None:
        source = manifest_of(copy_from).get("rows", {})
        rows.update({name: source.get(name) for name in copied})
    with staged_folder(folder) as staging:
        for name, frame in tables.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
        for name in copied:
            shutil.copyfile(copy_from / f"{name}.parquet", staging / f"{name}.parquet")  # type: ignore[operator]
        labelled = {**output_marker("tables"), **manifest, "rows": rows, "tables": sorted(rows)}
        (staging / "manifest.json").write_text(json.dumps(labelled, indent=2, sort_keys=True, default=str) + "\n")

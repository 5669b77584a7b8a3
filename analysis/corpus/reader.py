"""Read a corpus of news articles into a tidy articles table.

Formats
-------
* **seed format** (one ``.txt`` file per article): the first line is
  `` date YYYY-MM-DD Title`` (leading space optional), then the body; paragraphs
  are separated by blank lines. The article id is the file name without ``.txt``.
  A folder of such files may hold a ``metadata.csv`` (columns ``id`` and any of
  ``outlet``, ``url``) that supplies what the format lacks.
* **CSV** (header row, quoted fields) and **JSON Lines** (one object a line), with
  a column mapping from the suite's fields to the file's columns. Without a
  mapping, common names are recognised (``doc_id`` → ``id``, ``body`` → ``text``...),
  so the shared Q1 ``articles.csv`` reads as it is.

The articles table has one row per article and these columns:

============  =====================================================================
article_id    stable id: the file's id column, the seed file's name, or a content hash
date          publication day (``datetime64``, no time of day)
outlet        outlet name (``"unknown"`` when the source has none)
title         headline (may be empty for CSV/JSONL)
text          body; paragraphs separated by one blank line (``"\\n\\n"``)
url           source URL or ``""``
source        where the record came from: ``file:line`` (for error messages and audits)
============  =====================================================================

Every offset the suite reports points into :func:`document_text` (headline, blank
line, body), so the headline is a sentence of its own and offsets are stable.

Bad input raises :class:`~analysis.errors.InputError` naming file, line or record,
and field. With ``on_error="skip"`` valid records are kept and every skipped one is
listed in :attr:`Corpus.skipped`; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from contextlib import contextmanager
from typing import Iterator, Literal, Mapping, TextIO

import pandas as pd

from analysis.errors import InputError, Problem

FIELDS = ("id", "date", "outlet", "title", "text", "url")
ARTICLE_COLUMNS = ["article_id", "date", "outlet", "title", "text", "url", "source"]
#: Column names recognised without a mapping, per field, in order of preference.
KNOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "article_id", "docid", "uid"),
    "date": ("date", "published", "publication_date", "pub_date", "datetime"),
    "outlet": ("outlet", "source", "publisher", "media", "medium"),
    "title": ("title", "headline", "heading"),
    "text": ("text", "body", "content", "article", "full_text"),
    "url": ("url", "link", "href"),
}
_SEED_HEADER = re.compile(r"^ ?date (?P<date>\S+) (?P<title>\S.*)$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z]*)?$")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

Format = Literal["seed", "folder", "csv", "jsonl"]


@dataclass
class Corpus:
    """What a read returns: the articles, and every record that was skipped (with why)."""

    articles: pd.DataFrame
    skipped: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.articles)


def document_text(title: str, text: str) -> str:
    """The string all offsets point into: headline, a blank line, then the body."""
    return f"{title}\n\n{text}" if title else text


def body_offset(title: str) -> int:
    """Offset of the body's first character in :func:`document_text`."""
    return len(title) + 2 if title else 0


def read_corpus(path: str | Path, *, format: Format | None = None,
                columns: Mapping[str, str] | None = None, outlet: str | None = None,
                on_error: Literal["raise", "skip"] = "raise") -> Corpus:
    """Read a seed file, a folder of seed files, a CSV or a JSONL file into a :class:`Corpus`.

    ``columns`` maps suite fields (id, date, outlet, title, text, url) to the file's
    column names; ``outlet`` fills the outlet where the source has none. Articles are
    sorted by date, then id, so results do not depend on file order.
    """
    rows: list[dict] = []
    skipped: list[Problem] = []
    for item in iter_records(Path(path), format=format, columns=columns, outlet=outlet):
        if isinstance(item, Problem):
            if on_error == "raise":
                raise InputError(item)
            skipped.append(item)
        else:
            rows.append(item)
    rows, duplicates = _drop_duplicate_ids(rows)
    if duplicates and on_error == "raise":
        raise InputError(duplicates[0], more=duplicates[1:])
    skipped.extend(duplicates)
    return Corpus(articles=articles_frame(rows), skipped=skipped)


def iter_corpus(path: str | Path, *, chunk_size: int = 1000, format: Format | None = None,
                columns: Mapping[str, str] | None = None, outlet: str | None = None,
                on_error: Literal["raise", "skip"] = "raise",
                skipped: list[Problem] | None = None) -> Iterator[pd.DataFrame]:
    """Stream a corpus as articles tables of at most ``chunk_size`` rows, in file order.

    Memory stays bounded by the chunk (plus the set of ids seen, to catch duplicates), so
    corpora larger than memory can be annotated partition by partition. Chunks are not
    sorted by date (that would need the whole corpus); problems are appended to ``skipped``.
    """
    seen: dict[str, str] = {}
    rows: list[dict] = []
    for item in iter_records(Path(path), format=format, columns=columns, outlet=outlet):
        if not isinstance(item, Problem) and item["article_id"] in seen:
            source, _, line = item["source"].rpartition(":")
            item = Problem(source, line=int(line) if line.isdigit() else None, field="id",
                           expected=f"a unique id (first used at {seen[item['article_id']]})", got=item["article_id"])
        if isinstance(item, Problem):
            if on_error == "raise":
                raise InputError(item)
            if skipped is not None:
                skipped.append(item)
            continue
        seen[item["article_id"]] = item["source"]
        rows.append(item)
        if len(rows) >= chunk_size:
            yield articles_frame(rows, sort=False)
            rows = []
    if rows:
        yield articles_frame(rows, sort=False)


def articles_frame(rows: list[dict], *, sort: bool = True) -> pd.DataFrame:
    """Rows (dicts with :data:`ARTICLE_COLUMNS`) as the sorted, typed articles table."""
    frame = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    for name in ARTICLE_COLUMNS:
        if name != "date":
            frame[name] = frame[name].astype(str)
    if not sort:
        return frame
    return frame.sort_values(["date", "article_id"], kind="stable").reset_index(drop=True)


def iter_records(path: Path, *, format: Format | None = None,
                 columns: Mapping[str, str] | None = None,
                 outlet: str | None = None) -> Iterator[dict | Problem]:
    """Yield one article dict or one :class:`Problem` per record, streaming (bounded memory)."""
    if not path.exists():
        raise InputError.at(path, field="path", expected="an existing file or folder", got="no such path")
    format = format or _guess_format(path)
    if format == "folder":
        yield from _iter_folder(path, outlet=outlet)
    elif format == "seed":
        yield _read_seed_file(path, outlet=outlet or "unknown", metadata={})
    elif format == "csv":
        yield from _iter_table(path, _csv_rows(path), columns=columns, outlet=outlet)
    elif format == "jsonl":
        yield from _iter_table(path, _jsonl_rows(path), columns=columns, outlet=outlet)
    else:
        raise InputError.at(path, field="format", expected="one of seed, folder, csv, jsonl", got=format)


def _guess_format(path: Path) -> Format:
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".txt":
        return "seed"
    raise InputError.at(path, field="format", expected="a folder, .txt (seed format), .csv or .jsonl file",
                        got=suffix or "no extension")


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError.at(path, field="path", expected="a readable file", got=error.strerror) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError.at(path, line=line, field="encoding", expected="UTF-8 text",
                            got=f"undecodable bytes {data[error.start:error.end]!r}") from None


def _iter_folder(folder: Path, *, outlet: str | None) -> Iterator[dict | Problem]:
    metadata = _folder_metadata(folder)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt")
    if not files:
        raise InputError.at(folder, field="path", expected="a folder with one or more .txt articles",
                            got="no .txt files")
    for path in files:
        try:
            yield _read_seed_file(path, outlet=outlet or "unknown", metadata=metadata)
        except InputError as error:
            yield error.problem


def _folder_metadata(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / "metadata.csv"
    if not path.exists():
        return {}
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    if "id" not in (reader.fieldnames or []):
        raise InputError.at(path, line=1, field="id", expected="a header with an 'id' column",
                            got=",".join(reader.fieldnames or []))
    return {row["id"]: {k: v for k, v in row.items() if k in ("outlet", "url") and v} for row in reader}


def _read_seed_file(path: Path, *, outlet: str, metadata: Mapping[str, Mapping[str, str]]) -> dict:
    text = _read_text(path)
    header, _, body = text.partition("\n")
    match = _SEED_HEADER.match(header.rstrip("\r"))
    if not match:
        raise InputError.at(path, line=1, field="header", expected="' date YYYY-MM-DD Title'", got=header)
    date = _parse_date(match["date"], source=path, line=1)
    paragraphs = [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(body.replace("\r\n", "\n"))]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise InputError.at(path, line=2, field="text", expected="a non-empty body after the header line",
                            got="")
    article_id = path.stem
    extra = metadata.get(article_id, {})
    return {"article_id": article_id, "date": date, "outlet": extra.get("outlet", outlet),
            "title": match["title"].strip(), "text": "\n\n".join(paragraphs),
            "url": extra.get("url", ""), "source": f"{path}:1"}


def _parse_date(value: str, *, source: object, line: int | None = None, record: object = None) -> str:
    match = _DATE.match(value.strip())
    try:
        if not match:
            raise ValueError
        return dt.date.fromisoformat(match[1]).isoformat()
    except ValueError:
        raise InputError.at(source, line=line, record=record, field="date",
                            expected="a date as YYYY-MM-DD", got=value) from None


@contextmanager
def _open_text(path: Path) -> Iterator[TextIO]:
    """Open a UTF-8 text file for streaming; a decoding error names the line of the bad bytes."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise InputError.at(path, field="path", expected="a readable file", got=error.strerror) from None
    try:
        yield handle
    except UnicodeDecodeError:
        _read_text(path)  # re-read as bytes to find and name the bad line
        raise
    finally:
        handle.close()


def _csv_rows(path: Path) -> Iterator[tuple[int, dict | Problem]]:
    """(line where the record starts, row) for each CSV record, streamed; fields may span lines."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with _open_text(path) as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError.at(path, line=1, field="header", expected="a header row", got="empty file") from None
        except csv.Error as error:
            raise InputError.at(path, line=1, field="header", expected="a CSV header row", got=str(error)) from None
        start = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                yield start, Problem(str(path), line=start, field="csv", expected="well-formed CSV", got=str(error))
                start = reader.line_num + 1
                continue
            if values:
                if len(values) != len(header):
                    yield start, Problem(str(path), line=start, field="columns",
                                         expected=f"{len(header)} fields as in the header",
                                         got=f"{len(values)} fields")
                else:
                    yield start, dict(zip(header, values))
            start = reader.line_num + 1


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict | Problem]]:
    """(line, object) for each JSON Lines record, streamed."""
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, Problem(str(path), line=number, field="json", expected="one JSON object per line",
                                      got=error.msg)
                continue
            if not isinstance(value, dict):
                yield number, Problem(str(path), line=number, field="json", expected="a JSON object",
                                      got=type(value).__name__)
                continue
            yield number, {k: "" if v is None else str(v) for k, v in value.items()}


def _resolve_columns(path: Path, available: list[str], columns: Mapping[str, str] | None) -> dict[str, str]:
    unknown = set(columns or {}) - set(FIELDS)
    if unknown:
        raise InputError.at(path, field="columns", expected=f"mapping keys among {', '.join(FIELDS)}",
                            got=", ".join(sorted(unknown)))
    resolved: dict[str, str] = {}
    for name in FIELDS:
        if columns and name in columns:
            if columns[name] not in available:
                raise InputError.at(path, line=1, field=columns[name],
                                    expected=f"a column {columns[name]!r} (mapped to {name})",
                                    got="columns " + ", ".join(available))
            resolved[name] = columns[name]
        else:
            found = next((c for c in KNOWN_COLUMNS[name] if c in available), None)
            if found:
                resolved[name] = found
    for required in ("date", "text"):
        if required not in resolved:
            raise InputError.at(path, line=1, field=required,
                                expected=f"a {required!r} column (or a mapping for it)",
                                got="columns " + ", ".join(available))
    return resolved


def _iter_table(path: Path, rows: Iterator[tuple[int, dict | Problem]], *,
                columns: Mapping[str, str] | None, outlet: str | None) -> Iterator[dict | Problem]:
    mapping: dict[str, str] | None = None
    for line, row in rows:
        if isinstance(row, Problem):
            yield row
            continue
        if mapping is None:
            mapping = _resolve_columns(path, list(row), columns)
        try:
            yield _table_record(path, line, row, mapping, outlet=outlet)
        except InputError as error:
            yield error.problem


def _table_record(path: Path, line: int, row: Mapping[str, str], mapping: Mapping[str, str], *,
                  outlet: str | None) -> dict:
    def get(name: str) -> str:
        return row.get(mapping[name], "") if name in mapping else ""

    missing = [mapping[name] for name in ("date", "text") if mapping[name] not in row]
    if missing:
        raise InputError.at(path, line=line, field=missing[0], expected="a value in every record", got="missing")
    date = _parse_date(get("date"), source=path, line=line)
    text = get("text").replace("\r\n", "\n").strip()
    if not text:
        raise InputError.at(path, line=line, field=mapping["text"], expected="a non-empty article text", got="")
    title = " ".join(get("title").split())
    article_id = get("id").strip() or _content_id(date, title, text)
    return {"article_id": article_id, "date": date, "outlet": get("outlet").strip() or outlet or "unknown",
            "title": title, "text": text, "url": get("url").strip(), "source": f"{path}:{line}"}


def _content_id(date: str, title: str, text: str) -> str:
    return hashlib.sha1(f"{date}\x1f{title}\x1f{text}".encode()).hexdigest()[:16]


def _drop_duplicate_ids(rows: list[dict]) -> tuple[list[dict], list[Problem]]:
    """Keep the first record of each id; every later one becomes a problem naming both places."""
    first_source: dict[str, str] = {}
    kept, problems = [], []
    for row in rows:
        if row["article_id"] not in first_source:
            first_source[row["article_id"]] = row["source"]
            kept.append(row)
            continue
        path, _, line = row["source"].rpartition(":")
        problems.append(Problem(path, line=int(line) if line.isdigit() else None, field="id",
                                expected=f"a unique id (first used at {first_source[row['article_id']]})",
                                got=row["article_id"]))
    return kept, problems

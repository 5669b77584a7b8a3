"""Read a corpus of news articles into a tidy articles table.

Formats
-------
* **seed format** (one ``.txt`` file per article): the first line is
  `` date YYYY-MM-DD Title`` (leading space optional), then the body; paragraphs
  are separated by blank lines. The article id is the file name without ``.txt``.
  A folder of such files may hold a ``metadata.csv`` (columns ``id`` and any of
  ``outlet``, ``url``) that supplies what the format lacks. Only the folder's own
  ``.txt`` files are read: files in subfolders, and metadata ids that name no article,
  are reported as warnings.
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
listed in :attr:`Corpus.skipped` (articles plus skipped records make every record of
the file, a record swallowed by a stray quote included: see :mod:`analysis.corpus.records`);
nothing is dropped silently. What is read but may not be meant (see above) is listed in
:attr:`Corpus.warnings`. A corpus without a single article is an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Literal, Mapping

import pandas as pd

from analysis.corpus.records import DATE, DATE_COLUMNS, allow_long_fields, csv_rows, jsonl_rows, read_text
from analysis.errors import InputError, Notice, Problem

FIELDS = ("id", "date", "outlet", "title", "text", "url")
ARTICLE_COLUMNS = ["article_id", "date", "outlet", "title", "text", "url", "source"]
#: Column names recognised without a mapping, per field, in order of preference.
KNOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "article_id", "docid", "uid"),
    "date": DATE_COLUMNS,
    "outlet": ("outlet", "source", "publisher", "media", "medium"),
    "title": ("title", "headline", "heading"),
    "text": ("text", "body", "content", "article", "full_text"),
    "url": ("url", "link", "href"),
}
_SEED_HEADER = re.compile(r"^ ?date (?P<date>\S+) (?P<title>\S.*)$")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

Format = Literal["seed", "folder", "csv", "jsonl"]


@dataclass
class Corpus:
    """What a read returns: the articles, every record that was skipped (with why), and warnings
    about input that was read but may not be what the user meant."""

    articles: pd.DataFrame
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

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
    warnings: list[Problem] = []
    for item in iter_records(Path(path), format=format, columns=columns, outlet=outlet):
        if isinstance(item, Notice):
            warnings.append(item)
        elif isinstance(item, Problem):
            if on_error == "raise":
                raise InputError(item)
            skipped.append(item)
        else:
            rows.append(item)
    rows, duplicates = _drop_duplicate_ids(rows)
    if duplicates and on_error == "raise":
        raise InputError(duplicates[0], more=duplicates[1:])
    skipped.extend(duplicates)
    if not rows:
        raise _no_articles(path, skipped)
    return Corpus(articles=articles_frame(rows), skipped=skipped, warnings=warnings)


def iter_corpus(path: str | Path, *, chunk_size: int = 1000, format: Format | None = None,
                columns: Mapping[str, str] | None = None, outlet: str | None = None,
                on_error: Literal["raise", "skip"] = "raise", skipped: list[Problem] | None = None,
                warnings: list[Problem] | None = None) -> Iterator[pd.DataFrame]:
    """Stream a corpus as articles tables of at most ``chunk_size`` rows, in file order.

    Memory stays bounded by the chunk (plus the set of ids seen, to catch duplicates), so
    corpora larger than memory can be annotated partition by partition. Chunks are not
    sorted by date (that would need the whole corpus); problems are appended to ``skipped``,
    notices to ``warnings``. A corpus without a single article raises after the last record.
    """
    seen: dict[str, str] = {}
    rows: list[dict] = []
    problems: list[Problem] = []
    for item in iter_records(Path(path), format=format, columns=columns, outlet=outlet):
        if isinstance(item, Notice):
            if warnings is not None:
                warnings.append(item)
            continue
        if not isinstance(item, Problem) and item["article_id"] in seen:
            source, _, line = item["source"].rpartition(":")
            item = Problem(source, line=int(line) if line.isdigit() else None, field="id",
                           expected=f"a unique id (first used at {seen[item['article_id']]})", got=item["article_id"])
        if isinstance(item, Problem):
            if on_error == "raise":
                raise InputError(item)
            problems.append(item)
            if skipped is not None:
                skipped.append(item)
            continue
        seen[item["article_id"]] = item["source"]
        rows.append(item)
        if len(rows) >= chunk_size:
            yield articles_frame(rows, sort=False)
            rows = []
    if not seen:
        raise _no_articles(path, problems)
    if rows:
        yield articles_frame(rows, sort=False)


def _no_articles(path: str | Path, skipped: list[Problem]) -> InputError:
    """The error for a corpus where not one article could be read (listing the skipped records)."""
    got = f"none: all {len(skipped)} record(s) were skipped" if skipped else "none"
    return InputError(Problem(str(path), field="articles", expected="at least one article", got=got),
                      more=skipped)


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
    """Yield one article dict or one :class:`Problem` per record, streaming (bounded memory), and a
    :class:`~analysis.errors.Notice` for what is read but may not be meant (seed folders)."""
    if not path.exists():
        raise InputError.at(path, field="path", expected="an existing file or folder", got="no such path")
    format = format or _guess_format(path)
    if format == "folder":
        yield from _iter_folder(path, outlet=outlet)
    elif format == "seed":
        yield _read_seed_file(path, outlet=outlet or "unknown", metadata={})
    elif format == "csv":
        rows = csv_rows(path, date_column=(columns or {}).get("date"))
        yield from _iter_table(path, rows, columns=columns, outlet=outlet, first_line=2)
    elif format == "jsonl":
        yield from _iter_table(path, jsonl_rows(path), columns=columns, outlet=outlet, first_line=1)
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


def _iter_folder(folder: Path, *, outlet: str | None) -> Iterator[dict | Problem]:
    """The folder's own ``.txt`` articles, then notices for what is there but not read."""
    metadata = _folder_metadata(folder)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
    nested = _nested_articles(folder)
    if not files:
        inside = f" ({sum(map(len, nested.values()))} in subfolders, which are not read)" if nested else ""
        raise InputError.at(folder, field="path", expected="a folder with one or more .txt articles",
                            got="no .txt files" + inside)
    for path in files:
        try:
            yield _read_seed_file(path, outlet=outlet or "unknown", metadata=metadata)
        except InputError as error:
            yield error.problem
    for subfolder, inside in nested.items():
        yield Notice(str(subfolder), field="path", got=f"{len(inside)} .txt file(s), not read",
                     expected="articles in the corpus folder itself (subfolders are not read)")
    stems = {p.stem for p in files}
    for article_id, (line, _) in metadata.items():
        if article_id not in stems:
            yield Notice(str(folder / "metadata.csv"), line=line, field="id", got=article_id,
                         expected="the id of a .txt article in the folder (this row is not used)")


def _nested_articles(folder: Path) -> dict[Path, list[Path]]:
    """``.txt`` files in subfolders of ``folder``, by subfolder: they are not part of the corpus."""
    nested: dict[Path, list[Path]] = defaultdict(list)
    for path in sorted(folder.glob("*/**/*.txt")):
        if path.is_file():
            nested[path.parent].append(path)
    return dict(nested)


def _folder_metadata(folder: Path) -> dict[str, tuple[int, dict[str, str]]]:
    """``metadata.csv`` as id → (line, its non-empty outlet and url); an id listed twice is an error."""
    path = folder / "metadata.csv"
    if not path.exists():
        return {}
    allow_long_fields()
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    header = next(reader, [])
    if "id" not in header:
        raise InputError.at(path, line=1, field="id", expected="a header with an 'id' column", got=",".join(header))
    found: dict[str, tuple[int, dict[str, str]]] = {}
    start = reader.line_num + 1
    for values in reader:
        row = dict(zip(header, values))
        article_id = row.get("id", "")
        if values and article_id in found:
            raise InputError.at(path, line=start, field="id", got=article_id,
                                expected=f"each id once (first on line {found[article_id][0]})")
        if values:
            found[article_id] = (start, {k: v for k, v in row.items() if k in ("outlet", "url") and v})
        start = reader.line_num + 1
    return found


def _read_seed_file(path: Path, *, outlet: str, metadata: Mapping[str, tuple[int, Mapping[str, str]]]) -> dict:
    text = read_text(path)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError.at(path, line=line, field="header" if line == 1 else "text", got="a NUL byte",
                            expected="text without NUL bytes (is the file UTF-16 or binary?)")
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
    extra = metadata.get(article_id, (0, {}))[1]
    return {"article_id": article_id, "date": date, "outlet": extra.get("outlet", outlet),
            "title": match["title"].strip(), "text": "\n\n".join(paragraphs),
            "url": extra.get("url", ""), "source": f"{path}:1"}


def _parse_date(value: str, *, source: object, line: int | None = None, record: object = None) -> str:
    match = DATE.match(value.strip())
    try:
        if not match:
            raise ValueError
        return dt.date.fromisoformat(match[1]).isoformat()
    except ValueError:
        raise InputError.at(source, line=line, record=record, field="date",
                            expected="a date as YYYY-MM-DD", got=value) from None


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


def _iter_table(path: Path, rows: Iterator[tuple[int, dict | Problem]], *, columns: Mapping[str, str] | None,
                outlet: str | None, first_line: int) -> Iterator[dict | Problem]:
    """Articles (or problems) from a CSV/JSONL record stream; a file without records is an error."""
    mapping: dict[str, str] | None = None
    any_record = False
    for line, row in rows:
        any_record = True
        if isinstance(row, Problem):
            yield row
            continue
        if mapping is None:
            mapping = _resolve_columns(path, list(row), columns)
        try:
            yield _table_record(path, line, row, mapping, outlet=outlet)
        except InputError as error:
            yield error.problem
    if not any_record:
        raise InputError.at(path, line=first_line, field="records", expected="at least one record (an article)",
                            got="end of file")


def _table_record(path: Path, line: int, row: Mapping[str, object], mapping: Mapping[str, str], *,
                  outlet: str | None) -> dict:
    def get(name: str) -> str:
        return _text_value(path, line, mapping[name], row.get(mapping[name], "")) if name in mapping else ""

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


def _text_value(path: Path, line: int, column: str, value: object) -> str:
    """A field's value as text: a JSON object or list, or a NUL byte, is an error naming the field."""
    if not isinstance(value, str):
        kind = "an object" if isinstance(value, dict) else "a list"
        raise InputError.at(path, line=line, field=column, expected="text (a JSON string)", got=kind)
    if "\x00" in value:
        raise InputError.at(path, line=line, field=column, got="a NUL byte",
                            expected="text without NUL bytes (is the file UTF-16 or binary?)")
    return value


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

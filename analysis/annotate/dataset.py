"""Corpora larger than memory: stream, annotate partition by partition, measure from partitions.

:func:`annotate_dataset` reads the corpus in chunks (:func:`analysis.corpus.reader.iter_corpus`),
annotates each chunk on the chosen engine, and writes every table as one Parquet file
per chunk::

    out/
      manifest.json                 written last: the dataset is complete when it exists
      articles/part-00000.parquet   one file per chunk, for every table
      sentences/part-00000.parquet
      tokens/...  mentions/...  (and the layers' tables)

Workers write their own partitions (atomically, named by chunk number) and send back
only row counts, so memory stays bounded by a few chunks whatever the corpus size, and
a retried task rewrites the same file (no loss, no duplicates). The whole folder is
built under a temporary name and appears under its final name only when complete; with
``replace=True`` an existing ``out`` is replaced only if it is a dataset this tool wrote
(see :func:`analysis.store.validate_output`).

:class:`Dataset` reads it back partition by partition (chunked pandas) or as Dask
DataFrames; measures that add up across partitions are computed without loading a
whole table, each beside its in-memory twin: :func:`analysis.framing.partitioned.partitioned_salience`,
:func:`analysis.framing.partitioned.partitioned_frame_shares`,
:func:`analysis.terms.partitioned.partitioned_term_counts` and
:func:`analysis.sentiment.partitioned.partitioned_tone`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import pandas as pd

from analysis.annotate.pipeline import Settings, annotate_records
from analysis.corpus.codebook import Codebook, load_codebook
from analysis.corpus.reader import iter_corpus
from analysis.annotate.engines import run_tasks
from analysis.errors import InputError, Problem
from analysis.store import output_marker, staged_folder, validate_output

PART = "part-{:05d}.parquet"
#: The ``kind`` in a dataset's manifest (:func:`analysis.store.output_marker`).
DATASET_KIND = "dataset"


def _dataset_files(manifest: Mapping[str, Any]) -> set[str]:
    """What a dataset folder holds, by its manifest: the manifest and a folder per table."""
    rows = manifest.get("rows")
    return {"manifest.json", *(name for name in rows if isinstance(name, str))} if isinstance(rows, dict) else {
        "manifest.json"}


def _annotate_partition(index: int, articles: pd.DataFrame, codebook: Codebook, settings: Settings,
                        folder: str) -> dict[str, int]:
    """Annotate one chunk and write its tables as partition ``index``; return row counts."""
    records = articles[["article_id", "title", "text"]].to_dict("records")
    tables = {"articles": articles, **annotate_records(records, codebook, settings=settings)}
    for name, frame in tables.items():
        target = Path(folder) / name / PART.format(index)
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        frame.to_parquet(scratch, index=False)
        os.replace(scratch, target)
    return {name: len(frame) for name, frame in tables.items()}


def annotate_dataset(corpus: str | Path, codebook: Codebook | str | Path, out: str | Path, *,
                     settings: Settings = Settings(),
                     engine: str = "serial", workers: int | None = None, chunk_size: int = 1000,
                     dask_address: str | None = None, columns: Mapping[str, str] | None = None,
                     on_error: str = "raise", replace: bool = False, progress: bool = True) -> "Dataset":
    """Annotate a corpus of any size into a partitioned Parquet dataset at ``out``.

    ``codebook`` is a :class:`Codebook` or the path of a YAML codebook (loaded and validated
    here, as :func:`analysis.annotate.workspace.open_workspace` does with paths).
    """
    from tqdm import tqdm

    codebook = _as_codebook(codebook)

    out = Path(out)
    validate_output(out, kind=DATASET_KIND, replace=replace, field="out", flag="replace=True", files=_dataset_files)
    skipped: list[Problem] = []
    warnings: list[Problem] = []
    started = time.perf_counter()
    with staged_folder(out) as staging:
        chunks = iter_corpus(corpus, chunk_size=chunk_size, columns=columns, on_error=on_error,  # type: ignore[arg-type]
                             skipped=skipped, warnings=warnings)
        tasks = ((i, chunk, codebook, settings, str(staging)) for i, chunk in enumerate(chunks))
        with tqdm(desc="annotate", unit="partition", disable=not progress) as bar:
            counts = run_tasks(_annotate_partition, tasks, engine=engine, workers=workers, address=dask_address,
                               on_result=lambda _: bar.update(1))
        totals = {name: sum(c[name] for c in counts) for name in (counts[0] if counts else {})}
        manifest = {**output_marker(DATASET_KIND), "corpus": str(corpus), "codebook": codebook.source,
                    "codebook_digest": codebook.digest,
                    "settings": asdict(settings), "engine": engine, "chunk_size": chunk_size,
                    "partitions": len(counts), "rows": totals, "skipped": [str(p) for p in skipped],
                    "seconds": round(time.perf_counter() - started, 3)}
        manifest["warnings"] = [str(p) for p in warnings]
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Dataset(out)


def _as_codebook(codebook: object) -> Codebook:
    """A :class:`Codebook` as given, or loaded from a path; anything else is an error saying what to pass."""
    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    raise InputError.at("annotate_dataset", field="codebook", got=type(codebook).__name__,
                        expected="a Codebook (analysis.corpus.codebook.load_codebook) or the path of a YAML codebook")


@dataclass(frozen=True)
class Dataset:
    """A partitioned annotation dataset written by :func:`annotate_dataset`."""

    path: Path

    def __post_init__(self) -> None:
        if not (Path(self.path) / "manifest.json").exists():
            raise InputError.at(self.path, field="manifest.json",
                                expected="a complete dataset written by annotate_dataset", got="no manifest")

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads((Path(self.path) / "manifest.json").read_text())

    def files(self, table: str) -> list[Path]:
        return sorted((Path(self.path) / table).glob("part-*.parquet"))

    def partitions(self, table: str, *, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The table one partition at a time (chunked pandas: one partition in memory)."""
        for file in self.files(table):
            yield pd.read_parquet(file, columns=list(columns) if columns else None)

    def read(self, table: str, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The whole table (for tables that fit in memory), partitions in order."""
        parts = list(self.partitions(table, columns=columns))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(columns or []))

    def dask(self, table: str, *, columns: Sequence[str] | None = None) -> Any:
        """The table as a Dask DataFrame (one partition per file, in order)."""
        import dask.dataframe as dd

        return dd.read_parquet([str(f) for f in self.files(table)], columns=list(columns) if columns else None)

    def joined(self, table: str, *, columns: Sequence[str] | None = None,
               article_columns: Sequence[str] = ("date", "outlet")) -> Iterator[pd.DataFrame]:
        """Partitions of ``table`` joined with their articles' ``article_columns`` (same partition)."""
        for part, articles in zip(self.partitions(table, columns=columns),
                                  self.partitions("articles", columns=["article_id", *article_columns])):
            yield part.merge(articles, on="article_id", how="left")

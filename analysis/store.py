"""Atomic file output: tables as Parquet (+ CSV), text and JSON, never half-written.

Every writer writes into a temporary sibling and renames it into place, so a reader
sees the old file or the new one, never a torn one; a folder of tables appears only
when all of it is written.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Iterator, Mapping

import pandas as pd


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | Path, text: str) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | Path, value: Any) -> Path:
    return write_text_atomic(path, json.dumps(value, indent=2, sort_keys=True, default=str) + "\n")


@contextmanager
def staged_folder(folder: str | Path) -> Iterator[Path]:
    """Build a folder under a temporary sibling name; it takes ``folder``'s place only on success.

    An existing ``folder`` is replaced only after the new one is complete (moved aside,
    then removed); on an error the staging folder is removed and ``folder`` is untouched.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        yield staging
        publish_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish_folder(staging: Path, folder: Path) -> None:
    """Rename a finished ``staging`` folder to ``folder``, replacing an old one atomically."""
    if folder.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
        os.replace(folder, retired / folder.name)
        os.replace(staging, folder)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, folder)


def write_tables(folder: str | Path, tables: Mapping[str, pd.DataFrame], *, manifest: Mapping[str, Any],
                 csv: bool = False) -> Path:
    """Write each table as ``<name>.parquet`` (and ``.csv``) plus ``manifest.json``, atomically as a folder.

    The folder is built under a temporary name and renamed into place; an existing
    folder of the same name is replaced only after the new one is complete.
    """
    with staged_folder(folder) as staging:
        for name, frame in tables.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            if csv:
                frame.to_csv(staging / f"{name}.csv", index=False)
        (staging / "manifest.json").write_text(
            json.dumps({**manifest, "tables": sorted(tables)}, indent=2, sort_keys=True, default=str) + "\n")
    return Path(folder)


class LazyTables(Mapping[str, pd.DataFrame]):
    """The tables of a folder written by :func:`write_tables`, each read on first access.

    A notebook that needs only mentions and sentences does not pay for reading the
    token and frame tables (millions of rows on a large corpus).
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._names = json.loads((self.folder / "manifest.json").read_text())["tables"]
        self._loaded: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._loaded:
            self._loaded[name] = pd.read_parquet(self.folder / f"{name}.parquet")
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def read_tables(folder: str | Path) -> LazyTables:
    """Every table listed in ``manifest.json`` of a folder written by :func:`write_tables` (read lazily)."""
    return LazyTables(folder)

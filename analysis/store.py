"""Atomic file output: tables as Parquet (+ CSV), text and JSON, never half-written; output folders kept safe.

Every writer writes into a temporary sibling and renames it into place, so a reader
sees the old file or the new one, never a torn one; a folder of tables appears only
when all of it is written.

Temporary siblings are named ``.<name>.partial-<host>-<pid>-<random>`` (an old folder
being replaced: ``.<name>.retired-...``), so a run that was killed leaves something
recognisably ours and tied to its process: :func:`clean_stale_partials`
removes those of processes that no longer run, and nothing else. Files and folders
are created with the modes the user's umask gives (0644 / 0755 under umask 022), so
a colleague or a web server can read a report.

Before a command does any work, :func:`validate_output` checks its output folder: an
existing folder is replaced only when this tool wrote it, as output of the same kind
(its ``manifest.json`` carries :func:`output_marker`), and never when it is, or holds,
the current folder, the project root or the home folder; the place must be writable.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import threading
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Mapping

import pandas as pd

from analysis import paths
from analysis.errors import InputError

#: The ``tool`` value in the manifests this package writes.
TOOL = "media-analysis"
#: This machine in temporary names (letters, digits, dots): a pid means something only on the machine that wrote it.
HOST = re.sub(r"[^A-Za-z0-9.]", "", socket.gethostname())[:40] or "host"
#: Temporary siblings: ``.<name>.partial-<host>-<pid>-<8 hex>`` (being built), ``.<name>.retired-...`` (being replaced).
_SIDE = re.compile(r"^\.(?P<name>.+)\.(?P<state>partial|retired)-(?P<host>[A-Za-z0-9.]{1,40})-"
                   r"(?P<pid>[1-9][0-9]{0,9})-[0-9a-f]{8}$")
#: Files an operating system leaves in folders it shows; they do not stop a folder being replaced.
_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


# --- temporary siblings -------------------------------------------------------------------------


def _side_path(parent: Path, name: str, state: str = "partial") -> Path:
    return parent / f".{name}.{state}-{HOST}-{os.getpid()}-{secrets.token_hex(4)}"


def make_partial(parent: str | Path, name: str, *, state: str = "partial") -> Path:
    """Create an empty folder ``.<name>.<state>-<host>-<pid>-<random>`` in ``parent`` (mode from the umask).

    The name ties the folder to this process on this machine, so a later run can tell a
    stale one (its process is gone) from one that is still being written.
    """
    while True:
        path = _side_path(Path(parent), name, state)
        try:
            os.mkdir(path)  # 0o777 minus the umask, unlike tempfile.mkdtemp's fixed 0o700
            return path
        except FileExistsError:
            continue


def _open_partial_file(path: Path) -> tuple[Path, int]:
    """A new file ``.<name>.partial-<host>-<pid>-<random>`` beside ``path``, open for writing (mode from the umask)."""
    while True:
        temporary = _side_path(path.parent, path.name)
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (another user's process counts: it may be writing)."""
    if pid <= 0:
        return True  # never ours: signal 0 would go to a process group
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return True  # not a pid this system could have written: leave it alone
    return True


def _stale(parent: Path, entry: os.DirEntry) -> bool:
    """Whether ``entry`` is a temporary sibling of ours whose process is gone and that may go."""
    match = _SIDE.match(entry.name)
    if match is None or match["host"] != HOST or entry.is_symlink() or pid_alive(int(match["pid"])):
        return False  # not ours, another machine's (its pid says nothing here), or still being written
    # an old output moved aside, whose replacement never arrived, is its only copy: kept
    return match["state"] == "partial" or os.path.lexists(parent / match["name"])


def clean_stale_partials(parent: str | Path) -> list[Path]:
    """Remove the temporary siblings in ``parent`` that runs killed before they could (their process is gone).

    Only names this module makes (``.<name>.partial-<host>-<pid>-<random>``) are touched,
    only those of this machine, and only when no process ``pid`` runs; everything else in
    ``parent`` stays. Returns what went.
    """
    parent = Path(parent)
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    removed = []
    for entry in entries:
        if _stale(parent, entry):
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


# --- reading --------------------------------------------------------------------------------------


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes, read in blocks of 1 MiB (a large corpus is never held in memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- atomic writers -----------------------------------------------------------------------------


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename (mode from the umask)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary, handle = _open_partial_file(path)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
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
    Stale staging folders of killed runs beside ``folder`` are removed first.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(folder.parent)
    staging = make_partial(folder.parent, folder.name)
    try:
        yield staging
        publish_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish_folder(staging: Path, folder: Path) -> None:
    """Rename a finished ``staging`` folder to ``folder``, replacing an old one atomically.

    Whatever the caller checked, a folder that is, or holds, the current folder, the
    project root or the home folder is never moved aside (:class:`InputError`).
    """
    if os.path.lexists(folder):
        if (why := protection(folder)) is not None:
            raise InputError.at(folder, field="output", expected="a folder of its own for the output",
                                got=f"{why} (never replaced)")
        _swap(staging, folder)
    else:
        os.replace(staging, folder)


def _swap(staging: Path, folder: Path) -> None:
    """Move ``folder`` aside, rename ``staging`` to it, remove the old one; on a failure the old one is put back."""
    retired = make_partial(folder.parent, folder.name, state="retired")
    old = retired / folder.name
    try:
        with _signals_deferred():  # Ctrl-C between the two renames would leave neither in place
            os.replace(folder, old)
            os.replace(staging, folder)
    except BaseException:
        if os.path.lexists(old) and not os.path.lexists(folder):
            os.replace(old, folder)
        raise
    finally:  # also when a Ctrl-C held back above arrives now, the new one being in place
        shutil.rmtree(retired, ignore_errors=True)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a few system calls, then deliver them (main thread only; else a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    held = [number for number, handler in previous.items() if handler is not None]  # None: not Python's to restore
    for number in held:
        signal.signal(number, lambda received, frame: caught.append(received))
    try:
        yield
    finally:
        for number in held:
            signal.signal(number, previous[number])
        for number in caught:
            signal.raise_signal(number)


# --- output folders: what may be replaced, and where one can write --------------------------------


def output_marker(kind: str) -> dict[str, str]:
    """The manifest entries that mark a folder as this tool's output of ``kind`` (``report``, ``tables``).

    Only a folder whose ``manifest.json`` carries them, for the same kind, is ever replaced.
    """
    return {"tool": TOOL, "kind": kind}


def read_manifest(folder: str | Path) -> dict[str, Any] | None:
    """``folder/manifest.json`` as a dict, or None when there is none or it is not a JSON object."""
    try:
        value = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def table_files(manifest: Mapping[str, Any]) -> set[str]:
    """The files a folder of :func:`write_tables` holds, by its manifest: each table's Parquet and CSV."""
    names = manifest.get("tables")
    tables = [name for name in names if isinstance(name, str)] if isinstance(names, list) else []
    return {"manifest.json", *(f"{name}.{ext}" for name in tables for ext in ("parquet", "csv"))}


def _protected() -> dict[Path, str]:
    """Folders never replaced or deleted, whatever their manifest says, each with what it is."""
    guarded: dict[Path, str] = {}
    for what, where in (("the current folder", Path.cwd), ("the project root", lambda: Path(paths.PROJ_ROOT)),
                        ("the home folder", Path.home)):
        try:
            guarded.setdefault(where().resolve(), what)
        except (OSError, RuntimeError, KeyError):  # a deleted working folder, no home: nothing to guard
            continue
    return guarded


def protection(folder: str | Path) -> str | None:
    """What makes ``folder`` one never to replace, or None.

    It is never replaced when it is, or is a parent of, the current folder, the project
    root (:data:`analysis.paths.PROJ_ROOT`) or the home folder, as given or with links resolved.
    """
    given = Path(os.path.abspath(folder))
    try:
        resolved = given.resolve()
    except (OSError, RuntimeError):  # a loop of links: judged as given
        resolved = given
    for candidate in dict.fromkeys((given, resolved)):
        for guarded, what in _protected().items():
            if candidate == guarded:
                return what
            if candidate in guarded.parents:
                return f"a parent of {what}"
    return None


def replace_refusal(folder: Path, *, kind: str, files: Callable[[Mapping[str, Any]], Iterable[str]]) -> str | None:
    """Why ``folder`` may not be replaced by new ``kind`` output, in a few words; None when it may.

    It may when it is empty, or when this tool wrote it as ``kind`` output (its manifest
    says so) and it holds only what that output holds (``files`` of its manifest; an
    operating system's ``.DS_Store`` and the like aside): a file of the user's inside a
    run folder stops the replacement as surely as a missing manifest does.
    """
    if (why := protection(folder)) is not None:
        return f"{why}, never replaced"
    entries = {entry.name for entry in folder.iterdir()} - _LITTER
    if not entries:
        return None
    manifest = read_manifest(folder)
    if manifest is None:
        return "no manifest.json of this tool"
    if "tool" not in manifest:  # another program's, or a run of a version before the mark
        return "a manifest.json without this tool's mark"
    if manifest.get("tool") != TOOL:
        return "the manifest.json of another program"
    if manifest.get("kind") != kind:
        return f"the manifest.json of {manifest.get('kind')!r} output"
    foreign = sorted(entries - set(files(manifest)))
    return f"files this tool did not write: {', '.join(foreign)}" if foreign else None


def _check_existing(folder: Path, *, kind: str, replace: bool, field: str, flag: str,
                    files: Callable[[Mapping[str, Any]], Iterable[str]], empty_ok: bool) -> None:
    """:func:`validate_output`'s checks on a ``folder`` that exists."""
    if not folder.is_dir():
        raise InputError.at(folder, field=field, expected="a folder for the output; choose a new name",
                            got="an existing file")
    if (why := protection(folder)) is not None:
        raise InputError.at(folder, field=field, expected=f"a folder of its own for the output, e.g. "
                            f"{folder / 'run'}; this one is never replaced", got=why)
    if not replace:
        if empty_ok and not any(folder.iterdir()):
            return
        new = "a new or empty folder" if empty_ok else "a new folder"
        raise InputError.at(folder, field=field, expected=f"{new} (or {flag} to replace output this tool wrote, "
                            "once the new one is complete)", got="a folder with files" if empty_ok else
                            "an existing folder")
    if (why := replace_refusal(folder, kind=kind, files=files)) is not None:
        raise InputError.at(folder, field=field, expected=f"a new folder, or for {flag} a folder this tool wrote "
                            f"as {kind} output (manifest.json with \"kind\": \"{kind}\"); choose another "
                            "folder or move your files away", got=why)


def check_writable(folder: str | Path, *, field: str) -> None:
    """Stop before any work when ``folder`` cannot be made: a parent is a file, or the place is not writable.

    Creates (and removes) a temporary sibling in the nearest folder that exists, so that
    permissions, read-only and pseudo file systems (``/sys``) all show, not only modes.
    """
    folder = Path(os.path.abspath(folder))
    base = folder.parent
    while not os.path.exists(base) and base != base.parent:
        base = base.parent
    if not base.is_dir():
        raise InputError.at(folder, field=field, expected=f"a path through folders, but {base} is a file; "
                            "choose another place", got="a file as a parent folder")
    try:
        make_partial(base, folder.name).rmdir()
    except OSError as error:
        raise InputError.at(folder, field=field, expected=f"a place where you can write, but {base} is not; "
                            "choose another place", got=error.strerror or type(error).__name__) from None


def validate_output(folder: str | Path, *, kind: str, replace: bool, field: str, flag: str,
                    files: Callable[[Mapping[str, Any]], Iterable[str]], empty_ok: bool = False) -> Path:
    """Check an output folder before any work; returns it as an absolute path.

    Stops with an :class:`InputError` (one line: why, and what to do) when ``folder`` is
    a file; is, or is a parent of, the current folder, the project root or the home
    folder; holds files and ``replace`` (the option ``flag``) is off (an empty folder is
    fine with ``empty_ok``); holds anything but ``kind`` output this tool wrote
    (:func:`replace_refusal`); or lies where nothing can be written. Then removes stale
    temporary siblings of killed runs beside it (:func:`clean_stale_partials`).
    """
    folder = Path(os.path.abspath(folder))
    if os.path.lexists(folder):
        _check_existing(folder, kind=kind, replace=replace, field=field, flag=flag, files=files, empty_ok=empty_ok)
    check_writable(folder, field=field)
    clean_stale_partials(folder.parent)
    return folder


# --- tables -------------------------------------------------------------------------------------


def write_tables(folder: str | Path, tables: Mapping[str, pd.DataFrame], *, manifest: Mapping[str, Any],
                 csv: bool = False, kind: str = "tables") -> Path:
    """Write each table as ``<name>.parquet`` (and ``.csv``) plus ``manifest.json``, atomically as a folder.

    The folder is built under a temporary name and renamed into place; an existing
    folder of the same name is replaced only after the new one is complete. The
    manifest carries :func:`output_marker` of ``kind``, so the folder can later be
    recognised as this tool's (and replaced with ``annotate --overwrite``).
    """
    with staged_folder(folder) as staging:
        for name, frame in tables.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            if csv:
                frame.to_csv(staging / f"{name}.csv", index=False)
        labelled = {**output_marker(kind), **manifest, "tables": sorted(tables)}
        (staging / "manifest.json").write_text(json.dumps(labelled, indent=2, sort_keys=True, default=str) + "\n")
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

"""Bad output folders and faults of ``report`` and ``annotate``: one test per kind.

What is checked: an output folder is replaced only when this tool wrote it, as output
of the same kind, and never when it is, or holds, the current folder, the project root
or the home folder; an unwritable ``--out`` stops before any work; hidden staging
folders of killed runs are cleaned, those of live processes kept; outputs follow the
umask; Ctrl-C prints one line, exits 130 and leaves nothing behind.

Safety of the tests themselves: every "protected" folder a test points ``--out`` at is
a temporary one (``chdir`` to ``tmp_path``, ``HOME`` and ``analysis.paths.PROJ_ROOT``
monkeypatched), so a regression deletes only temporary files.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

import analysis.paths
from analysis.paths import DEFAULT_CODEBOOK, PROJ_ROOT, SEEDS
from analysis.store import HOST, TOOL, publish_folder, write_bytes_atomic

from badinput import assert_one_line_error, run_cli, snapshot, write

QUICK_ANNOTATE = ("annotate", "--quiet", "--layers")  # base tables only: the quickest real annotate run
QUICK_REPORT = ("report", "--quiet", "--notebooks", "00")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One annotation cache for this file's runs (not the project's ``.cache``)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _private_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_ANALYSIS_CACHE", str(cache))


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary current folder (so ``--out .`` and ``..`` can only ever reach temporary files)."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def tool_folder(folder: Path, kind: str) -> Path:
    """A folder that looks like this tool's ``kind`` output (its manifest says so, no other file)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"tool": TOOL, "kind": kind, "tables": []}
    write(folder / "manifest.json", json.dumps(manifest))
    if kind == "report":
        write(folder / "index.html", "<p>an old run</p>")
    return folder


def hidden_siblings(folder: Path) -> list[str]:
    """Hidden temporary siblings beside ``folder`` (staging or retired folders, probes)."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def partial(name: str, pid: int, token: str = "0123abcd", *, state: str = "partial", host: str = HOST) -> str:
    """The name of a temporary sibling as the tool makes it: ``.<name>.partial-<host>-<pid>-<8 hex>``."""
    return f".{name}.{state}-{host}-{pid}-{token}"


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- folders that are never replaced --------------------------------------------------------------


def test_current_folder_is_never_replaced(work, capsys):
    tool_folder(work, "report")  # even a folder whose manifest says it is a run
    before = snapshot(work)
    outcome = run_cli(capsys, *QUICK_REPORT, "--replace", "--out", ".")
    assert_one_line_error(outcome, "--out", "the current folder")
    assert snapshot(work) == before


def test_parent_of_current_folder_is_never_replaced(work, capsys):
    parent = work.parent
    write(parent / "thesis.tex", "chapter one")
    before = snapshot(parent)
    outcome = run_cli(capsys, *QUICK_ANNOTATE, "--overwrite", "--out", "..")
    assert_one_line_error(outcome, "--out", "a parent of the current folder")
    assert snapshot(parent) == before


def test_home_folder_is_never_replaced(work, tmp_path, monkeypatch, capsys):
    home = tool_folder(tmp_path / "home", "report")
    monkeypatch.setenv("HOME", str(home))
    before = snapshot(home)
    outcome = run_cli(capsys, *QUICK_REPORT, "--replace", "--out", home)
    assert_one_line_error(outcome, "--out", "the home folder")
    assert snapshot(home) == before


def test_link_to_home_folder_is_never_replaced(work, tmp_path, monkeypatch, capsys):
    home = tool_folder(tmp_path / "home", "report")
    monkeypatch.setenv("HOME", str(home))
    link = tmp_path / "latest-run"
    link.symlink_to(home)
    before = snapshot(home)
    outcome = run_cli(capsys, *QUICK_REPORT, "--replace", "--out", link)
    assert_one_line_error(outcome, "--out", "the home folder")
    assert snapshot(home) == before and link.is_symlink()


def test_project_root_is_never_replaced(work, tmp_path, monkeypatch, capsys):
    root = tool_folder(tmp_path / "project", "tables")
    monkeypatch.setattr(analysis.paths, "PROJ_ROOT", root)  # the constant the guard reads
    before = snapshot(root)
    outcome = run_cli(capsys, *QUICK_ANNOTATE, "--overwrite", "--out", root)
    assert_one_line_error(outcome, "--out", "the project root")
    assert snapshot(root) == before


def test_empty_current_folder_is_not_taken_as_an_empty_output(work, capsys):
    outcome = run_cli(capsys, *QUICK_ANNOTATE, "--out", ".")
    assert_one_line_error(outcome, "--out", "the current folder")
    assert work.is_dir() and list(work.iterdir()) == []


# --- folders this tool did not write (as this kind of output) -----------------------------------------


def test_folder_without_manifest_is_not_replaced(work, tmp_path, capsys):
    thesis = write(tmp_path / "thesis" / "thesis.docx", b"years of work").parent
    write(thesis / "chapters" / "one.tex", "intro")
    before = snapshot(thesis)
    outcome = run_cli(capsys, *QUICK_REPORT, "--replace", "--out", thesis)
    assert_one_line_error(outcome, "--out", str(thesis), "no manifest.json of this tool", "--replace")
    assert snapshot(thesis) == before


@pytest.mark.parametrize("manifest, reason", [
    ({"name": "my web app", "version": 3}, "without this tool's mark"),
    ({"tool": "webpack", "kind": "tables", "tables": []}, "another program"),
], ids=["unmarked", "other-tool"])
def test_folder_with_foreign_manifest_is_not_replaced(work, tmp_path, capsys, manifest, reason):
    other = write(tmp_path / "other" / "manifest.json", json.dumps(manifest)).parent
    write(other / "app.js", "console.log(1)")
    before = snapshot(other)
    outcome = run_cli(capsys, *QUICK_ANNOTATE, "--overwrite", "--out", other)
    assert_one_line_error(outcome, "--out", reason, "--overwrite")
    assert snapshot(other) == before


def test_folder_of_the_other_kind_is_not_replaced(work, tmp_path, capsys):
    tables = tmp_path / "tables"
    assert run_cli(capsys, *QUICK_ANNOTATE, "--out", tables).code == 0
    assert json.loads((tables / "manifest.json").read_text())["kind"] == "tables"
    before = snapshot(tables)
    outcome = run_cli(capsys, *QUICK_REPORT, "--replace", "--out", tables)
    assert_one_line_error(outcome, "--out", "'tables' output")
    assert snapshot(tables) == before

    run = tool_folder(tmp_path / "run", "report")
    before = snapshot(run)
    outcome = run_cli(capsys, *QUICK_ANNOTATE, "--overwrite", "--out", run)
    assert_one_line_error(outcome, "--out", "'report' output")
    assert snapshot(run) == before


def test_tool_folder_holding_a_user_file_is_not_replaced(work, tmp_path, capsys):
    tables = tmp_path / "tables"
    assert run_cli(capsys, *QUICK_ANNOTATE, "--out", tables).code == 0
    write(tables / "notes.txt", "my notes on the mentions")
    before = snapshot(tables)
    outcome = run_cli(capsys, *QUICK_ANNOTATE, "--overwrite", "--out", tables)
    assert_one_line_error(outcome, "--out", "notes.txt")
    assert snapshot(tables) == before


@pytest.mark.parametrize("command", [QUICK_ANNOTATE, QUICK_REPORT], ids=["annotate", "report"])
def test_existing_file_as_out(work, tmp_path, capsys, command):
    target = write(tmp_path / "results.csv", "a,b\n1,2\n")
    outcome = run_cli(capsys, *command, "--out", target)
    assert_one_line_error(outcome, "--out", str(target), "an existing file")
    assert target.read_text() == "a,b\n1,2\n"


# --- places where nothing can be written: stop before any work ----------------------------------------


@pytest.mark.parametrize("command", [QUICK_ANNOTATE, QUICK_REPORT], ids=["annotate", "report"])
def test_unwritable_place(work, capsys, command):
    if not Path("/sys/kernel").is_dir():
        pytest.skip("needs /sys (a file system where no folder can be made)")
    out = Path("/sys/kernel/media-analysis-test/run")
    # a corpus that does not exist: the output is checked first, so the error is about --out
    outcome = run_cli(capsys, *command, "--corpus", work / "no-such-corpus", "--out", out)
    assert_one_line_error(outcome, "--out", str(out), "/sys/kernel")
    assert not os.path.exists(out.parent)


@pytest.mark.parametrize("command", [QUICK_ANNOTATE, QUICK_REPORT], ids=["annotate", "report"])
def test_parent_is_a_file(work, tmp_path, capsys, command):
    notes = write(tmp_path / "notes.txt", "not a folder")
    out = notes / "runs" / "seeds"
    outcome = run_cli(capsys, *command, "--corpus", work / "no-such-corpus", "--out", out)
    assert_one_line_error(outcome, "--out", str(notes), "is a file")
    assert notes.read_text() == "not a folder"


# --- staging folders of killed runs ------------------------------------------------------------------


def test_stale_partials_of_dead_processes_are_cleaned(work, tmp_path, capsys):
    pid = dead_pid()
    out = tmp_path / "tables"
    stale = [write(tmp_path / partial("tables", pid) / "mentions.parquet", b"half").parent,
             write(tmp_path / partial("other", pid, "89abcdef") / "index.html", "half").parent,
             write(tmp_path / partial("summary.csv", pid, "00ff00ff"), "half a file")]
    kept = [write(tmp_path / ".tables.backup" / "keep.txt", "mine").parent,                    # not our name
            write(tmp_path / partial("tables", pid, "notahex!") / "keep.txt", "mine").parent,
            write(tmp_path / partial("tables", pid)[1:] / "keep.txt", "mine").parent,          # not hidden
            # another machine's (on a shared disk): its pid says nothing about processes here
            write(tmp_path / partial("tables", pid, host="labserver") / "keep.txt", "mine").parent,
            # an old output moved aside whose replacement never arrived: its only copy
            write(tmp_path / partial("gone", pid, state="retired") / "gone" / "manifest.json", "{}").parents[1]]
    assert run_cli(capsys, *QUICK_ANNOTATE, "--out", out).code == 0
    assert not any(path.exists() for path in stale), stale
    assert all(path.exists() for path in kept), kept
    assert [name for name in hidden_siblings(out) if ".partial-" in name] == sorted(
        [partial("tables", pid, "notahex!"), partial("tables", pid, host="labserver")])


def test_partials_of_live_processes_are_kept(work, tmp_path, capsys):
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        running = write(tmp_path / partial("tables", live.pid) / "tokens.parquet", b"being written").parent
        assert run_cli(capsys, *QUICK_ANNOTATE, "--out", tmp_path / "tables").code == 0
        assert (running / "tokens.parquet").read_bytes() == b"being written"
    finally:
        live.kill()
        live.wait()


# --- modes follow the umask --------------------------------------------------------------------------


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    """Set the process umask for a test (restored after it)."""
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


def modes(folder: Path) -> set[tuple[str, str]]:
    """(``dir`` or ``file``, octal mode) of ``folder`` and of everything below it."""
    found = set()
    for path in [folder, *folder.rglob("*")]:
        mode = path.lstat().st_mode
        found.add(("dir" if stat.S_ISDIR(mode) else "file", oct(stat.S_IMODE(mode))))
    return found


def test_outputs_follow_umask_022(work, tmp_path, capsys, umask):
    umask(0o022)
    assert run_cli(capsys, *QUICK_REPORT, "--out", tmp_path / "run").code == 0
    assert run_cli(capsys, *QUICK_ANNOTATE, "--out", tmp_path / "tables").code == 0
    write_bytes_atomic(tmp_path / "single" / "figure.png", b"png")
    for folder in ("run", "tables", "single"):
        assert modes(tmp_path / folder) == {("dir", "0o755"), ("file", "0o644")}, folder
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert (manifest["tool"], manifest["kind"]) == (TOOL, "report")


def test_outputs_follow_umask_077_and_a_tool_run_is_replaced(work, tmp_path, capsys, umask):
    old = tool_folder(tmp_path / "run", "report")
    umask(0o077)
    assert run_cli(capsys, *QUICK_REPORT, "--replace", "--out", old).code == 0
    assert run_cli(capsys, *QUICK_ANNOTATE, "--out", tmp_path / "tables").code == 0
    write_bytes_atomic(tmp_path / "single" / "figure.png", b"png")
    for folder in ("run", "tables", "single"):
        assert modes(tmp_path / folder) == {("dir", "0o700"), ("file", "0o600")}, folder
    assert "an old run" not in (old / "index.html").read_text()
    assert hidden_siblings(old) == []


# --- faults while an old output is swapped for the new one ---------------------------------------------


def replacement(tmp_path: Path) -> tuple[Path, Path]:
    """An old output folder and a finished staging folder for it, as :func:`publish_folder` receives them."""
    old = write(tmp_path / "run" / "index.html", "old").parent
    staging = write(tmp_path / partial("run", os.getpid()) / "index.html", "new").parent
    return old, staging


def test_ctrl_c_between_the_renames_of_a_replacement(tmp_path, monkeypatch):
    old, staging = replacement(tmp_path)
    rename = os.replace

    def interrupted_rename(source, target):  # Ctrl-C right after the old folder was moved aside
        rename(source, target)
        if ".retired-" in str(target):
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(os, "replace", interrupted_rename)
    with pytest.raises(KeyboardInterrupt):
        publish_folder(staging, old)
    assert (old / "index.html").read_text() == "new"  # held back until the new folder was in place
    assert hidden_siblings(old) == []


def test_failed_rename_puts_the_old_output_back(tmp_path, monkeypatch):
    old, staging = replacement(tmp_path)
    rename = os.replace

    def full_disk(source, target):
        if ".partial-" in str(source):
            raise OSError(28, "No space left on device")
        rename(source, target)

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        publish_folder(staging, old)
    assert (old / "index.html").read_text() == "old"
    assert [name for name in hidden_siblings(old) if ".retired-" in name] == []


# --- Ctrl-C ----------------------------------------------------------------------------------------


class Child:
    """``python -m analysis ...`` in a subprocess whose stderr is read as it comes (tqdm writes no newlines)."""

    def __init__(self, *argv: str | Path, cwd: Path, cache: Path):
        env = {**os.environ, "MEDIA_ANALYSIS_CACHE": str(cache), "PYTHONPATH": str(PROJ_ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "analysis", *map(str, argv)], cwd=cwd, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.err = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while chunk := self.process.stderr.read1(4096):
            self.err += chunk

    def wait_for(self, text: str, *, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.err:
            assert self.process.poll() is None, self.err.decode(errors="replace")
            assert time.monotonic() < deadline, f"no {text!r} in: {self.err.decode(errors='replace')}"
            time.sleep(0.05)

    def interrupt(self, *, timeout: float = 60) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self._reader.join(timeout=5)
        return code, self.err.decode(errors="replace")


def assert_interrupted(code: int, err: str, out: Path) -> None:
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    lines = [line for line in err.splitlines() if line.strip().startswith("interrupted")]
    assert lines == [f"interrupted: nothing was written to {out}" + (
        " (the folder that was there is unchanged)" if out.exists() else "")], err


def test_ctrl_c_during_report(tmp_path, cache):
    old = tool_folder(tmp_path / "run", "report")
    before = snapshot(old)
    child = Child("report", "--notebooks", "00", "--replace", "--out", old, cwd=tmp_path, cache=cache)
    child.wait_for("running 1 notebook")
    time.sleep(1.5)  # the kernel starts and the notebook runs
    code, err = child.interrupt()
    assert_interrupted(code, err, old)
    assert snapshot(old) == before and hidden_siblings(old) == []


def test_ctrl_c_during_annotate(tmp_path, cache):
    corpus = tmp_path / "articles.csv"
    body = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8").split("\n", 1)[1]
    with corpus.open("w", newline="", encoding="utf-8") as file:
        rows = csv.writer(file)
        rows.writerow(["id", "date", "outlet", "title", "text"])
        rows.writerows([f"a{i}", "2022-02-02", "Wire", f"Story {i}", f"{body} Item {i}."] for i in range(2500))
    out = tmp_path / "tables"
    fresh = tmp_path / "cache"  # nothing cached: the corpus is really being annotated
    child = Child("annotate", "--corpus", corpus, "--codebook", DEFAULT_CODEBOOK, "--layers", "--out", out,
                  cwd=tmp_path, cache=fresh)
    child.wait_for("annotate:")
    time.sleep(0.5)
    code, err = child.interrupt()
    assert_interrupted(code, err, out)
    assert not out.exists() and hidden_siblings(out) == []
    assert not [p for p in fresh.rglob("*") if ".partial-" in p.name]

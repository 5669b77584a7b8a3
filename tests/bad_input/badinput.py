"""Helpers for the bad-input tests (``from badinput import ...``): run the command line in process,
check its one-line error.

Each test in this folder is one *kind* of bad input or fault. It asserts the exit code,
that the message is one line naming the file / record / field, and that no file the
user had was lost (:func:`snapshot` before, compare after).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
import pytest

from analysis.cli import main


class Outcome:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("error:")]


def run_cli(capsys: pytest.CaptureFixture, *argv: str | Path) -> Outcome:
    """Run ``python -m analysis *argv`` in this process (use the ``capsys`` fixture); returns an :class:`Outcome`."""
    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit_:  # argparse's own usage errors
        code = exit_.code if isinstance(exit_.code, int) else 2
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def assert_one_line_error(outcome: Outcome, *names: str, code: int = 2) -> str:
    """The run failed with ``code`` and one ``error:`` line (no traceback) that names each of ``names``."""
    assert outcome.code == code, (outcome.code, outcome.err)
    assert "Traceback" not in outcome.err, outcome.err
    lines = outcome.error_lines
    assert len(lines) == 1, outcome.err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` (hidden ones too), by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


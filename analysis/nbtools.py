"""Run the suite's notebooks with papermill, and keep stored notebooks free of volatile metadata.

The notebooks in ``notebooks/`` are stored executed on ``seeds/`` so a reader sees
real results on opening them; nbval re-executes them and compares. What changes
from run to run (papermill timings, execution dates, absolute paths) is stripped
here, so a stored notebook changes only when its results do.

``python -m analysis.nbtools refresh`` re-executes every notebook in place on the
seed corpus (``make notebooks``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

import nbformat

from analysis.paths import NOTEBOOKS, PROJ_ROOT
from analysis.store import write_text_atomic

KERNEL = "media-analysis"
_VOLATILE_NOTEBOOK = ("start_time", "end_time", "duration", "input_path", "output_path", "environment_variables",
                      "exception")
_VOLATILE_CELL = ("start_time", "end_time", "duration", "exception", "status")


def notebook_paths(names: Sequence[str] = ()) -> list[Path]:
    """The suite's notebooks in reading order, or those whose names start with ``names``."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in names)]
    return paths


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove timings, dates and paths that papermill and nbclient record; keep the parameters."""
    meta = nb.metadata.get("papermill", {})
    for key in _VOLATILE_NOTEBOOK:
        meta.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell_meta = cell.metadata.get("papermill")
        if cell_meta is not None:
            for key in _VOLATILE_CELL:
                cell_meta.pop(key, None)
            if not cell_meta:
                cell.metadata.pop("papermill")
    nb.metadata.pop("widgets", None)
    return nb


def execute_notebook(source: str | Path, output: str | Path, *, parameters: Mapping[str, Any] | None = None,
                     kernel: str = KERNEL, cwd: str | Path = NOTEBOOKS, progress: bool = False,
                     report_mode: bool = False) -> nbformat.NotebookNode:
    """Execute ``source`` with papermill into ``output`` (written atomically, volatile metadata stripped).

    papermill records every parameter in the output's metadata. On a failing cell
    papermill raises ``PapermillExecutionError`` (cell index, error name and value);
    the partly executed notebook is still written, so the failure can be read.
    """
    import papermill

    output = Path(output)
    scratch = output.with_name(f".{output.name}.running.ipynb")
    try:
        nb = papermill.execute_notebook(str(source), str(scratch), parameters=dict(parameters or {}),
                                        kernel_name=kernel, cwd=str(cwd), progress_bar=progress,
                                        report_mode=report_mode)
    except Exception:
        if scratch.exists():
            failed = strip_volatile(nbformat.read(scratch, as_version=4))
            write_text_atomic(output, nbformat.writes(failed) + "\n")
        raise
    finally:
        scratch.unlink(missing_ok=True)
    nb = strip_volatile(nb)
    write_text_atomic(output, nbformat.writes(nb) + "\n")
    return nb


def refresh(names: Sequence[str] = ()) -> list[Path]:
    """Re-execute the stored notebooks in place on their default parameters (the seed corpus)."""
    done = []
    for path in notebook_paths(names):
        execute_notebook(path, path)
        done.append(path)
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.nbtools", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    refresh_parser = sub.add_parser("refresh", help="re-execute notebooks in place on seeds/")
    refresh_parser.add_argument("names", nargs="*", help="notebook name prefixes (default: all)")
    args = parser.parse_args(argv)
    for path in refresh(args.names):
        print(f"executed {path.relative_to(PROJ_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
                     report_mode: bool = False, kernel_manager: Any = None) -> nbformat.NotebookNode:
    """Execute ``source`` with papermill into ``output`` (written atomically, volatile metadata stripped).

    papermill records every parameter in the output's metadata. On a failing cell
    papermill raises ``PapermillExecutionError`` (cell index, error name and value);
    the partly executed notebook is still written, so the failure can be read. The
    notebook is written when it ends, not after every cell (papermill's default, which
    serialises the whole notebook, figures included, twice per cell).
    ``kernel_manager`` runs the notebook in an already started kernel (see :class:`WarmKernels`).
    """
    import papermill

    output = Path(output)
    scratch = output.with_name(f".{output.name}.running.ipynb")
    try:
        extra = {"km": kernel_manager} if kernel_manager is not None else {}
        nb = papermill.execute_notebook(str(source), str(scratch), parameters=dict(parameters or {}),
                                        kernel_name=kernel, cwd=str(cwd), progress_bar=progress,
                                        report_mode=report_mode, request_save_on_cell_execute=False, **extra)
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


class WarmKernels:
    """One kernel per worker thread, reused from notebook to notebook with a clean namespace.

    Starting a kernel and importing the suite costs seconds; a batch of dozens of
    dossiers pays that once per worker instead of once per notebook. Before each
    notebook the kernel is reset as a fresh one would be (``InteractiveShell.reset`` with
    a new session: user namespace emptied, execution count back to 1, figures closed);
    imported modules stay loaded, which is the point. A kernel that ran a failing
    notebook is shut down, so the next notebook gets a fresh one.
    """

    _RESET = "import matplotlib.pyplot as _plt; _plt.close('all'); get_ipython().reset(new_session=True)"

    def __init__(self, *, kernel: str = KERNEL, cwd: str | Path = NOTEBOOKS):
        import threading

        self.kernel, self.cwd = kernel, str(cwd)
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def acquire(self) -> Any:
        """This thread's kernel manager, started or reset, ready for a notebook."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        manager = getattr(self._local, "manager", None)
        if manager is not None and run_sync(manager.is_alive)():
            client = manager.client()
            client.start_channels()
            try:
                run_sync(client.wait_for_ready)(timeout=60)
                run_sync(client.execute_interactive)(self._RESET, timeout=60, store_history=False)
            finally:
                client.stop_channels()
            return manager
        manager = AsyncKernelManager(kernel_name=self.kernel)
        run_sync(manager.start_kernel)(cwd=self.cwd)
        self._local.manager = manager
        with self._lock:
            self._all.append(manager)
        return manager

    def discard(self) -> None:
        """Shut down this thread's kernel (after a failure); the next notebook starts a new one."""
        from jupyter_core.utils import run_sync

        manager = getattr(self._local, "manager", None)
        self._local.manager = None
        if manager is not None:
            run_sync(manager.shutdown_kernel)(now=True)

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        with self._lock:
            managers, self._all = self._all, []
        for manager in managers:
            if manager.has_kernel:
                run_sync(manager.shutdown_kernel)(now=True)

    def __enter__(self) -> "WarmKernels":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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

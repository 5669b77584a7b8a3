"""Run the suite's notebooks with papermill, and keep stored notebooks free of volatile metadata.

The notebooks in ``notebooks/`` are stored executed on ``seeds/`` so a reader sees
real results on opening them; nbval re-executes them and compares. What changes
from run to run (papermill timings, execution dates, absolute paths) is stripped
here, so a stored notebook changes only when its results do.

``python -m analysis.report.notebooks refresh`` re-executes every notebook in place on the
seed corpus (``make notebooks``).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence


def _import_nbformat() -> Any:
    """nbformat, imported (when nothing has yet) without jsonschema's optional IRI checker.

    jsonschema imports ``rfc3987_syntax`` when it is installed (jupyterlab's dependencies
    install it), which compiles 38 lark grammars at import: 2 of the 3 CPU seconds that
    importing nbformat costs, paid by every ``python -m analysis report``, even one that reuses
    every notebook. nbformat checks no IRI formats, so in this process the module is left
    out while jsonschema first loads; it can still be imported later as usual.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # ImportError for jsonschema's probe
        try:
            import jsonschema  # noqa: F401
        finally:
            del sys.modules["rfc3987_syntax"]
    import nbformat as module

    return module


nbformat = _import_nbformat()

from analysis.paths import NOTEBOOKS, PROJ_ROOT  # noqa: E402
from analysis.store import write_text_atomic  # noqa: E402

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
                     report_mode: bool = False, warm: "WarmKernel | None" = None) -> nbformat.NotebookNode:
    """Execute ``source`` with papermill into ``output`` (written atomically, volatile metadata stripped).

    papermill records every parameter in the output's metadata. On a failing cell
    papermill raises ``PapermillExecutionError`` (cell index, error name and value);
    the partly executed notebook is still written, so the failure can be read. The
    notebook is written when it ends, not after every cell (papermill's default, which
    serialises the whole notebook, figures included, twice per cell).
    ``warm`` runs the notebook in an already started kernel (see :class:`WarmKernels`).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    output = Path(output)
    scratch = output.with_name(f".{output.name}.running.ipynb")
    staged = output.with_name(f".{output.name}.input.ipynb")
    extra: dict[str, Any] = {"kernel_manager_class": ipc_kernel_manager()}
    reset = warm is not None and warm.used
    if warm is not None:
        extra = {"km": warm.manager, "kc": warm.client, "engine_name": _WARM_ENGINE}
        _register_warm_engine()
        warm.used = True
    if reset:  # the kernel ran a notebook before: its first cell makes it fresh again
        nb = nbformat.read(source, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_code_cell(WarmKernels.RESET, metadata={"tags": [RESET_TAG]}))
        write_text_atomic(staged, nbformat.writes(nb))
        source = staged
    try:
        nb = papermill.execute_notebook(str(source), str(scratch), parameters=dict(parameters or {}),
                                        kernel_name=kernel, cwd=str(cwd), progress_bar=progress,
                                        report_mode=report_mode, request_save_on_cell_execute=False, **extra)
    except Exception as error:
        if scratch.exists():
            failed = _without_reset(strip_volatile(nbformat.read(scratch, as_version=4)))
            write_text_atomic(output, nbformat.writes(failed) + "\n")
        if reset and isinstance(error, PapermillExecutionError):
            error.cell_index -= 1
        raise
    finally:
        scratch.unlink(missing_ok=True)
        staged.unlink(missing_ok=True)
    nb = _without_reset(strip_volatile(nb))
    write_text_atomic(output, nbformat.writes(nb) + "\n")
    return nb


#: Tag of the cell that :func:`execute_notebook` puts first to reset a warm kernel (never in an output).
RESET_TAG = "warm-kernel-reset"


def _without_reset(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.cells = [cell for cell in nb.cells if RESET_TAG not in cell.metadata.get("tags", [])]
    return nb


_WARM_ENGINE = "media-analysis-warm"


@functools.cache
def _register_warm_engine() -> None:
    """papermill's nbclient engine, running on a :class:`WarmKernel`'s connected client.

    papermill passes its keyword arguments on to nbclient's ``NotebookClient``, which
    takes a kernel manager but always connects a new client; this engine hands it the
    warm one (the arguments are handled as papermill's ``NBClientEngine`` handles them).
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            client = kwargs.pop("kc")
            timeout = execution_timeout or kwargs.get("timeout")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            options = merge_kwargs(kwargs, timeout=timeout, startup_timeout=start_timeout,
                                   kernel_name=kernel_name, log=logger, log_output=log_output,
                                   stdout_file=stdout_file, stderr_file=stderr_file)
            runner = PapermillNotebookClient(nb_man, **options)
            runner.kc = client
            return runner.execute()

    papermill_engines.register(_WARM_ENGINE, WarmEngine)


def _mute(record: object) -> bool:
    """A logging filter that lets nothing through (papermill's log while :meth:`WarmKernels.stop` stops kernels)."""
    return False


#: Start of the name of each kernel's private socket folder (see :func:`ipc_prefix`).
IPC_FOLDER = "media-analysis-kernel-"


def ipc_prefix() -> str:
    """A private path prefix for one kernel's IPC sockets (``<prefix>-<n>`` in a new 0700 folder)."""
    import tempfile

    return str(Path(tempfile.mkdtemp(prefix=IPC_FOLDER)) / "kernel")


@functools.cache
def ipc_kernel_manager() -> type:
    """jupyter_client's ``AsyncKernelManager`` with kernels that listen on Unix sockets, not TCP ports.

    Nothing is reachable from other users of the machine (the sockets live in a folder of
    :func:`ipc_prefix`, the user's alone, removed when the kernel is cleaned up), and the kernel
    has no reason to warn that it "is running over TCP without encryption" (it used to, once
    per kernel: twice per batch). Results are the same: only the transport changes.
    """
    import shutil

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IpcKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return ipc_prefix() if self.transport == "ipc" else "127.0.0.1"

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            folder = Path(self.ip).parent
            if not restart and self.transport == "ipc" and folder.name.startswith(IPC_FOLDER):
                shutil.rmtree(folder, ignore_errors=True)

        cleanup_resources = _async_cleanup_resources

    return IpcKernelManager


@dataclass
class WarmKernel:
    """A running kernel, a client connected to it, and whether it ran a notebook yet."""

    manager: Any
    client: Any
    used: bool = False


class WarmKernels:
    """One kernel per worker thread, reused from notebook to notebook with a clean namespace.

    Starting a kernel and importing the suite costs seconds; a batch of dozens of
    dossiers pays that once per worker instead of once per notebook. The client stays
    connected too (a new one waits 0.2 s for the kernel's output channel to settle).
    Each later notebook starts with a cell (removed from the output) that resets the
    kernel as a fresh one would be: figures closed, ``InteractiveShell.reset`` with a new
    session (user namespace emptied, execution count back to 1); imported modules stay
    loaded, which is the point. What survives (modules, the workspace memo) is then moved out of the
    garbage collector's view (``gc.freeze``), so later collections do not walk it again.
    A kernel that ran a failing notebook is shut down, so the next notebook gets a fresh one.
    """

    RESET = ("import matplotlib.pyplot as _plt; _plt.close('all'); get_ipython().reset(new_session=True)\n"
             "import gc as _gc; _gc.collect(); _gc.freeze(); del _gc")

    def __init__(self, *, kernel: str = KERNEL, cwd: str | Path = NOTEBOOKS, env: Mapping[str, str] | None = None):
        import threading

        self.kernel, self.cwd = kernel, str(cwd)
        self.env = {**os.environ, **env} if env else None  # the kernels' environment (default: this process's)
        self._local = threading.local()
        self._all: list[WarmKernel] = []
        self._booting: list[Any] = []  # managers of kernels from :meth:`prestart` that no thread took yet
        self._lock = threading.Lock()
        self._stopped = False

    def prestart(self, count: int, *, imports: Sequence[str] = ()) -> None:
        """Start ``count`` kernels and return at once: they boot, and import ``imports``, while this
        process does other work (the report annotates its corpus meanwhile); :meth:`acquire` hands
        them out first. A prestarted kernel ran code before its first notebook, so that notebook
        starts with the reset cell, as every later one does."""
        for _ in range(count):
            manager = self._start(imports)
            with self._lock:
                self._booting.append(manager)

    def _start(self, imports: Sequence[str] = ()) -> Any:
        """A kernel manager with its kernel started (not waited for)."""
        from jupyter_core.utils import run_sync

        manager = ipc_kernel_manager()(kernel_name=self.kernel)
        # a batch has no use for IPython's input history database (one write per cell)
        arguments = ["--HistoryManager.enabled=False"]
        if imports:  # a module that fails to import fails in the notebook that imports it, not here
            arguments.append("--IPKernelApp.exec_lines=for _name in %r:\n"
                             "    try: __import__(_name)\n    except Exception: pass" % (tuple(imports),))
        extra = {"env": dict(self.env)} if self.env is not None else {}
        run_sync(manager.start_kernel)(cwd=self.cwd, extra_arguments=arguments, **extra)
        return manager

    def acquire(self) -> WarmKernel:
        """This thread's kernel, started if there is none (or it died)."""
        from jupyter_core.utils import run_sync

        warm = getattr(self._local, "warm", None)
        if warm is not None and run_sync(warm.manager.is_alive)():
            return warm
        if warm is not None:
            self.discard()
        with self._lock:
            booted = self._booting.pop(0) if self._booting else None
        manager = booted or self._start()
        client = manager.client()
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=60)
        warm = self._local.warm = WarmKernel(manager, client, used=booted is not None)
        with self._lock:
            self._all.append(warm)
            stopped = self._stopped
        if stopped:  # stop() came while this kernel was starting: it runs nothing
            self.discard()
            raise RuntimeError("the batch was stopped")
        return warm

    def stop(self) -> None:
        """Kill every kernel at once (on Ctrl-C), from any thread; later :meth:`acquire` calls fail.

        A notebook running in a killed kernel ends within a second (its client sees the
        kernel die), so its thread is free to be joined; :meth:`close` still cleans up.
        papermill's log is muted until then: "Kernel died" is what was asked for, not news.
        """
        import logging
        import signal

        with self._lock:
            self._stopped = True
            managers = [warm.manager for warm in self._all] + self._booting
        logging.getLogger("papermill").addFilter(_mute)
        for manager in managers:
            pid = getattr(getattr(manager, "provisioner", None), "pid", None)
            try:
                if pid:
                    os.kill(pid, signal.SIGKILL)
            except OSError:  # already gone
                continue

    def discard(self) -> None:
        """Shut down this thread's kernel (after a failure); the next notebook starts a new one."""
        warm = getattr(self._local, "warm", None)
        self._local.warm = None
        if warm is not None:
            with self._lock:
                self._all = [w for w in self._all if w is not warm]
            self._shutdown(warm.manager, warm.client)

    def close(self) -> None:
        import logging

        with self._lock:
            kernels, self._all = self._all, []
            booting, self._booting = self._booting, []
        for warm in kernels:
            self._shutdown(warm.manager, warm.client)
        for manager in booting:  # prestarted, never used: no client
            self._shutdown(manager)
        if self._stopped:
            logging.getLogger("papermill").removeFilter(_mute)

    @staticmethod
    def _shutdown(manager: Any, client: Any = None) -> None:
        from jupyter_core.utils import run_sync

        if client is not None:
            client.stop_channels()
        if manager.has_kernel:
            run_sync(manager.shutdown_kernel)(now=True)

    def __enter__(self) -> "WarmKernels":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def refresh(names: Sequence[str] = ()) -> list[Path]:
    """Re-execute the stored notebooks in place on their default parameters (the seed corpus).

    This is the one writer of the tracked ``figures/``: relative outputs resolve against the
    project root here (:func:`analysis.paths.output_root`), while ad-hoc runs of the same
    notebooks (papermill, JupyterLab) write under ``runs/adhoc/``.
    """
    done = []
    with output_root_at(PROJ_ROOT):
        for path in notebook_paths(names):
            execute_notebook(path, path)
            done.append(path)
    return done


@contextmanager
def output_root_at(root: Path) -> Iterator[None]:
    """Relative outputs of the kernels started meanwhile (they inherit the environment) resolve against ``root``."""
    from analysis.paths import OUTPUT_ROOT_VARIABLE

    before = os.environ.get(OUTPUT_ROOT_VARIABLE)
    os.environ[OUTPUT_ROOT_VARIABLE] = str(root)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(OUTPUT_ROOT_VARIABLE, None)
        else:
            os.environ[OUTPUT_ROOT_VARIABLE] = before


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.report.notebooks", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    refresh_parser = sub.add_parser("refresh", help="re-execute notebooks in place on seeds/")
    refresh_parser.add_argument("names", nargs="*", help="notebook name prefixes (default: all)")
    args = parser.parse_args(argv)
    for path in refresh(args.names):
        print(f"executed {path.relative_to(PROJ_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

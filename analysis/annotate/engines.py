"""Where annotation runs: in this process, in a local process pool, or on a Dask cluster.

Every engine runs the same pure batch function (:func:`analysis.annotate.pipeline.annotate_records`)
on the same batches and collects results in batch order, so results are identical, table
for table and row for row, whatever the engine. On Dask, each batch is a task with
retries: a worker that dies mid-run has its batches re-run elsewhere, and because a
batch's output depends only on its input (and partitions are written under their batch
number, atomically), nothing is lost or duplicated.

``address=None`` starts a ``LocalCluster`` (worker processes on loopback); an address such
as ``tcp://scheduler:8786`` uses an existing cluster. A scheduler that does not answer within
:data:`CONNECT_TIMEOUT` seconds, or an address that is not one, is an
:class:`~analysis.errors.InputError` (Dask's own default waits 30 s, then raises a traceback).
"""

from __future__ import annotations

import gc
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from analysis.errors import InputError, require_count

RETRIES = 3
#: Seconds to wait for an existing Dask scheduler (``address``) before saying it cannot be reached.
CONNECT_TIMEOUT = 5


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a batch with Python's cyclic garbage collector paused, restoring its state after.

    A batch allocates millions of short-lived tuples, lists and match objects that reference
    counting frees at once; the cyclic collector would still scan the survivors every 700
    allocations to find no cycles worth collecting (about 0.4 CPU s: 2-3% of a cold annotation
    of the Q1 corpus, a tenth of a 700-article one; ``bench/bench_speed.py``). What a batch
    leaves behind is bounded by its size (128 articles) and is collected when the collector resumes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def dask_client(*, address: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client``: to ``address``, or to a new local cluster of ``workers`` processes."""
    from dask.distributed import Client, LocalCluster

    if address:
        with _connect(address) as client:
            yield client
        return
    with LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster, Client(cluster) as client:
        yield client


def _connect(address: str) -> Any:
    """A ``Client`` of the scheduler at ``address``, or an :class:`InputError` within :data:`CONNECT_TIMEOUT` s."""
    from dask.distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InputError(f"--dask-address {address}: the Dask scheduler could not be reached at that address "
                         f"(expected a running scheduler such as tcp://host:8786; {reason})") from None


def run_tasks(function: Callable, tasks: Iterable[tuple], *, engine: str = "serial", workers: int | None = None,
              address: str | None = None, client: Any = None, in_flight: int | None = None,
              on_result: Callable[[Any], None] | None = None) -> list:
    """``[function(*task) for task in tasks]`` on an engine, results in task order.

    ``tasks`` may be a generator (a streamed corpus): at most ``in_flight`` tasks are
    submitted ahead of the results (default: 2 per worker), which bounds memory.
    ``on_result`` is called in task order as results arrive (progress bars, writers).
    """
    if workers is not None:
        require_count(workers, name="workers")
    results: list = []

    def keep(result: Any) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    if engine == "serial":
        for task in tasks:
            keep(function(*task))
        return results
    if engine == "processes":
        n = workers or os.cpu_count() or 1
        with ProcessPoolExecutor(max_workers=n) as pool:
            _bounded(lambda task: pool.submit(function, *task), lambda f: f.result(), tasks, in_flight or 2 * n, keep)
        return results
    if engine == "dask":
        def drive(active: Any) -> None:
            n = workers or len(active.scheduler_info().get("workers", {})) or 1
            _bounded(lambda task: active.submit(function, *task, retries=RETRIES, pure=False),
                     lambda f: f.result(), tasks, in_flight or 2 * n, keep)

        if client is not None:
            drive(client)
        else:
            with dask_client(address=address, workers=workers) as active:
                drive(active)
        return results
    raise ValueError(f"unknown engine {engine!r}: expected serial, processes or dask")


def _bounded(submit: Callable, wait: Callable, tasks: Iterable[tuple], limit: int, keep: Callable) -> None:
    pending: deque = deque()
    for task in tasks:
        pending.append(submit(task))
        if len(pending) >= limit:
            keep(wait(pending.popleft()))
    while pending:
        keep(wait(pending.popleft()))



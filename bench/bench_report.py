"""Benchmark: the full batch report (every notebook + a dossier per codebook actor), cold and warm.

Usage: ``python bench/bench_report.py [--q1] [--jobs N]``

* seeds/ (always): cold (empty annotation cache) and warm (cache reused); goal ≤ 60 s cold.
* ``--q1``: the shared Q1 corpus (2,812 articles, every codebook actor); goals ≤ 5 min cold,
  ≤ 60 s warm.
* papermill overhead per notebook: an empty one-cell notebook through
  :func:`analysis.report.notebooks.execute_notebook` beside a bare kernel start and stop
  (``jupyter_client.start_new_kernel`` / ``shutdown_kernel``).

Each run goes to a temporary folder (deleted afterwards) with its own annotation cache
(``MEDIA_ANALYSIS_CACHE``), so "cold" really annotates. Prints one table; times are wall
clock, with the machine's load average beside them (a shared 2-core machine doubles them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.report.notebooks import KERNEL, execute_notebook  # noqa: E402
from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS, SEEDS  # noqa: E402


def bare_kernel(n: int = 3) -> float:
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(n):
        started = time.perf_counter()
        manager, client = start_new_kernel(kernel_name=KERNEL)
        client.stop_channels()
        manager.shutdown_kernel(now=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def papermill_empty(folder: Path, n: int = 3) -> float:
    source = folder / "empty.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("pass")], metadata={"kernelspec": {
        "name": KERNEL, "display_name": KERNEL, "language": "python"}}), source)
    times = []
    for i in range(n):
        started = time.perf_counter()
        execute_notebook(source, folder / f"empty-out-{i}.ipynb")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def batch(corpus: Path, folder: Path, *, name: str, jobs: int) -> dict:
    from analysis.report.batch import run_report

    started = time.perf_counter()
    result = run_report(corpus=corpus, codebook=DEFAULT_CODEBOOK, out=folder / name, jobs=jobs, progress=False)
    wall = time.perf_counter() - started
    dossiers = [r.seconds for r in result.runs if r.actor]
    corpus_level = {r.source.stem: r.seconds for r in result.runs if not r.actor}
    return {"wall": wall, "annotate": result.manifest["timings"]["annotate"],
            "notebooks": result.manifest["timings"]["notebooks"], "summary": result.manifest["timings"]["summary"],
            "n_runs": len(result.runs), "failed": len(result.failures),
            "dossier_median": statistics.median(dossiers) if dossiers else 0.0,
            "corpus_level": corpus_level, "load": os.getloadavg()[0],
            "failures": [f"{r.label}: {r.error}" for r in result.failures]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--q1", action="store_true", help="also run the shared Q1 corpus (every actor)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(tmp)
        os.environ["MEDIA_ANALYSIS_CACHE"] = str(folder / "cache")
        kernel = bare_kernel()
        empty = papermill_empty(folder)
        rows.append(("bare kernel start + stop", kernel, "", ""))
        rows.append(("papermill, empty notebook", empty, f"overhead {empty - kernel:+.2f} s", ""))
        corpora = [("seeds", SEEDS, 60.0, None)]
        if args.q1:
            if not Q1_CORPUS.exists():
                print(f"--q1 needs {Q1_CORPUS} (absent)", file=sys.stderr)
                return 2
            corpora.append(("Q1", Q1_CORPUS, 300.0, 60.0))
        details = []
        for label, corpus, cold_goal, warm_goal in corpora:
            for phase, goal in (("cold", cold_goal), ("warm", warm_goal)):
                measured = batch(corpus, folder, name=f"{label}-{phase}", jobs=args.jobs)
                verdict = "" if goal is None else ("meets" if measured["wall"] <= goal else "misses") + \
                    f" goal ≤ {goal:.0f} s"
                rows.append((f"report {label} {phase} ({measured['n_runs']} notebooks, jobs={args.jobs})",
                             measured["wall"],
                             f"annotate {measured['annotate']:.1f} s, notebooks {measured['notebooks']:.1f} s, "
                             f"summary {measured['summary']:.1f} s; dossier median {measured['dossier_median']:.1f} s;"
                             f" failed {measured['failed']}; load {measured['load']:.1f}", verdict))
                details.append((label, phase, measured))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'seconds':>8}  detail")
    for name, seconds, detail, verdict in rows:
        print(f"{name:<{width}}  {seconds:8.2f}  {detail}{'  [' + verdict + ']' if verdict else ''}")
    for label, phase, measured in details:
        slow = ", ".join(f"{k} {v:.1f} s" for k, v in measured["corpus_level"].items())
        print(f"{label} {phase}: corpus-level notebooks: {slow}")
        for failure in measured["failures"]:
            print(f"  FAILED {failure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

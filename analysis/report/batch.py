"""Batch reports: every notebook on a corpus, a dossier per actor, an HTML site, in one call.

:func:`run_report` (and ``python -m analysis report``) does, in order:

1. **Validate** the codebook, the corpus, the actor ids and the notebook selection, and
   check the output folder, before any kernel starts (:class:`~analysis.errors.InputError`).
2. **Annotate once**: :func:`~analysis.annotate.workspace.open_workspace` with every layer set the
   notebooks ask for (read from their ``open_workspace(...)`` calls), so the cache is warm
   and the kernels only load tables.
3. **Execute** each corpus-level notebook once and each per-actor notebook (one whose
   parameters cell declares ``actor``, i.e. ``40-actor-profile``) once per actor, through
   papermill's Python API, ``jobs`` kernels at a time; figures go to ``<run>/figures``.
   A failing notebook does not stop the others: its error (cell, exception name and
   value) is recorded and the partly executed notebook is kept.
4. **Export** each executed notebook to HTML (nbconvert, code hidden unless
   ``show_code``; in a thread of its own, which first measures the actor summary, while
   the kernels go on), and write ``index.html``, the actor summary (``summary.csv``,
   ``summary.parquet``) and ``manifest.json`` (parameters, input hashes, package
   versions, timings, failures).

Safety: the run is built in a hidden folder ``.<out>.partial-<host>-<pid>-<random>`` beside
``out`` and renamed to ``out`` only when complete; an existing ``out`` is replaced only
with ``replace=True``, only if this tool wrote it as a report (its ``manifest.json`` says
``"tool": "media-analysis", "kind": "report"``) and it holds nothing else, never when it
is, or holds, the current folder, the project root or the home folder, and only after the
new run is complete. Interrupting a run (Ctrl-C) stops the kernels, removes the hidden
folder and leaves the old run as it was; hidden folders of killed runs are removed by the
next run. Files and folders get the modes the user's umask gives. Actor ids become file
names through :func:`analysis.plots.export.slug`.

Run folder::

    index.html                 links to every report, figure and table
    reports/<notebook>.html    one per corpus-level notebook
    reports/<notebook>--<actor slug>.html   one per actor dossier
    notebooks/...ipynb         the executed notebooks (same names)
    figures/                   PNG, SVG, PDF + manifest.json
    summary.csv, summary.parquet   one row per actor: salience, tone, dossier status
    manifest.json              tool and kind, parameters, inputs (sha256), packages, timings, failures

Kernels are reused from notebook to notebook (:class:`analysis.report.notebooks.WarmKernels`),
so a batch of dozens of dossiers pays for kernel start-up and imports once per job.
The dossier's measures live in :mod:`analysis.report.dossier`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from analysis.errors import InputError, count_option
from analysis.report.notebooks import WarmKernels
from analysis.report.plan import RUN_KIND, NotebookRun, ReportPlan, ReportResult, check_run_folder, plan_report
from analysis.report.summary import actor_summary, input_hashes, package_versions, with_dossiers
from analysis.store import make_partial, output_marker, publish_folder


# --- running ------------------------------------------------------------------------------------


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


def _execute(run: NotebookRun, folder: Path, *, kernels: WarmKernels) -> NotebookRun:
    """Execute one notebook into ``folder``; record success or the cell error."""
    from papermill.exceptions import PapermillExecutionError

    from analysis.report.notebooks import NOTEBOOKS, execute_notebook

    started = time.perf_counter()
    try:
        execute_notebook(run.source, folder / run.ipynb, parameters=run.parameters, cwd=NOTEBOOKS,
                         warm=kernels.acquire())
        run.status = "ok"
    except PapermillExecutionError as error:
        run.status, run.ename, run.evalue = "failed", error.ename, error.evalue
        run.exec_count, run.cell_index = error.exec_count, error.cell_index
    except Exception as error:  # a kernel that dies, a notebook that cannot be read: recorded, not raised
        run.status, run.ename, run.evalue = "failed", type(error).__name__, str(error)
    if run.status != "ok":
        kernels.discard()
    run.seconds = time.perf_counter() - started
    return run


def _export(run: NotebookRun, folder: Path, *, show_code: bool) -> NotebookRun:
    """Export an executed (or partly executed) notebook to HTML; a failed export fails the run."""
    from analysis.report.html import export_html

    output = folder / run.ipynb
    if output.exists():
        try:
            export_html(output, folder / run.html, title=run.label, show_code=show_code)
        except Exception as error:
            if run.status == "ok":
                run.status, run.ename, run.evalue = "failed", type(error).__name__, f"HTML export: {error}"
    return run


def warm_cache(plan: ReportPlan, *, progress: bool = True) -> list[str]:
    """Annotate the corpus once per layer set the notebooks use; returns the cache keys."""
    from analysis.annotate.workspace import open_workspace

    keys = []
    engine = "processes" if plan.jobs > 1 and plan.n_articles >= 256 else "serial"
    for layers in plan.layer_sets:
        ws = open_workspace(corpus=plan.corpus, codebook=plan.codebook, layers=layers, engine=engine,
                            progress=progress)
        keys.append(ws.annotations.key)
    return keys


def _finalise(staging: Path, out: Path, *, replace: bool) -> None:
    """Rename the finished run into place; an old run is replaced only now, and only with ``replace``.

    The output folder is checked again (it may have changed while the run was going): an
    old one is replaced only if it is still a run this tool wrote and nothing else.
    """
    if os.path.lexists(out) and not replace:
        raise InputError.at(out, field="--out", expected="a new folder (or --replace)",
                            got="a folder that appeared while the run was going")
    check_run_folder(out, replace=replace)
    publish_folder(staging, out)


def _run_notebooks(plan: ReportPlan, staging: Path, *, finish: Callable[[NotebookRun], NotebookRun],
                   measure: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Execute every notebook (``plan.jobs`` kernels), export each as it ends, measure the actors.

    On Ctrl-C (or any error here) nothing more starts: queued notebooks are cancelled and
    the kernels stopped, so running notebooks end within a second and no thread goes on
    writing into ``staging`` once this returns.
    """
    cwd = os.getcwd()  # papermill changes the process's working folder while a notebook runs
    try:  # a thread of its own measures the actor summary, then exports each notebook to HTML
        with WarmKernels() as kernels, ThreadPoolExecutor(max_workers=plan.jobs) as pool, \
                ThreadPoolExecutor(max_workers=1) as exporter:
            try:
                measured = exporter.submit(measure)
                executed = [pool.submit(_execute, run, staging, kernels=kernels) for run in plan.runs]
                exported = [exporter.submit(finish, future.result()) for future in as_completed(executed)]
                for future in exported:
                    future.result()
                return with_dossiers(measured.result(), plan.runs)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                exporter.shutdown(wait=False, cancel_futures=True)
                kernels.stop()
                raise
    finally:
        os.chdir(cwd)


def run_report(*, corpus: str | Path, codebook: str | Path, out: str | Path, actors: Sequence[str] | None = None,
               notebooks: Sequence[str | Path] | None = None, jobs: int = 2, show_code: bool = False,
               replace: bool = False, progress: bool = True) -> ReportResult:
    """Run the whole report (see the module notes); returns a :class:`ReportResult`.

    ``actors``: codebook ids (default: every actor); ``notebooks``: name prefixes of
    suite notebooks or paths of ``.ipynb`` files (default: every notebook in
    ``notebooks/``; dossiers run only if the selection includes a notebook with an
    ``actor`` parameter). Raises :class:`InputError` before anything runs when an input
    is wrong; failures of single notebooks are recorded in the result, not raised.
    """
    from analysis.report.html import render_index
    from analysis.store import write_json_atomic, write_text_atomic

    started = time.perf_counter()
    plan = plan_report(corpus=corpus, codebook=codebook, out=out, actors=actors, notebooks=notebooks, jobs=jobs,
                       show_code=show_code, replace=replace)
    plan.out.parent.mkdir(parents=True, exist_ok=True)
    staging = make_partial(plan.out.parent, plan.out.name)
    timings: dict[str, float] = {}
    try:
        for sub in ("notebooks", "reports", "figures"):
            (staging / sub).mkdir()
        for run in plan.runs:
            if "figures_dir" in run.parameters:
                run.parameters["figures_dir"] = str(staging / "figures")
        _say(progress, f"annotating {plan.n_articles:,} article(s) (cached after the first run) ...")
        t = time.perf_counter()
        keys = warm_cache(plan, progress=progress)
        timings["annotate"] = time.perf_counter() - t

        _say(progress, f"running {len(plan.runs)} notebook(s) with {plan.jobs} kernel(s) in parallel ...")
        t = time.perf_counter()
        done = 0

        def finish(run: NotebookRun) -> NotebookRun:  # in the export thread, one notebook at a time
            nonlocal done
            run = _export(run, staging, show_code=plan.show_code)
            done += 1
            mark = "ok    " if run.status == "ok" else "FAILED"
            detail = f"  {run.error}" if run.status != "ok" else ""
            _say(progress, f"[{done:>{len(str(len(plan.runs)))}}/{len(plan.runs)}] {mark} {run.label} "
                           f"({run.seconds:.1f} s){detail}")
            return run

        def measure_actors() -> pd.DataFrame:
            started = time.perf_counter()
            table = actor_summary(plan, (), notes)
            timings["summary"] = time.perf_counter() - started
            return table

        notes: list[str] = []
        summary = _run_notebooks(plan, staging, finish=finish, measure=measure_actors)
        timings["notebooks"] = time.perf_counter() - t
        summary.to_csv(staging / "summary.csv", index=False)
        summary.to_parquet(staging / "summary.parquet", index=False)

        from analysis.plots.export import read_manifest

        figures = read_manifest(staging / "figures")
        (staging / "figures" / ".manifest.lock").unlink(missing_ok=True)
        parameters = {"corpus": str(plan.corpus), "codebook": str(plan.codebook), "out": str(plan.out),
                      "actors": plan.actors, "notebooks": [str(n) for n in (notebooks or [])] or "all",
                      "jobs": plan.jobs, "show_code": plan.show_code, "replace": plan.replace}
        timings["total"] = time.perf_counter() - started
        manifest = {
            **output_marker(RUN_KIND),
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "parameters": parameters,
            "inputs": input_hashes(plan),
            "annotation": {"layer_sets": [list(layers) if layers is not None else "default" for layers in plan.layer_sets],
                           "cache_keys": keys},
            "packages": package_versions(),
            "runs": [run.record() for run in plan.runs],
            "failures": [{"name": run.name, "actor": run.actor, "error": run.error} for run in plan.runs
                         if run.status != "ok"],
            "figures": sorted(figures),
            "notes": notes,
            "timings": {key: round(value, 3) for key, value in timings.items()},
        }
        write_json_atomic(staging / "manifest.json", manifest)
        index = render_index(
            title=f"Media analysis report: {plan.corpus.name}",
            parameters={"corpus": plan.corpus, "codebook": plan.codebook, "actors": len(plan.actors),
                        "created": manifest["created"], "total seconds": f"{timings['total']:.1f}"},
            runs=[{**run.record(), "label": run.label} for run in plan.runs],
            actors=summary.to_dict("records"), figures=figures, notes=notes,
            files=[("summary.csv", "one row per actor: salience, tone with a 95% bootstrap interval, dossier"),
                   ("summary.parquet", "the same table as Parquet"),
                   ("manifest.json", "parameters, input hashes, package versions, timings, failures"),
                   ("figures/manifest.json", "every figure with its notebook, parameters and caption")])
        write_text_atomic(staging / "index.html", index)
        _finalise(staging, plan.out, replace=plan.replace)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result = ReportResult(out=plan.out, runs=plan.runs, summary=summary, manifest=manifest)
    _say(progress, result.describe())
    return result


# --- the command line ---------------------------------------------------------------------------


def add_report_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``report`` on the suite's command line (``python -m analysis report``)."""
    from analysis.paths import DEFAULT_CODEBOOK, SEEDS

    parser = sub.add_parser("report", help="run every notebook and a dossier per actor into an HTML report",
                            description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(SEEDS), help="folder of .txt articles, or a .csv/.jsonl file")
    parser.add_argument("--codebook", default=str(DEFAULT_CODEBOOK), help="actor codebook (YAML)")
    parser.add_argument("--out", required=True, help="run folder to create (e.g. runs/seeds)")
    parser.add_argument("--actors", nargs="*", default=None, metavar="ID",  # none given: plan_report says so
                        help="actor ids for the dossiers (default: every actor of the codebook)")
    parser.add_argument("--notebooks", nargs="+", default=None, metavar="NAME",
                        help="notebook name prefixes (00 10 20 30 40) or .ipynb paths (default: all)")
    parser.add_argument("--jobs", type=count_option, default=2, help="kernels run in parallel (default: 2)")
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the HTML reports")
    parser.add_argument("--replace", action="store_true",
                        help="replace a run folder this tool wrote (only once the new run is complete; "
                             "never any other folder)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(run=_report_command)
    return parser


def _report_command(args: argparse.Namespace) -> int:
    result = run_report(corpus=args.corpus, codebook=args.codebook, out=args.out, actors=args.actors,
                        notebooks=args.notebooks, jobs=args.jobs, show_code=args.show_code, replace=args.replace,
                        progress=not args.quiet)
    if args.quiet and not result.ok:
        print(result.describe(), file=sys.stderr)
    return 0 if result.ok else 1

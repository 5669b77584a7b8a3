"""Batch reports: every notebook on a corpus, a dossier per actor, an HTML site, in one call.

:func:`run_report` (and ``python -m analysis report``) does, in order:

1. **Validate** the codebook, the corpus (read with ``columns``/``skip_invalid`` and kept
   ``date_from``–``date_to`` and ``outlets``: :mod:`analysis.report.options`), the actor ids,
   the notebook selection and the notebook ``parameters``, and check the output folder,
   before any kernel starts (:class:`~analysis.errors.InputError`). When the corpus was read
   with options, the selected articles are written to ``corpus.jsonl`` in the run and every
   notebook, the annotation and the actor summary read that file.
2. **Annotate once**: :func:`~analysis.annotate.workspace.open_workspace` with every layer set the
   notebooks ask for (read from their ``open_workspace(...)`` calls), so the cache is warm
   and the kernels only load tables.
3. **Reuse or execute**: each run is keyed by what determines its output; with ``replace``,
   a run whose key is unchanged is taken from the old folder, unless ``force``
   (:mod:`analysis.report.incremental`). The others execute: each corpus-level notebook once
   and each per-actor notebook (one whose parameters cell declares ``actor``, i.e.
   ``40-actor-profile``) once per actor, through papermill's Python API, ``jobs`` kernels at a
   time; each run exports its figures (PNG and SVG, PDF too with ``pdf``) into a folder of its
   own, moved into ``<run>/figures`` when it ends, so the batch knows whose figures are whose.
   A failing notebook does not stop the others: its error (cell, exception name and
   value) is recorded and the partly executed notebook is kept.
4. **Export** each executed notebook to HTML (nbconvert, code hidden unless
   ``show_code``, a link back to the index and a table of contents on each page; in a thread
   of its own, which first measures the actor summary, while the kernels go on), and write
   ``index.html`` (actor table sortable by any column, small thumbnails of the figures), the
   actor summary (``summary.csv``, ``summary.parquet``; reused too when its inputs are unchanged)
   and ``manifest.json`` (parameters and options, input hashes, package versions, timings,
   failures, and per run its key, whether it was reused and its files).

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
    figures/                   PNG, SVG (PDF with --pdf), CSV + manifest.json
    thumbnails/                a small PNG per figure, for the index
    corpus.jsonl               the selected articles (only when the corpus was read with options)
    summary.csv, summary.parquet   one row per actor: salience, tone, dossier status
    manifest.json              tool and kind, parameters, inputs (sha256), packages, timings, failures

Kernels are reused from notebook to notebook (:class:`analysis.report.notebooks.WarmKernels`),
so a batch of dozens of dossiers pays for kernel start-up and imports once per job (started before
step 2, importing the notebooks' modules meanwhile, when every run will execute); corpus-level notebooks
run before the dossiers. Kernels talk over Unix sockets in a private folder, not TCP ports
(:func:`analysis.report.notebooks.ipc_kernel_manager`).
The dossier's measures live in :mod:`analysis.report.dossier`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from analysis.errors import InputError, count_option
from analysis.report import incremental
from analysis.report.incremental import FIGURE_SCRATCH, Previous, collect_figures, figures_folder, reuse_unchanged
from analysis.report.notebooks import WarmKernels
from analysis.report.parameters import notebook_imports
from analysis.report.plan import (CORPUS_FILE, RUN_KIND, NotebookRun, ReportPlan, ReportResult, check_run_folder,
                                  plan_report)
from analysis.report.summary import actor_summary, input_hashes, package_versions, with_dossiers
from analysis.store import make_partial, output_marker, publish_folder


# --- running ------------------------------------------------------------------------------------


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


def _execute(run: NotebookRun, folder: Path, *, kernels: WarmKernels, out: Path) -> NotebookRun:
    """Execute one notebook into ``folder``; record success or the cell error; staging paths written as ``out``'s."""
    from papermill.exceptions import PapermillExecutionError

    from analysis.report.incremental import unstage_notebook
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
    unstage_notebook(folder / run.ipynb, run=run, staging=folder, out=out)
    run.seconds = time.perf_counter() - started
    return run


def _export(run: NotebookRun, folder: Path, *, show_code: bool) -> NotebookRun:
    """Export an executed (or partly executed) notebook to HTML; a failed export fails the run."""
    from analysis.report.html import export_html

    output = folder / run.ipynb
    if output.exists():
        try:
            export_html(output, folder / run.html, title=run.label, show_code=show_code, index="../index.html")
        except Exception as error:
            if run.status == "ok":
                run.status, run.ename, run.evalue = "failed", type(error).__name__, f"HTML export: {error}"
    return run


def kernel_environment(plan: ReportPlan, staging: Path | None = None) -> dict[str, str]:
    """What the kernels get besides this process's environment: the figure formats to write, and
    where to write each figure's thumbnail (the run's ``thumbnails/``, when ``staging`` is given)."""
    from analysis.plots.export import FORMATS_VARIABLE, THUMBNAILS_VARIABLE

    env = {FORMATS_VARIABLE: ",".join(plan.figure_formats)}
    if staging is not None:
        env[THUMBNAILS_VARIABLE] = str(staging / "thumbnails")
    return env


def warm_cache(plan: ReportPlan, *, progress: bool = True) -> list[str]:
    """Annotate the corpus once per layer set the notebooks use; returns the cache keys."""
    from analysis.annotate.workspace import open_workspace

    keys = []
    engine = "processes" if plan.jobs > 1 and plan.n_articles >= 256 else "serial"
    for layers in plan.layer_sets:
        ws = open_workspace(corpus=plan.read_from, codebook=plan.codebook, layers=layers, engine=engine,
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


def _prestarted(plan: ReportPlan, staging: Path) -> WarmKernels | None:
    """The report's kernels, started before the annotation when every run will execute (a new
    folder, or ``--force``): they boot and import the notebooks' modules meanwhile, on a core
    the annotation leaves idle at times. ``None`` when runs may be reused: nothing started in vain."""
    if not plan.runs or (plan.replace and not plan.force and plan.out.is_dir()):
        return None
    kernels = WarmKernels(env=kernel_environment(plan, staging))
    kernels.prestart(min(plan.jobs, len(plan.runs)), imports=notebook_imports({run.source for run in plan.runs}))
    return kernels


def _run_notebooks(plan: ReportPlan, staging: Path, *, finish: Callable[[NotebookRun], NotebookRun],
                   measure: Callable[[], pd.DataFrame], kernels: WarmKernels | None = None) -> pd.DataFrame:
    """Execute every notebook (``plan.jobs`` kernels: ``kernels`` if given), export each as it ends, measure the actors.

    On Ctrl-C (or any error here) nothing more starts: queued notebooks are cancelled and
    the kernels stopped, so running notebooks end within a second and no thread goes on
    writing into ``staging`` once this returns.
    """
    # the corpus-level notebooks first, dossiers (short, and many) last: the kernels end close together
    pending = sorted((run for run in plan.runs if not run.reused), key=lambda run: run.actor is not None)
    if not pending:  # every run reused: no kernel to start
        if kernels is not None:
            kernels.close()
        return with_dossiers(measure(), plan.runs)
    cwd = os.getcwd()  # papermill changes the process's working folder while a notebook runs
    # Imported here, in one thread: threads importing a package at the same moment can see it half
    # initialised ("cannot import name ... from partially initialized module jupyter_client.manager").
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
    try:  # a thread of its own measures the actor summary, then exports each notebook to HTML
        with kernels or WarmKernels(env=kernel_environment(plan, staging)) as kernels, \
                ThreadPoolExecutor(max_workers=plan.jobs) as pool, ThreadPoolExecutor(max_workers=1) as exporter:
            try:
                measured = exporter.submit(measure)
                executed = [pool.submit(_execute, run, staging, kernels=kernels, out=plan.out) for run in pending]
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
               replace: bool = False, progress: bool = True, columns: Mapping[str, str] | None = None,
               skip_invalid: bool = False, parameters: Mapping[str, Any] | None = None,
               date_from: str | date | None = None, date_to: str | date | None = None,
               outlets: Sequence[str] | None = None, force: bool = False, pdf: bool = False) -> ReportResult:
    """Run the whole report (see the module notes); returns a :class:`ReportResult`.

    ``actors``: codebook ids (default: every actor); ``notebooks``: name prefixes of
    suite notebooks or paths of ``.ipynb`` files (default: every notebook in
    ``notebooks/``; dossiers run only if the selection includes a notebook with an
    ``actor`` parameter). ``columns`` (field → column) and ``skip_invalid`` read the corpus as
    ``annotate`` does; ``date_from``/``date_to`` (inclusive days) and ``outlets`` keep part of
    it (see :mod:`analysis.report.options`); ``parameters`` (name → value) go to every notebook
    that declares the name. Figures are written as PNG and SVG (and PDF with ``pdf``). With
    ``replace``, runs of the old folder whose key is unchanged
    are reused unless ``force`` (:mod:`analysis.report.incremental`). Raises :class:`InputError`
    before anything runs when an input is wrong; failures of single notebooks are recorded in
    the result, not raised.
    """
    from analysis.plots.export import read_manifest
    from analysis.store import write_json_atomic, write_text_atomic

    started = time.perf_counter()
    plan = plan_report(corpus=corpus, codebook=codebook, out=out, actors=actors, notebooks=notebooks, jobs=jobs,
                       show_code=show_code, replace=replace, columns=columns, skip_invalid=skip_invalid,
                       parameters=parameters, date_from=date_from, date_to=date_to, outlets=outlets, force=force,
                       pdf=pdf)
    notes = _selection_notes(plan, progress=progress)
    plan.out.parent.mkdir(parents=True, exist_ok=True)
    staging = make_partial(plan.out.parent, plan.out.name)
    timings: dict[str, float] = {}
    kernels = None
    try:
        _prepare(plan, staging)
        kernels = _prestarted(plan, staging)
        _say(progress, f"annotating {plan.n_articles:,} article(s) (cached after the first run) ...")
        t = time.perf_counter()
        keys = warm_cache(plan, progress=progress)
        timings["annotate"] = time.perf_counter() - t

        t = time.perf_counter()
        inputs, packages = input_hashes(plan), package_versions()
        previous = reuse_unchanged(plan, staging, annotation_keys=keys, inputs=inputs, packages=packages)
        summary_key = incremental.summary_key(plan, annotation_keys=keys, inputs=inputs, packages=packages)
        timings["reuse"] = time.perf_counter() - t
        reused = sum(run.reused for run in plan.runs)
        pending = len(plan.runs) - reused
        _say(progress, f"running {pending} notebook(s) with {min(plan.jobs, pending)} kernel(s) in parallel"
                       f"{f' ({reused} unchanged, reused)' if reused else ''} ...")
        t = time.perf_counter()
        summary = _run_notebooks(plan, staging, finish=_finisher(plan, staging, progress=progress),
                                 measure=_measurer(plan, notes, timings, key=summary_key, previous=previous),
                                 kernels=kernels)
        timings["notebooks"] = time.perf_counter() - t
        summary.to_csv(staging / "summary.csv", index=False)
        summary.to_parquet(staging / "summary.parquet", index=False)

        figures = read_manifest(staging / "figures")
        (staging / "figures" / ".manifest.lock").unlink(missing_ok=True)
        shutil.rmtree(staging / FIGURE_SCRATCH, ignore_errors=True)
        thumbnails = _thumbnails(staging)  # those of the last notebooks, the rest written as notebooks ended
        timings["total"] = time.perf_counter() - started
        manifest = _manifest(plan, notebooks=notebooks, keys=keys, figures=figures, notes=notes, timings=timings,
                             inputs=inputs, packages=packages, staging=staging)
        write_json_atomic(staging / "manifest.json", manifest)
        write_text_atomic(staging / "index.html", _index_page(plan, manifest, summary=summary, figures=figures,
                                                              thumbnails=thumbnails, notes=notes))
        _finalise(staging, plan.out, replace=plan.replace)
    except BaseException:
        if kernels is not None:
            kernels.stop()
            kernels.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result = ReportResult(out=plan.out, runs=plan.runs, summary=summary, manifest=manifest)
    _say(progress, result.describe())
    return result


def _prepare(plan: ReportPlan, staging: Path) -> None:
    """The run folder's subfolders; figures into it; the selected articles written for the notebooks to read."""
    from analysis.report.options import write_articles

    for sub in ("notebooks", "reports", "figures"):
        (staging / sub).mkdir()
    for run in plan.runs:  # each run exports into a folder of its own, moved into figures/ when it ends
        if "figures_dir" in run.parameters:
            run.parameters["figures_dir"] = str(figures_folder(staging, run))
    if plan.selection is not None and plan.selection.differs(plan.options):
        plan.use_corpus_file(write_articles(plan.selection.articles, staging / CORPUS_FILE))


def _selection_notes(plan: ReportPlan, *, progress: bool) -> list[str]:
    """Print each skipped record and warning (as ``annotate`` does); the index's notes on the selection."""
    selection, notes = plan.selection, []
    if selection is None:
        return notes
    for problem in selection.skipped:
        _say(progress, f"skipped: {problem}")
    for notice in selection.warnings:
        _say(progress, f"warning: {notice}")
    if selection.skipped:
        notes.append(f"{len(selection.skipped)} record(s) of the corpus were skipped (--skip-invalid); "
                     "manifest.json lists each.")
    if len(selection.articles) != selection.n_read:
        notes.append(f"The report covers {len(selection.articles):,} of the corpus's {selection.n_read:,} "
                     f"article(s): {_describe_filters(plan)}.")
    return notes


def _describe_filters(plan: ReportPlan) -> str:
    options = plan.options
    parts = []
    if options.date_from or options.date_to:
        parts.append(f"from {options.date_from or 'the first day'} to {options.date_to or 'the last day'}")
    if options.outlets:
        parts.append("outlets " + ", ".join(options.outlets))
    return "; ".join(parts)


def _finisher(plan: ReportPlan, staging: Path, *, progress: bool) -> Callable[[NotebookRun], NotebookRun]:
    """What the export thread does with each notebook as it ends: HTML, thumbnails, and one progress line."""
    done = 0

    def finish(run: NotebookRun) -> NotebookRun:  # in the export thread, one notebook at a time
        nonlocal done
        collect_figures(run, staging, plan.out)
        run = _export(run, staging, show_code=plan.show_code)
        _thumbnails(staging)
        done += 1
        mark = "ok    " if run.status == "ok" else "FAILED"
        detail = f"  {run.error}" if run.status != "ok" else ""
        total = sum(not r.reused for r in plan.runs)
        _say(progress, f"[{done:>{len(str(total))}}/{total}] {mark} {run.label} "
                       f"({run.seconds:.1f} s){detail}")
        return run

    return finish


def _thumbnails(staging: Path) -> dict[str, str]:
    """Thumbnails of the figures exported so far (:func:`analysis.report.pages.write_thumbnails`)."""
    from analysis.plots.export import read_manifest
    from analysis.report.pages import write_thumbnails

    return write_thumbnails(staging / "figures", read_manifest(staging / "figures"), staging / "thumbnails")


def _measurer(plan: ReportPlan, notes: list[str], timings: dict[str, float], *, key: str,
              previous: Previous | None) -> Callable[[], pd.DataFrame]:
    """The actor summary: measured, or the old run's when its key is unchanged (its notes with it)."""
    def measure_actors() -> pd.DataFrame:
        started = time.perf_counter()
        old = previous.summary(key) if previous is not None else None
        own: list[str] = []
        table = old[0] if old is not None else actor_summary(plan, (), own)
        notes.extend(old[1] if old is not None else own)
        plan.summary = {"key": key, "reused": old is not None, "notes": old[1] if old is not None else own}
        timings["summary"] = time.perf_counter() - started
        return table

    return measure_actors


def _manifest(plan: ReportPlan, *, notebooks: Sequence[str | Path] | None, keys: list[str],
              figures: Mapping[str, Any], notes: list[str], timings: dict[str, float], inputs: Mapping[str, Any],
              packages: Mapping[str, str], staging: Path) -> dict[str, Any]:
    """The run manifest: every option (corpus selection and notebook parameters too), inputs, packages, runs
    (each with its key, whether it was reused, and its files: what a later run checks before reusing it)."""
    from analysis.report.incremental import file_stamps, run_files

    parameters = {"corpus": str(plan.corpus), "codebook": str(plan.codebook), "out": str(plan.out),
                  "actors": plan.actors, "notebooks": [str(n) for n in (notebooks or [])] or "all",
                  "jobs": plan.jobs, "show_code": plan.show_code, "replace": plan.replace, "force": plan.force,
                  "figure_formats": list(plan.figure_formats),
                  **plan.options.record(), "notebook_parameters": plan.parameters}
    return {
        **output_marker(RUN_KIND),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "parameters": parameters,
        "corpus": {**(plan.selection.record() if plan.selection else {}),
                   "read_from": CORPUS_FILE if plan.read_from != plan.corpus else str(plan.corpus)},
        "inputs": dict(inputs),
        "annotation": {"layer_sets": [list(layers) if layers is not None else "default" for layers in plan.layer_sets],
                       "cache_keys": keys},
        "packages": dict(packages),
        "runs": [{**run.record(), "files": file_stamps(staging, run_files(run, figures, staging))}
                 for run in plan.runs],
        "reused": sum(run.reused for run in plan.runs),
        "summary": {**plan.summary, "files": file_stamps(staging, ["summary.csv", "summary.parquet"])},
        "failures": [{"name": run.name, "actor": run.actor, "error": run.error} for run in plan.runs
                     if run.status != "ok"],
        "figures": sorted(figures),
        "notes": notes,
        "timings": {key: round(value, 3) for key, value in timings.items()},
    }


def _index_page(plan: ReportPlan, manifest: Mapping[str, Any], *, summary: pd.DataFrame,
                figures: Mapping[str, Any], thumbnails: Mapping[str, str], notes: list[str]) -> str:
    from analysis.report.html import render_index

    shown: dict[str, Any] = {"corpus": plan.corpus, "codebook": plan.codebook, "actors": len(plan.actors)}
    options = {k: v for k, v in plan.options.record().items() if v}
    shown.update({key: value if isinstance(value, str) else json.dumps(value) for key, value in options.items()})
    shown.update({f"-p {name}": value if isinstance(value, str) else json.dumps(value, default=str)
                  for name, value in plan.parameters.items()})
    shown.update({"articles": plan.n_articles, "created": manifest["created"],
                  "total seconds": f"{manifest['timings']['total']:.1f}"})
    files = [("summary.csv", "one row per actor: salience, tone with a 95% bootstrap interval, dossier"),
             ("summary.parquet", "the same table as Parquet"),
             ("manifest.json", "parameters, input hashes, package versions, timings, failures"),
             ("figures/manifest.json", "every figure with its notebook, parameters and caption")]
    if plan.read_from != plan.corpus:
        files.append((CORPUS_FILE, "the articles the notebooks read (the corpus after the options above)"))
    return render_index(title=f"Media analysis report: {plan.corpus.name}", parameters=shown,
                        runs=[{**run.record(), "label": run.label} for run in plan.runs],
                        actors=summary.to_dict("records"), figures=figures, notes=notes, files=files,
                        thumbnails=thumbnails)


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
    _add_corpus_options(parser)
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE", dest="parameters",
                        help="a notebook parameter (YAML-typed: -p period=M, -p top_n=20, -p trend_terms=[war,gas]) "
                             "for every notebook that declares it; repeatable")
    parser.add_argument("--jobs", type=count_option, default=2, help="kernels run in parallel (default: 2)")
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the HTML reports")
    parser.add_argument("--replace", action="store_true",
                        help="replace a run folder this tool wrote (only once the new run is complete; "
                             "never any other folder)")
    parser.add_argument("--pdf", action="store_true",
                        help="also write each figure as PDF (PNG and SVG are always written)")
    parser.add_argument("--force", action="store_true",
                        help="with --replace: execute every notebook again, even those whose inputs, code and "
                             "parameters are unchanged (by default those are reused from the old run)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(run=_report_command)
    return parser


def _add_corpus_options(parser: argparse.ArgumentParser) -> None:
    """``--column``, ``--skip-invalid``, ``--from``, ``--to``, ``--outlets``: which articles every notebook reads."""
    parser.add_argument("--column", action="append", default=[], metavar="FIELD=COLUMN",
                        help="map a suite field (id, date, outlet, title, text, url) to a column; repeatable")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="skip bad records (each one is reported) instead of stopping at the first")
    parser.add_argument("--from", dest="date_from", default=None, metavar="YYYY-MM-DD",
                        help="only articles of this day or later")
    parser.add_argument("--to", dest="date_to", default=None, metavar="YYYY-MM-DD",
                        help="only articles of this day or earlier")
    parser.add_argument("--outlets", nargs="+", default=None, metavar="NAME", help="only articles of these outlets")


def _report_command(args: argparse.Namespace) -> int:
    from analysis.report.options import column_mapping, parse_parameter

    parameters = dict(parse_parameter(text) for text in args.parameters)
    result = run_report(corpus=args.corpus, codebook=args.codebook, out=args.out, actors=args.actors,
                        notebooks=args.notebooks, jobs=args.jobs, show_code=args.show_code, replace=args.replace,
                        progress=not args.quiet, columns=column_mapping(args.column), skip_invalid=args.skip_invalid,
                        parameters=parameters, date_from=args.date_from, date_to=args.date_to, outlets=args.outlets,
                        force=args.force, pdf=args.pdf)
    if args.quiet and not result.ok:
        print(result.describe(), file=sys.stderr)
    return 0 if result.ok else 1

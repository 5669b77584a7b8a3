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

Safety: the run is built in a hidden temporary folder beside ``out`` and renamed to
``out`` only when complete; an existing ``out`` is replaced only with ``replace=True``,
and then only after the new run is complete (interrupting a run leaves the old one as it
was). Actor ids become file names through :func:`analysis.plots.export.slug`.

Run folder::

    index.html                 links to every report, figure and table
    reports/<notebook>.html    one per corpus-level notebook
    reports/<notebook>--<actor slug>.html   one per actor dossier
    notebooks/...ipynb         the executed notebooks (same names)
    figures/                   PNG, SVG, PDF + manifest.json
    summary.csv, summary.parquet   one row per actor: salience, tone, dossier status
    manifest.json              parameters, inputs (sha256), packages, timings, failures

Kernels are reused from notebook to notebook (:class:`analysis.report.notebooks.WarmKernels`),
so a batch of dozens of dossiers pays for kernel start-up and imports once per job.
The dossier's measures live in :mod:`analysis.report.dossier`.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from analysis.errors import InputError
from analysis.plots.export import slug
from analysis.report.notebooks import WarmKernels
from analysis.store import publish_folder

#: The notebook parameter that makes a notebook a per-actor dossier.
ACTOR_PARAMETER = "actor"
#: Packages whose versions the run manifest records.
PACKAGES = ("media-analysis", "pandas", "numpy", "pyarrow", "matplotlib", "nltk", "vaderSentiment", "PyYAML",
            "papermill", "nbconvert", "nbformat", "nbclient", "jupyter_client", "ipykernel", "tqdm")
#: Columns of the actor summary table.
SUMMARY_COLUMNS = ["actor_id", "label", "type", "slug", "mentions", "articles", "n_articles", "share_articles",
                   "share_headline", "share_lead", "tone_n_mentions", "tone_mean", "tone_ci_low", "tone_ci_high",
                   "tone_share_negative", "tone_share_neutral", "tone_share_positive", "dossier_status",
                   "dossier_html"]


# --- the plan -----------------------------------------------------------------------------------


@dataclass
class NotebookRun:
    """One notebook execution of a batch: what runs, with which parameters, and how it went."""

    name: str                     # output stem: "00-corpus-overview" or "40-actor-profile--biden"
    source: Path
    parameters: dict[str, Any]
    actor: str | None = None
    status: str = "pending"       # pending | ok | failed
    seconds: float = 0.0
    ename: str = ""
    evalue: str = ""
    exec_count: int | None = None
    cell_index: int | None = None

    @property
    def label(self) -> str:
        return f"{self.source.stem} · {self.actor}" if self.actor else self.source.stem

    @property
    def ipynb(self) -> str:
        return f"notebooks/{self.name}.ipynb"

    @property
    def html(self) -> str:
        return f"reports/{self.name}.html"

    @property
    def error(self) -> str:
        """The failure in one line: where (cell) and what (exception name and value)."""
        if self.status == "ok":
            return ""
        where = f"cell In [{self.exec_count}]" if self.exec_count is not None else "notebook"
        return f"{where}: {self.ename}: {self.evalue}".strip()

    def record(self) -> dict[str, Any]:
        return {"name": self.name, "notebook": self.source.name, "actor": self.actor, "status": self.status,
                "seconds": round(self.seconds, 3), "parameters": self.parameters, "error": self.error,
                "ename": self.ename, "evalue": self.evalue, "exec_count": self.exec_count,
                "ipynb": self.ipynb, "html": self.html}


@dataclass
class ReportPlan:
    """A validated batch: inputs, actors and the notebook runs, before anything executes."""

    corpus: Path
    codebook: Path
    out: Path
    actors: list[str]
    runs: list[NotebookRun]
    layer_sets: list[tuple[str, ...] | None]
    n_articles: int
    jobs: int
    show_code: bool
    replace: bool


@dataclass
class ReportResult:
    """What a batch produced: the run folder, each notebook run, the summary and the manifest."""

    out: Path
    runs: list[NotebookRun]
    summary: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def failures(self) -> list[NotebookRun]:
        return [run for run in self.runs if run.status != "ok"]

    @property
    def ok(self) -> bool:
        return not self.failures

    def describe(self) -> str:
        """A few lines for the terminal: where the run is, and each failure with its cell error."""
        lines = [f"report: {self.out / 'index.html'} ({len(self.runs) - len(self.failures)} of "
                 f"{len(self.runs)} notebook run(s) ok, {self.manifest.get('timings', {}).get('total', 0):.1f} s)"]
        for run in self.failures:
            lines.append(f"FAILED {run.label}: {run.error}  (see {self.out / run.html})")
        return "\n".join(lines)


def _resolve_input(path: str | Path) -> Path:
    from analysis.annotate.workspace import resolve_path

    return resolve_path(path).resolve()


def _parameters_cell(nb) -> dict[str, Any]:
    """Names and literal defaults of a notebook's ``parameters`` cell (typed or plain assignments)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            found: dict[str, Any] = {}
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return found
            for node in tree.body:
                target, value = None, None
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    target, value = node.target.id, node.value
                elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    target, value = node.targets[0].id, node.value
                if target is not None:
                    try:
                        found[target] = ast.literal_eval(value) if value is not None else None
                    except ValueError:
                        found[target] = None
            return found
    return {}


def notebook_parameters(path: str | Path) -> dict[str, Any]:
    """The parameters a notebook declares (name → literal default) in its ``parameters`` cell."""
    import nbformat

    return _parameters_cell(nbformat.read(path, as_version=4))


def workspace_layers(path: str | Path) -> list[tuple[str, ...] | None]:
    """The ``layers=`` of each ``open_workspace(...)`` call in a notebook (``None`` when not given: the default).

    A ``layers`` given as a parameter name resolves to the parameter's default. Calls whose
    layers cannot be read statically are left out (the notebook then annotates on its own).
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    defaults = _parameters_cell(nb)
    found: list[tuple[str, ...] | None] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name != "open_workspace":
                continue
            layers: Any = "default"
            for keyword in node.keywords:
                if keyword.arg == "layers":
                    if isinstance(keyword.value, ast.Name):
                        layers = defaults.get(keyword.value.id)
                    else:
                        try:
                            layers = ast.literal_eval(keyword.value)
                        except ValueError:
                            layers = None
            if layers == "default" or layers is None:
                if None not in found:
                    found.append(None)
            elif isinstance(layers, (list, tuple)) and all(isinstance(x, str) for x in layers):
                key = tuple(layers)
                if key not in found:
                    found.append(key)
    return found


def select_notebooks(selection: Sequence[str | Path] | None = None) -> list[Path]:
    """Notebooks to run: all of ``notebooks/`` (reading order), or those named by prefix or path.

    An entry ending in ``.ipynb`` that exists is used as a path (a notebook of one's own);
    any other entry is a name prefix of a suite notebook ("00", "40", "20-framing").
    """
    from analysis.report.notebooks import notebook_paths

    if not selection:
        return notebook_paths()
    chosen: list[Path] = []
    for entry in selection:
        text = str(entry)
        if text.endswith(".ipynb") and Path(text).is_file():
            paths = [Path(text).resolve()]
        else:
            paths = notebook_paths([text])
        if not paths:
            known = ", ".join(p.stem for p in notebook_paths())
            raise InputError.at("--notebooks", field="notebooks", expected=f"a notebook prefix ({known}) or an "
                                ".ipynb file", got=text)
        chosen.extend(p for p in paths if p not in chosen)
    return chosen


def plan_report(*, corpus: str | Path, codebook: str | Path, out: str | Path,
                actors: Sequence[str] | None = None, notebooks: Sequence[str | Path] | None = None,
                jobs: int = 2, show_code: bool = False, replace: bool = False) -> ReportPlan:
    """Validate every input and list the notebook runs; raises :class:`InputError` on the first problem."""
    from analysis.corpus.codebook import load_codebook
    from analysis.corpus.reader import read_corpus

    if not isinstance(jobs, int) or jobs < 1:
        raise InputError.at("--jobs", field="jobs", expected="a whole number of parallel kernels ≥ 1", got=jobs)
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise InputError.at(out, field="--out", expected="a folder for the run", got="an existing file")
    if out.exists() and not replace:
        raise InputError.at(out, field="--out", expected="a new folder (or --replace to replace this run once "
                            "the new one is complete)", got="an existing folder")
    codebook_path = _resolve_input(codebook)
    book = load_codebook(codebook_path)
    corpus_path = _resolve_input(corpus)
    if not corpus_path.exists():
        raise InputError.at(corpus_path, field="--corpus", expected="a folder of .txt articles or a .csv/.jsonl file",
                            got="no such file or folder")
    read = read_corpus(corpus_path)
    if read.articles.empty:
        raise InputError.at(corpus_path, field="--corpus", expected="at least one article", got="an empty corpus")
    if actors:
        unknown = [a for a in actors if a not in book.ids]
        if unknown:
            raise InputError.at(codebook_path, field="--actors", expected=f"actor ids of the codebook "
                                f"({', '.join(book.ids)})", got=", ".join(unknown))
        chosen = list(dict.fromkeys(actors))
    else:
        chosen = book.ids
    slugs: dict[str, str] = {}
    for actor in chosen:
        other = slugs.setdefault(slug(actor), actor)
        if other != actor:
            raise InputError.at(codebook_path, field="id", expected=f"actor ids that stay distinct as file names "
                                f"({other!r} already becomes {slug(actor)!r})", got=actor)
    paths = select_notebooks(notebooks)
    runs: list[NotebookRun] = []
    layer_sets: list[tuple[str, ...] | None] = []
    figures = out.parent / f".{out.name}.figures"  # placeholder, replaced by the staging folder at run time
    for path in paths:
        declared = notebook_parameters(path)
        for layers in workspace_layers(path):
            if layers not in layer_sets:
                layer_sets.append(layers)
        given = {"corpus": str(corpus_path), "codebook": str(codebook_path), "figures_dir": str(figures)}
        if actors and "actors" in declared:
            given["actors"] = list(chosen)
        parameters = {k: v for k, v in given.items() if k in declared}
        if ACTOR_PARAMETER in declared:
            for actor in chosen:
                runs.append(NotebookRun(name=f"{path.stem}--{slug(actor)}", source=path, actor=actor,
                                        parameters={**parameters, ACTOR_PARAMETER: actor}))
        else:
            runs.append(NotebookRun(name=path.stem, source=path, parameters=parameters))
    from analysis.annotate.pipeline import LAYERS

    for layers in layer_sets:
        unknown = [layer for layer in layers or () if layer not in LAYERS]
        if unknown:
            raise InputError.at(paths[0].parent, field="layers", expected=f"registered annotation layers "
                                f"({', '.join(sorted(LAYERS)) or 'none'})", got=", ".join(unknown))
    return ReportPlan(corpus=corpus_path, codebook=codebook_path, out=out, actors=chosen, runs=runs,
                      layer_sets=layer_sets or [None], n_articles=len(read.articles), jobs=jobs, show_code=show_code,
                      replace=replace)


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


def actor_summary(plan: ReportPlan, runs: Sequence[NotebookRun] = (), notes: list[str] | None = None
                  ) -> pd.DataFrame:
    """One row per actor: salience (whole corpus), tone toward it with a 95% interval, dossier status.

    Tone is :func:`analysis.sentiment.tone.actor_tone` over the actor's mentions (the cached
    ``mention_sentiment`` layer), per actor, as the dossier computes it, so the two agree.
    """
    from analysis.framing.salience import actor_salience
    from analysis.sentiment.tone import actor_tone
    from analysis.annotate.workspace import open_workspace

    notes = notes if notes is not None else []
    ws = open_workspace(corpus=plan.corpus, codebook=plan.codebook, progress=False)
    mentions, sentences = ws.table("mentions"), ws.table("sentences")
    salience = actor_salience(mentions, sentences, ws.articles, actors=plan.actors)
    if "mention_sentiment" in ws.annotations.tables:
        scores = ws.table("mention_sentiment")
    else:  # the summary keeps its salience columns; the missing layer is named in the manifest
        notes.append("Tone columns left empty: the sentiment layer was not annotated.")
        scores = pd.DataFrame(columns=["actor_id", "score", "label"])
    rows = []
    for actor in plan.actors:
        info = ws.codebook[actor]
        row: dict[str, Any] = {"actor_id": actor, "label": info.label, "type": info.type, "slug": slug(actor)}
        sal = salience[salience["actor_id"] == actor].iloc[0]
        for column in ("mentions", "articles", "n_articles", "share_articles", "share_headline", "share_lead"):
            row[column] = sal[column]
        tone = actor_tone(scores[scores["actor_id"] == actor])
        if tone.empty:
            row.update({f"tone_{c}": float("nan") for c in ("mean", "ci_low", "ci_high", "share_negative",
                                                            "share_neutral", "share_positive")})
            row["tone_n_mentions"] = 0
        else:
            t = tone.iloc[0]
            row["tone_n_mentions"] = int(t["n_mentions"])
            for column in ("mean", "ci_low", "ci_high", "share_negative", "share_neutral", "share_positive"):
                row[f"tone_{column}"] = float(t[column])
        rows.append(row)
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for column in ("mentions", "articles", "n_articles", "tone_n_mentions"):
        table[column] = table[column].astype("int64")
    return with_dossiers(table, runs)


def with_dossiers(summary: pd.DataFrame, runs: Sequence[NotebookRun]) -> pd.DataFrame:
    """The summary with each actor's dossier status and HTML page (empty where no dossier ran)."""
    dossiers = {run.actor: run for run in runs if run.actor}
    summary = summary.copy()
    summary["dossier_status"] = [dossiers[a].status if a in dossiers else "" for a in summary["actor_id"]]
    summary["dossier_html"] = [dossiers[a].html if a in dossiers else "" for a in summary["actor_id"]]
    return summary.astype({"dossier_status": "str", "dossier_html": "str"})


def input_hashes(plan: ReportPlan) -> dict[str, Any]:
    """sha256 of the codebook and of every corpus file (a folder: each file, by relative path)."""
    def digest(path: Path) -> str:
        h = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    if plan.corpus.is_dir():
        files = {str(p.relative_to(plan.corpus)): digest(p) for p in sorted(plan.corpus.rglob("*"))
                 if p.is_file() and not p.name.startswith(".")}
    else:
        files = {plan.corpus.name: digest(plan.corpus)}
    return {"corpus": {"path": str(plan.corpus), "files": files},
            "codebook": {"path": str(plan.codebook), "sha256": digest(plan.codebook)}}


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _finalise(staging: Path, out: Path, *, replace: bool) -> None:
    """Rename the finished run into place; an old run is replaced only now, and only with ``replace``."""
    if out.exists():
        if not replace:
            raise InputError.at(out, field="--out", expected="a new folder (or --replace)",
                                got="a folder that appeared while the run was going")
    publish_folder(staging, out)


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
    staging = Path(tempfile.mkdtemp(prefix=f".{plan.out.name}.", suffix=".partial", dir=plan.out.parent))
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
        cwd = os.getcwd()  # papermill changes the process's working folder while a notebook runs
        try:  # a thread of its own measures the actor summary, then exports each notebook to HTML
            with WarmKernels() as kernels, ThreadPoolExecutor(max_workers=plan.jobs) as pool, \
                    ThreadPoolExecutor(max_workers=1) as exporter:
                measured = exporter.submit(measure_actors)
                executed = [pool.submit(_execute, run, staging, kernels=kernels) for run in plan.runs]
                exported = [exporter.submit(finish, future.result()) for future in as_completed(executed)]
                for future in exported:
                    future.result()
                summary = with_dossiers(measured.result(), plan.runs)
        finally:
            os.chdir(cwd)
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
    parser.add_argument("--actors", nargs="+", default=None, metavar="ID",
                        help="actor ids for the dossiers (default: every actor of the codebook)")
    parser.add_argument("--notebooks", nargs="+", default=None, metavar="NAME",
                        help="notebook name prefixes (00 10 20 30 40) or .ipynb paths (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="kernels run in parallel (default: 2)")
    parser.add_argument("--show-code", action="store_true", help="keep code cells in the HTML reports")
    parser.add_argument("--replace", action="store_true",
                        help="replace an existing run folder (only once the new run is complete)")
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

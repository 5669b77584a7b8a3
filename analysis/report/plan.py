"""The plan of a batch report: every input validated and every notebook run listed, before any kernel starts.

:func:`plan_report` checks the output folder first (:func:`check_run_folder`: new, or a run
this tool wrote when replacing, and writable), then the codebook, the corpus, the actor
ids and the notebook selection (an :class:`~analysis.errors.InputError` names the first
problem), and lists a :class:`NotebookRun` per corpus-level notebook and per actor for a
notebook whose parameters cell declares ``actor``. :class:`ReportResult` is what a run
gives back. Actor ids become file names through :func:`analysis.plots.export.slug`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from analysis.errors import InputError
from analysis.plots.export import slug
from analysis.report.options import CorpusOptions, Selection, corpus_options, notebook_values, select_corpus
from analysis.report.parameters import notebook_parameters, workspace_layers
from analysis.store import validate_output

#: The notebook parameter that makes a notebook a per-actor dossier.
ACTOR_PARAMETER = "actor"
#: The ``kind`` in a run folder's manifest (:func:`analysis.store.output_marker`).
RUN_KIND = "report"
#: The selected articles in a run folder, when the report read its corpus with options (see ReportPlan).
CORPUS_FILE = "corpus.jsonl"


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
    key: str = ""                 # what determines its output (analysis.report.incremental.run_keys)
    reused: bool = False          # taken from the run folder it replaces (its key unchanged)
    figures: list[str] = field(default_factory=list)  # names of the figures it exported

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
                "ipynb": self.ipynb, "html": self.html, "key": self.key, "reused": self.reused,
                "figures": list(self.figures)}


@dataclass
class ReportPlan:
    """A validated batch: inputs, actors and the notebook runs, before anything executes.

    ``corpus`` is the input as given; ``read_from`` is what the notebooks, the cache warm-up
    and the actor summary read: the input itself, or (when ``selection.differs(options)``) the selected
    articles written into the run folder (:meth:`use_corpus_file`).
    """

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
    force: bool = False
    figure_formats: tuple[str, ...] = ("png", "svg")
    options: CorpusOptions = field(default_factory=CorpusOptions)
    selection: Selection | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    read_from: Path | None = None
    summary: dict[str, Any] = field(default_factory=dict)  # the actor summary's key, notes, whether reused

    def __post_init__(self) -> None:
        self.read_from = self.read_from or self.corpus

    def use_corpus_file(self, path: Path) -> None:
        """Make every notebook (and the summary) read ``path``, the selected articles written by the batch."""
        self.read_from = path
        for run in self.runs:
            if "corpus" in run.parameters:
                run.parameters["corpus"] = str(path)


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
        reused = sum(run.reused for run in self.runs)
        lines = [f"report: {self.out / 'index.html'} ({len(self.runs) - len(self.failures)} of "
                 f"{len(self.runs)} notebook run(s) ok{f', {reused} reused' if reused else ''}, "
                 f"{self.manifest.get('timings', {}).get('total', 0):.1f} s)"]
        for run in self.failures:
            lines.append(f"FAILED {run.label}: {run.error}  (see {self.out / run.html})")
        return "\n".join(lines)


def _resolve_input(path: str | Path) -> Path:
    from analysis.annotate.workspace import resolve_path

    return resolve_path(path).resolve()


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


#: What a run folder holds (see :mod:`analysis.report.batch`); anything else in it stops ``--replace``.
RUN_FILES = frozenset({"index.html", "manifest.json", "summary.csv", "summary.parquet", "notebooks", "reports",
                       "figures", "thumbnails", CORPUS_FILE})


def check_run_folder(out: Path, *, replace: bool) -> Path:
    """``report --out``: a new folder, or with ``replace`` a run folder this tool wrote; writable.

    See :func:`analysis.store.validate_output` (the current folder, its parents, the
    project root and the home folder are never replaced, whatever their manifest says).
    Inside a run folder, too, every file must be one the run wrote (:func:`foreign_files`):
    a note saved in ``figures/`` stops the replacement as one beside ``index.html`` does.
    """
    out = validate_output(out, kind=RUN_KIND, replace=replace, field="--out", flag="--replace",
                          files=lambda manifest: RUN_FILES)
    if replace and out.is_dir() and (foreign := foreign_files(out)):
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise InputError.at(out, field="--out", expected=f"for --replace, a run folder holding only what this tool "
                            f"wrote; move your files away ({shown}) or choose another folder",
                            got=f"{len(foreign)} file(s) this tool did not write")
    return out


#: Files an operating system leaves in folders it shows (never a reason to refuse, never the user's work).
_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def foreign_files(out: Path) -> list[str]:
    """Files and folders inside the run folder ``out`` that its manifests do not account for (relative paths).

    A run writes ``notebooks/<run>.ipynb`` and ``reports/<run>.html`` for each run its manifest
    lists, the files of each figure of ``figures/manifest.json`` and a thumbnail of each figure PNG.
    """
    import json

    from analysis.store import read_manifest

    manifest = read_manifest(out) or {}
    try:
        figures = json.loads((out / "figures" / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        figures = {}
    figure_files = [f for entry in (figures.values() if isinstance(figures, dict) else ())
                    if isinstance(entry, dict) for f in entry.get("files", []) if isinstance(f, str)]
    names = [run.get("name") for run in manifest.get("runs", []) if isinstance(run, dict)]
    known = {"notebooks": {f"{n}.ipynb" for n in names if isinstance(n, str)},
             "reports": {f"{n}.html" for n in names if isinstance(n, str)},
             "figures": {"manifest.json", ".manifest.lock", *figure_files},
             "thumbnails": {f for f in figure_files if f.endswith(".png")}}
    foreign = []
    for sub, allowed in known.items():
        folder = out / sub
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            foreign.append(sub)
            continue
        if folder.is_dir():
            foreign += [f"{sub}/{entry.name}" for entry in sorted(folder.iterdir(), key=lambda e: e.name)
                        if entry.name not in _LITTER and (entry.name not in allowed or entry.is_symlink()
                                                          or not entry.is_file())]
    return foreign


def _check_actor_list(actors: Sequence[str] | None) -> None:
    """A given actor list names at least one actor: an empty one used to mean every actor, silently."""
    if isinstance(actors, str):
        raise InputError.at("--actors", field="actors", expected="a list of actor ids, e.g. ['biden']", got=actors)
    if actors is not None and len(actors) == 0:
        raise InputError.at("--actors", field="actors", expected="at least one actor id (leave it out for every "
                            "actor of the codebook)", got="none")


def _choose_actors(actors: Sequence[str] | None, *, book: Any, codebook_path: Path) -> list[str]:
    """The actor ids of the dossiers: those asked for (each in the codebook), or every actor; distinct as file names."""
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
    return chosen


def _list_runs(paths: Sequence[Path], *, given: Mapping[str, Any], values: Mapping[Path, Mapping[str, Any]],
               actors: list[str], asked: bool) -> tuple[list[NotebookRun], list[tuple[str, ...] | None]]:
    """A run per notebook (per actor for a dossier), each with the parameters it declares; the layer sets used.

    ``given``: what the report sets (corpus, codebook, figures); ``values``: each notebook's
    checked ``-p`` values; ``actors``: the dossiers' ids; ``asked``: whether they were asked for
    (they then go to the corpus-level notebooks' ``actors`` too; else those choose themselves).
    """
    from analysis.annotate.pipeline import LAYERS

    runs: list[NotebookRun] = []
    layer_sets: list[tuple[str, ...] | None] = []
    for path in paths:
        declared = notebook_parameters(path)
        for layers in workspace_layers(path):
            if layers not in layer_sets:
                layer_sets.append(layers)
        chosen = {**given, **({"actors": list(actors)} if asked else {}), **values[path]}
        parameters = {k: v for k, v in chosen.items() if k in declared}
        if ACTOR_PARAMETER in declared:
            runs.extend(NotebookRun(name=f"{path.stem}--{slug(actor)}", source=path, actor=actor,
                                    parameters={**parameters, ACTOR_PARAMETER: actor}) for actor in actors)
        else:
            runs.append(NotebookRun(name=path.stem, source=path, parameters=parameters))
    for layers in layer_sets:
        unknown = [layer for layer in layers or () if layer not in LAYERS]
        if unknown:
            raise InputError.at(paths[0].parent, field="layers", expected=f"registered annotation layers "
                                f"({', '.join(sorted(LAYERS)) or 'none'})", got=", ".join(unknown))
    return runs, layer_sets


def plan_report(*, corpus: str | Path, codebook: str | Path, out: str | Path,
                actors: Sequence[str] | None = None, notebooks: Sequence[str | Path] | None = None,
                jobs: int = 2, show_code: bool = False, replace: bool = False,
                columns: Mapping[str, str] | None = None, skip_invalid: bool = False,
                parameters: Mapping[str, Any] | None = None, date_from: str | date | None = None,
                date_to: str | date | None = None, outlets: Sequence[str] | None = None,
                force: bool = False, pdf: bool = False) -> ReportPlan:
    """Validate every input and list the notebook runs; raises :class:`InputError` on the first problem.

    ``pdf`` adds PDF to the figure formats (PNG and SVG); ``force`` executes runs that could be reused.
    ``columns``, ``skip_invalid``, ``date_from``, ``date_to`` and ``outlets`` choose the articles
    (:mod:`analysis.report.options`); ``parameters`` (name → value) go to each notebook that
    declares the name, converted and checked as the notebook's own first cell would.
    """
    from analysis.corpus.codebook import load_codebook

    if not isinstance(jobs, int) or jobs < 1:
        raise InputError.at("--jobs", field="jobs", expected="a whole number of parallel kernels ≥ 1", got=jobs)
    _check_actor_list(actors)
    options = corpus_options(columns=columns, skip_invalid=skip_invalid, date_from=date_from, date_to=date_to,
                             outlets=outlets)
    out = check_run_folder(Path(out).resolve(), replace=replace)
    codebook_path = _resolve_input(codebook)
    book = load_codebook(codebook_path)
    corpus_path = _resolve_input(corpus)
    if not corpus_path.exists():
        raise InputError.at(corpus_path, field="--corpus", expected="a folder of .txt articles or a .csv/.jsonl file",
                            got="no such file or folder")
    selection = select_corpus(corpus_path, options)
    chosen = _choose_actors(actors, book=book, codebook_path=codebook_path)
    paths = select_notebooks(notebooks)
    values = notebook_values(paths, dict(parameters or {}))
    given = {"corpus": str(corpus_path), "codebook": str(codebook_path),
             "figures_dir": str(out.parent / f".{out.name}.figures")}  # replaced by the staging folder at run time
    runs, layer_sets = _list_runs(paths, given=given, values=values, actors=chosen, asked=bool(actors))
    return ReportPlan(corpus=corpus_path, codebook=codebook_path, out=out, actors=chosen, runs=runs,
                      layer_sets=layer_sets or [None], n_articles=len(selection.articles), jobs=jobs,
                      show_code=show_code, replace=replace, force=bool(force),
                      figure_formats=("png", "svg", "pdf") if pdf else ("png", "svg"), options=options,
                      selection=selection, parameters=dict(parameters or {}))

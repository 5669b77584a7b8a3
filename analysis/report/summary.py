"""The batch report's actor summary and the run manifest's provenance (input hashes, package versions).

:func:`actor_summary` gives one row per actor (``SUMMARY_COLUMNS``, described in
:data:`SUMMARY_DESCRIPTIONS`): salience over the report's corpus (the selected articles when
the report filters), tone toward the actor with a 95% bootstrap interval, and its dossier's
status and page. Shares and tone values are rounded to :data:`DECIMALS` decimals, in
``summary.csv`` and ``summary.parquet`` alike.
"""

from __future__ import annotations

import platform
from typing import Any, Sequence

import pandas as pd

from analysis.plots.export import slug
from analysis.report.plan import NotebookRun, ReportPlan
from analysis.store import file_sha256

#: Packages whose versions the run manifest records.
PACKAGES = ("media-analysis", "pandas", "numpy", "pyarrow", "matplotlib", "nltk", "vaderSentiment", "PyYAML",
            "papermill", "nbconvert", "nbformat", "nbclient", "jupyter_client", "ipykernel", "tqdm")
#: Each column of the actor summary, with what it holds (the README's table says the same).
SUMMARY_DESCRIPTIONS: dict[str, str] = {
    "actor_id": "the actor's codebook id",
    "label": "its display label",
    "type": "person, country, organisation, group or outlet",
    "slug": "the id as used in file names",
    "mentions": "mentions of the actor in the corpus (every kind the codebook counts)",
    "articles_mentioning": "articles that mention the actor at least once",
    "articles_in_corpus": "articles in the report's corpus (after --from/--to/--outlets), the same on every row",
    "share_articles": "articles_mentioning / articles_in_corpus",
    "share_headline": "share of the corpus's articles whose headline names the actor",
    "share_lead": "share of the corpus's articles whose lead names the actor",
    "tone_mentions_scored": "mentions with a tone score (the sentiment layer), the basis of the tone columns",
    "tone_mean": "mean tone toward the actor, from -1 (negative) to +1 (positive)",
    "tone_ci_low": "lower end of the 95% bootstrap interval of tone_mean",
    "tone_ci_high": "upper end of the 95% bootstrap interval of tone_mean",
    "tone_share_negative": "share of the scored mentions that are negative",
    "tone_share_neutral": "share of the scored mentions that are neutral",
    "tone_share_positive": "share of the scored mentions that are positive",
    "dossier_status": "ok or failed (empty: no dossier ran for the actor)",
    "dossier_html": "the dossier's page in the run folder",
}
#: Columns of the actor summary table.
SUMMARY_COLUMNS = list(SUMMARY_DESCRIPTIONS)
#: Decimals kept of shares and tone values (counts are whole numbers).
DECIMALS = 4
_TONE = ("mean", "ci_low", "ci_high", "share_negative", "share_neutral", "share_positive")
_COUNTS = ("mentions", "articles_mentioning", "articles_in_corpus", "tone_mentions_scored")
#: Summary column ← column of :func:`analysis.framing.salience.actor_salience`.
_SALIENCE = {"mentions": "mentions", "articles_mentioning": "articles", "articles_in_corpus": "n_articles",
             "share_articles": "share_articles", "share_headline": "share_headline", "share_lead": "share_lead"}


def actor_summary(plan: ReportPlan, runs: Sequence[NotebookRun] = (), notes: list[str] | None = None
                  ) -> pd.DataFrame:
    """One row per actor: salience (the report's corpus), tone toward it with a 95% interval, dossier status.

    Tone is :func:`analysis.sentiment.tone.actor_tone` over the actor's mentions (the cached
    ``mention_sentiment`` layer), per actor, as the dossier computes it, so the two agree.
    """
    from analysis.framing.salience import actor_salience
    from analysis.annotate.workspace import open_workspace

    notes = notes if notes is not None else []
    ws = open_workspace(corpus=plan.read_from, codebook=plan.codebook, progress=False)
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
        row.update({column: sal[source] for column, source in _SALIENCE.items()})
        row.update(_tone_columns(scores[scores["actor_id"] == actor]))
        rows.append(row)
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    table = table.astype({column: "int64" for column in _COUNTS})
    return with_dossiers(rounded(table), runs)


def _tone_columns(scores: pd.DataFrame) -> dict[str, Any]:
    """The tone columns of one actor's row from its scored mentions (NaN and 0 when there are none)."""
    from analysis.sentiment.tone import actor_tone

    tone = actor_tone(scores)
    if tone.empty:
        return {"tone_mentions_scored": 0, **{f"tone_{c}": float("nan") for c in _TONE}}
    t = tone.iloc[0]
    return {"tone_mentions_scored": int(t["n_mentions"]), **{f"tone_{c}": float(t[c]) for c in _TONE}}


def rounded(summary: pd.DataFrame, *, decimals: int = DECIMALS) -> pd.DataFrame:
    """The summary with every float column rounded to ``decimals`` (shares, tone and its interval)."""
    floats = [c for c in summary.columns if pd.api.types.is_float_dtype(summary[c])]
    return summary.assign(**{c: summary[c].round(decimals) for c in floats})


def with_dossiers(summary: pd.DataFrame, runs: Sequence[NotebookRun]) -> pd.DataFrame:
    """The summary with each actor's dossier status and HTML page (empty where no dossier ran)."""
    dossiers = {run.actor: run for run in runs if run.actor}
    summary = summary.copy()
    summary["dossier_status"] = [dossiers[a].status if a in dossiers else "" for a in summary["actor_id"]]
    summary["dossier_html"] = [dossiers[a].html if a in dossiers else "" for a in summary["actor_id"]]
    return summary.astype({"dossier_status": "str", "dossier_html": "str"})


def input_hashes(plan: ReportPlan) -> dict[str, Any]:
    """sha256 of the codebook, of every corpus file (a folder: each file, by relative path), and of the
    selected articles the notebooks read when the report filtered the corpus."""
    if plan.corpus.is_dir():  # the input as given (the selected articles are hashed apart)
        files = {str(p.relative_to(plan.corpus)): file_sha256(p) for p in sorted(plan.corpus.rglob("*"))
                 if p.is_file() and not p.name.startswith(".")}
    else:
        files = {plan.corpus.name: file_sha256(plan.corpus)}
    hashes = {"corpus": {"path": str(plan.corpus), "files": files},
              "codebook": {"path": str(plan.codebook), "sha256": file_sha256(plan.codebook)}}
    if plan.read_from is not None and plan.read_from != plan.corpus:
        hashes["selected_articles"] = {"file": plan.read_from.name, "sha256": file_sha256(plan.read_from)}
    return hashes


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found

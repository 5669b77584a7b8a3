"""Figures of the validation appendix: confusion matrices, scores per method, VADER against human ratings.

Plot functions take the tables of :func:`analysis.report.validation.run_validation` and
return a matplotlib ``Figure`` with its data attached (:func:`analysis.plots.export.attach_data`),
drawn in the active style and exported through :mod:`analysis.plots.export` like every figure
of the suite. :func:`appendix_figures` lists those a validation has data for, named and captioned.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.colours import text_colour_on
from analysis.plots.export import attach_data, new_figure
from analysis.plots.layout import finish

__all__ = ["AppendixFigure", "appendix_figures", "plot_confusion", "plot_method_scores", "plot_vader_fidelity"]

LABELS = ("negative", "neutral", "positive")


class AppendixFigure(NamedTuple):
    """A figure of the appendix: its export name, the figure, and its caption."""

    name: str
    figure: Figure
    caption: str


def plot_confusion(confusion: pd.DataFrame) -> Figure:
    """One panel per method: gold label (rows) × predicted label (columns), cells = targets (share of the row).

    ``confusion``: method, gold, predicted, count (:func:`analysis.report.validation.confusion_matrix`
    per method). Shading is the share of the gold row, so methods compare at a glance.
    """
    methods = list(dict.fromkeys(confusion["method"]))
    fig, axes = new_figure(width=max(3.2, 2.6 * len(methods)), height=3.1, ncols=len(methods), squeeze=False)
    import matplotlib

    cmap = matplotlib.colormaps["Blues"]
    for ax, method in zip(axes[0], methods):
        cells = (confusion[confusion["method"] == method]
                 .pivot_table(index="gold", columns="predicted", values="count", aggfunc="sum")
                 .reindex(index=list(LABELS), columns=list(LABELS)).fillna(0).to_numpy())
        rows = cells.sum(axis=1, keepdims=True)
        shares = np.divide(cells, rows, out=np.zeros_like(cells, dtype=float), where=rows > 0)
        ax.imshow(shares, cmap=cmap, vmin=0, vmax=1)
        for (i, j), count in np.ndenumerate(cells):
            ax.text(j, i, f"{int(count)}\n{shares[i, j]:.0%}", ha="center", va="center", fontsize=7,
                    color=text_colour_on(cmap(shares[i, j])))
        ax.set_xticks(range(3), [label[:3] for label in LABELS])
        ax.set_yticks(range(3), [label[:3] for label in LABELS])
        ax.set_xlabel("predicted")
        ax.set_title(method)
        ax.spines[:].set_visible(False)
    axes[0][0].set_ylabel("gold (NewsMTSC)")
    return attach_data(finish(fig), confusion[["method", "gold", "predicted", "count"]])


def plot_method_scores(scores: pd.DataFrame) -> Figure:
    """Macro-F1 (with its 95% interval where the table has one) and per-class F1 of each method that ran."""
    ran = scores[scores["status"] == "ran"]
    measures = [("macro_f1", "macro-F1"), ("f1_negative", "F1 negative"), ("f1_neutral", "F1 neutral"),
                ("f1_positive", "F1 positive")]
    fig, ax = new_figure(width=6.5, height=3.2)
    width = 0.8 / len(measures)
    colours = ["#1f4e79", "#c0504d", "#9e9e9e", "#4f81bd"]
    x = np.arange(len(ran))
    for k, ((column, label), colour) in enumerate(zip(measures, colours)):
        values = ran[column].to_numpy(dtype=float)
        error = None
        if column == "macro_f1" and {"macro_f1_low", "macro_f1_high"} <= set(ran.columns):
            error = np.vstack([values - ran["macro_f1_low"].to_numpy(dtype=float),
                               ran["macro_f1_high"].to_numpy(dtype=float) - values])
        ax.bar(x + (k - (len(measures) - 1) / 2) * width, values, width=width * 0.95, label=label, color=colour,
               yerr=error, error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#222222"})
    ax.set_xticks(x, list(ran["method"]))
    ax.set_ylim(0, 1)
    ax.set_ylabel("F1 on NewsMTSC devtest_mt")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    data = ran.melt(id_vars=["method"], value_vars=[c for c, _ in measures], var_name="measure", value_name="value")
    return attach_data(finish(fig), data)


def plot_vader_fidelity(scored: pd.DataFrame, *, r: float) -> Figure:
    """VADER compound (y) against the mean human rating (x, −4 … +4) of each NYT editorial snippet."""
    fig, ax = new_figure(width=4.5, height=3.6)
    ax.scatter(scored["rating"], scored["compound"], s=3, alpha=0.35, color="#1f4e79", linewidths=0)
    ax.axhline(0, color="#bbbbbb", linewidth=0.6)
    ax.axvline(0, color="#bbbbbb", linewidth=0.6)
    ax.set_xlabel("mean rating of 20 people (−4 … +4)")
    ax.set_ylabel("VADER compound")
    ax.set_title(f"NYT editorial snippets (n = {len(scored):,}), r = {r:.3f}")
    return attach_data(finish(fig), scored[["id", "rating", "compound"]])


def appendix_figures(validation: Any, *, check: str | None = None) -> list[AppendixFigure]:
    """The appendix's figures for what ran: confusion matrices, F1 per method, VADER fidelity.

    ``check``: only the figures of that check (``"newsmtsc"``, ``"vader_nyt"``; others have none).
    """
    figures: list[AppendixFigure] = []
    tables = validation.tables
    if "newsmtsc_confusion" in tables and check in (None, "newsmtsc"):
        figures.append(AppendixFigure("50-newsmtsc-confusion", plot_confusion(tables["newsmtsc_confusion"]),
                                      "Confusion matrices on NewsMTSC devtest_mt: targets by gold label (rows) and "
                                      "predicted label (columns), with the share of each gold row."))
        figures.append(AppendixFigure("50-newsmtsc-f1", plot_method_scores(tables["newsmtsc_scores"]),
                                      "Macro-F1 and per-class F1 of each target-sentiment method on NewsMTSC "
                                      "devtest_mt."))
    if "vader_nyt_scores" in tables and check in (None, "vader_nyt"):
        row = validation.summary[validation.summary["check"] == "vader_nyt"].iloc[0]
        figures.append(AppendixFigure("50-vader-nyt", plot_vader_fidelity(tables["vader_nyt_scores"],
                                                                          r=float(row["value"])),
                                      "VADER compound against the mean human rating of each NYT editorial snippet "
                                      "(Hutto & Gilbert 2014 ground truth)."))
    return figures

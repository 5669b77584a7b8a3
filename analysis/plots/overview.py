"""Plots of the corpus and of actor salience. Each takes tables and returns a Figure.

Plot functions never read files or compute measures; thin data gets a
:func:`~analysis.plots.export.note_figure` that says why there is nothing to draw.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.export import new_figure, note_figure

#: Outlet colours: a fixed qualitative palette assigned in sorted outlet order.
_PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
            "#9c755f", "#bab0ac"]
METRIC_LABELS = {
    "mentions": "mentions",
    "share_articles": "share of articles naming the actor",
    "share_headline": "share of headlines naming the actor",
    "share_lead": "share of leads naming the actor",
    "mentions_per_article": "mentions per article",
}


def outlet_colours(outlets: Sequence[str]) -> dict[str, str]:
    return {outlet: _PALETTE[i % len(_PALETTE)] for i, outlet in enumerate(sorted(outlets))}


def plot_articles_over_time(overview: pd.DataFrame, *, title: str = "Articles per period and outlet") -> Figure:
    """Stacked bars: articles per period (x) by outlet (colour), from :func:`corpus_overview`."""
    if overview["articles"].sum() == 0:
        return note_figure("No articles to plot.")
    wide = overview.pivot_table(index="period", columns="outlet", values="articles", aggfunc="sum", fill_value=0)
    if len(wide) < 2:
        fig, ax = new_figure(height=max(1.8, 0.3 * len(wide.columns) + 1))
        totals = wide.iloc[0].sort_values()
        colours = outlet_colours(list(wide.columns))
        ax.barh(totals.index, totals.values, color=[colours[o] for o in totals.index])
        ax.set_xlabel(f"articles ({wide.index[0]:%Y-%m-%d}: one period only)")
        ax.set_title(title)
        return fig
    fig, ax = new_figure()
    colours = outlet_colours(list(wide.columns))
    bottom = np.zeros(len(wide))
    x = np.arange(len(wide))
    for outlet in wide.columns:
        ax.bar(x, wide[outlet].values, bottom=bottom, color=colours[outlet], label=outlet, width=0.85)
        bottom += wide[outlet].values
    step = max(1, len(x) // 8)
    ax.set_xticks(x[::step], [f"{p:%Y-%m-%d}" for p in wide.index[::step]], rotation=0)
    ax.set_ylabel("articles")
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=7, ncols=2, loc="upper left")
    return fig


def plot_salience(salience: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str],
                  metric: str = "share_articles", top_n: int = 15, title: str | None = None) -> Figure:
    """Horizontal bars: one actor per row, ``metric`` of :func:`actor_salience` (no grouping)."""
    data = salience[salience["mentions"] > 0].sort_values([metric, "actor_id"], ascending=[False, True]).head(top_n)
    if data.empty:
        return note_figure("No codebook actor is mentioned in this corpus.")
    data = data.iloc[::-1]
    fig, ax = new_figure(height=0.28 * len(data) + 1.0)
    ax.barh([labels.get(a, a) for a in data["actor_id"]], data[metric],
            color=[colours.get(a, "#777777") for a in data["actor_id"]])
    ax.set_xlabel(METRIC_LABELS.get(metric, metric))
    ax.set_title(title or f"Actor salience: {METRIC_LABELS.get(metric, metric)}")
    return fig


def plot_salience_heatmap(salience: pd.DataFrame, *, labels: Mapping[str, str], column: str = "outlet",
                          metric: str = "share_articles", top_n: int = 15, title: str | None = None) -> Figure:
    """Heatmap: actors (rows) × groups such as outlets (columns), cell = ``metric``."""
    totals = salience.groupby("actor_id")["mentions"].sum()
    actors = totals[totals > 0].sort_values(ascending=False).head(top_n).index.tolist()
    groups = sorted(salience[column].unique())
    if not actors:
        return note_figure("No codebook actor is mentioned in this corpus.")
    if len(groups) < 2:
        return note_figure(f"One {column} only ({groups[0] if groups else 'none'}): nothing to compare.")
    wide = salience[salience["actor_id"].isin(actors)].pivot_table(
        index="actor_id", columns=column, values=metric, aggfunc="sum").reindex(index=actors, columns=groups)
    fig, ax = new_figure(width=max(4.5, 0.8 * len(groups) + 2.5), height=0.3 * len(actors) + 1.4)
    image = ax.imshow(wide.values, aspect="auto", cmap="Blues", vmin=0)
    ax.set_xticks(range(len(groups)), groups, rotation=35, ha="right")
    ax.set_yticks(range(len(actors)), [labels.get(a, a) for a in actors])
    for (i, j), value in np.ndenumerate(wide.values):
        if not np.isnan(value):
            shown = f"{value:.0%}" if metric.startswith("share") else f"{value:.3g}"
            ax.text(j, i, shown, ha="center", va="center", fontsize=7,
                    color="white" if value > 0.6 * np.nanmax(wide.values) else "black")
    fig.colorbar(image, ax=ax, label=METRIC_LABELS.get(metric, metric), shrink=0.8)
    ax.set_title(title or f"Actor salience by {column}")
    ax.spines[:].set_visible(False)
    return fig


def plot_salience_trend(salience: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str],
                        actors: Sequence[str], metric: str = "share_articles", title: str | None = None) -> Figure:
    """Lines: ``metric`` per period for each actor (from :func:`actor_salience` with ``freq``)."""
    periods = sorted(salience["period"].unique())
    if len(periods) < 2:
        return note_figure("One period only: no trend to show (the corpus covers a single "
                           f"{'day' if len(periods) == 1 else 'range'}).")
    data = salience[salience["actor_id"].isin(actors)]
    if data["mentions"].sum() == 0:
        return note_figure("None of the chosen actors is mentioned.")
    fig, ax = new_figure()
    for actor in actors:
        series = data[data["actor_id"] == actor].groupby("period")[metric].sum().reindex(periods, fill_value=0)
        ax.plot(series.index, series.values, label=labels.get(actor, actor), color=colours.get(actor, "#777777"),
                linewidth=1.4, marker="o", markersize=2.5)
    ax.set_ylabel(METRIC_LABELS.get(metric, metric))
    ax.set_title(title or "Actor salience over time")
    ax.legend(frameon=False, fontsize=7, ncols=2)
    fig.autofmt_xdate()
    return fig

"""Plots of the corpus and of actor salience. Each takes tables and returns a Figure.

Plot functions never read files or compute measures; thin data gets a
:func:`~analysis.plots.export.note_figure` that says why there is nothing to draw.
Outlet colours come from :func:`analysis.plots.colours.outlet_colours` (pass the map of the
whole corpus so that an outlet keeps its colour in every figure), actor colours from
:func:`analysis.plots.colours.actor_colours`. Each figure carries the numbers it plots
(:func:`~analysis.plots.export.attach_data`), exported beside it as CSV.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.plots.colours import NEUTRAL, outlet_colours, sequential_cmap, text_colour_on
from analysis.plots.export import attach_data, new_figure, note_figure
from analysis.plots.layout import finish, legend_outside, rows_height, wrap_label, wrap_labels
from analysis.plots.periods import (Freq, axis_label, mark_partial_bars, open_markers, partial_periods,
                                    set_period_axis)

__all__ = ["outlet_colours", "plot_articles_over_time", "plot_salience", "plot_salience_heatmap",
           "plot_salience_trend"]

METRIC_LABELS = {
    "mentions": "mentions",
    "share_articles": "share of articles naming the actor",
    "share_headline": "share of headlines naming the actor",
    "share_lead": "share of leads naming the actor",
    "mentions_per_article": "mentions per article",
}


def plot_articles_over_time(overview: pd.DataFrame, *, colours: Mapping[str, str] | None = None,
                            freq: Freq | None = None, span: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                            title: str = "Articles per period and outlet") -> Figure:
    """Stacked bars: articles per period (x) by outlet (colour), from :func:`corpus_overview`.

    ``colours``: outlet → colour for the whole corpus (default: assigned to the outlets
    shown); ``span``: the corpus's first and last day (:func:`~analysis.plots.periods.date_span`),
    to draw partial first and last periods pale and hatched.
    """
    if overview["articles"].sum() == 0:
        return note_figure("No articles to plot.")
    wide = overview.pivot_table(index="period", columns="outlet", values="articles", aggfunc="sum", fill_value=0)
    colours = dict(colours or outlet_colours(wide.columns))
    if len(wide) < 2:
        return _one_period(wide, colours=colours, title=title)
    partial = partial_periods(list(wide.index), span=span, freq=freq)
    fig, ax = new_figure(height=max(3.5, 0.19 * len(wide.columns) + 0.7))
    bottom = np.zeros(len(wide))
    x = np.arange(len(wide))
    for outlet in wide.columns:
        bars = ax.bar(x, wide[outlet].values, bottom=bottom, color=colours.get(outlet, NEUTRAL), label=str(outlet),
                      width=0.85)
        mark_partial_bars(bars, partial)
        bottom += wide[outlet].values
    set_period_axis(ax, list(wide.index), positions=x, freq=freq)
    ax.set_xlabel(axis_label(list(wide.index), partial=partial, how="pale, hatched bars", span=span, freq=freq))
    ax.set_ylabel("articles")
    ax.set_title(title)
    handles = [Patch(facecolor=colours.get(o, NEUTRAL), label=str(o)) for o in wide.columns]
    legend_outside(ax, handles=handles, labels=[str(o) for o in wide.columns], title="outlet")
    data = overview[["period", "outlet", "articles"]].copy()
    data["partial"] = data["period"].map(dict(zip(wide.index, partial)))
    return attach_data(finish(fig), data.sort_values(["period", "outlet"], kind="stable"))


def _one_period(wide: pd.DataFrame, *, colours: Mapping[str, str], title: str) -> Figure:
    """Horizontal bars per outlet when the corpus covers one period only."""
    fig, ax = new_figure(height=max(1.8, 0.3 * len(wide.columns) + 1))
    totals = wide.iloc[0].sort_values()
    ax.barh(wrap_labels(totals.index), totals.values, color=[colours.get(o, NEUTRAL) for o in totals.index])
    period = wide.index[0]
    ax.set_xlabel(f"articles ({period:%Y-%m-%d}: one period only)" if hasattr(period, "year")
                  else "articles (one period only)")
    ax.set_title(title)
    data = pd.DataFrame({"period": period, "outlet": totals.index, "articles": totals.values})
    return attach_data(finish(fig), data.iloc[::-1])


def plot_salience(salience: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str],
                  metric: str = "share_articles", top_n: int = 15, title: str | None = None) -> Figure:
    """Horizontal bars: one actor per row, ``metric`` of :func:`actor_salience` (no grouping)."""
    data = salience[salience["mentions"] > 0].sort_values([metric, "actor_id"], ascending=[False, True]).head(top_n)
    if data.empty:
        return note_figure("No codebook actor is mentioned in this corpus.")
    data = data.iloc[::-1]
    names = [wrap_label(labels.get(a, a)) for a in data["actor_id"]]
    fig, ax = new_figure(height=rows_height(names, per_row=0.28) + 1.0)
    ax.barh(np.arange(len(data)), data[metric], color=[colours.get(a, NEUTRAL) for a in data["actor_id"]],
            tick_label=names)
    ax.set_xlabel(METRIC_LABELS.get(metric, metric))
    ax.set_title(title or f"Actor salience: {METRIC_LABELS.get(metric, metric)}")
    table = data.iloc[::-1][["actor_id", metric, "mentions"]].assign(label=lambda d: d["actor_id"].map(
        lambda a: labels.get(a, a)))
    return attach_data(finish(fig), table[["actor_id", "label", metric, "mentions"]])


def plot_salience_heatmap(salience: pd.DataFrame, *, labels: Mapping[str, str], column: str = "outlet",
                          metric: str = "share_articles", top_n: int = 15, title: str | None = None) -> Figure:
    """Heatmap: actors (rows) × groups such as outlets (columns), cell = ``metric``."""
    totals = salience.groupby("actor_id")["mentions"].sum()
    actors = totals[totals > 0].sort_values(ascending=False).head(top_n).index.tolist()
    groups = sorted(salience[column].dropna().unique(), key=str)
    if not actors:
        return note_figure("No codebook actor is mentioned in this corpus.")
    if len(groups) < 2:
        return note_figure(f"One {column} only ({groups[0] if groups else 'none'}): nothing to compare.")
    wide = salience[salience["actor_id"].isin(actors)].pivot_table(
        index="actor_id", columns=column, values=metric, aggfunc="sum").reindex(index=actors, columns=groups)
    fig, ax = new_figure(width=max(4.5, (0.38 if len(groups) > 10 else 0.55) * len(groups) + 3.0),
                         height=rows_height([labels.get(a, a) for a in actors], per_row=0.3) + 1.8)
    image = ax.imshow(wide.values, aspect="auto", cmap=sequential_cmap(), vmin=0)
    ax.set_xticks(range(len(groups)), wrap_labels(groups, width=34), rotation=40, ha="right",
                  rotation_mode="anchor", fontsize=7 if len(groups) > 10 else None)
    ax.set_yticks(range(len(actors)), wrap_labels([labels.get(a, a) for a in actors]))
    for (i, j), value in np.ndenumerate(wide.values):
        if not np.isnan(value):
            shown = f"{value:.0%}" if metric.startswith("share") else f"{value:.3g}"
            ax.text(j, i, shown, ha="center", va="center", fontsize=7 if len(groups) <= 10 else 5.5,
                    color=text_colour_on(image.cmap(image.norm(value))))
    fig.colorbar(image, ax=ax, label=METRIC_LABELS.get(metric, metric), shrink=0.8)
    ax.set_title(title or f"Actor salience by {column}")
    ax.spines[:].set_visible(False)
    data = (wide.rename_axis(index="actor_id", columns=column).stack(future_stack=True).rename(metric)
            .reset_index())
    data.insert(1, "label", data["actor_id"].map(lambda a: labels.get(a, a)))
    return attach_data(finish(fig), data)


def plot_salience_trend(salience: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str],
                        actors: Sequence[str], metric: str = "share_articles", title: str | None = None,
                        freq: Freq | None = None, span: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                        legend: bool = True) -> Figure:
    """Lines: ``metric`` per period for each actor (from :func:`actor_salience` with ``freq``).

    ``span``: the corpus's first and last day, to draw partial periods with open markers.
    ``title=""`` and ``legend=False`` leave them out (a page that names the chart and its
    colours around it; each costs a share of the drawing time).
    """
    periods = sorted(salience["period"].unique())
    if len(periods) < 2:
        return note_figure("One period only: no trend to show (the corpus covers a single "
                           f"{'day' if len(periods) == 1 else 'range'}).")
    data = salience[salience["actor_id"].isin(actors)]
    if data["mentions"].sum() == 0:
        return note_figure("None of the chosen actors is mentioned.")
    partial = partial_periods(periods, span=span, freq=freq)
    fig, ax = new_figure()
    rows = []
    for actor in actors:
        series = data[data["actor_id"] == actor].groupby("period")[metric].sum().reindex(periods, fill_value=0)
        colour = colours.get(actor, NEUTRAL)
        ax.plot(series.index, series.values, label=labels.get(actor, actor), color=colour, linewidth=1.4,
                marker="o", markersize=2.5)
        open_markers(ax, series.index, series.values, partial, colour=colour)
        rows.append(pd.DataFrame({"period": series.index, "actor_id": actor, "label": labels.get(actor, actor),
                                  metric: series.values, "partial": partial}))
    set_period_axis(ax, periods, freq=freq)
    ax.set_xlabel(axis_label(periods, partial=partial, span=span, freq=freq))
    ax.set_ylabel(METRIC_LABELS.get(metric, metric))
    ax.set_title("Actor salience over time" if title is None else title)
    if legend:
        legend_outside(ax)
    return attach_data(finish(fig), pd.concat(rows, ignore_index=True))

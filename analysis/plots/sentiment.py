"""Plots of actor tone. Each takes tables from :mod:`analysis.sentiment.tone` and returns a Figure.

Plot functions never read files or compute measures; thin data gets a
:func:`~analysis.plots.export.note_figure` that says why there is nothing to draw
(never an error, never an empty chart). Actor colours come from
:func:`analysis.plots.colours.actor_colours`, outlet colours from
:func:`analysis.plots.colours.outlet_colours`. Each figure carries the numbers it plots
(:func:`~analysis.plots.export.attach_data`), exported beside it as CSV.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.plots.colours import NEUTRAL, diverging_cmap, ink, text_colour_on
from analysis.plots.export import attach_data, new_figure, note_figure
from analysis.plots.layout import finish, legend_outside, rows_height, wrap_label, wrap_labels
from analysis.plots.periods import Freq, axis_label, open_markers, partial_periods, set_period_axis

__all__ = ["plot_actor_tone", "plot_outlet_difference", "plot_tone_heatmap", "plot_tone_trend", "tone_limits"]

_GREY = "#777777"


def _ordered(tone: pd.DataFrame, *, min_n: int, top_n: int) -> pd.DataFrame:
    """Actors with at least ``min_n`` mentions, the ``top_n`` most mentioned, sorted by mean tone."""
    data = tone[tone["n_mentions"] >= min_n]
    data = data.sort_values(["n_mentions", "actor_id"], ascending=[False, True]).head(top_n)
    return data.sort_values(["mean", "actor_id"], ascending=[True, True])


def tone_limits(ci_low: pd.Series, ci_high: pd.Series) -> tuple[float, float]:
    """The tone scale of an interval chart: 0.05 beyond the widest interval, and at least -0.1 to 0.1."""
    return min(-0.1, float(ci_low.min()) - 0.05), max(0.1, float(ci_high.max()) + 0.05)


def plot_actor_tone(tone: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str],
                    top_n: int = 15, min_n: int = 3, title: str = "Tone toward each actor",
                    xlabel: str = "mean tone (P(positive) - P(negative)), 95% bootstrap interval",
                    count_label: str = "mentions") -> Figure:
    """Dot plot: one actor per row, mean tone with its bootstrap interval (from :func:`actor_tone`).

    Rows are the ``top_n`` actors with the most mentions among those with at least
    ``min_n``, sorted by mean tone; the count is printed at the right.
    """
    data = _ordered(tone, min_n=min_n, top_n=top_n)
    if data.empty:
        return note_figure(f"No actor has {min_n} or more scored {count_label}: too little data for a tone chart.")
    fig, ax = new_figure(height=rows_height([labels.get(a, a) for a in data["actor_id"]], per_row=0.3) + 1.2)
    y = np.arange(len(data))
    colour = [colours.get(a, ink(_GREY)) for a in data["actor_id"]]
    ax.hlines(y, data["ci_low"], data["ci_high"], color=colour, linewidth=2, alpha=0.6)
    ax.scatter(data["mean"], y, color=colour, s=28, zorder=3)
    ax.axvline(0, color="#999999", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, wrap_labels([labels.get(a, a) for a in data["actor_id"]]))
    ax.set_xlim(*tone_limits(data["ci_low"], data["ci_high"]))
    for yi, n in zip(y, data["n_mentions"]):
        ax.text(1.01, yi, f"n={n}", transform=ax.get_yaxis_transform(), va="center", fontsize=7, color="#555555")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    table = data[["actor_id", "n_mentions", "mean", "ci_low", "ci_high"]]
    return attach_data(finish(fig), table.assign(label=table["actor_id"].map(lambda a: labels.get(a, a))))


def plot_tone_heatmap(tone: pd.DataFrame, *, labels: Mapping[str, str], column: str = "outlet", top_n: int = 15,
                      min_n: int = 3, title: str | None = None) -> Figure:
    """Heatmap: actors (rows) x ``column`` groups such as outlets, cell = mean tone (blank below ``min_n``).

    ``tone`` comes from :func:`actor_tone` with ``by=["actor_id", column]``. A
    diverging scale centred at 0 (red negative, blue positive); each cell shows
    the mean and the number of mentions.
    """
    if tone.empty or column not in tone:
        return note_figure("No scored mentions to compare.")
    totals = tone.groupby("actor_id")["n_mentions"].sum()
    actors = sorted(totals[totals >= min_n].index, key=lambda a: (-totals[a], a))[:top_n]
    groups = sorted(tone[column].dropna().unique(), key=str)
    if not actors:
        return note_figure(f"No actor has {min_n} or more scored mentions: nothing to compare.")
    if len(groups) < 2:
        return note_figure(f"One {column} only ({groups[0] if groups else 'none'}): nothing to compare.")
    data = tone[tone["actor_id"].isin(actors)]
    mean = data.pivot_table(index="actor_id", columns=column, values="mean", aggfunc="first")
    n = data.pivot_table(index="actor_id", columns=column, values="n_mentions", aggfunc="first")
    mean, n = mean.reindex(index=actors, columns=groups), n.reindex(index=actors, columns=groups).fillna(0)
    shown = mean.where(n >= min_n)
    limit = max(0.1, float(np.nanmax(np.abs(shown.values)))) if np.isfinite(shown.values).any() else 1.0
    many = len(groups) > 10
    fig, ax = new_figure(width=max(4.5, (0.42 if many else 0.8) * len(groups) + 3.0),
                         height=rows_height([labels.get(a, a) for a in actors], per_row=0.34) + 1.8)
    image = ax.imshow(shown.values, aspect="auto", cmap=diverging_cmap(), vmin=-limit, vmax=limit)
    ax.set_xticks(range(len(groups)), wrap_labels([str(g) for g in groups], width=34), rotation=40, ha="right",
                  rotation_mode="anchor", fontsize=7 if many else None)
    ax.set_yticks(range(len(actors)), wrap_labels([labels.get(a, a) for a in actors]))
    for (i, j), value in np.ndenumerate(shown.values):
        if np.isfinite(value):
            ax.text(j, i, f"{value:+.2f}\nn={int(n.values[i, j])}", ha="center", va="center",
                    fontsize=5 if many else 6, color=text_colour_on(image.cmap(image.norm(value))))
    fig.colorbar(image, ax=ax, label="mean tone", shrink=0.8)
    ax.set_title(wrap_label(title or f"Tone toward each actor by {column} (cells with n < {min_n} left blank)",
                            width=70))
    ax.spines[:].set_visible(False)
    table = pd.DataFrame({"actor_id": np.repeat(actors, len(groups)), column: groups * len(actors),
                          "mean": shown.to_numpy().ravel(), "n_mentions": n.to_numpy().ravel().astype(int)})
    return attach_data(finish(fig), table)


def plot_tone_trend(tone: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str],
                    actors: Sequence[str], min_n: int = 3, title: str = "Tone toward actors over time",
                    freq: Freq | None = None, span: tuple[pd.Timestamp, pd.Timestamp] | None = None,
                    legend: bool = True) -> Figure:
    """Lines: mean tone per ``period`` for each actor with a shaded 95% interval.

    ``tone`` comes from :func:`actor_tone` with ``by=["actor_id", "period"]``.
    Periods with fewer than ``min_n`` mentions of an actor are left out (gaps);
    ``span`` (the corpus's first and last day) marks partial periods with open markers.
    ``title=""`` and ``legend=False`` leave them out (for a page that names the chart and its colours).
    """
    if tone.empty or "period" not in tone:
        return note_figure("No scored mentions over time.")
    periods = sorted(tone["period"].unique())
    if len(periods) < 2:
        return note_figure("One period only: no trend to show.")
    data = tone[tone["actor_id"].isin(actors) & (tone["n_mentions"] >= min_n)]
    if data.empty:
        return note_figure(f"None of the chosen actors has {min_n} or more mentions in any period.")
    partial = partial_periods(periods, span=span, freq=freq)
    dated = all(hasattr(p, "year") for p in periods)
    positions = list(periods) if dated else list(range(len(periods)))
    fig, ax = new_figure()
    rows = []
    for actor in actors:
        series = data[data["actor_id"] == actor].set_index("period").reindex(periods)
        if series["mean"].notna().sum() == 0:
            continue
        colour = colours.get(actor, ink(_GREY))
        ax.plot(positions, series["mean"], label=labels.get(actor, actor), color=colour, linewidth=1.4,
                marker="o", markersize=2.5)
        ax.fill_between(positions, series["ci_low"], series["ci_high"], color=colour, alpha=0.15, linewidth=0)
        open_markers(ax, positions, list(series["mean"]), partial, colour=colour)
        rows.append(series[["n_mentions", "mean", "ci_low", "ci_high"]].reset_index().assign(
            actor_id=actor, partial=partial).dropna(subset=["mean"]))
    ax.axhline(0, color="#999999", linewidth=0.8, linestyle="--")
    set_period_axis(ax, periods, positions=positions, freq=freq)
    ax.set_xlabel(axis_label(periods, partial=partial, span=span, freq=freq))
    ax.set_ylabel("mean tone, 95% interval")
    ax.set_title(wrap_label(title, width=70))
    if legend:
        legend_outside(ax)
    table = pd.concat(rows, ignore_index=True)
    return attach_data(finish(fig), table[["period", "actor_id", "n_mentions", "mean", "ci_low", "ci_high", "partial"]])


def plot_outlet_difference(diff: pd.DataFrame, *, labels: Mapping[str, str], outlet_colours: Mapping[str, str],
                           top_n: int = 15, min_n: int = 3, title: str | None = None) -> Figure:
    """Tone toward each actor in outlet A vs outlet B: both means (left), the difference A − B and its interval (right).

    ``diff``: :func:`analysis.sentiment.compare.outlet_tone_difference` (one pair of
    outlets). Rows are the ``top_n`` actors with the most mentions among those with at
    least ``min_n`` in each outlet, sorted by the difference; the counts are printed at the
    right. Outlet markers take the outlets' colours (A filled, B open).
    """
    data = diff[(diff["n_a"] >= min_n) & (diff["n_b"] >= min_n)]
    if data.empty:
        return note_figure(f"No actor has {min_n} or more scored mentions in both outlets: nothing to compare.")
    a, b = str(data["outlet_a"].iloc[0]), str(data["outlet_b"].iloc[0])
    data = data.assign(total=data["n_a"] + data["n_b"]).sort_values(["total", "actor_id"], ascending=[False, True])
    data = data.head(top_n).sort_values(["difference", "actor_id"]).drop(columns="total")
    height = rows_height([labels.get(x, x) for x in data["actor_id"]], per_row=0.3) + 1.6
    fig, (left, right) = new_figure(height=height, ncols=2, sharey=True,
                                    gridspec_kw={"width_ratios": [1, 1]})
    y = np.arange(len(data))
    colour_a, colour_b = outlet_colours.get(a, ink(NEUTRAL)), outlet_colours.get(b, ink(_GREY))
    left.hlines(y, data["mean_a"], data["mean_b"], color="#bbbbbb", linewidth=1.2)
    left.scatter(data["mean_a"], y, color=colour_a, s=26, zorder=3)
    left.scatter(data["mean_b"], y, facecolor="white", edgecolor=colour_b, linewidth=1.4, s=26, zorder=3)
    left.axvline(0, color="#999999", linewidth=0.8, linestyle="--")
    left.set_yticks(y, wrap_labels([labels.get(x, x) for x in data["actor_id"]]))
    left.set_xlabel("mean tone in each outlet")
    handles = [Line2D([], [], linestyle="none", marker="o", color=colour_a, label=wrap_label(a, width=24)),
               Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor=colour_b,
                      label=wrap_label(b, width=24))]
    right.hlines(y, data["ci_low"], data["ci_high"], color="#555555", linewidth=2, alpha=0.6)
    right.scatter(data["difference"], y, color="#333333", s=22, zorder=3)
    right.axvline(0, color="#999999", linewidth=0.8, linestyle="--")
    right.set_xlabel("difference in mean tone: filled − open\n(95% bootstrap interval)")
    for yi, (na, nb) in enumerate(zip(data["n_a"], data["n_b"])):
        right.text(1.02, yi, f"n={na} / {nb}", transform=right.get_yaxis_transform(), va="center", fontsize=6.5,
                   color="#555555")
    legend_outside(left, handles=handles, labels=[h.get_label() for h in handles], where="above")
    fig.suptitle(wrap_label(title or f"Tone toward each actor: {a} vs {b}", width=80), fontsize=10)
    return attach_data(finish(fig), data.reset_index(drop=True))

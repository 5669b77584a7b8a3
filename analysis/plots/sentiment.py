"""Plots of actor tone. Each takes tables from :mod:`analysis.sentiment.tone` and returns a Figure.

Plot functions never read files or compute measures; thin data gets a
:func:`~analysis.plots.export.note_figure` that says why there is nothing to draw
(never an error, never an empty chart). Colours come from the codebook.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.export import new_figure, note_figure

__all__ = ["plot_actor_tone", "plot_tone_heatmap", "plot_tone_trend"]

_GREY = "#777777"


def _ordered(tone: pd.DataFrame, *, min_n: int, top_n: int) -> pd.DataFrame:
    """Actors with at least ``min_n`` mentions, the ``top_n`` most mentioned, sorted by mean tone."""
    data = tone[tone["n_mentions"] >= min_n]
    data = data.sort_values(["n_mentions", "actor_id"], ascending=[False, True]).head(top_n)
    return data.sort_values(["mean", "actor_id"], ascending=[True, True])


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
    fig, ax = new_figure(height=0.3 * len(data) + 1.2)
    y = np.arange(len(data))
    colour = [colours.get(a, _GREY) for a in data["actor_id"]]
    ax.hlines(y, data["ci_low"], data["ci_high"], color=colour, linewidth=2, alpha=0.6)
    ax.scatter(data["mean"], y, color=colour, s=28, zorder=3)
    ax.axvline(0, color="#999999", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, [labels.get(a, a) for a in data["actor_id"]])
    lo = min(-0.1, float(data["ci_low"].min()) - 0.05)
    hi = max(0.1, float(data["ci_high"].max()) + 0.05)
    ax.set_xlim(lo, hi)
    for yi, n in zip(y, data["n_mentions"]):
        ax.text(1.01, yi, f"n={n}", transform=ax.get_yaxis_transform(), va="center", fontsize=7, color="#555555")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


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
    groups = sorted(tone[column].dropna().unique())
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
    fig, ax = new_figure(width=max(4.5, 0.8 * len(groups) + 2.8), height=0.32 * len(actors) + 1.5)
    image = ax.imshow(shown.values, aspect="auto", cmap="RdBu", vmin=-limit, vmax=limit)
    ax.set_xticks(range(len(groups)), [str(g) for g in groups], rotation=35, ha="right")
    ax.set_yticks(range(len(actors)), [labels.get(a, a) for a in actors])
    for (i, j), value in np.ndenumerate(shown.values):
        if np.isfinite(value):
            ax.text(j, i, f"{value:+.2f}\nn={int(n.values[i, j])}", ha="center", va="center", fontsize=6,
                    color="white" if abs(value) > 0.6 * limit else "black")
    fig.colorbar(image, ax=ax, label="mean tone", shrink=0.8)
    ax.set_title(title or f"Tone toward each actor by {column} (cells with n < {min_n} left blank)")
    ax.spines[:].set_visible(False)
    fig.tight_layout()
    return fig


def plot_tone_trend(tone: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str],
                    actors: Sequence[str], min_n: int = 3, title: str = "Tone toward actors over time") -> Figure:
    """Lines: mean tone per ``period`` for each actor with a shaded 95% interval.

    ``tone`` comes from :func:`actor_tone` with ``by=["actor_id", "period"]``.
    Periods with fewer than ``min_n`` mentions of an actor are left out (gaps).
    """
    if tone.empty or "period" not in tone:
        return note_figure("No scored mentions over time.")
    periods = sorted(tone["period"].unique())
    if len(periods) < 2:
        return note_figure("One period only: no trend to show.")
    data = tone[tone["actor_id"].isin(actors) & (tone["n_mentions"] >= min_n)]
    if data.empty:
        return note_figure(f"None of the chosen actors has {min_n} or more mentions in any period.")
    fig, ax = new_figure()
    for actor in actors:
        series = data[data["actor_id"] == actor].set_index("period").reindex(periods)
        if series["mean"].notna().sum() == 0:
            continue
        colour = colours.get(actor, _GREY)
        ax.plot(series.index, series["mean"], label=labels.get(actor, actor), color=colour, linewidth=1.4,
                marker="o", markersize=2.5)
        ax.fill_between(series.index, series["ci_low"], series["ci_high"], color=colour, alpha=0.15, linewidth=0)
    ax.axhline(0, color="#999999", linewidth=0.8, linestyle="--")
    ax.set_ylabel("mean tone, 95% interval")
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=7, ncols=2)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig

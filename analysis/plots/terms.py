"""Figures for term frequency (notebook 10): tables in, matplotlib Figures out; nothing is read or saved.

Every function draws in the suite's style through :func:`analysis.plots.export.new_figure`
and returns :func:`analysis.plots.export.note_figure` (a short sentence, no empty axes)
when the table holds nothing to draw. Actor colours come from the codebook
(``codebook.colours()``); groups that are not actors (outlets) get a fixed palette in
sorted order, so a group keeps its colour across runs.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.export import new_figure, note_figure

NEUTRAL = "#5f6b7a"
CONTRAST = "#9a9a9a"
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
           "#1f78b4", "#b2df8a")


def group_colours(values: Sequence[str]) -> dict[str, str]:
    """A fixed colour per group value, assigned in sorted order."""
    return {value: PALETTE[i % len(PALETTE)] for i, value in enumerate(sorted(map(str, set(values))))}


def _grid(count: int, *, ncols: int, width: float, panel_height: float, sharex: bool = False):
    ncols = max(1, min(ncols, count))
    nrows = math.ceil(count / ncols)
    fig, axes = new_figure(width=width, height=panel_height * nrows + 0.4, nrows=nrows, ncols=ncols,
                           squeeze=False, sharex=sharex)
    flat = axes.ravel().tolist()
    for ax in flat[count:]:
        ax.axis("off")
    return fig, flat[:count]


def _actor_grid(table: pd.DataFrame, actors: Sequence[str] | None, *, top_n: int, ncols: int):
    """Small multiples of bar panels: the actors to draw (in ``actors`` order, default the table's,
    sorted; those without rows left out), the figure and one axes each (``None, []`` if none)."""
    present = set(table["actor_id"]) if not table.empty else set()
    order = [a for a in (actors or sorted(present)) if a in present]
    if not order:
        return order, None, []
    fig, axes = _grid(len(order), ncols=ncols, width=6.5, panel_height=0.17 * top_n + 0.7)
    return order, fig, axes


def _bars(ax, terms: Sequence[str], values: Sequence[float], colour: str, *, label_size: float = 8) -> None:
    y = np.arange(len(terms))
    ax.barh(y, values, color=colour)
    ax.set_yticks(y, labels=list(terms), fontsize=label_size)
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)


def plot_top_terms(freqs: pd.DataFrame, *, top_n: int = 15, value: str = "per_10k", colour: str = NEUTRAL,
                   title: str = "Most frequent terms") -> Figure:
    """Horizontal bars of the ``top_n`` terms of a term table (one panel per n if several n).

    ``freqs``: :func:`analysis.terms.counts.term_frequencies` without grouping; ``value``:
    "per_10k" or "count".
    """
    if freqs.empty:
        return note_figure("No terms to show: the corpus has no words after filtering.")
    sizes = sorted(freqs["n"].unique())
    names = {1: "words", 2: "bigrams", 3: "trigrams"}
    fig, axes = _grid(len(sizes), ncols=len(sizes), width=6.5 if len(sizes) > 1 else 5.0,
                      panel_height=0.2 * min(top_n, freqs.groupby("n").size().max()) + 0.9)
    for ax, size in zip(axes, sizes):
        part = freqs[freqs["n"] == size].sort_values(["rank", "term"]).head(top_n)
        _bars(ax, part["term"], part[value], colour)
        ax.set_title(names.get(int(size), f"{size}-grams"))
        ax.set_xlabel("per 10,000 words" if value == "per_10k" else "count")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_context_terms(context: pd.DataFrame, *, actors: Sequence[str] | None = None, top_n: int = 10,
                       colours: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None,
                       value: str = "per_10k", ncols: int = 3) -> Figure:
    """Small multiples: each actor's top context terms, in the actor's colour.

    ``context``: :func:`analysis.terms.actor_context.actor_context_terms`; ``actors`` sets the panel
    order (default: actors of the table, sorted); actors without rows are left out.
    """
    order, fig, axes = _actor_grid(context, actors, top_n=top_n, ncols=ncols)
    if fig is None:
        return note_figure("No actor of the selection is mentioned in this corpus: no context terms to show.")
    colours, labels = dict(colours or {}), dict(labels or {})
    for ax, actor in zip(axes, order):
        part = context[context["actor_id"] == actor].sort_values(["rank", "term"]).head(top_n)
        _bars(ax, part["term"], part[value], colours.get(actor, NEUTRAL), label_size=7)
        ax.set_title(labels.get(actor, actor), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    fig.supxlabel("per 10,000 context words" if value == "per_10k" else "count", fontsize=8)
    fig.tight_layout()
    return fig


def plot_keyness(table: pd.DataFrame, *, top_n: int = 10, measure: str = "g2", colour: str = NEUTRAL,
                 title: str = "Keyness", target_label: str = "target", reference_label: str = "reference") -> Figure:
    """Diverging bars: the ``top_n`` key terms of the target (right, in ``colour``) and of the reference (left).

    Bars show the statistic (G² or χ²) signed by direction; each bar is labelled with
    its log ratio (effect size). ``table``: :func:`analysis.terms.keyness.keyness` (one target).
    """
    if table.empty or measure not in table:
        return note_figure("No key terms: the target or the reference has no words.")
    up = table[table["direction"] == "target"].sort_values([measure, "term"], ascending=[False, True]).head(top_n)
    down = table[table["direction"] == "reference"].sort_values([measure, "term"],
                                                                ascending=[False, True]).head(top_n)
    part = pd.concat([up, down.iloc[::-1]])
    if part.empty:
        return note_figure("No key terms: target and reference use words at the same rates.")
    signed = np.where(part["direction"] == "target", part[measure], -part[measure])
    fig, ax = new_figure(width=5.5, height=0.19 * len(part) + 1.1)
    y = np.arange(len(part))
    ax.barh(y, signed, color=[colour if d == "target" else CONTRAST for d in part["direction"]])
    ax.set_yticks(y, labels=part["term"].tolist(), fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.6)
    span = float(np.abs(signed).max()) or 1.0
    for yi, value, ratio in zip(y, signed, part["log_ratio"]):
        ax.text(value + (0.01 if value >= 0 else -0.01) * span, yi, f"{ratio:+.1f}", va="center",
                ha="left" if value >= 0 else "right", fontsize=6.5, color="#444444")
    ax.set_xlim(-span * 1.25 if len(down) else 0, span * 1.25 if len(up) else 0)
    name = "G²" if measure == "g2" else "χ²"
    ax.set_xlabel(f"{name} (← more in {reference_label} | more in {target_label} →); labels: log₂ ratio")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_keyness_panels(keys: pd.DataFrame, *, actors: Sequence[str] | None = None, top_n: int = 8,
                        measure: str = "g2", colours: Mapping[str, str] | None = None,
                        labels: Mapping[str, str] | None = None, ncols: int = 3) -> Figure:
    """Small multiples: each actor's ``top_n`` key terms (more frequent in its context than in the rest).

    Bars show the statistic (G² or χ²), labelled with the log₂ ratio. ``keys``:
    :func:`analysis.terms.keyness.actor_keyness` for several actors; ``actors`` sets the panel
    order (default: actors of the table, sorted); actors without key terms are left out.
    One actor's key terms against what is more frequent in the rest: :func:`plot_keyness`.
    """
    if measure not in keys:
        return note_figure("No key terms to show.")
    up = keys[keys["direction"] == "target"] if not keys.empty else keys
    order, fig, axes = _actor_grid(up, actors, top_n=top_n, ncols=ncols)
    if fig is None:
        return note_figure("No actor of the selection has key terms in this corpus.")
    colours, labels = dict(colours or {}), dict(labels or {})
    for ax, actor in zip(axes, order):
        part = up[up["actor_id"] == actor].sort_values([measure, "term"], ascending=[False, True]).head(top_n)
        _bars(ax, part["term"], part[measure], colours.get(actor, NEUTRAL), label_size=7)
        span = float(part[measure].max()) or 1.0
        for yi, (value, ratio) in enumerate(zip(part[measure], part["log_ratio"])):
            ax.text(value + 0.02 * span, yi, f"{ratio:+.1f}", va="center", ha="left", fontsize=6, color="#444444")
        ax.set_xlim(0, span * 1.3)
        ax.set_title(labels.get(actor, actor), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    name = "G²" if measure == "g2" else "χ²"
    fig.supxlabel(f"{name} against the rest of the corpus; labels: log₂ ratio", fontsize=8)
    fig.tight_layout()
    return fig


def plot_outlet_comparison(freqs: pd.DataFrame, *, by: str = "outlet", terms: Sequence[str] | None = None,
                           top_n: int = 12, title: str = "Terms by outlet (per 10,000 words)") -> Figure:
    """Heat map of per-10k rates: terms (rows) × groups (columns), values printed in the cells.

    ``freqs``: :func:`analysis.terms.counts.term_frequencies` grouped by ``by`` (unigrams, not
    cut to a top n per group, so that absent terms read as 0); ``terms`` defaults to the
    ``top_n`` terms by total count.
    """
    if freqs.empty or by not in freqs or freqs[by].nunique() < 2:
        return note_figure(f"Only one {by} in this corpus: nothing to compare.")
    if terms is None:
        totals = freqs.groupby("term")["count"].sum().reset_index()
        terms = totals.sort_values(["count", "term"], ascending=[False, True])["term"].head(top_n).tolist()
    grid = (freqs[freqs["term"].isin(terms)].pivot_table(index="term", columns=by, values="per_10k",
                                                           aggfunc="sum", fill_value=0.0)
            .reindex(index=list(terms), fill_value=0.0))
    grid = grid.reindex(columns=sorted(grid.columns, key=str))
    fig, ax = new_figure(width=6.5, height=0.28 * len(terms) + 1.4)
    image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="Blues")
    ax.set_xticks(range(grid.shape[1]), labels=[str(c) for c in grid.columns], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(grid.shape[0]), labels=grid.index.tolist(), fontsize=8)
    top = float(grid.to_numpy().max()) or 1.0
    for (row, column), value in np.ndenumerate(grid.to_numpy()):
        ax.text(column, row, f"{value:.0f}", ha="center", va="center", fontsize=6.5,
                color="white" if value > 0.6 * top else "#222222")
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="per 10,000 words")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_trends(trends: pd.DataFrame, *, by: str | None = "outlet", ncols: int = 2,
                colours: Mapping[str, str] | None = None, title: str = "Term frequency over time") -> Figure:
    """Small multiples, one panel per term: per-10k rate over time, one line per ``by`` group.

    ``trends``: :func:`analysis.terms.trends.term_trends`. Needs at least two periods.
    """
    if trends.empty or trends["date"].nunique() < 2:
        return note_figure("Only one period in this corpus: no trend to draw.")
    terms = list(dict.fromkeys(trends["term"]))
    groups = sorted(trends[by].unique(), key=str) if by and by in trends else [None]
    colours = dict(colours or group_colours([g for g in groups if g is not None]))
    fig, axes = _grid(len(terms), ncols=ncols, width=6.5, panel_height=1.9, sharex=True)
    for ax, term in zip(axes, terms):
        part = trends[trends["term"] == term]
        for group in groups:
            line = part if group is None else part[part[by] == group]
            line = line.sort_values("date")
            ax.plot(line["date"], line["per_10k"], marker="o", markersize=2, linewidth=1.1,
                    color=colours.get(group, NEUTRAL) if group is not None else NEUTRAL,
                    label=None if group is None else str(group))
        ax.set_title(f"“{term}”", fontsize=9)
        ax.set_ylabel("per 10,000 words", fontsize=7)
        ax.tick_params(labelsize=7)
        for label in ax.get_xticklabels():
            label.set_rotation(30)
            label.set_ha("right")
    if groups != [None]:
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="lower center", ncol=min(len(names), 4), fontsize=7, frameon=False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.08 if groups != [None] else 0, 1, 1))
    return fig

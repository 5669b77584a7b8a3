"""Figures for term frequency (notebook 10): tables in, matplotlib Figures out; nothing is read or saved.

Every function draws in the active style through :func:`analysis.plots.export.new_figure`
and returns :func:`analysis.plots.export.note_figure` (a short sentence, no empty axes)
when the table holds nothing to draw. Actor colours come from
:func:`analysis.plots.colours.actor_colours`; groups that are not actors (outlets) from
:func:`analysis.plots.colours.outlet_colours` (pass the whole corpus's map so that a group
keeps its colour in every figure). Each figure carries the numbers it plots
(:func:`~analysis.plots.export.attach_data`), exported beside it as CSV.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.colours import ink, outlet_colours, sequential_cmap, text_colour_on
from analysis.plots.export import attach_data, new_figure, note_figure
from analysis.plots.layout import finish, legend_outside, wrap_label, wrap_labels
from analysis.plots.periods import Freq, axis_label, open_markers, partial_periods, set_period_axis

NEUTRAL = "#5f6b7a"
CONTRAST = "#9a9a9a"


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
    ax.barh(y, values, color=ink(colour))
    ax.set_yticks(y, labels=wrap_labels(list(terms), width=40), fontsize=label_size)
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
    parts = []
    for ax, size in zip(axes, sizes):
        part = freqs[freqs["n"] == size].sort_values(["rank", "term"]).head(top_n)
        _bars(ax, part["term"], part[value], colour)
        ax.set_title(names.get(int(size), f"{size}-grams"))
        ax.set_xlabel("per 10,000 words" if value == "per_10k" else "count")
        parts.append(part[["n", "term", value]])
    fig.suptitle(title, fontsize=10)
    return attach_data(finish(fig), pd.concat(parts, ignore_index=True))


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
    parts = []
    for ax, actor in zip(axes, order):
        part = context[context["actor_id"] == actor].sort_values(["rank", "term"]).head(top_n)
        _bars(ax, part["term"], part[value], colours.get(actor, NEUTRAL), label_size=7)
        ax.set_title(wrap_label(labels.get(actor, actor), width=24), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        parts.append(part[["actor_id", "term", value]])
    fig.supxlabel("per 10,000 context words" if value == "per_10k" else "count", fontsize=8)
    return attach_data(finish(fig), pd.concat(parts, ignore_index=True))


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
    ax.barh(y, signed, color=[ink(colour) if d == "target" else ink(CONTRAST) for d in part["direction"]])
    ax.set_yticks(y, labels=wrap_labels(part["term"].tolist(), width=40), fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.6)
    span = float(np.abs(signed).max()) or 1.0
    for yi, value, ratio in zip(y, signed, part["log_ratio"]):
        ax.text(value + (0.01 if value >= 0 else -0.01) * span, yi, f"{ratio:+.1f}", va="center",
                ha="left" if value >= 0 else "right", fontsize=6.5, color="#444444")
    ax.set_xlim(-span * 1.25 if len(down) else 0, span * 1.25 if len(up) else 0)
    name = "G²" if measure == "g2" else "χ²"
    ax.set_xlabel(f"{name} (← more in {wrap_label(reference_label, width=40)} | more in "
                  f"{wrap_label(target_label, width=40)} →)\nbar labels: log₂ ratio")
    ax.set_title(wrap_label(title, width=60))
    data = part[["term", "direction", measure, "log_ratio"]]
    return attach_data(finish(fig), data)


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
    parts = []
    for ax, actor in zip(axes, order):
        part = up[up["actor_id"] == actor].sort_values([measure, "term"], ascending=[False, True]).head(top_n)
        _bars(ax, part["term"], part[measure], colours.get(actor, NEUTRAL), label_size=7)
        span = float(part[measure].max()) or 1.0
        for yi, (value, ratio) in enumerate(zip(part[measure], part["log_ratio"])):
            ax.text(value + 0.02 * span, yi, f"{ratio:+.1f}", va="center", ha="left", fontsize=6, color="#444444")
        ax.set_xlim(0, span * 1.3)
        ax.set_title(wrap_label(labels.get(actor, actor), width=24), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        parts.append(part[["actor_id", "term", measure, "log_ratio"]])
    name = "G²" if measure == "g2" else "χ²"
    fig.supxlabel(f"{name} against the rest of the corpus; labels: log₂ ratio", fontsize=8)
    return attach_data(finish(fig), pd.concat(parts, ignore_index=True))


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
    many = grid.shape[1] > 10
    fig, ax = new_figure(width=max(6.5, 0.4 * grid.shape[1] + 3.0), height=0.28 * len(terms) + 1.8)
    image = ax.imshow(grid.to_numpy(), aspect="auto", cmap=sequential_cmap())
    ax.set_xticks(range(grid.shape[1]), labels=wrap_labels([str(c) for c in grid.columns], width=34), rotation=40,
                  ha="right", rotation_mode="anchor", fontsize=7 if many else 8)
    ax.set_yticks(range(grid.shape[0]), labels=wrap_labels(grid.index.tolist(), width=40), fontsize=8)
    for (row, column), value in np.ndenumerate(grid.to_numpy()):
        ax.text(column, row, f"{value:.0f}", ha="center", va="center", fontsize=5.5 if many else 6.5,
                color=text_colour_on(image.cmap(image.norm(value))))
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="per 10,000 words")
    ax.set_title(title)
    data = grid.rename_axis(index="term", columns=by).stack(future_stack=True).rename("per_10k").reset_index()
    return attach_data(finish(fig), data[[by, "term", "per_10k"]])


def plot_trends(trends: pd.DataFrame, *, by: str | None = "outlet", ncols: int = 2,
                colours: Mapping[str, str] | None = None, title: str = "Term frequency over time",
                freq: Freq | None = None, span: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> Figure:
    """Small multiples, one panel per term: per-10k rate over time, one line per ``by`` group.

    ``trends``: :func:`analysis.terms.trends.term_trends`. Needs at least two periods.
    ``colours``: group → colour for the whole corpus (default: assigned to the groups
    shown); ``span``: the corpus's first and last day, to draw partial periods with open
    markers. The legend sits beside the panels.
    """
    if trends.empty or trends["date"].nunique() < 2:
        return note_figure("Only one period in this corpus: no trend to draw.")
    terms = list(dict.fromkeys(trends["term"]))
    groups = sorted(trends[by].unique(), key=str) if by and by in trends else [None]
    colours = dict(colours or outlet_colours([g for g in groups if g is not None]))
    periods = sorted(trends["date"].unique())
    partial = dict(zip(periods, partial_periods(periods, span=span, freq=freq)))
    ncols = 1 if len(groups) > 8 else ncols  # many groups: one column of panels, the legend beside them
    fig, axes = _grid(len(terms), ncols=ncols, width=6.5, panel_height=1.9, sharex=True)
    for ax, term in zip(axes, terms):
        part = trends[trends["term"] == term]
        for group in groups:
            line = (part if group is None else part[part[by] == group]).sort_values("date")
            colour = ink(colours.get(group, NEUTRAL) if group is not None else NEUTRAL)
            ax.plot(line["date"], line["per_10k"], marker="o", markersize=2, linewidth=1.1, color=colour,
                    label=None if group is None else str(group))
            open_markers(ax, list(line["date"]), list(line["per_10k"]), [partial[d] for d in line["date"]],
                         colour=colour, size=3.5)
        ax.set_title(f"“{term}”", fontsize=9)
        ax.set_ylabel("per 10,000 words", fontsize=7)
        ax.tick_params(labelsize=7)
        set_period_axis(ax, periods, freq=freq, max_ticks=6, fontsize=7)
    fig.supxlabel(axis_label(periods, partial=list(partial.values()), span=span, freq=freq), fontsize=8)
    if groups != [None]:
        legend_outside(axes[min(len(axes), ncols) - 1], title=by)
    fig.suptitle(title, fontsize=10)
    columns = ["date"] + ([by] if groups != [None] else []) + ["term", "count", "words", "per_10k"]
    data = trends[columns].assign(partial=trends["date"].map(partial))
    return attach_data(finish(fig), data)

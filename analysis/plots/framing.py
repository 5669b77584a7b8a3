"""Plots of actor framing: frames, voice, attribution verbs and roles. Tables in, Figures out.

Each function takes a measure table (from :mod:`analysis.framing.frames`, :mod:`analysis.framing.voice`,
:mod:`analysis.framing.roles`) and returns a :class:`~matplotlib.figure.Figure`; none reads files
or computes measures. Thin data gets a :func:`~analysis.plots.export.note_figure` saying why
there is nothing to draw, never an empty chart. Each figure carries the numbers it plots
(:func:`~analysis.plots.export.attach_data`), exported beside it as CSV.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.colours import NEUTRAL, ink, sequential_cmap, text_colour_on
from analysis.plots.export import attach_data, new_figure, note_figure
from analysis.plots.layout import finish, legend_outside, rows_height, wrap_label, wrap_labels

NEUTRAL_COLOUR = "#9ecae1"
MARKED_COLOUR = "#de2d26"
AGENT_COLOUR = "#3182bd"
PATIENT_COLOUR = "#fd8d3c"


def _label(key: str, labels: Mapping[str, str] | None) -> str:
    return wrap_label((labels or {}).get(key, key))


def plot_frame_heatmap(table: pd.DataFrame, *, row: str = "actor_id", value: str = "share",
                       labels: Mapping[str, str] | None = None, title: str = "Frames by actor",
                       value_label: str = "share of the actor's sentences with the frame",
                       min_rows: int = 1) -> Figure:
    """Heatmap of ``value`` for rows (actors or outlets) × frames, from a long table.

    Rows keep the order in which they first appear in ``table``; frames keep theirs
    (dictionary order). Each cell is annotated with its value.
    """
    if table.empty or table[row].nunique() < min_rows or not (table[value] > 0).any():
        return note_figure(f"No frame scores to plot for {title.lower()} (no sentences with frame terms).")
    rows = list(dict.fromkeys(table[row]))
    frames = list(dict.fromkeys(table["frame"]))
    wide = table.pivot_table(index=row, columns="frame", values=value, aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(index=rows, columns=frames, fill_value=0.0)
    fig, ax = new_figure(width=max(4.5, 0.55 * len(frames) + 2.5),
                         height=max(1.8, rows_height([(labels or {}).get(r, r) for r in rows], per_row=0.32) + 1.6))
    image = ax.imshow(wide.to_numpy(), aspect="auto", cmap=sequential_cmap(), vmin=0)
    ax.set_xticks(np.arange(len(frames)), wrap_labels([f.replace("_", " ") for f in frames], width=22), rotation=40,
                  ha="right", rotation_mode="anchor")
    ax.set_yticks(np.arange(len(rows)), [_label(r, labels) for r in rows])
    for (i, j), v in np.ndenumerate(wide.to_numpy()):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6.5,
                color=text_colour_on(image.cmap(image.norm(v))))
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.tick_params(length=0)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label(wrap_label(value_label, width=45), fontsize=7)
    ax.set_title(wrap_label(title, width=60))
    data = wide.rename_axis(index=row, columns="frame").stack(future_stack=True).rename(value).reset_index()
    return attach_data(finish(fig), data)


def plot_voice(table: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
               colours: Mapping[str, str] | None = None, top_n: int = 10,
               title: str = "Voice: share of all quoted words") -> Figure:
    """Horizontal bars: each speaker's share of quoted words, from :func:`analysis.framing.voice.voice` (by actor)."""
    if table.empty or table["quotes"].sum() == 0:
        return note_figure("No quotes found: nobody is given a voice in this corpus sample.")
    top = table.sort_values(["share_quoted_words", "quotes", "actor"], ascending=[False, False, True],
                            kind="stable").head(top_n).iloc[::-1]
    height = rows_height([(labels or {}).get(a, a) for a in top["actor"]], per_row=0.3) + 1.0
    fig, ax = new_figure(height=max(1.8, height))
    colour = [(colours or {}).get(a, ink(NEUTRAL)) for a in top["actor"]]
    ax.barh(np.arange(len(top)), top["share_quoted_words"], color=colour,
            tick_label=[_label(a, labels) for a in top["actor"]])
    for y, (share, quotes) in enumerate(zip(top["share_quoted_words"], top["quotes"])):
        ax.text(share, y, f" {share:.0%} ({quotes} quotes)", va="center", fontsize=7)
    ax.set_xlabel("share of quoted words (direct and partial quotes)")
    ax.set_xlim(0, max(0.05, float(top["share_quoted_words"].max()) * 1.35))
    ax.set_title(title)
    return attach_data(finish(fig), top.iloc[::-1][["actor", "quotes", "share_quoted_words"]])


def plot_attribution(shares: pd.DataFrame, *, labels: Mapping[str, str] | None = None, top_n: int = 10,
                     title: str = "Attribution verbs: neutral vs. marked") -> Figure:
    """Stacked bars of neutral and marked attributions per speaker, from :func:`verb_class_shares`."""
    if shares.empty or shares["n"].sum() == 0:
        return note_figure("No attribution verbs found (no attributed quotes or reported speech).")
    top = shares.head(top_n).iloc[::-1]
    height = rows_height([(labels or {}).get(a, a) for a in top["speaker"]], per_row=0.3) + 1.0
    fig, ax = new_figure(height=max(1.8, height))
    names, y = [_label(s, labels) for s in top["speaker"]], np.arange(len(top))
    ax.barh(y, top["neutral"], color=ink(NEUTRAL_COLOUR), label="neutral (said, told, added …)", tick_label=names)
    ax.barh(y, top["marked"], left=top["neutral"], color=ink(MARKED_COLOUR),
            label="marked (claimed, blamed, argued …)")
    for yi, (n, share) in enumerate(zip(top["n"], top["marked_share"])):
        ax.text(n, yi, f" {share:.0%} marked", va="center", fontsize=7)
    ax.set_xlabel("attributions")
    ax.set_xlim(0, float(top["n"].max()) * 1.3)
    legend_outside(ax)
    ax.set_title(title)
    return attach_data(finish(fig), top.iloc[::-1][["speaker", "neutral", "marked", "n", "marked_share"]])


def plot_roles(balance: pd.DataFrame, *, labels: Mapping[str, str] | None = None, top_n: int = 10,
               title: str = "Roles: agent vs. patient of actions") -> Figure:
    """Diverging bars: agent counts to the right, patient counts to the left, from :func:`role_balance`."""
    if balance.empty or balance["n"].sum() == 0:
        return note_figure("No agent or patient roles found (no actor next to an action verb).")
    top = balance.head(top_n).iloc[::-1]
    height = rows_height([(labels or {}).get(a, a) for a in top["actor_id"]], per_row=0.3) + 1.0
    fig, ax = new_figure(height=max(1.8, height))
    names, y = [_label(a, labels) for a in top["actor_id"]], np.arange(len(top))
    ax.barh(y, top["agent"], color=ink(AGENT_COLOUR), label="agent (acts)", tick_label=names)
    ax.barh(y, -top["patient"], color=ink(PATIENT_COLOUR), label="patient (acted upon)")
    ax.axvline(0, color="#333333", linewidth=0.6)
    peak = float(max(top["agent"].max(), top["patient"].max(), 1))
    ax.set_xlim(-peak * 1.15, peak * 1.15)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [f"{abs(t):g}" for t in ticks])
    ax.set_xlim(-peak * 1.15, peak * 1.15)
    ax.set_xlabel("mentions  ← patient | agent →")
    legend_outside(ax)
    ax.set_title(title)
    return attach_data(finish(fig), top.iloc[::-1][["actor_id", "agent", "patient", "n"]])

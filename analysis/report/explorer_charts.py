"""Three of the explorer's charts as HTML (context words as bars, overall tone as intervals, frames as a
heat table), and the legend of its line charts.

Why HTML: a pane must follow a widget change within half a second, and a matplotlib
figure spends 0.2-0.6 s building, laying out and drawing its text (every tick label
is measured, then drawn). Charts whose rows are a label and a number (an actor's top
context words; an actor's mean tone with its interval; an actor's share of sentences per
frame) read as well as rows of an HTML table with CSS bars or shaded cells, which the
browser draws: the kernel only writes the markup (milliseconds), and the words stay
selectable. The time series (salience, tone per period) stay matplotlib figures. "Export
this view" writes the matplotlib version of these three charts too
(:func:`analysis.report.explorer_view.export_view`), from the same tables.

Every text from the corpus or the codebook is escaped; colours pass through
:func:`matplotlib.colors.to_hex`, so nothing but a ``#rrggbb`` reaches a style attribute.
"""

from __future__ import annotations

import html
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from analysis.plots.colours import sequential_cmap, text_colour_on
from analysis.plots.sentiment import tone_limits
from analysis.plots.terms import NEUTRAL  # the colour of an actor without one, as in the figures

BAR_WIDTH_PX = 160  # the longest bar of a term chart
TRACK_WIDTH_PX = 240  # the tone scale of an interval chart


def _colour(colours: Mapping[str, str], actor: str) -> str:
    try:
        return to_hex(colours.get(actor, NEUTRAL))
    except ValueError:
        return NEUTRAL


def _label(labels: Mapping[str, str], actor: str) -> str:
    return html.escape(str(labels.get(actor, actor)))


def term_bars_html(context: pd.DataFrame, *, actors: Sequence[str], top_n: int, colours: Mapping[str, str],
                   labels: Mapping[str, str], value: str = "per_10k", caption: str = "") -> str:
    """Each actor's ``top_n`` context terms as rows of bars, one block per actor side by side.

    ``context``: :func:`analysis.terms.actor_context.actor_context_terms` rows (``actor_id``,
    ``term``, ``rank`` and the ``value`` column); blocks follow ``actors`` (those without rows left out).
    Bar length is ``value`` over the largest value shown, one scale for every actor so
    that blocks compare; the value is printed beside each bar.
    """
    present = set(context["actor_id"]) if not context.empty else set()
    order = [a for a in actors if a in present]
    if not order:
        return "<p><em>No context words for the chosen actors in the selection.</em></p>"
    parts = {a: context[context["actor_id"] == a].sort_values(["rank", "term"]).head(top_n) for a in order}
    largest = max(float(part[value].max()) for part in parts.values()) or 1.0
    blocks = []
    for actor, part in parts.items():
        colour = _colour(colours, actor)
        rows = "".join(
            f"<tr><td class='term'>{html.escape(str(term))}</td><td style='width:{BAR_WIDTH_PX}px'>"
            f"<div class='bar' style='width:{_percent(amount / largest)};background:{colour}'></div></td>"
            f"<td class='value'>{amount:,.1f}</td></tr>"
            for term, amount in zip(part["term"], part[value].astype(float)))
        blocks.append(f"<div class='term-block'><div class='actor' style='color:{colour}'>{_label(labels, actor)}"
                      f"</div><table>{rows}</table></div>")
    return (f"<div class='explorer-chart term-bars'>{_STYLE}<div class='blocks'>{''.join(blocks)}</div>"
            f"{_caption(caption)}</div>")


def tone_intervals_html(tone: pd.DataFrame, *, colours: Mapping[str, str], labels: Mapping[str, str],
                        caption: str = "") -> str:
    """One row per actor, sorted by mean tone: the mean as a dot on its bootstrap interval, and the numbers.

    ``tone``: :func:`analysis.sentiment.tone.actor_tone` by ``actor_id`` (``mean``,
    ``ci_low``, ``ci_high``, ``n_mentions``, ``n_articles`` and the label shares). The
    scale is :func:`analysis.plots.sentiment.tone_limits` (that of ``plot_actor_tone``) within
    [-1, 1]; a dashed line marks 0.
    """
    if tone.empty:
        return "<p><em>No scored mentions in the selection.</em></p>"
    rows = tone.sort_values(["mean", "actor_id"])
    low, high = tone_limits(rows["ci_low"], rows["ci_high"])
    low, high = max(-1.0, low), min(1.0, high)

    def at(x: float) -> float:
        return (float(np.clip(x, low, high)) - low) / (high - low)
    body = []
    for row in rows.itertuples(index=False):
        colour = _colour(colours, row.actor_id)
        track = (f"<div class='track' style='width:{TRACK_WIDTH_PX}px'>"
                 f"<div class='zero' style='left:{_percent(at(0.0))}'></div>"
                 f"<div class='interval' style='left:{_percent(at(row.ci_low))};"
                 f"width:{_percent(at(row.ci_high) - at(row.ci_low))};background:{colour}'></div>"
                 f"<div class='dot' style='left:{_percent(at(row.mean))};background:{colour}'></div></div>")
        shares = " / ".join(f"{getattr(row, f'share_{name}'):.0%}" for name in ("negative", "neutral", "positive"))
        body.append(f"<tr><td class='actor'>{_label(labels, row.actor_id)}</td><td>{track}</td>"
                    f"<td class='value'>{row.mean:+.3f}</td><td class='value'>[{row.ci_low:+.3f}, {row.ci_high:+.3f}]"
                    f"</td><td class='value'>{row.n_mentions:,}</td><td class='value'>{row.n_articles:,}</td>"
                    f"<td class='value'>{shares}</td></tr>")
    head = (f"<tr><th>actor</th><th>{low:+.2f} … {high:+.2f}</th><th>mean</th><th>95% interval</th>"
            f"<th>mentions</th><th>articles</th><th>negative / neutral / positive</th></tr>")
    return (f"<div class='explorer-chart tone-intervals'>{_STYLE}<table>{head}{''.join(body)}</table>"
            f"{_caption(caption)}</div>")


def frame_shares_html(frames: pd.DataFrame, *, labels: Mapping[str, str], caption: str = "") -> str:
    """Actors (rows, in the table's order) × frames (columns, in the table's order): each cell the
    share of the actor's sentences with a term of the frame, shaded on the heat maps' scale
    (:func:`~analysis.plots.colours.sequential_cmap`, 0 to the largest share shown), as
    :func:`analysis.plots.framing.plot_frame_heatmap` draws it.

    ``frames``: :func:`analysis.framing.frames.actor_frames` rows (``actor_id``, ``frame``, ``share``).
    """
    if frames.empty or not (frames["share"] > 0).any():
        return "<p><em>No sentences of the chosen actors with frame terms in the selection.</em></p>"
    wide = frames.pivot_table(index="actor_id", columns="frame", values="share", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(index=list(dict.fromkeys(frames["actor_id"])), columns=list(dict.fromkeys(frames["frame"])),
                        fill_value=0.0)
    cmap, largest = colormaps[sequential_cmap()], float(wide.to_numpy().max())
    head = "".join(f"<th>{html.escape(str(frame).replace('_', ' '))}</th>" for frame in wide.columns)
    body = []
    for actor, shares in wide.iterrows():
        cells = []
        for share in shares:
            rgba = cmap(share / largest)
            cells.append(f"<td class='value' style='background:{to_hex(rgba)};color:{to_hex(text_colour_on(rgba))}'>"
                         f"{share:.2f}</td>")
        body.append(f"<tr><td class='actor'>{_label(labels, str(actor))}</td>{''.join(cells)}</tr>")
    return (f"<div class='explorer-chart frame-shares'>{_STYLE}<table><tr><th></th>{head}</tr>{''.join(body)}"
            f"</table>{_caption(caption)}</div>")


def legend_html(actors: Sequence[str], *, colours: Mapping[str, str], labels: Mapping[str, str],
                caption: str = "") -> str:
    """A line that names each actor in its colour, and the chart's caption: the legend of the explorer's
    line charts, which leave theirs out on screen (:func:`analysis.report.explorer_view.view_figures`)."""
    keys = "".join(f"<span class='key'><span class='swatch' style='background:{_colour(colours, a)}'></span>"
                   f"{_label(labels, a)}</span>" for a in actors)
    return f"<div class='explorer-chart actor-legend'>{_STYLE}{keys}{_caption(caption)}</div>"


def _percent(share: float) -> str:
    return f"{100 * min(max(share, 0.0), 1.0):.1f}%"


def _caption(text: str) -> str:
    return f"<p class='caption'>{html.escape(text)}</p>" if text else ""


_STYLE = """<style>
.explorer-chart table { border-collapse: collapse; font-size: 12px; }
.explorer-chart td, .explorer-chart th { padding: 1px 6px; border: 0; }
.explorer-chart .value { text-align: right; font-variant-numeric: tabular-nums; }
.explorer-chart .caption { font-size: 11px; color: #555; margin: 4px 0 0; }
.term-bars .blocks { display: flex; flex-wrap: wrap; gap: 12px 28px; }
.term-bars .actor { font-weight: 600; margin-bottom: 2px; }
.term-bars .term { text-align: right; }
.term-bars .bar { height: 10px; }
.actor-legend .key { display: inline-block; margin-right: 16px; font-size: 12px; }
.actor-legend .swatch { display: inline-block; width: 14px; height: 3px; margin: 0 5px 3px 0; }
.frame-shares th { font-weight: 500; font-size: 11px; max-width: 90px; }
.frame-shares td.value { min-width: 48px; }
.tone-intervals .track { position: relative; height: 14px; background: #f2f2f2; }
.tone-intervals .zero { position: absolute; top: 0; bottom: 0; border-left: 1px dashed #888; }
.tone-intervals .interval { position: absolute; top: 5px; height: 4px; opacity: 0.6; }
.tone-intervals .dot { position: absolute; top: 3px; width: 8px; height: 8px; margin-left: -4px;
                       border-radius: 50%; }
</style>"""

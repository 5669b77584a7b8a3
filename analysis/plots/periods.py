"""Time axes that follow the period: day, week or month ticks, thinned, and partial periods marked.

Over-time charts put one point or bar per period (the first day of a day, a week from
Monday, or a month, as :func:`analysis.framing.salience.with_period` labels them).
:func:`set_period_axis` ticks at most :data:`MAX_TICKS` of those periods (every k-th, so
labels never overprint) and labels them as the period reads: "7 Feb" for days and weeks
(with the year on the first tick and where it changes), "Feb 2022" for months; with
period ``M`` the axis shows months, never weekly ticks.

A corpus rarely starts on a Monday or the first of a month: its first and last period
may cover only part of their span, and a bar or point for them reads as a drop in
coverage. :func:`partial_periods` finds them from the corpus's date span
(:func:`date_span`); charts draw them hatched and pale (bars) or with open markers (lines),
and the axis label says so (:func:`axis_label`).
"""

from __future__ import annotations

import math
from typing import Any, Literal, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.ticker import NullLocator

Freq = Literal["D", "W", "M"]
#: At most this many labelled ticks on a time axis.
MAX_TICKS = 8
#: How partial periods look: pale, hatched bars (and open markers on lines, :func:`open_markers`).
PARTIAL_ALPHA, PARTIAL_HATCH = 0.45, "////"
_UNIT = {"D": "day", "W": "week", "M": "month"}


def date_span(dates: pd.Series | pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last day of a corpus (its ``date`` column, or an articles table), or ``None`` without dates."""
    values = pd.to_datetime(dates["date"] if isinstance(dates, pd.DataFrame) else dates, errors="coerce").dropna()
    if values.empty:
        return None
    return values.min().normalize(), values.max().normalize()


def infer_freq(periods: Sequence[Any]) -> Freq | None:
    """``"D"``, ``"W"`` or ``"M"`` from the closest spacing of period starts (``None`` for fewer than two dates)."""
    stamps = _stamps(periods)
    if stamps is None or len(stamps) == 0:
        return None
    if len(stamps) == 1:
        return None  # one period: its length cannot be told (pass freq)
    step = min((b - a).days for a, b in zip(stamps[:-1], stamps[1:]))
    return "M" if step >= 28 else ("W" if step >= 7 else "D")


def period_end(start: pd.Timestamp, freq: Freq) -> pd.Timestamp:
    """The last day of the period that starts on ``start``."""
    if freq == "M":
        return (start + pd.offsets.MonthEnd(0)).normalize()
    return start + pd.Timedelta(days=6 if freq == "W" else 0)


def partial_periods(periods: Sequence[Any], *, span: tuple[pd.Timestamp, pd.Timestamp] | None,
                    freq: Freq | None = None) -> list[bool]:
    """For each period, whether the corpus's date ``span`` covers only part of it (first or last week or month)."""
    stamps = _stamps(periods)
    freq = freq or infer_freq(periods)
    if stamps is None or span is None or freq in (None, "D"):
        return [False] * len(periods)
    first, last = span
    return [bool(start < first or period_end(start, freq) > last) for start in stamps]


def period_labels(periods: Sequence[Any], *, freq: Freq | None = None) -> list[str]:
    """Tick labels: "7 Feb" for days and weeks (year on the first and where it changes), "Feb 2022" for months."""
    stamps = _stamps(periods)
    if stamps is None:
        return [str(p) for p in periods]
    freq = freq or infer_freq(periods)
    if freq == "M":
        return [f"{s:%b %Y}" for s in stamps]
    labels, year = [], None
    for stamp in stamps:
        labels.append(f"{stamp.day} {stamp:%b}" + (f" {stamp.year}" if stamp.year != year else ""))
        year = stamp.year
    return labels


def tick_step(count: int, *, max_ticks: int = MAX_TICKS) -> int:
    """Label every k-th period so that at most ``max_ticks`` labels show."""
    return max(1, math.ceil(count / max_ticks))


def set_period_axis(ax: Any, periods: Sequence[Any], *, positions: Sequence[Any] | None = None,
                    freq: Freq | None = None, max_ticks: int = MAX_TICKS, fontsize: float | None = None) -> None:
    """Ticks at every k-th period (``positions``: where each period sits on the x axis, default the periods).

    Labels show once per tick, horizontal when they fit the axes' width, else slanted.
    """
    positions = list(periods if positions is None else positions)
    step = tick_step(len(positions), max_ticks=max_ticks)
    shown = list(range(0, len(positions), step))
    labels = period_labels(periods, freq=freq)
    ax.set_xticks([positions[i] for i in shown], [labels[i] for i in shown], fontsize=fontsize)
    ax.xaxis.set_minor_locator(NullLocator())
    size = fontsize or matplotlib.rcParams["xtick.labelsize"]
    size = size if isinstance(size, (int, float)) else matplotlib.rcParams["font.size"]
    needed = sum(len(labels[i]) + 2 for i in shown) * size * 0.6 / 72  # inches of horizontal labels
    room = ax.get_position().width * ax.figure.get_size_inches()[0]
    if needed > 0.8 * room:
        for label in ax.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")


def axis_label(periods: Sequence[Any], *, partial: Sequence[bool] = (), how: str = "open markers",
               span: tuple[pd.Timestamp, pd.Timestamp] | None = None, freq: Freq | None = None) -> str:
    """The x-axis label: "week starting", and a second line on partial periods where there are any."""
    freq = freq or infer_freq(periods)
    unit = _UNIT.get(freq or "", "period")
    text = {"W": "week starting (Monday)", "M": "month", "D": "day"}.get(freq or "", "period")
    if any(partial) and span is not None:
        text += (f"\n{how}: partial {unit}\n(the corpus runs {span[0].day} {span[0]:%b %Y} to "
                 f"{span[1].day} {span[1]:%b %Y})")
    return text


def mark_partial_bars(bars: Any, partial: Sequence[bool]) -> None:
    """Draw the bars of partial periods pale and hatched (``bars``: a ``BarContainer``, one bar per period)."""
    for patch, is_partial in zip(bars.patches, partial):
        if is_partial:
            patch.set_alpha(PARTIAL_ALPHA)
            patch.set_hatch(PARTIAL_HATCH)
            patch.set_edgecolor("white")
            patch.set_linewidth(0)


def open_markers(ax: Any, x: Sequence[Any], y: Sequence[float], partial: Sequence[bool], *, colour: str,
                 size: float = 4.5) -> None:
    """Open markers (white fill, ``colour`` edge) over the points of partial periods of one line."""
    keep = [i for i, p in enumerate(partial) if p and i < len(y) and np.isfinite(float(y[i]))]
    if keep:
        ax.plot([x[i] for i in keep], [y[i] for i in keep], linestyle="none", marker="o", markersize=size,
                markerfacecolor="white", markeredgecolor=colour, markeredgewidth=1.0, label="_partial")


def _stamps(periods: Sequence[Any]) -> list[pd.Timestamp] | None:
    """The periods as timestamps, or ``None`` when they are not dates (numbers, text)."""
    values = list(periods)
    if not values or not all(isinstance(v, pd.Timestamp) or hasattr(v, "year") and hasattr(v, "month")
                             for v in values):
        return None
    return [pd.Timestamp(v).normalize() for v in values]

"""Checks a reader would make by eye, on any Figure: no text cut at an edge, one clear colour per category.

``category_colours`` reads which colour each category (outlet, actor, class) has in a
figure: from its legend, else from its panel titles (small multiples, one actor per
panel), else from its rows (one bar or dot per tick label). ``colour_problems`` lists
categories that share a colour or whose colours are too close (CIEDE2000); categories in
the neutral grey (speakers outside the codebook) are left out on purpose.
"""

from __future__ import annotations

from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from analysis.plots.colours import NEUTRAL, delta_e, hex_to_lab
from analysis.plots.layout import texts_outside

#: Two categories closer than this (CIEDE2000) count as the same colour to a reader.
MIN_DISTINCT = 10.0

__all__ = ["MIN_DISTINCT", "category_colours", "colour_problems", "texts_outside"]


def category_colours(fig: Figure) -> dict[str, str]:
    """Category label → colour, as the figure shows them (empty when colour encodes no category)."""
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            return _legend_colours(legend)
    panels = {ax.get_title(): _bars(ax)[0] for ax in fig.axes if ax.axison and ax.get_title() and _bars(ax)}
    if len(panels) > 1 and _categorical(panels):
        return panels
    for ax in fig.axes:
        rows = _row_colours(ax) if ax.get_label() != "<colorbar>" else {}
        if rows:
            return rows
    return {}


def colour_problems(fig: Figure, *, minimum: float = MIN_DISTINCT) -> list[str]:
    """Pairs of categories whose colours are the same or closer than ``minimum``."""
    colours = {label: colour for label, colour in category_colours(fig).items() if colour != NEUTRAL}
    labels = sorted(colours)
    problems = []
    for i, first in enumerate(labels):
        for second in labels[i + 1:]:
            distance = float(delta_e(hex_to_lab(colours[first]), hex_to_lab(colours[second])))
            if distance < minimum:
                problems.append(f"{first!r} {colours[first]} and {second!r} {colours[second]}: ΔE {distance:.1f}")
    return problems


def _legend_colours(legend) -> dict[str, str]:
    found = {}
    for text, handle in zip(legend.get_texts(), legend.legend_handles):
        if hasattr(handle, "get_markerfacecolor"):
            face = handle.get_markerfacecolor()
            colour = handle.get_markeredgecolor() if to_hex(face) == "#ffffff" else handle.get_color()
        else:
            colour = handle.get_facecolor()
        found[text.get_text()] = to_hex(colour)
    return found


def _bars(ax) -> list[str]:
    return [to_hex(p.get_facecolor()) for c in ax.containers if isinstance(c, BarContainer) for p in c.patches]


def _row_colours(ax) -> dict[str, str]:
    """Tick label → colour of the bar or dot on that row (horizontal bars and dot plots)."""
    labels = {round(float(t.get_position()[1])): t.get_text() for t in ax.get_yticklabels() if t.get_text()}
    found: dict[str, str] = {}
    for container in ax.containers:
        if isinstance(container, BarContainer):
            for patch in container.patches:
                row = round(patch.get_y() + patch.get_height() / 2)
                if row in labels:
                    found.setdefault(labels[row], to_hex(patch.get_facecolor()))
    for collection in ax.collections:
        offsets, faces = collection.get_offsets(), collection.get_facecolors()
        if len(offsets) and len(faces) == len(offsets):
            for (_, y), face in zip(offsets, faces):
                if round(float(y)) in labels:
                    found.setdefault(labels[round(float(y))], to_hex(face))
    return found if _categorical(found) else {}


def _categorical(colours: dict[str, str]) -> bool:
    """Whether colour tells these labels apart at all (not one colour per direction or class of many rows)."""
    return len(set(colours.values())) > max(1, len(colours) / 2)

"""Layout that survives real data: no clipped text, legends outside the data, long names wrapped.

Every plot function ends with :func:`finish`: matplotlib's ``tight_layout`` fits the axes
around their labels, and where text still reaches past an edge of the figure (a label
longer than the figure allows, a wide legend) the figure grows by what sticks out and is
laid out again, so no label is ever cut, whatever its length; :func:`texts_outside`
is the check, and the tests apply it to every plot function on long names and 20 outlets.
Legends go beside the axes (:func:`legend_outside`), never over bars or lines; names
longer than :data:`WRAP` characters are wrapped onto more lines (:func:`wrap_label`),
never cut.

Inside :func:`drawing_layout` (the explorer), the layout passes of :func:`finish` draw the
figure for real (Agg, at its own dpi) instead of only measuring it, so that the pixels of
the last pass can be shown as they are (:func:`drawn_pixels`): a figure on screen is then
drawn once after its layout, not once more to show it.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator, Literal, Sequence

from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text

#: Characters per line of a wrapped tick or legend label.
WRAP = 28
#: Room kept between text and the figure's edge when the figure grows (inches).
PAD_INCHES = 0.06
#: The subplots are never squeezed narrower or lower than this (inches): the figure grows instead.
MIN_AXES_INCHES = 0.8

_DRAWING = ContextVar("drawing_layout", default=False)
_DRAWN = "_media_analysis_drawn_by"  # the figure's attribute: the Agg canvas that drew its last layout pass


def wrap_label(text: object, *, width: int = WRAP) -> str:
    """``text`` wrapped onto lines of at most ``width`` characters (words are never cut)."""
    value = str(text)
    if len(value) <= width:
        return value
    return "\n".join(textwrap.wrap(value, width=width, break_long_words=False, break_on_hyphens=False)) or value


def wrap_labels(texts: Sequence[object], *, width: int = WRAP) -> list[str]:
    return [wrap_label(t, width=width) for t in texts]


def rows_height(labels: Sequence[object], *, per_row: float, line: float = 0.14) -> float:
    """Inches for one row per label: ``per_row`` each, and ``line`` more for each extra line of a wrapped label."""
    return sum(per_row + line * wrap_label(label).count("\n") for label in labels)


def legend_outside(ax: Any, *, handles: Sequence[Any] | None = None, labels: Sequence[str] | None = None,
                   title: str | None = None, fontsize: float = 7, where: Literal["right", "above"] = "right"
                   ) -> Legend | None:
    """A legend outside the axes, never over the data: right of them (top-aligned, in as many
    columns as the figure's height needs) or above them (one row).

    Labels are wrapped (:func:`wrap_label`); :func:`finish` then makes room for it.
    Returns ``None`` when there is nothing to list.
    """
    if handles is None or labels is None:
        handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    wrapped = [wrap_label(label, width=24) for label in labels]
    options = dict(borderaxespad=0.0, frameon=False, fontsize=fontsize, title=title, title_fontsize=fontsize,
                   alignment="left")
    if where == "above":
        return ax.legend(handles, wrapped, loc="lower left", bbox_to_anchor=(0.0, 1.02), ncols=len(handles),
                         **options)
    height = ax.figure.get_size_inches()[1]
    rows = max(4, int((height - 0.5) / (fontsize * 2.1 / 72)))
    lines = sum(label.count("\n") + 1 for label in wrapped)
    return ax.legend(handles, wrapped, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                     ncols=max(1, math.ceil(lines / rows)), **options)


def finish(fig: Figure, *, rounds: int = 4) -> Figure:
    """Lay ``fig`` out so that every text lies inside it. Returns ``fig``.

    ``tight_layout`` first; text it does not count (a panel title wider than its panel)
    and still reaching past an edge moves the subplots in by that much; if text still
    sticks out (the axes would have no room left), the figure grows by it and is laid out
    again, at most ``rounds`` times.
    """
    for _ in range(rounds):
        _tight(fig)
        over = overflow(fig)
        if max(over) <= 0 or _squeeze(fig, over) and max(overflow(fig)) <= 0:
            break
        left, bottom, right, top = over
        width, height = fig.get_size_inches()
        grow_w = (left + right + 2 * PAD_INCHES) if left > 0 or right > 0 else 0.0
        grow_h = (bottom + top + 2 * PAD_INCHES) if bottom > 0 or top > 0 else 0.0
        fig.set_size_inches(width + grow_w, height + grow_h)
    fig.set_layout_engine(None)  # laid out once and for all: savefig then draws once (a placeholder engine draws twice)
    return fig


def _squeeze(fig: Figure, over: tuple[float, float, float, float]) -> bool:
    """Move the subplots in from each edge where text sticks out; False where too little room would be left.

    What ``tight_layout`` leaves sticking out is text centred on its axes (a title wider
    than its panel): moving one edge in by twice the excess brings such text inside.
    """
    width, height = fig.get_size_inches()
    pars = fig.subplotpars
    shift = [2 * v + PAD_INCHES if v > 0 else 0.0 for v in over]
    left, bottom = pars.left + shift[0] / width, pars.bottom + shift[1] / height
    right, top = pars.right - shift[2] / width, pars.top - shift[3] / height
    if (right - left) * width < MIN_AXES_INCHES or (top - bottom) * height < MIN_AXES_INCHES:
        return False
    fig.subplots_adjust(left=left, bottom=bottom, right=right, top=top)
    return True


def _tight(fig: Figure) -> None:
    with warnings.catch_warnings():  # "not compatible with tight_layout" / "axes sizes collapsed": handled by growing
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()


def overflow(fig: Figure) -> tuple[float, float, float, float]:
    """How far (inches) drawn text reaches past the figure's left, bottom, right and top edges (0 if not)."""
    renderer = _renderer(fig)
    drawn = getattr(fig, _DRAWN, None) is fig.canvas
    width, height = fig.bbox.width, fig.bbox.height
    left = bottom = right = top = 0.0
    for text in drawn_texts(fig):
        box = text.get_window_extent(renderer)
        left, bottom = max(left, -box.x0), max(bottom, -box.y0)
        right, top = max(right, box.x1 - width), max(top, box.y1 - height)
    if drawn:
        fig.stale = False  # measuring the drawn texts (the ticks in view, as drawn) changed nothing
    return tuple(v / fig.dpi for v in (left, bottom, right, top))  # type: ignore[return-value]


def texts_outside(fig: Figure, *, tolerance: float = 1.0) -> list[str]:
    """The drawn texts whose extent leaves the figure by more than ``tolerance`` pixels (clipped in a file)."""
    renderer = _renderer(fig)
    width, height = fig.bbox.width, fig.bbox.height
    found = []
    for text in drawn_texts(fig):
        box = text.get_window_extent(renderer)
        if box.x0 < -tolerance or box.y0 < -tolerance or box.x1 > width + tolerance or box.y1 > height + tolerance:
            found.append(f"{text.get_text()!r} at ({box.x0:.0f}, {box.y0:.0f})-({box.x1:.0f}, {box.y1:.0f}) "
                         f"in a {width:.0f}x{height:.0f} figure")
    return found


def drawn_texts(fig: Figure) -> Iterator[Text]:
    """Every visible, non-empty text the figure draws: titles, labels, tick labels in view, legends, annotations."""
    hidden: set[int] = set()
    for ax in fig.axes:
        axes_texts = [axis for axis in (ax.xaxis, ax.yaxis)]
        if not ax.get_visible():
            hidden |= {id(t) for t in ax.findobj(Text)}
            continue
        for axis in axes_texts:
            ticks = axis.get_major_ticks() + axis.get_minor_ticks()
            labels = {id(t) for tick in ticks for t in (tick.label1, tick.label2)}
            if not ax.axison or not axis.get_visible():
                hidden |= labels | {id(axis.label), id(axis.offsetText)}
                continue
            drawn = {id(t) for tick in axis._update_ticks() for t in (tick.label1, tick.label2)}
            hidden |= labels - drawn
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None and not legend.get_visible():
            hidden |= {id(t) for t in legend.findobj(Text)}
    for text in fig.findobj(Text):
        if id(text) not in hidden and text.get_visible() and text.get_text().strip():
            yield text


def _renderer(fig: Figure) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if _DRAWING.get() and isinstance(fig.canvas, FigureCanvasAgg):
        fig.canvas.draw()
        setattr(fig, _DRAWN, fig.canvas)
        return fig.canvas.get_renderer()
    fig.__dict__.pop(_DRAWN, None)  # measured, not painted: the canvas's pixels are not this layout's
    fig.draw_without_rendering()
    return fig._get_renderer()


@contextmanager
def drawing_layout() -> Iterator[None]:
    """Within this block :func:`finish` lays figures out by drawing them (Agg, at the figure's dpi),
    so their pixels are ready to show (:func:`drawn_pixels`). Outside it, layout only measures:
    an export at another resolution draws anyway, and a pass that paints pixels costs more."""
    token = _DRAWING.set(True)
    try:
        yield
    finally:
        _DRAWING.reset(token)


def drawn_pixels(fig: Figure) -> Any | None:
    """The RGBA pixels (``memoryview``, the canvas's size) of ``fig``'s last layout pass when it was drawn
    for real (:func:`drawing_layout`) and nothing changed since (matplotlib marks a changed figure
    stale, and a file saved at another dpi leaves it stale too); else ``None``."""
    if getattr(fig, _DRAWN, None) is not fig.canvas or fig.stale:
        return None
    return fig.canvas.buffer_rgba()

"""The explorer's figures, its KWIC lines as HTML, and "export this view".

Companion of :mod:`analysis.report.explorer` (state and tables): figures come from the
suite's plot functions (on screen, the overall tone, the frames and the context words are
HTML charts of :mod:`analysis.report.explorer_charts`, which the browser draws in a fraction
of a figure's time), KWIC lines are HTML ``<details>`` elements (click a line to see its
sentence's tone and frames), and :func:`export_view` writes the current figures through
:func:`analysis.plots.export.save_figure` (PNG, SVG, PDF and the plotted data as CSV, with the
selections as the manifest entry's parameters) and the current tables as CSV, into a new run
folder. Corpus text is escaped before it reaches HTML.
"""

from __future__ import annotations

import html
import io
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, Collection, Mapping, Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis.paths import FIGURES
from analysis.plots.export import data_bytes, figure_data, figure_pixels, note_figure, save_figure
from analysis.plots.framing import plot_frame_heatmap
from analysis.plots.layout import drawing_layout
from analysis.plots.overview import plot_salience_trend
from analysis.plots.sentiment import plot_actor_tone, plot_tone_trend
from analysis.plots.terms import plot_context_terms
from analysis.report.explorer import (FIGURE_MEMO_SIZE, ExplorerData, ExplorerState, kwic_table, remembered,
                                      view_tables)
from analysis.report.explorer_charts import frame_shares_html, legend_html, term_bars_html, tone_intervals_html
from analysis.store import write_bytes_atomic, write_json_atomic

NOTEBOOK = "explore"
CAPTIONS = {
    "salience": "Share of the selected articles per period that name each actor.",
    "tone": "Mean tone toward each actor per period, bootstrap 95% intervals (periods with 3+ mentions).",
    "tone-overall": "Mean tone toward each actor in the selection, bootstrap 95% intervals.",
    "frames": "Share of each actor's sentences with a term of each frame.",
    "context": "Most frequent words in each actor's sentences, per 10,000 context words.",
}


def _span(data: ExplorerData, state: ExplorerState) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if state.start and state.end:
        return pd.Timestamp(state.start), pd.Timestamp(state.end)
    return None


def view_figures(data: ExplorerData, state: ExplorerState, tables: Mapping[str, pd.DataFrame] | None = None, *,
                 names: Collection[str] = tuple(CAPTIONS), screen: bool = False) -> dict[str, Figure]:
    """The current figures for ``state``: those of ``names`` among salience, tone, tone-overall, frames, context.

    ``screen``: the figures the notebook shows. The time series leave out their title and
    legend (the tab names the chart, :func:`~analysis.report.explorer_charts.legend_html` gives
    the colours above it: together a third of a line chart's drawing time), and each is laid
    out by drawing it, so that :func:`figure_png` shows those pixels without drawing again.
    Else the complete figures that :func:`export_view` saves.
    """
    tables = tables if tables is not None else view_tables(data, state)
    if not state.actors:
        return {name: note_figure("Choose one or more actors.") for name in CAPTIONS if name in names}
    drawers = _drawers(data, state, tables, screen=screen)
    with drawing_layout() if screen else nullcontext():
        return {name: _remembered(data, (name, screen, *_depends(state, name)), drawers[name]) for name in CAPTIONS
                if name in names}


def _depends(state: ExplorerState, name: str) -> tuple:
    """The selections figure ``name`` depends on (a period change keeps the frames and context figures)."""
    common = (state.actors, state.outlets, state.start, state.end)
    return {"salience": (*common, state.period), "tone": (*common, state.period, state.n_boot),
            "tone-overall": (*common, state.n_boot), "frames": common, "context": (*common, state.top_n)}[name]


def _remembered(data: ExplorerData, key: tuple, draw: Callable[[], Figure]) -> Figure:
    """``draw()``, or the figure drawn for ``key`` before (the last :data:`FIGURE_MEMO_SIZE` are kept).

    A remembered figure may have been closed by pyplot (the notebook closes what it displayed);
    it can still be displayed and saved.
    """
    return remembered(data.figures, key, draw, size=FIGURE_MEMO_SIZE)


def _drawers(data: ExplorerData, state: ExplorerState, tables: Mapping[str, pd.DataFrame], *, screen: bool
             ) -> dict[str, Callable[[], Figure]]:
    span, labels, colours, actors = _span(data, state), dict(data.labels), dict(data.colours), list(state.actors)
    lean = {"title": "", "legend": False} if screen else {}
    none = note_figure  # a figure that says why there is nothing to draw
    return {
        "salience": lambda: plot_salience_trend(tables["salience"], colours=colours, labels=labels, actors=actors,
                                                freq=state.period, span=span, **lean),
        "tone": lambda: plot_tone_trend(tables["tone"], colours=colours, labels=labels, actors=actors,
                                        freq=state.period, span=span, **lean)
        if not tables["tone"].empty else none("No scored mentions in the selection."),
        "tone-overall": lambda: plot_actor_tone(tables["tone_overall"], colours=colours, labels=labels,
                                                top_n=len(actors))
        if not tables["tone_overall"].empty else none("No scored mentions in the selection."),
        "frames": lambda: plot_frame_heatmap(tables["frames"], labels=labels)
        if not tables["frames"].empty else none("No sentences of the chosen actors in the selection."),
        "context": lambda: plot_context_terms(tables["context"], actors=actors, top_n=state.top_n, colours=colours,
                                              labels=labels, ncols=min(3, len(actors)))
        if not tables["context"].empty else none("No context words for the chosen actors in the selection."),
    }


def figure_png(fig: Figure) -> bytes:
    """``fig`` as the PNG a notebook shows, at the figure's size and dpi, with fast compression.

    What IPython's inline display would do, with less work: the pixels of the figure's
    last layout pass when :func:`view_figures` drew it (:func:`~analysis.plots.export.figure_pixels`),
    else one draw; no ``bbox_inches="tight"`` pass (a second draw: every plot function has
    already laid its figure out with :func:`~analysis.plots.layout.finish`, so no text lies
    outside it); zlib level 1 instead of 6 (a larger file, encoded in a fraction of the time).
    """
    buffer = io.BytesIO()
    figure_pixels(fig, dpi=fig.dpi).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def view_images(data: ExplorerData, state: ExplorerState, tables: Mapping[str, pd.DataFrame] | None = None, *,
                names: Collection[str] = tuple(CAPTIONS)) -> dict[str, bytes]:
    """The current screen figures of ``names`` as PNG (:func:`figure_png`), each remembered beside its figure."""
    figures = view_figures(data, state, tables, names=names, screen=True)
    return {name: _remembered(data, ("png", name, *_depends(state, name)), lambda f=fig: figure_png(f))
            for name, fig in figures.items()}


def close_figures(figures: Mapping[str, Figure]) -> None:
    """Free the figures (pyplot keeps every figure it made until closed)."""
    for fig in figures.values():
        plt.close(fig)


#: The figures each pane draws (names of :data:`CAPTIONS`). The overall tone, the frames and
#: the context words show as HTML charts (:mod:`analysis.report.explorer_charts`, drawn by the
#: browser); "export this view" writes their figures too.
PANES: dict[str, tuple[str, ...]] = {
    "Salience": ("salience",), "Tone": ("tone",), "Frames": (), "Voice": (), "Context": (),
}
#: The tables each pane shows or draws (keys of :data:`analysis.report.explorer.TABLES`).
PANE_TABLES: dict[str, tuple[str, ...]] = {
    "Salience": ("salience",), "Tone": ("tone", "tone_overall"), "Frames": ("frames",), "Voice": ("voice", "verbs"),
    "Context": ("context", "keyness"),
}


def view_panes(data: ExplorerData, state: ExplorerState, *, panes: Sequence[str] = tuple(PANES),
               images: bool = False) -> dict[str, list[Figure | bytes | str]]:
    """What each pane shows, in order: figures and HTML tables (``panes``: the names of :data:`PANES` to build).

    Only the tables and figures of the panes asked for are computed, so a notebook can
    update just the pane on screen (the others follow when their tab is opened).
    ``images``: each figure as the PNG the notebook displays (:func:`view_images`, the screen
    figures), after a line that names its colours and says what it shows; else complete Figures.
    """
    tables = view_tables(data, state, names=list(dict.fromkeys(t for pane in panes for t in PANE_TABLES[pane])))
    wanted = {name for pane in panes for name in PANES[pane]}
    figures = view_figures(data, state, tables, names=wanted, screen=images)
    colours, labels = dict(data.colours), dict(data.labels)
    if images:
        pngs = view_images(data, state, tables, names=wanted)  # of the figures just made (remembered)
        shown = {name: [legend_html(_drawn_actors(figure, state.actors), colours=colours, labels=labels,
                                    caption=CAPTIONS[name]), pngs[name]] if state.actors else [pngs[name]]
                 for name, figure in figures.items()}
    else:
        shown = {name: [figure] for name, figure in figures.items()}
    sections: dict[str, Callable[[], list[str]]] = {
        "Salience": lambda: [table_html(tables["salience"])],
        "Tone": lambda: [tone_intervals_html(tables["tone_overall"], colours=colours, labels=labels,
                                             caption=CAPTIONS["tone-overall"])],
        "Frames": lambda: [frame_shares_html(tables["frames"], labels=labels, caption=CAPTIONS["frames"]),
                           table_html(tables["frames"])],
        "Voice": lambda: ["<h4>Quotes and quoted words</h4>" + table_html(tables["voice"],
                                                                         empty="Not quoted in this selection."),
                          "<h4>Attribution verbs</h4>" + table_html(tables["verbs"], empty="No attribution verbs.")],
        "Context": lambda: [term_bars_html(tables["context"], actors=state.actors, top_n=state.top_n, colours=colours,
                                           labels=labels, caption=CAPTIONS["context"]),
                            "<h4>Key words (G², against the rest of the corpus)</h4>" + table_html(tables["keyness"])],
    }
    return {pane: [item for name in PANES[pane] for item in shown[name]] + sections[pane]() for pane in panes}


def _drawn_actors(figure: Figure, actors: Sequence[str]) -> list[str]:
    """The chosen actors that ``figure`` draws a line for (its legend), from the numbers it plots
    (:func:`~analysis.plots.export.figure_data`; a note draws none)."""
    plotted = figure_data(figure)
    drawn = set(plotted["actor_id"]) if plotted is not None and "actor_id" in plotted else set()
    return [actor for actor in actors if actor in drawn]


# ---- HTML --------------------------------------------------------------------------------------------

def table_html(table: pd.DataFrame, *, digits: int = 3, empty: str = "Nothing to show for this selection.") -> str:
    """A table as escaped HTML (numbers rounded), or a short note when it is empty."""
    if table.empty:
        return f"<p><em>{html.escape(empty)}</em></p>"
    numbers = table.select_dtypes("number").columns
    return table.round({c: digits for c in numbers}).to_html(index=False, escape=True, classes="explorer-table", border=0)


def kwic_html(page: pd.DataFrame, *, total: int, state: ExplorerState) -> str:
    """KWIC lines of one page as HTML: each a ``<details class="kwic-line">`` whose summary is
    ``date · outlet · headline: left [keyword] right`` and whose body is the sentence, its tone and frames."""
    if not state.query:
        return "<p><em>Type a word or phrase to see its concordance lines.</em></p>"
    if page.empty:
        return f"<p class='kwic-none'><em>No line contains “{html.escape(state.query)}” in this selection.</em></p>"
    first = state.page * state.page_size + 1
    head = (f"<p class='kwic-count'>Lines {first}–{first + len(page) - 1} of {total:,} for "
            f"“{html.escape(state.query)}”</p>")
    return head + "".join(_kwic_line(row) for row in page.itertuples(index=False))


def _kwic_line(row: object) -> str:
    e = html.escape
    date = f"{row.date:%Y-%m-%d}" if pd.notna(row.date) else ""
    tone = "" if pd.isna(row.tone) else f"{row.tone:+.2f} ({row.tone_label})"
    return (f"<details class='kwic-line'><summary><span class='kwic-meta'>{e(date)} · {e(str(row.outlet))} · "
            f"<i>{e(str(row.title))}</i></span><br><span class='kwic-left'>{e(str(row.left))}</span> "
            f"<b class='kwic-keyword'>{e(str(row.keyword))}</b> <span class='kwic-right'>{e(str(row.right))}</span>"
            f"</summary><div class='kwic-detail'><p>{e(str(row.sentence))}</p>"
            f"<p>Sentence tone (VADER compound): {e(tone) or 'not scored'}<br>"
            f"Frames: {e(str(row.frames)) or 'none'}</p></div></details>")


# ---- export this view ----------------------------------------------------------------------------------

def next_run_folder(root: str | Path) -> Path:
    """A new folder ``<root>/view-NNN`` (the next free number); refuses the tracked ``figures/``."""
    root = Path(root).resolve()
    if root == FIGURES.resolve() or FIGURES.resolve() in root.parents:
        raise ValueError(f"explorer views go to a run folder, not the tracked {FIGURES}")
    root.mkdir(parents=True, exist_ok=True)
    taken = [int(p.name[5:]) for p in root.glob("view-[0-9][0-9][0-9]") if p.name[5:].isdigit()]
    folder = root / f"view-{max(taken, default=0) + 1:03d}"
    folder.mkdir()
    return folder


def export_view(data: ExplorerData, state: ExplorerState, *, root: str | Path,
                formats: tuple[str, ...] = ("png", "svg", "pdf")) -> Path:
    """Write the current view into a new run folder under ``root`` and return the folder.

    Figures go through :func:`save_figure` (``formats`` + plotted data as CSV; manifest.json
    records the selections as each entry's parameters); every pane's table, and every KWIC line
    of the query (not only the page shown), as ``table-<pane>.csv``; ``view.json`` lists them with the selections.
    """
    folder = next_run_folder(root)
    tables = dict(view_tables(data, state))
    figures = view_figures(data, state, tables)
    selections = state.selections()
    try:
        for name, fig in figures.items():
            save_figure(fig, f"explore-{name}", folder=folder, notebook=NOTEBOOK, parameters=selections,
                        caption=CAPTIONS[name], formats=formats)
    finally:
        close_figures(figures)
    tables["kwic"] = kwic_table(data, state)
    written = []
    for name, table in tables.items():
        path = folder / f"table-{name}.csv"
        write_bytes_atomic(path, data_bytes(table))
        written.append(path.name)
    write_json_atomic(folder / "view.json", {"notebook": NOTEBOOK, "selections": selections,
                                             "figures": [f"explore-{n}" for n in figures], "tables": written})
    return folder

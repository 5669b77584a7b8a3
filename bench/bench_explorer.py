"""Explorer updates on the Q1 corpus: one widget change -> every pane's table (and figures), from cached tables.

    .venv/bin/python bench/bench_explorer.py [--articles ../shared/data/ukraine_media_2022q1/articles.csv]
                                             [--repeat 5] [--figures]

Baseline, in the same run: opening the cached workspace (``open_workspace``: read the corpus,
load the cached annotation tables) and preparing it for the explorer (:func:`prepare`). Then
each kind of update the notebook makes is timed ``--repeat`` times on fresh selections (so a
memo of an earlier update does not answer it), and the median is printed beside the worst:

* actor added / removed, outlet changed, date range changed, period changed: every pane
  (salience, tone with ``n_boot`` resamples, frames, voice, verbs, context terms, keyness,
  KWIC page);
* KWIC query typed, KWIC page turned: the KWIC pane.

``--figures`` also times drawing the five figures of a view (matplotlib, not cached).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

from analysis.annotate.workspace import open_workspace
from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS
from analysis.report.explorer import (ExplorerData, ExplorerState, date_options, initial_state, kwic_page,
                                      kwic_table, prepare, turn_page, view_tables, with_changes)
from analysis.report.explorer_view import close_figures, view_figures

BUDGET = 0.5  # seconds per update
QUERIES = ("sanctions", "no-fly zone", "invasion", "refugees", "gas prices", "nuclear", "peace talks")


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def updates(data: ExplorerData, base: ExplorerState, repeat: int) -> dict[str, list[ExplorerState]]:
    """For each kind of update, ``repeat`` states that differ from the base in that one widget."""
    days, outlets = date_options(data), sorted(data.articles["outlet"].unique())
    extra = [a for a in data.actor_order[len(base.actors):]][:repeat]
    return {
        "actor added": [with_changes(base, actors=(*base.actors, a)) for a in extra],
        "actor removed": [with_changes(base, actors=base.actors[:i] + base.actors[i + 1:])
                          for i in range(len(base.actors))][:repeat],
        "outlet changed": [with_changes(base, outlets=(o,)) for o in outlets[:repeat]],
        "date range changed": [with_changes(base, start=days[7 * i], end=days[-1 - 3 * i]) for i in range(1, repeat + 1)],
        "period changed": [with_changes(base, period=p) for p in ("D", "M", "D", "M", "D")[:repeat]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=Q1_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--figures", action="store_true")
    args = parser.parse_args(argv)
    if not args.articles.exists():
        print(f"skip: {args.articles} not found (needs ../shared)")
        return 0
    start = time.perf_counter()
    ws = open_workspace(corpus=args.articles, codebook=DEFAULT_CODEBOOK)
    opened = time.perf_counter() - start
    start = time.perf_counter()
    data = prepare(ws)
    prepared = time.perf_counter() - start
    base = initial_state(data)
    first = timed(lambda: view_tables(data, base))
    print(f"Q1 corpus: {len(ws.articles):,} articles, {len(ws.table('tokens')):,} tokens; actors {base.actors}")
    print(f"baseline  open_workspace (cached annotations): {opened:8.3f} s")
    print(f"baseline  prepare(ws) for the explorer:        {prepared:8.3f} s")
    print(f"first view (every pane, nothing memoised):     {first:8.3f} s")
    rows = []
    for kind, states in updates(data, base, args.repeat).items():
        rows.append((kind, [timed(lambda s=s: view_tables(data, s)) for s in states]))
    query_states = [with_changes(base, query=q) for q in QUERIES[:args.repeat]]
    rows.append(("KWIC query typed", [timed(lambda s=s: kwic_page(data, s)) for s in query_states]))
    pages = [turn_page(s, 1, n_lines=len(kwic_table(data, s))) for s in query_states]
    rows.append(("KWIC page turned", [timed(lambda s=s: kwic_page(data, s)) for s in pages]))
    if args.figures:
        def draw(state: ExplorerState) -> None:
            close_figures(view_figures(data, state))
        rows.append(("figures redrawn (5)", [timed(lambda s=s: draw(s)) for s in [base] * min(3, args.repeat)]))
    print(f"\n{'update':24} {'n':>3} {'median s':>9} {'max s':>7}  within {BUDGET} s")
    for kind, times in rows:
        median = statistics.median(times)
        print(f"{kind:24} {len(times):3d} {median:9.3f} {max(times):7.3f}  {'yes' if median <= BUDGET else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

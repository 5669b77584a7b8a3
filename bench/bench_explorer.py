"""Explorer updates on the Q1 corpus: one widget change -> the panes' tables (and figures), from cached tables.

    .venv/bin/python bench/bench_explorer.py [--articles ../shared/data/ukraine_media_2022q1/articles.csv]
                                             [--repeat 5] [--figures]

Baseline, in the same run: opening the cached workspace (``open_workspace``: read the corpus,
load the cached annotation tables) and preparing it for the explorer (:func:`prepare`, which
builds the per-article index of :mod:`analysis.report.explorer_index`). Then the base view (the
three most mentioned actors, every outlet, the whole quarter, weeks) is computed and its memo
kept; every timed update starts from exactly that memo (restored before each run), so it
costs what a user changing one widget from the base view waits for, and no earlier timed
update helps it. Each kind is timed ``--repeat`` times on different selections; the median
is printed beside the worst:

* actor added / removed, outlet changed, date range changed, period changed: every pane's
  table (salience, tone and overall tone with ``n_boot`` bootstrap resamples, frames, voice,
  verbs, context terms, keyness, KWIC page);
* KWIC query typed, KWIC page turned: the KWIC pane.

Beside them, as the in-run baseline, the same updates computed directly from the filtered
tables (what the explorer did before its index: filter, then run each measure).

``--figures`` also times drawing all five figures of a view at once (matplotlib, nothing remembered;
a reference, not an update: the notebook never draws the five together), and what the notebook
does on a widget change: the pane on screen (its tables, its figures drawn and rendered as the
PNGs the notebook displays, and HTML, see :func:`~analysis.report.explorer_view.view_panes`) and
the KWIC lines, for each pane, starting from the base view with that pane shown (its tables,
figures and PNGs remembered). Not timed: the browser showing what the kernel sends.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable

import matplotlib.pyplot as plt
import pandas as pd

from analysis.annotate.workspace import open_workspace
from analysis.framing.frames import actor_frames
from analysis.framing.salience import actor_salience
from analysis.framing.voice import attribution_verbs, voice
from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS
from analysis.report.explorer import (TABLES, ExplorerData, ExplorerState, date_options, initial_state, kwic_page,
                                      kwic_table, prepare, turn_page, view_tables, with_changes)
from analysis.report.explorer_view import PANES, close_figures, view_figures, view_panes
from analysis.sentiment.tone import actor_tone
from analysis.terms.actor_context import actor_context_terms
from analysis.terms.keyness import actor_keyness

BUDGET = 0.5  # seconds per update
ALL_FIGURES = "all 5 figures drawn (not an update: reference)"
QUERIES = ("sanctions", "no-fly zone", "invasion", "refugees", "gas prices", "nuclear", "peace talks")


def updates(data: ExplorerData, base: ExplorerState, repeat: int) -> dict[str, list[ExplorerState]]:
    """For each kind of update, ``repeat`` states that differ from the base in that one widget."""
    days, outlets = date_options(data), sorted(data.articles["outlet"].unique())
    extra = list(data.actor_order[len(base.actors):])[:repeat]
    return {
        "actor added": [with_changes(base, actors=(*base.actors, a)) for a in extra],
        "actor removed": [with_changes(base, actors=base.actors[:i] + base.actors[i + 1:])
                          for i in range(len(base.actors))][:repeat],
        "outlet changed": [with_changes(base, outlets=(o,)) for o in outlets[:repeat]],
        "date range changed": [with_changes(base, start=days[7 * i], end=days[-1 - 3 * i]) for i in range(1, repeat + 1)],
        "period changed": [with_changes(base, period=p) for p in ("D", "M", "D", "M", "D", "M", "D")[:repeat]],
    }


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def direct_tables(data: ExplorerData, state: ExplorerState, *, periods_only: bool = False) -> None:
    """The panes' tables as the explorer computed them before its index, for the in-run baseline: filter
    the tables to the selected articles, then run each measure on them (the tests compare the two).
    ``periods_only``: just the tables that show periods (what a period change recomputed)."""
    keep = data.articles["outlet"].isin(list(state.outlets)) if state.outlets else data.articles["day"].notna()
    if state.start:
        keep &= data.articles["day"] >= pd.Timestamp(state.start)
    if state.end:
        keep &= data.articles["day"] <= pd.Timestamp(state.end)
    articles = data.articles[keep]
    ids = articles["article_id"]
    quotes = data.quotes[data.quotes["article_id"].isin(ids)]
    if not periods_only:
        voice(quotes)
    for actor in state.actors:
        found = data.by_actor.get(actor, data.mentions.head(0))
        mentions = found[found["article_id"].isin(ids)]
        actor_salience(mentions, data.sentences, articles, freq=state.period, actors=[actor])
        rows = data.mention_tone[(data.mention_tone["actor_id"] == actor) & data.mention_tone["article_id"].isin(ids)]
        actor_tone(rows.assign(period=rows["date"].dt.to_period(state.period).dt.start_time.dt.normalize()),
                   by=["actor_id", "period"], n_boot=state.n_boot, seed=0)
        if periods_only:
            continue
        actor_tone(rows, by=["actor_id"], n_boot=state.n_boot, seed=0)
        actor_frames(data.frames, mentions)
        attribution_verbs(quotes[quotes["speaker_actor_id"].str.contains(actor, regex=False, na=False)])
        actor_context_terms(data.tokens, mentions, actor_id=actor, top_n=state.top_n)
        actor_keyness(data.tokens, mentions, actor)


def timed_from(data: ExplorerData, memo: OrderedDict, run: Callable[[], object], figures: OrderedDict | None = None
               ) -> float:
    """Seconds ``run()`` takes with the explorer's memos set back to ``memo`` and ``figures`` (none) first."""
    data.memo.clear()
    data.memo.update(memo)
    data.figures.clear()
    data.figures.update(figures or {})
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def notebook_update(data: ExplorerData, state: ExplorerState, pane: str) -> None:
    """What the notebook does on a widget change: the pane on screen, then the KWIC lines."""
    view_panes(data, state, panes=[pane], images=True)  # figures drawn and rendered as the PNGs displayed
    plt.close("all")
    kwic_table(data, state)
    kwic_page(data, state)


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
    start = time.perf_counter()
    view_tables(data, base)
    first = time.perf_counter() - start
    memo = OrderedDict(data.memo)
    print(f"Q1 corpus: {len(ws.articles):,} articles, {len(ws.table('tokens')):,} tokens; actors {base.actors}")
    print(f"baseline  open_workspace (cached annotations): {opened:8.3f} s")
    print(f"baseline  prepare(ws) for the explorer:        {prepared:8.3f} s")
    print(f"first view (every pane, nothing memoised):     {first:8.3f} s")
    rows = []
    kinds = updates(data, base, args.repeat)
    baseline = {}
    for kind, states in kinds.items():
        rows.append((kind, [timed_from(data, memo, lambda s=s: view_tables(data, s)) for s in states]))
        if kind != "actor removed":  # the direct computation of the changed panes, in this run
            changed = [with_changes(s, actors=s.actors[len(base.actors):]) if kind == "actor added" else s
                       for s in states[:3]]
            baseline[kind] = statistics.median(
                timed(lambda s=s: direct_tables(data, s, periods_only=kind == "period changed")) for s in changed)
    query_states = [with_changes(base, query=q) for q in QUERIES[:args.repeat]]
    rows.append(("KWIC query typed", [timed_from(data, memo, lambda s=s: kwic_page(data, s)) for s in query_states]))
    turns = []
    for state in query_states:
        data.memo.clear()
        data.memo.update(memo)
        kwic_page(data, state)
        with_query = OrderedDict(data.memo)
        turned = turn_page(state, 1, n_lines=len(kwic_table(data, state)))
        turns.append(timed_from(data, with_query, lambda s=turned: kwic_page(data, s)))
    rows.append(("KWIC page turned", turns))
    if args.figures:
        def draw(state: ExplorerState) -> None:
            close_figures(view_figures(data, state))
        rows.append((ALL_FIGURES, [timed_from(data, memo, lambda: draw(base))
                                             for _ in range(min(3, args.repeat))]))
        for pane in PANES:  # the base view's pane on screen (its figures remembered), then one widget changes
            timed_from(data, memo, lambda: notebook_update(data, base, pane))
            shown, drawn = OrderedDict(data.memo), OrderedDict(data.figures)
            for kind in ("actor added", "outlet changed", "date range changed", "period changed"):
                rows.append((f"{kind}: {pane} tab", [
                    timed_from(data, shown, lambda s=s: notebook_update(data, s, pane), drawn)
                    for s in kinds[kind][:3]]))
    print(f"\n{'update (tables of every pane unless a tab is named)':52} {'n':>3} {'median s':>9} {'max s':>7}"
          f"  within {BUDGET} s  {'direct s':>8} {'speed-up':>8}")
    for kind, times in rows:
        median = statistics.median(times)
        before = f"{baseline[kind]:8.3f} {baseline[kind] / median:7.1f}x" if kind in baseline else ""
        verdict = "n/a" if kind == ALL_FIGURES else "yes" if median <= BUDGET else "NO "
        print(f"{kind:52} {len(times):3d} {median:9.3f} {max(times):7.3f}  {verdict:3}"
              f"            {before}")
    print("direct s: the same update computed directly from the filtered tables (the explorer before its index;"
          " actor added: the added actor's panes; period changed: salience and tone per period), median of 3.")
    print("\nwhere a date range change spends its time (each table alone from the base view, median of 3):")
    parts = {name: statistics.median(timed_from(data, memo, lambda s=s, n=name: TABLES[n](data, s))
                                     for s in kinds["date range changed"][:3]) for name in TABLES}
    print("  " + ", ".join(f"{name} {seconds:.3f} s" for name, seconds in parts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

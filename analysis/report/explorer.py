"""The interactive explorer's logic: a state of selections, and the tables each pane shows.

``notebooks/explore.ipynb`` only wires ipywidgets to these functions; everything it shows
is computed here from the cached annotation tables of a workspace
(:func:`analysis.annotate.workspace.open_workspace`), never from raw text again.

* :class:`ExplorerState` is a frozen record of what the user chose (actors, outlets, date
  range, period, KWIC query and page). Widget callbacks are plain functions state -> state
  (:func:`with_changes`, :func:`turn_page`), so tests reach them without a browser.
* :class:`ExplorerData` holds the workspace's tables, prepared once (per-actor mentions,
  one frame scheme, tone with dates and outlets), their per-article index
  (:mod:`analysis.report.explorer_index`: a selection of outlets and dates is a mask over the
  articles, and each pane a sum over the selected articles, not a recount), and a bounded
  memo of pane results keyed by actor and filter, so that adding an actor computes only that
  actor's rows and turning a KWIC page recomputes nothing but the page.
* :func:`view_tables` gives every pane's table for a state; :mod:`analysis.report.explorer_view`
  draws the figures, renders KWIC lines as HTML and exports a view.

Measures are the suite's own: salience (:func:`~analysis.framing.salience.actor_salience`), tone with
bootstrap intervals (:func:`~analysis.sentiment.tone.actor_tone`, ``n_boot`` resamples, seed 0), frames
(:func:`~analysis.framing.frames.actor_frames`), voice and attribution verbs
(:mod:`analysis.framing.voice`), context terms and keyness (:mod:`analysis.terms`) and KWIC
(:func:`~analysis.terms.kwic.kwic`); the index gives the same tables as these functions on the
filtered tables (tests/report/test_explorer_index.py compares them). Outlet and date filters select
articles; keyness compares an actor's context in the selected articles with the rest of the whole corpus.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.framing.salience import actor_salience
from analysis.framing.voice import voice
from analysis.report.explorer_index import (ExplorerIndex, article_mask, build_index, counts_mask, frames_of,
                                            mentions_of, salience_of, tone_rows_of, verbs_of, voice_of)
from analysis.sentiment.tone import actor_tone, with_articles
from analysis.terms.article_counts import selection_context_terms, selection_keyness
from analysis.terms.kwic import kwic

Period = Literal["D", "W", "M"]
PERIODS: tuple[str, ...] = ("D", "W", "M")
KWIC_WINDOW = 8  # tokens either side of a KWIC keyword
MEMO_SIZE = 512  # pane results remembered per explorer
FIGURE_MEMO_SIZE = 24  # figures and their PNGs remembered per explorer (two views' worth)


@dataclass(frozen=True)
class ExplorerState:
    """What the user chose: every field is a widget's value (empty outlets = every outlet).

    ``start``/``end`` bound the article dates (inclusive; ``None`` = open); ``query`` is a
    word or phrase for KWIC lines, ``query_actor`` keeps only lines whose sentence names
    that actor; ``page`` counts from 0.
    """

    actors: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    period: Period = "W"
    query: str = ""
    query_actor: str = ""
    page: int = 0
    page_size: int = 10
    top_n: int = 10
    n_boot: int = 200

    def selections(self) -> dict[str, Any]:
        """The state as plain JSON-ready values, for manifests and file names."""
        out = asdict(self)
        out["actors"], out["outlets"] = list(self.actors), list(self.outlets)
        out["start"] = self.start.isoformat() if self.start else None
        out["end"] = self.end.isoformat() if self.end else None
        return out


@dataclass(frozen=True)
class ExplorerData:
    """A workspace's tables prepared for the explorer, with a memo of pane results."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    mentions: pd.DataFrame
    by_actor: Mapping[str, pd.DataFrame]
    mention_tone: pd.DataFrame
    sentence_tone: pd.DataFrame
    frames: pd.DataFrame
    frame_hits: pd.DataFrame
    quotes: pd.DataFrame
    labels: Mapping[str, str]
    colours: Mapping[str, str]
    actor_order: tuple[str, ...]
    index: ExplorerIndex
    memo: OrderedDict = field(default_factory=OrderedDict, compare=False, repr=False)
    #: The last :data:`FIGURE_MEMO_SIZE` figures drawn (and PNGs rendered), by figure and the selections it depends on.
    figures: OrderedDict = field(default_factory=OrderedDict, compare=False, repr=False)


def prepare(ws: Any, *, scheme: str = "generic") -> ExplorerData:
    """Prepare a workspace (:class:`analysis.annotate.workspace.Workspace`) for the explorer.

    ``scheme`` picks the frame dictionary of the frames pane ("generic" or "policy"); the
    expanded KWIC lines show the frames of both. Actors are ordered by mentions, then codebook order.
    """
    from analysis.plots.colours import actor_colours

    tables = ws.annotations.tables
    articles = ws.articles.assign(day=ws.articles["date"].dt.normalize())
    mentions = ws.table("mentions")
    frames = ws.table("frames")
    in_scheme = frames[frames["scheme"] == scheme].drop(columns="scheme") if "scheme" in frames else frames
    hits = frames[frames["hits"] > 0].set_index(["article_id", "sentence_id"]).sort_index()
    tone = tables.get("mention_sentiment")
    if tone is None:
        from analysis.sentiment.tone import tone_tables
        _, tone = tone_tables(tables)
    counts = mentions["actor_id"].value_counts()
    order = {actor: i for i, actor in enumerate(ws.codebook.ids)}
    ranked = sorted(counts.index, key=lambda a: (-counts[a], order.get(a, len(order)), a))
    sentences, tokens, quotes, mention_tone = ws.table("sentences"), ws.table("tokens"), ws.table("quotes"), \
        with_articles(tone, articles)
    sentence_tone = tables.get("sentence_sentiment", pd.DataFrame())
    return ExplorerData(
        articles=articles, sentences=sentences, tokens=tokens, mentions=mentions,
        by_actor={a: g for a, g in mentions.groupby("actor_id", sort=False)},
        mention_tone=mention_tone, sentence_tone=sentence_tone,
        frames=in_scheme, frame_hits=hits, quotes=quotes, labels=ws.codebook.labels(),
        colours=actor_colours(ws.codebook.colours()), actor_order=tuple(ranked),
        index=build_index(articles, sentences, tokens, mentions, mention_tone, in_scheme, quotes,
                          sentence_tone=sentence_tone, frame_hits=hits))


# ---- choices offered by the widgets ------------------------------------------------------------

def actor_options(data: ExplorerData) -> list[tuple[str, str]]:
    """(label with mention count, actor id) for every mentioned actor, most mentioned first."""
    return [(f"{data.labels.get(a, a)} ({len(data.by_actor[a]):,})", a) for a in data.actor_order]


def outlet_options(data: ExplorerData) -> list[tuple[str, str]]:
    """(outlet with article count, outlet) for every outlet, most articles first."""
    counts = data.articles["outlet"].value_counts()
    ranked = sorted(counts.index, key=lambda o: (-counts[o], o))
    return [(f"{o} ({counts[o]:,})", o) for o in ranked]


def date_options(data: ExplorerData) -> list[dt.date]:
    """Every day from the first article to the last (the date slider's stops)."""
    days = data.articles["day"].dropna()
    if days.empty:
        return []
    return [d.date() for d in pd.date_range(days.min(), days.max(), freq="D")]


def initial_state(data: ExplorerData, *, actors: Sequence[str] = (), n_actors: int = 3,
                  period: Period = "W") -> ExplorerState:
    """The opening state: ``actors`` (or the ``n_actors`` most mentioned), every outlet, the whole period."""
    days = date_options(data)
    chosen = tuple(actors) if actors else data.actor_order[:n_actors]
    return ExplorerState(actors=chosen, start=days[0] if days else None, end=days[-1] if days else None,
                         period=period)


# ---- widget callbacks: plain functions state -> state ---------------------------------------------

def with_changes(state: ExplorerState, **changes: Any) -> ExplorerState:
    """The state after widget changes, normalised: tuples for lists, dates ordered, period checked.

    Any change other than ``page`` sends the KWIC list back to its first page.
    """
    for key in ("actors", "outlets"):
        if key in changes:
            changes[key] = tuple(changes[key] or ())
    for key in ("start", "end"):
        value = changes.get(key)
        if isinstance(value, (pd.Timestamp, dt.datetime)):
            changes[key] = value.date()
    if "query" in changes:
        changes["query"] = " ".join(str(changes["query"] or "").split())
    if "query_actor" in changes:
        changes["query_actor"] = changes["query_actor"] or ""
    new = replace(state, **changes)
    if new.period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {new.period!r}")
    if new.start and new.end and new.start > new.end:
        new = replace(new, start=new.end, end=new.start)
    if "page" not in changes:
        new = replace(new, page=0)
    return new


def turn_page(state: ExplorerState, step: int, *, n_lines: int) -> ExplorerState:
    """The state one page on (``step=1``) or back (``-1``), kept within the ``n_lines`` KWIC lines."""
    last = max(0, (n_lines - 1) // state.page_size)
    return replace(state, page=min(max(0, state.page + step), last))


def pane_state(state: ExplorerState) -> ExplorerState:
    """The part of ``state`` the panes (not the KWIC lines) depend on: the state without query and page.

    A notebook redraws a pane only when this changes, so typing a query or turning a KWIC
    page redraws no figure.
    """
    return replace(state, query="", query_actor="", page=0)


# ---- selections ---------------------------------------------------------------------------------

def _filter_key(state: ExplorerState) -> tuple:
    return (state.outlets, state.start, state.end)


def selection(data: ExplorerData, state: ExplorerState) -> np.ndarray:
    """The selected articles as a mask over ``data.articles`` (chosen outlets, within the date range)."""
    return _memo(data, ("mask", *_filter_key(state)), lambda: article_mask(
        data.index, outlets=state.outlets, start=state.start, end=state.end))


def selected_articles(data: ExplorerData, state: ExplorerState) -> pd.DataFrame:
    """The articles of the chosen outlets within the date range."""
    return data.articles[selection(data, state)]


def actor_mentions(data: ExplorerData, state: ExplorerState, actor: str) -> pd.DataFrame:
    """One actor's mentions within the selected articles."""
    return _memo(data, ("mentions", actor, *_filter_key(state)),
                 lambda: mentions_of(data.index, actor, selection(data, state), data.mentions.head(0)))


def _memo(data: ExplorerData, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered under ``key`` (the last :data:`MEMO_SIZE` results)."""
    return remembered(data.memo, key, compute, size=MEMO_SIZE)


def remembered(cache: OrderedDict, key: tuple, compute: Callable[[], Any], *, size: int) -> Any:
    """``cache[key]``, or ``compute()`` stored there; the least recently used entry goes beyond ``size``."""
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = compute()
    cache[key] = value
    while len(cache) > size:
        cache.popitem(last=False)
    return value


def _per_actor(data: ExplorerData, state: ExplorerState, name: str, compute: Callable[[str], pd.DataFrame],
               *extra: object) -> pd.DataFrame:
    parts = [_memo(data, (name, actor, *_filter_key(state), *extra), lambda a=actor: compute(a))
             for actor in state.actors]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


# ---- the panes' tables: sums over the selected articles of the index (analysis.report.explorer_index) ----

def salience_table(data: ExplorerData, state: ExplorerState) -> pd.DataFrame:
    """Salience of each chosen actor per period in the selected articles (:func:`actor_salience`)."""
    def compute(actor: str) -> pd.DataFrame:
        selected = selection(data, state)
        if not selected.any():
            return actor_salience(data.mentions.head(0), data.sentences, data.articles.head(0), freq=state.period,
                                  actors=[actor])
        return salience_of(data.index, actor, selected, state.period)
    return _per_actor(data, state, "salience", compute, state.period)


def tone_table(data: ExplorerData, state: ExplorerState, *, by_period: bool = True) -> pd.DataFrame:
    """Mean tone toward each chosen actor (per period), bootstrap 95% interval (``state.n_boot``, seed 0)."""
    by = ["actor_id", "period"] if by_period else ["actor_id"]

    def compute(actor: str) -> pd.DataFrame:
        rows = tone_rows_of(data.index, actor, selection(data, state), state.period if by_period else None)
        return actor_tone(rows, by=by, n_boot=state.n_boot, seed=0, cluster="article")
    return _per_actor(data, state, "tone", compute, by_period and state.period, state.n_boot)


def frames_table(data: ExplorerData, state: ExplorerState) -> pd.DataFrame:
    """Frames of each chosen actor's sentences (:func:`actor_frames`), most frequent first per actor."""
    return _per_actor(data, state, "frames", lambda actor: frames_of(data.index, actor, selection(data, state)))


def voice_table(data: ExplorerData, state: ExplorerState) -> pd.DataFrame:
    """Quotes and quoted words of each chosen actor (shares of all quotes in the selected articles)."""
    def compute() -> pd.DataFrame:
        table = voice_of(data.index, selection(data, state))
        return voice(data.quotes.head(0)) if table is None else table
    table = _memo(data, ("voice", *_filter_key(state)), compute)
    return table[table["actor"].isin(list(state.actors))].reset_index(drop=True)


def verbs_table(data: ExplorerData, state: ExplorerState) -> pd.DataFrame:
    """The attribution verbs that introduce each chosen actor's quotes: speaker, class, lemma, n."""
    return _per_actor(data, state, "verbs", lambda actor: verbs_of(data.index, actor, selection(data, state),
                                                                   state.top_n), state.top_n)


def _counts_mask(data: ExplorerData, state: ExplorerState) -> np.ndarray:
    return _memo(data, ("counts_mask", *_filter_key(state)), lambda: counts_mask(data.index, selection(data, state)))


def context_table(data: ExplorerData, state: ExplorerState) -> pd.DataFrame:
    """Each chosen actor's top context terms (its sentences in the selected articles), per 10,000 words
    (:func:`~analysis.terms.actor_context.actor_context_terms`, summed from per-article counts)."""
    return _per_actor(data, state, "context", lambda actor: selection_context_terms(
        data.index.counts, actor, _counts_mask(data, state), top_n=state.top_n), state.top_n)


def keyness_table(data: ExplorerData, state: ExplorerState) -> pd.DataFrame:
    """Each chosen actor's key context terms (G², target side) against the rest of the corpus
    (:func:`~analysis.terms.keyness.actor_keyness`, summed from per-article counts)."""
    return _per_actor(data, state, "keyness", lambda actor: selection_keyness(
        data.index.counts, actor, _counts_mask(data, state), direction="target", top_n=state.top_n), state.top_n)


# ---- KWIC ------------------------------------------------------------------------------------------

KWIC_LINE_COLUMNS = ["article_id", "sentence_id", "date", "outlet", "title", "left", "keyword", "right"]


def kwic_table(data: ExplorerData, state: ExplorerState) -> pd.DataFrame:
    """Every KWIC line of ``state.query`` in the selected articles (sentences naming ``query_actor``, if set).

    Columns :data:`KWIC_LINE_COLUMNS`, ordered by date; empty without a query.
    """
    if not state.query:
        return pd.DataFrame(columns=KWIC_LINE_COLUMNS)
    lines = _memo(data, ("kwic", state.query), lambda: kwic(data.tokens, data.articles, term=state.query,
                                                            window=KWIC_WINDOW))

    def compute() -> pd.DataFrame:
        where = _memo(data, ("kwic_articles", state.query), lambda: data.index.article_ids.get_indexer(lines["article_id"]))
        inside = where >= 0
        inside[inside] = selection(data, state)[where[inside]]
        found = lines[inside]
        if state.query_actor:
            named = actor_mentions(data, state, state.query_actor)[["article_id", "sentence_id"]].drop_duplicates()
            found = found.merge(named, on=["article_id", "sentence_id"])
        found = found.merge(data.articles[["article_id", "title"]], on="article_id", how="left")
        return found[KWIC_LINE_COLUMNS].reset_index(drop=True)
    return _memo(data, ("kwic_lines", state.query, state.query_actor, *_filter_key(state)), compute)


def kwic_page(data: ExplorerData, state: ExplorerState) -> pd.DataFrame:
    """The lines of the current page, each with its sentence's text, tone and frames (for expanding)."""
    lines = kwic_table(data, state)
    page = lines.iloc[state.page * state.page_size:(state.page + 1) * state.page_size]
    return page.assign(**sentence_details(data, page)) if not page.empty else page.assign(
        sentence="", tone=np.nan, tone_label="", frames="")


def sentence_details(data: ExplorerData, lines: pd.DataFrame) -> dict[str, list]:
    """For each line's sentence: its text, VADER compound and label, and its frames (``frame (hits)``)."""
    index, tone = data.index, data.sentence_tone
    texts = data.sentences["text"]
    hits = data.frame_hits
    schemes = hits["scheme"].tolist() if "scheme" in hits else None
    out: dict[str, list] = {"sentence": [], "tone": [], "tone_label": [], "frames": []}
    for article_id, sentence_id in zip(lines["article_id"], lines["sentence_id"]):
        found = index.sentences.find(article_id, sentence_id)
        out["sentence"].append(str(texts.iloc[found[0]]) if len(found) else "")
        scored = index.sentence_tone.find(article_id, sentence_id) if not tone.empty else found[:0]
        out["tone"].append(float(tone["compound"].iloc[scored[0]]) if len(scored) else np.nan)
        out["tone_label"].append(str(tone["label"].iloc[scored[0]]) if len(scored) else "")
        rows = index.frame_hits.find(article_id, sentence_id)
        out["frames"].append("; ".join(
            f"{schemes[r] + ': ' if schemes and schemes[r] else ''}{hits['frame'].iloc[r].replace('_', ' ')} "
            f"({hits['hits'].iloc[r]})" for r in rows))
    return out


# ---- all panes at once -----------------------------------------------------------------------------

TABLES: dict[str, Callable[[ExplorerData, ExplorerState], pd.DataFrame]] = {
    "salience": salience_table, "tone": tone_table,
    "tone_overall": lambda data, state: tone_table(data, state, by_period=False), "frames": frames_table,
    "voice": voice_table, "verbs": verbs_table, "context": context_table, "keyness": keyness_table, "kwic": kwic_page,
}


def view_tables(data: ExplorerData, state: ExplorerState, *, names: Sequence[str] | None = None
                ) -> dict[str, pd.DataFrame]:
    """Every pane's table for ``state`` (or those of ``names``, keys of :data:`TABLES`): salience, tone,
    tone_overall, frames, voice, verbs, context, keyness, kwic (the current KWIC page)."""
    return {name: TABLES[name](data, state) for name in (TABLES if names is None else names)}

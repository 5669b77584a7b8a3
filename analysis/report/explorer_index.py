"""The explorer's precomputed index: per-article arrays, so that a selection is a sum, not a recount.

Every pane of :mod:`analysis.report.explorer` measures an actor in the articles a user selects
(outlets, a date range). Each measure is a sum over articles of per-article quantities, so
:func:`build_index` computes those once per workspace and a selection (a boolean mask over the
articles, :func:`article_mask`) only adds up the selected articles' rows:

* salience (:func:`~analysis.framing.salience.actor_salience`): mentions, "named in the
  headline", "named in the lead" per actor and article, summed per period;
* tone (:func:`~analysis.sentiment.tone.actor_tone`): each actor's scored mentions with their
  article, so the selected rows go to ``actor_tone`` as they are (same rows, same order, same
  bootstrap draws);
* frames (:func:`~analysis.framing.frames.actor_frames`): per actor, article and frame the
  actor's sentences, those with the frame, its hits and words;
* voice and attribution verbs (:mod:`analysis.framing.voice`): the quotes exploded by speaker
  once, counted per speaker (and verb) over the selected quotes;
* context terms and keyness: :mod:`analysis.terms.article_counts`.

Each ``*_of`` function returns the table the direct computation returns for the same selection
(the tests compare them); empty selections go to the direct computation, which is cheap then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.framing.salience import SALIENCE_COLUMNS
from analysis.framing.voice import VOICE_COLUMNS, speakers
from analysis.report.rows import TableRows
from analysis.sentiment.newsmtsc import LABELS
from analysis.terms.article_counts import ArticleCounts, actor_article_counts

FREQS = ("D", "W", "M")
KINDS = ("direct", "partial", "indirect", "according_to")


def period_labels(dates: pd.Series, freq: str) -> pd.Series:
    """The first day of each date's period, as :func:`~analysis.framing.salience.with_period` and the tone pane label it."""
    return dates.dt.to_period(freq).dt.start_time.dt.normalize()


@dataclass(frozen=True)
class Periods:
    """Each article's period code and the period of each code (sorted, a missing date last)."""

    code: np.ndarray
    labels: pd.Series


@dataclass(frozen=True)
class ActorRows:
    """One actor's rows of a long table (mentions, scored mentions, exploded quotes) with their article."""

    article: np.ndarray
    rows: pd.DataFrame


@dataclass(frozen=True)
class FrameCells:
    """One actor's frame counts per (article, frame): sentences, sentences with the frame, hits, words."""

    article: np.ndarray
    frame: np.ndarray
    n_sentences: np.ndarray
    with_frame: np.ndarray
    hits: np.ndarray
    n_words: np.ndarray


@dataclass(frozen=True)
class VerbCells:
    """One speaker's attribution verbs: each quote's (class, lemma) pair code and article; the pairs in the
    order ``attribution_verbs`` groups them, with their sort keys (class: neutral, marked, other; lemma)."""

    article: np.ndarray
    code: np.ndarray
    pairs: pd.DataFrame
    class_rank: np.ndarray
    lemma_rank: np.ndarray


@dataclass(frozen=True)
class ExplorerIndex:
    """Per-article arrays of a workspace's tables (articles in the order of the articles table)."""

    article_ids: pd.Index
    outlet: np.ndarray
    outlets: pd.Index
    day: np.ndarray
    periods: Mapping[str, Periods]
    actor_codes: Mapping[str, int]
    mentions_per_article: np.ndarray
    headline: np.ndarray
    lead: np.ndarray
    mentions: Mapping[str, ActorRows]
    tone: Mapping[str, ActorRows]
    frames: Mapping[str, FrameCells]
    frame_names: pd.Series
    voice_rows: pd.DataFrame
    voice_article: np.ndarray
    speaker_names: pd.Series
    quote_article: np.ndarray
    quote_quoted: np.ndarray
    verbs: Mapping[str, VerbCells]
    counts: ArticleCounts
    counts_article: np.ndarray
    sentences: TableRows
    sentence_tone: TableRows
    frame_hits: TableRows


def _positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    return index.get_indexer(values)


def _sorted_rank(values: pd.Series) -> np.ndarray:
    """Each value's rank among the distinct values, sorted: integers that sort as the values do (the cluster
    bootstrap orders articles by id, and factorizes integers far faster than strings)."""
    return pd.factorize(values, sort=True)[0].astype(np.int64)


def _by_actor(table: pd.DataFrame, article: np.ndarray, columns: Sequence[str], actor_column: str = "actor_id"
              ) -> dict[str, ActorRows]:
    if table.empty:
        return {}
    groups = table.groupby(actor_column, sort=False).indices
    return {str(actor): ActorRows(article=article[rows], rows=table.iloc[rows][list(columns)].reset_index(drop=True))
            for actor, rows in groups.items()}


def _verbs(rows: pd.DataFrame, article: np.ndarray) -> dict[str, VerbCells]:
    """Each speaker's verb pairs, grouped as :func:`~analysis.framing.voice.attribution_verbs` groups them."""
    keys = ["speaker", "verb_class", "verb_lemma"]
    out = {}
    for speaker, where in rows.groupby("speaker", sort=False).indices.items():
        part = rows.iloc[where]
        grouped = part.groupby(keys)
        pairs = grouped.size().reset_index(name="n")
        lemmas = pairs["verb_lemma"].astype(str).to_numpy()
        lemma_rank = np.empty(len(lemmas), dtype=np.int64)
        lemma_rank[np.argsort(lemmas, kind="stable")] = np.arange(len(lemmas))
        out[str(speaker)] = VerbCells(
            article=article[where], code=grouped.ngroup().to_numpy(dtype=np.int64), pairs=pairs.drop(columns="n"),
            class_rank=pairs["verb_class"].map({"neutral": 0, "marked": 1}).fillna(2).to_numpy(dtype=np.int64),
            lemma_rank=lemma_rank)
    return out


def _periods(dates: pd.Series) -> dict[str, Periods]:
    out = {}
    for freq in FREQS:
        labels = period_labels(dates, freq)
        code, uniques = pd.factorize(labels, sort=True, use_na_sentinel=False)
        out[freq] = Periods(code=code.astype(np.int64), labels=pd.Series(uniques, dtype=labels.dtype))
    return out


def build_index(articles: pd.DataFrame, sentences: pd.DataFrame, tokens: pd.DataFrame, mentions: pd.DataFrame,
                mention_tone: pd.DataFrame, frames: pd.DataFrame, quotes: pd.DataFrame, *,
                sentence_tone: pd.DataFrame, frame_hits: pd.DataFrame) -> ExplorerIndex:
    """Index a workspace's tables (``frames``: one scheme's frame scores; ``mention_tone`` with dates;
    ``sentence_tone`` and ``frame_hits`` (the frames with hits, every scheme) for the KWIC lines' details)."""
    ids = pd.Index(articles["article_id"])
    if not ids.is_unique:
        raise ValueError("the articles table repeats article ids; the explorer needs one row per article")
    actors = sorted(mentions["actor_id"].astype(str).unique())
    codes = {a: i for i, a in enumerate(actors)}
    # salience: mentions whose sentence is known, per actor and article
    place = mentions[["article_id", "sentence_id", "actor_id"]].merge(
        sentences[["article_id", "sentence_id", "is_headline", "is_lead"]], on=["article_id", "sentence_id"])
    pos = _positions(ids, place["article_id"])
    keep = pos >= 0
    cell = pd.Index(actors).get_indexer(place["actor_id"])[keep] * len(ids) + pos[keep]
    size = len(actors) * len(ids)
    shape = (len(actors), len(ids))
    per_article = np.bincount(cell, minlength=size).reshape(shape).astype(np.int64)
    headline = np.bincount(cell, weights=place["is_headline"].to_numpy(dtype=bool)[keep], minlength=size)
    lead = np.bincount(cell, weights=place["is_lead"].to_numpy(dtype=bool)[keep], minlength=size)
    # frames: each actor's distinct sentences joined with the frame scores, summed per (article, frame)
    sentences_of = mentions[["article_id", "sentence_id", "actor_id"]].drop_duplicates()
    joined = sentences_of.merge(frames[["article_id", "sentence_id", "frame", "hits", "n_words"]],
                                on=["article_id", "sentence_id"])
    frame_code, frame_names = pd.factorize(joined["frame"], sort=True)
    frame_cells = {}
    for actor, rows in joined.groupby("actor_id", sort=False).indices.items():
        part = joined.iloc[rows]
        key = _positions(ids, part["article_id"]).astype(np.int64) * len(frame_names) + frame_code[rows]
        key, inverse = np.unique(key, return_inverse=True)
        hits = part["hits"].to_numpy(dtype=np.int64)
        frame_cells[str(actor)] = FrameCells(
            article=key // len(frame_names), frame=key % len(frame_names),
            n_sentences=np.bincount(inverse).astype(np.int64),
            with_frame=np.bincount(inverse, weights=hits > 0).astype(np.int64),
            hits=np.bincount(inverse, weights=hits).astype(np.int64),
            n_words=np.bincount(inverse, weights=part["n_words"].to_numpy(dtype=np.int64)).astype(np.int64))
    # voice: quotes exploded by speaker once
    exploded = speakers(quotes)
    speaker_code, speaker_names = pd.factorize(exploded["speaker"], use_na_sentinel=False)
    kind = exploded["kind"]
    n_words = exploded["n_words"]
    voice_rows = pd.DataFrame({
        "speaker": speaker_code.astype(np.int64), "quoted": n_words.where(kind.isin(["direct", "partial"]), 0),
        "reported": n_words.where(kind.isin(["indirect", "according_to"]), 0),
        **{k: (kind == k).to_numpy(dtype=np.int64) for k in KINDS}})
    verb_rows = exploded[exploded["verb_lemma"] != ""].dropna(subset=["speaker", "verb_class", "verb_lemma"])
    counts = actor_article_counts(tokens, mentions, actors)
    return ExplorerIndex(
        article_ids=ids, outlet=pd.factorize(articles["outlet"])[0], outlets=pd.Index(pd.factorize(articles["outlet"])[1]),
        day=articles["day"].to_numpy(dtype="datetime64[ns]"), periods=_periods(articles["date"]),
        actor_codes=codes, mentions_per_article=per_article, headline=headline.reshape(shape) > 0,
        lead=lead.reshape(shape) > 0,
        mentions=_by_actor(mentions, _positions(ids, mentions["article_id"]), mentions.columns),
        tone=_by_actor(mention_tone.assign(label=pd.Categorical(mention_tone["label"], categories=LABELS),
                                           article=_sorted_rank(mention_tone["article_id"])),
                       _positions(ids, mention_tone["article_id"]), ["article", "actor_id", "score", "label"]),
        frames=frame_cells, frame_names=pd.Series(frame_names, dtype=frames["frame"].dtype),
        voice_rows=voice_rows, voice_article=_positions(ids, exploded["article_id"]),
        speaker_names=pd.Series(np.asarray(speaker_names, dtype=object), dtype=exploded["speaker"].dtype),
        quote_article=_positions(ids, quotes["article_id"]),
        quote_quoted=quotes["n_words"].where(quotes["kind"].isin(["direct", "partial"]), 0).to_numpy(),
        verbs=_verbs(verb_rows, _positions(ids, verb_rows["article_id"])),
        counts=counts, counts_article=counts.article_ids.get_indexer(ids), sentences=TableRows.of(sentences),
        sentence_tone=TableRows.of(sentence_tone if not sentence_tone.empty else sentences.head(0)),
        frame_hits=TableRows.of(frame_hits.reset_index()))


# ---- selections --------------------------------------------------------------------------------------

def article_mask(index: ExplorerIndex, *, outlets: Sequence[str] = (), start: dt.date | None = None,
                 end: dt.date | None = None) -> np.ndarray:
    """True for the articles of ``outlets`` (none = every outlet) dated ``start``..``end`` (both included)."""
    keep = np.ones(len(index.article_ids), dtype=bool)
    if outlets:
        chosen = index.outlets.get_indexer(list(outlets))
        keep &= np.isin(index.outlet, chosen[chosen >= 0])
    if start:
        keep &= index.day >= np.datetime64(pd.Timestamp(start), "ns")
    if end:
        keep &= index.day <= np.datetime64(pd.Timestamp(end), "ns")
    return keep


def _rows(part: ActorRows | None, selected: np.ndarray) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The rows of ``part`` in the selected articles, and their articles."""
    if part is None:
        return None
    inside = part.article >= 0
    inside[inside] = selected[part.article[inside]]
    return part.rows[inside], part.article[inside]


def mentions_of(index: ExplorerIndex, actor: str, selected: np.ndarray, empty: pd.DataFrame) -> pd.DataFrame:
    """The actor's rows of the mentions table in the selected articles (``empty``: the table's empty head)."""
    found = _rows(index.mentions.get(actor), selected)
    return empty if found is None else found[0]


def salience_of(index: ExplorerIndex, actor: str, selected: np.ndarray, freq: str) -> pd.DataFrame:
    """:func:`~analysis.framing.salience.actor_salience` of one actor per period in the selected articles
    (non-empty selections; every period with a selected article, zeros where the actor is absent)."""
    periods = index.periods[freq]
    code = periods.code[selected]
    size = len(periods.labels)
    n_articles = np.bincount(code, minlength=size)
    present = np.flatnonzero(n_articles)
    k = index.actor_codes.get(actor)
    if k is None:
        zeros = np.zeros(len(code), dtype=np.int64)
        mentions, named, headline, lead = zeros, zeros.astype(bool), zeros.astype(bool), zeros.astype(bool)
    else:
        mentions = index.mentions_per_article[k][selected]
        named, headline, lead = mentions > 0, index.headline[k][selected], index.lead[k][selected]

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(code, weights=values, minlength=size)[present].round().astype(np.int64)

    result = pd.DataFrame({"period": periods.labels.iloc[present].reset_index(drop=True),
                           "actor_id": pd.Series([actor] * len(present), dtype="str"),
                           "mentions": total(mentions), "articles": total(named),
                           "n_articles": n_articles[present].astype(np.int64),
                           "headline_articles": total(headline & named), "lead_articles": total(lead & named)})
    denominator = result["n_articles"].where(result["n_articles"] > 0)
    result["share_articles"] = (result["articles"] / denominator).fillna(0.0)
    result["share_headline"] = (result["headline_articles"] / denominator).fillna(0.0)
    result["share_lead"] = (result["lead_articles"] / denominator).fillna(0.0)
    result["mentions_per_article"] = (result["mentions"] / denominator).fillna(0.0)
    return result[["period", *SALIENCE_COLUMNS]]


def tone_rows_of(index: ExplorerIndex, actor: str, selected: np.ndarray, freq: str | None) -> pd.DataFrame:
    """The actor's scored mentions in the selected articles (``article``: the article id's rank among
    the sorted ids, actor_id, score, label; ``period`` with ``freq``), in the order of the tone
    table: the rows :func:`~analysis.sentiment.tone.actor_tone` resamples, with ``cluster="article"``
    (articles in the same order as by id, so the same intervals)."""
    part = index.tone.get(actor)
    if part is None:
        return pd.DataFrame({"article": pd.Series(dtype=np.int64), "actor_id": pd.Series(dtype="str"),
                             "score": pd.Series(dtype=float),
                             "label": pd.Series(dtype="str"), "period": pd.Series(dtype="datetime64[ns]")})
    rows, article = _rows(part, selected)
    if freq:
        periods = index.periods[freq]
        rows = rows.assign(period=periods.labels.to_numpy()[periods.code[article]])
    return rows


def frames_of(index: ExplorerIndex, actor: str, selected: np.ndarray) -> pd.DataFrame:
    """:func:`~analysis.framing.frames.actor_frames` of one actor in the selected articles, most frequent first
    (share descending, then frame); empty when the actor has no sentence there."""
    cells = index.frames.get(actor)
    if cells is None:
        return pd.DataFrame()
    keep = selected[cells.article]
    size = len(index.frame_names)
    frame = cells.frame[keep]

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(frame, weights=values[keep], minlength=size).round().astype(np.int64)

    n_sentences = total(cells.n_sentences)
    present = np.flatnonzero(n_sentences)
    if not len(present):
        return pd.DataFrame()
    result = pd.DataFrame({"actor_id": pd.Series([actor] * len(present), dtype="str"),
                           "frame": index.frame_names.iloc[present].reset_index(drop=True),
                           "n_sentences": n_sentences[present], "sentences_with_frame": total(cells.with_frame)[present],
                           "hits": total(cells.hits)[present], "n_words": total(cells.n_words)[present]})
    result["share"] = (result["sentences_with_frame"] / result["n_sentences"].where(result["n_sentences"] > 0)
                       ).fillna(0.0).astype(float)
    result["score"] = (100.0 * result["hits"] / result["n_words"].where(result["n_words"] > 0)).fillna(0.0).astype(float)
    result = result[["actor_id", "frame", "n_sentences", "sentences_with_frame", "share", "hits", "n_words", "score"]]
    result = result.astype({c: np.int32 for c in ("n_sentences", "sentences_with_frame", "hits", "n_words")})
    return result.sort_values(["share", "frame"], ascending=[False, True], kind="stable")


def voice_of(index: ExplorerIndex, selected: np.ndarray) -> pd.DataFrame | None:
    """:func:`~analysis.framing.voice.voice` of the quotes in the selected articles (``None`` when there are none)."""
    inside = index.voice_article >= 0
    inside[inside] = selected[index.voice_article[inside]]
    quotes = index.quote_article >= 0
    quotes[quotes] = selected[index.quote_article[quotes]]
    if not inside.any():
        return None
    rows = index.voice_rows[inside]
    size = len(index.speaker_names)
    code = rows["speaker"].to_numpy()
    n_quotes = np.bincount(code, minlength=size)
    present = np.flatnonzero(n_quotes)

    def total(column: str) -> np.ndarray:
        return np.bincount(code, weights=rows[column].to_numpy(dtype=float), minlength=size)[present].round(
        ).astype(np.int64)

    table = pd.DataFrame({"actor": index.speaker_names.iloc[present].reset_index(drop=True),
                          "quotes": n_quotes[present].astype(np.int64), **{k: total(k) for k in KINDS},
                          "quoted_words": total("quoted"), "reported_words": total("reported")})
    table["total_words"], table["total_quotes"] = index.quote_quoted[quotes].sum(), int(quotes.sum())
    table["share_quoted_words"] = (table["quoted_words"] / table["total_words"].where(table["total_words"] > 0)
                                   ).fillna(0.0).round(4)
    table["share_quotes"] = (table["quotes"] / table["total_quotes"]).round(4)
    table = table[["actor"] + [c for c in VOICE_COLUMNS if c != "speaker"]]
    return table.sort_values(["quoted_words", "quotes", "actor"], ascending=[False, False, True], kind="stable"
                             ).reset_index(drop=True)


def verbs_of(index: ExplorerIndex, actor: str, selected: np.ndarray, top_n: int) -> pd.DataFrame:
    """:func:`~analysis.framing.voice.attribution_verbs` rows of one speaker in the selected articles, first
    ``top_n``: class (neutral first), count (descending), lemma; empty when the speaker has none there."""
    cells = index.verbs.get(actor)
    if cells is None:
        return pd.DataFrame()
    inside = cells.article >= 0
    inside[inside] = selected[cells.article[inside]]
    n = np.bincount(cells.code[inside], minlength=len(cells.pairs))
    present = np.flatnonzero(n)
    order = present[np.lexsort((cells.lemma_rank[present], -n[present], cells.class_rank[present]))][:top_n]
    return cells.pairs.iloc[order].assign(n=n[order].astype(np.int64)).reset_index(drop=True)


def counts_mask(index: ExplorerIndex, selected: np.ndarray) -> np.ndarray:
    """The selection as a mask over the article codes of :attr:`ExplorerIndex.counts`."""
    out = np.zeros(len(index.counts.article_ids), dtype=bool)
    codes = index.counts_article[selected]
    out[codes[codes >= 0]] = True
    return out

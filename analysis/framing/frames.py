"""Frames: dictionary-based frame scores per sentence, article and actor.

The frame dictionaries (the ``generic`` and ``policy`` schemes, the YAML format, the
references) are :mod:`analysis.framing.dictionaries`; how terms match tokens, and what
``n_words`` counts, is :mod:`analysis.framing.matching` (its docstring states the
matching rules, which :func:`method_note` words for a write-up); scoring a CSV or JSONL
file from the command line is :mod:`analysis.framing.score_files`. This module counts
the matches into the tables below (``score`` is hits per 100 words) and is the
annotation layer "frames" (:func:`annotate_frames`).

Tables (all long format, one row per unit and frame, in dictionary frame order):

==================  ==================================================================
score_sentences     article_id, sentence_id, frame, hits, n_words, score
dominant_frames     article_id, sentence_id, dominant, hits, n_frames
score_articles      article_id, frame, hits, n_words, score, n_sentences,
                    sentences_with_frame, share
actor_frames        actor_id, frame, n_sentences, sentences_with_frame, share, hits,
                    n_words, score
frame_hits          article_id, sentence_id, token_id, frame, term, matched, start, end
==================  ==================================================================
"""

from __future__ import annotations

from typing import Literal, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.framing.dictionaries import MIXED, NO_FRAME, SCHEMES, FrameDictionary, load_frames
from analysis.framing.matching import _Matches, _Tokens, _match, _prepare

__all__ = [
    "score_sentences",
    "dominant_frames",
    "score_articles",
    "aggregate_articles",
    "actor_frames",
    "frame_hits",
    "term_counts",
    "annotate_frames",
    "method_note",
]

SENTENCE_COLUMNS = ["article_id", "sentence_id", "frame", "hits", "n_words", "score"]
ARTICLE_COLUMNS = ["article_id", "frame", "hits", "n_words", "score", "n_sentences", "sentences_with_frame",
                   "share"]
ACTOR_COLUMNS = ["actor_id", "frame", "n_sentences", "sentences_with_frame", "share", "hits", "n_words", "score"]
HIT_COLUMNS = ["article_id", "sentence_id", "token_id", "frame", "term", "matched", "start", "end"]


# --- scores -------------------------------------------------------------------------------


def score_sentences(tokens: pd.DataFrame, *, frames: FrameDictionary) -> pd.DataFrame:
    """Frame hits and scores of every sentence of the token table, one row per sentence and frame.

    Columns: ``article_id, sentence_id, frame, hits, n_words, score`` where ``hits``
    counts matched terms (a token counts at most once per frame), ``n_words`` the word
    tokens of the sentence (stop words included), and ``score`` is hits per 100 words
    (0 for a sentence without words). Every sentence that has tokens gets a row for
    every frame, hits or not; rows are in table order, frames in dictionary order.
    """
    prepared = _prepare(tokens)
    return _sentence_table(prepared, _match(prepared, frames._matcher), frames)


def _sentence_table(prepared: _Tokens, matches: _Matches, frames: FrameDictionary, *, scheme: str | None = None
                    ) -> pd.DataFrame:
    n_sentences, n_frames = len(prepared.keys), len(frames.frames)
    counts = np.bincount(prepared.segment[matches.position] * n_frames + matches.frame,
                         minlength=n_sentences * n_frames).astype(np.int32)
    rows = np.repeat(np.arange(n_sentences), n_frames)
    n_words = prepared.n_words[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(n_words > 0, 100.0 * counts / np.maximum(n_words, 1), 0.0)
    columns = {  # string columns taken from short Arrow arrays: no Python object per row
        "article_id": _strings(prepared.keys["article_id"]).take(pa.array(rows)),
        "sentence_id": pa.array(prepared.keys["sentence_id"].to_numpy()[rows]),
        "scheme": pa.array([scheme or ""]).take(pa.array(np.zeros(len(rows), dtype=np.int64))),
        "frame": pa.array(list(frames.names), type=pa.string()).take(pa.array(np.tile(np.arange(n_frames),
                                                                                      n_sentences))),
        "hits": pa.array(counts), "n_words": pa.array(n_words), "score": pa.array(score)}
    if scheme is None:
        del columns["scheme"]
    return pa.table(columns).to_pandas(types_mapper=_STR_TYPES.get)


_STR_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan"))}


def _strings(values: pd.Series) -> pa.Array:
    """A column of strings as one Arrow string array."""
    return pa.array(values.to_numpy(dtype=object), type=pa.string())


def dominant_frames(frame_scores: pd.DataFrame, *, ties: Literal["mixed", "alphabetical"] = "mixed"
                    ) -> pd.DataFrame:
    """The frame with the most hits in each sentence (or each row group of a score table).

    Columns: the key columns of ``frame_scores`` (``article_id, sentence_id``, and
    ``scheme`` when present), ``dominant``, ``hits`` (the top count) and ``n_frames``
    (frames with at least one hit). ``dominant`` is ``"none"`` without hits; a tie for
    the top count gives ``"mixed"`` (default) or, with ``ties="alphabetical"``, the
    alphabetically first of the tied frames. Hits, not scores, decide: within one
    sentence both rank the same.
    """
    if ties not in ("mixed", "alphabetical"):
        raise ValueError(f"ties must be 'mixed' or 'alphabetical', got {ties!r}")
    keys = [c for c in ("article_id", "sentence_id", "scheme") if c in frame_scores.columns]
    groups = frame_scores.groupby(keys, sort=False)
    top = groups["hits"].transform("max")
    result = groups.agg(hits=("hits", "max"), n_frames=("hits", lambda h: int((h > 0).sum())))
    leaders = frame_scores[(frame_scores["hits"] == top) & (top > 0)]
    leader_groups = leaders.groupby(keys, sort=False)["frame"]
    first = leader_groups.min()
    count = leader_groups.size()
    chosen = first.where(count == 1, first if ties == "alphabetical" else MIXED)
    result["dominant"] = chosen.reindex(result.index).fillna(NO_FRAME).astype("str")
    result = result.reset_index()
    result["hits"] = result["hits"].astype(np.int32)
    result["n_frames"] = result["n_frames"].astype(np.int32)
    return result[[*keys, "dominant", "hits", "n_frames"]]


def score_articles(tokens: pd.DataFrame, *, frames: FrameDictionary) -> pd.DataFrame:
    """Frame hits and scores per article and frame (see :func:`aggregate_articles`)."""
    return aggregate_articles(score_sentences(tokens, frames=frames))


def aggregate_articles(frame_scores: pd.DataFrame) -> pd.DataFrame:
    """Per article and frame, from a :func:`score_sentences` table (or the annotation layer's).

    Columns: ``article_id, frame, hits, n_words, score`` (hits per 100 words of the
    article), ``n_sentences`` (sentences with tokens), ``sentences_with_frame`` and
    ``share`` (= sentences_with_frame / n_sentences); plus ``scheme`` when present.
    """
    keys = ["article_id", *(["scheme"] if "scheme" in frame_scores.columns else []), "frame"]
    table = frame_scores.assign(_with=frame_scores["hits"] > 0)
    result = table.groupby(keys, sort=False).agg(hits=("hits", "sum"), n_words=("n_words", "sum"),
                                                 n_sentences=("hits", "size"),
                                                 sentences_with_frame=("_with", "sum")).reset_index()
    result["score"] = _per_hundred(result["hits"], result["n_words"])
    result["share"] = _share(result["sentences_with_frame"], result["n_sentences"])
    columns = ARTICLE_COLUMNS[:1] + (["scheme"] if "scheme" in keys else []) + ARTICLE_COLUMNS[1:]
    return _ints(result[columns], ("hits", "n_words", "n_sentences", "sentences_with_frame"))


def actor_frames(frame_scores: pd.DataFrame, mentions: pd.DataFrame, *,
                 normalize: Literal["sentences", "hits"] = "sentences",
                 by: str | Sequence[str] = ()) -> pd.DataFrame:
    """Frames per actor through the sentences that mention it.

    ``frame_scores`` comes from :func:`score_sentences` (or the annotation layer, with
    ``scheme``); ``mentions`` is the mentions table (filter it first to drop, e.g.,
    pronoun or demonym mentions). A sentence counts once per actor however often it
    names the actor. Columns: ``actor_id, frame, n_sentences`` (the actor's sentences),
    ``sentences_with_frame``, ``share``, ``hits``, ``n_words``, ``score`` (hits per 100
    words of the actor's sentences), led by ``scheme`` and the ``by`` columns when given
    (``by`` names columns of ``frame_scores``, e.g. an ``outlet`` merged in).

    ``normalize="sentences"``: share = sentences_with_frame / n_sentences (how often the
    actor appears in a sentence with the frame). ``normalize="hits"``: share = the
    frame's hits / all frame hits of the actor (the actor's frame profile, summing to 1
    over frames; 0 for an actor without hits).
    """
    if normalize not in ("sentences", "hits"):
        raise ValueError(f"normalize must be 'sentences' or 'hits', got {normalize!r}")
    by = [by] if isinstance(by, str) else list(by)
    actor_sentences = mentions[["article_id", "sentence_id", "actor_id"]].drop_duplicates()
    joined = actor_sentences.merge(frame_scores, on=["article_id", "sentence_id"], how="inner")
    scheme = ["scheme"] if "scheme" in frame_scores.columns else []
    keys = [*by, *scheme, "actor_id", "frame"]
    result = (joined.assign(_with=joined["hits"] > 0)
              .groupby(keys, sort=False, dropna=False)
              .agg(n_sentences=("hits", "size"), sentences_with_frame=("_with", "sum"), hits=("hits", "sum"),
                   n_words=("n_words", "sum"))
              .reset_index())
    if normalize == "sentences":
        result["share"] = _share(result["sentences_with_frame"], result["n_sentences"])
    else:
        total = result.groupby([*by, *scheme, "actor_id"], sort=False, dropna=False)["hits"].transform("sum")
        result["share"] = _share(result["hits"], total)
    result["score"] = _per_hundred(result["hits"], result["n_words"])
    result = result.sort_values([*by, *scheme, "actor_id"], kind="stable").reset_index(drop=True)
    return _ints(result[[*by, *scheme, *ACTOR_COLUMNS]], ("n_sentences", "sentences_with_frame", "hits", "n_words"))


def frame_hits(tokens: pd.DataFrame, *, frames: FrameDictionary) -> pd.DataFrame:
    """Every counted match, as evidence: which term of which frame, where.

    Columns: ``article_id, sentence_id, token_id`` (first token; -1 if the table has
    none), ``frame``, ``term`` (as written in the dictionary, canonical form),
    ``matched`` (the lower-case tokens matched, space-separated), ``start, end``
    (character offsets of the match; -1 if the table has no offsets). The rows are
    exactly what :func:`score_sentences` counts.
    """
    prepared = _prepare(tokens)
    return _hit_table(prepared, _match(prepared, frames._matcher), frames)


def _hit_table(prepared: _Tokens, matches: _Matches, frames: FrameDictionary) -> pd.DataFrame:
    table, pos, last = prepared.table, matches.position, matches.position + matches.length - 1
    lower = table["lower"].to_numpy(dtype=object)
    matched = lower[pos].copy()
    for i in np.flatnonzero(matches.length > 1):
        matched[i] = " ".join(lower[pos[i]:last[i] + 1])
    offsets = {c: table[c].to_numpy()[p] if c in table else np.full(len(p), -1)
               for c, p in (("start", pos), ("end", last))}
    segments = prepared.segment[pos]
    return pd.DataFrame({
        "article_id": prepared.keys["article_id"].to_numpy()[segments],
        "sentence_id": prepared.keys["sentence_id"].to_numpy()[segments],
        "token_id": prepared.token_id[pos].astype(np.int32) if prepared.token_id is not None
        else np.full(len(pos), -1, np.int32),
        "frame": pd.Series(np.asarray(frames.names, dtype=object)[matches.frame], dtype="str"),
        "term": pd.Series(np.asarray(frames._matcher.term_text, dtype=object)[matches.term], dtype="str"),
        "matched": pd.Series(matched, dtype="str"),
        "start": offsets["start"].astype(np.int32),
        "end": offsets["end"].astype(np.int32),
    }, columns=HIT_COLUMNS)


def term_counts(hits: pd.DataFrame) -> pd.DataFrame:
    """How often each term matched, and as which words: ``frame, term, matched, n`` (most frequent first).

    Use it to audit wildcards (``accus*`` → accused, accusations, ...) on a corpus.
    """
    return (hits.groupby(["frame", "term", "matched"], sort=False).size().rename("n").reset_index()
            .sort_values(["n", "frame", "term", "matched"], ascending=[False, True, True, True], kind="stable")
            .reset_index(drop=True))


def method_note(frames: FrameDictionary) -> str:
    """A paragraph a write-up can cite for the frame scores of ``frames``."""
    n_terms = sum(len(f.terms) for f in frames.frames)
    return (f"Frames: dictionary '{frames.scheme}' ({frames.source}; {len(frames.frames)} frames, {n_terms} terms"
            f"{'; after ' + frames.citation if frames.citation else ''}). Terms match lower-cased word tokens "
            "(surface forms; a trailing '*' is a prefix match); multi-word terms match consecutive tokens within "
            "a sentence; within a frame a token counts once, the leftmost-longest match winning. Score = hits per "
            "100 word tokens (stop words included); a sentence's dominant frame is the one with most hits "
            "('mixed' on a tie, 'none' without hits).")


def _per_hundred(hits: pd.Series, words: pd.Series) -> pd.Series:
    return (100.0 * hits / words.where(words > 0)).fillna(0.0).astype(float)


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).fillna(0.0).astype(float)


def _ints(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return frame.astype({c: np.int32 for c in columns})


# --- the annotation layer ---------------------------------------------------------------------


def annotate_frames(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame], codebook: object,
                    settings: object) -> dict[str, pd.DataFrame]:
    """Annotation layer "frames": sentence frame scores of both built-in schemes.

    Returns ``{"frames": DataFrame}`` with columns ``article_id, sentence_id, scheme,
    frame, hits, n_words, score`` (see :func:`score_sentences`); rows depend only on
    their own article, as :data:`analysis.annotate.pipeline.LAYERS` requires.
    """
    prepared = _prepare(tables["tokens"])
    parts = [_sentence_table(prepared, _match(prepared, load_frames(scheme)._matcher), load_frames(scheme),
                             scheme=scheme) for scheme in SCHEMES]
    return {"frames": pd.concat(parts, ignore_index=True)}

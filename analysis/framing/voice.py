"""Voice and attribution verbs: measures over the ``quotes`` table (:mod:`analysis.framing.quotes`).

Speaker key
    An actor's id when the speaker is a codebook actor; otherwise the speaker class in
    brackets: ``[unnamed]``, ``[named_other]``, ``[unknown]``. A quote spoken by several
    actors together ("The U.S. and NATO allies argue") counts in full for each of them,
    so actor shares can add up to slightly more than one.
Quoted words
    Words inside quotation marks (``direct`` and ``partial`` quotes); ``reported_words``
    counts the content of ``indirect`` and ``according_to`` rows. A partial quote inside
    an indirect one counts in both columns, once each.
"""

from __future__ import annotations

from typing import Literal, Sequence

import pandas as pd

from analysis.framing.quotes import JOIN

VOICE_COLUMNS = ["speaker", "quotes", "direct", "partial", "indirect", "according_to", "quoted_words",
                 "reported_words", "share_quoted_words", "share_quotes"]


def speakers(quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per (quote, speaker key): the quotes table with a ``speaker`` column, co-speakers exploded."""
    frame = quotes.copy()
    keys = frame["speaker_actor_id"].where(frame["speaker_type"] == "actor", "[" + frame["speaker_type"] + "]")
    frame["speaker"] = keys.str.split(JOIN)
    return frame.explode("speaker", ignore_index=True)


def voice(quotes: pd.DataFrame, articles: pd.DataFrame | None = None, *,
          by: Sequence[str] = ("actor",), actors_only: bool = False) -> pd.DataFrame:
    """Quotes and quoted words per speaker (and per outlet/date when ``by`` names them).

    ``by`` takes "actor" (the speaker key) and any articles column ("outlet", "date").
    Shares are within each group of the other ``by`` columns (per outlet: the actor's
    share of that outlet's quoted words). Columns: the ``by`` columns (``actor`` for the
    speaker), then :data:`VOICE_COLUMNS` minus ``speaker``. Sorted by group, then quoted
    words (descending), then speaker.
    """
    by = list(by)
    extra = [c for c in by if c != "actor"]
    frame = speakers(quotes)
    if extra:
        if articles is None:
            raise ValueError(f"voice(by={by}) needs the articles table for {', '.join(extra)}")
        frame = frame.merge(articles[["article_id", *extra]], on="article_id", how="left")
    frame["actor"] = frame["speaker"]
    frame["quoted"] = frame["n_words"].where(frame["kind"].isin(["direct", "partial"]), 0)
    frame["reported"] = frame["n_words"].where(frame["kind"].isin(["indirect", "according_to"]), 0)
    keys = ["actor", *extra] if "actor" in by else extra
    columns = keys + [c for c in VOICE_COLUMNS if c != "speaker"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    kinds = frame.groupby([*keys, "kind"], dropna=False).size().unstack("kind", fill_value=0)
    for kind in ("direct", "partial", "indirect", "according_to"):
        if kind not in kinds:
            kinds[kind] = 0
    table = frame.groupby(keys, dropna=False).agg(quotes=("quote_id", "size"), quoted_words=("quoted", "sum"),
                                    reported_words=("reported", "sum"))
    table = table.join(kinds[["direct", "partial", "indirect", "according_to"]]).reset_index()
    # totals per group count each quote once (not once per co-speaker)
    unique = quotes.copy()
    if extra:
        unique = unique.merge(articles[["article_id", *extra]], on="article_id", how="left")
    unique["quoted"] = unique["n_words"].where(unique["kind"].isin(["direct", "partial"]), 0)
    if extra:
        totals = unique.groupby(extra, dropna=False).agg(total_words=("quoted", "sum"), total_quotes=("quote_id", "size")).reset_index()
        table = table.merge(totals, on=extra, how="left")
    else:
        table["total_words"], table["total_quotes"] = unique["quoted"].sum(), len(unique)
    table["share_quoted_words"] = (table["quoted_words"] / table["total_words"].where(table["total_words"] > 0)).fillna(0.0).round(4)
    table["share_quotes"] = (table["quotes"] / table["total_quotes"]).round(4)
    if actors_only:
        table = table[~table["actor"].str.startswith("[")]
    table = table[columns]
    for column in ("quotes", "direct", "partial", "indirect", "according_to", "quoted_words", "reported_words"):
        table[column] = table[column].astype("int64")
    order = extra + ["quoted_words", "quotes", "actor"]
    return table.sort_values(order, ascending=[True] * len(extra) + [False, False, True], kind="stable"
                             ).reset_index(drop=True)


def attribution_verbs(quotes: pd.DataFrame, *, by: Literal["speaker", "speaker_type", "all"] = "speaker"
                      ) -> pd.DataFrame:
    """Attribution verbs per speaker: ``speaker, verb_class, verb_lemma, n`` (rows with a verb only).

    ``by="speaker_type"`` groups by the speaker class instead, ``"all"`` pools everyone
    (speaker ``"all"``). Sorted by speaker, class (neutral first), count (descending), lemma.
    """
    frame = speakers(quotes)
    frame = frame[frame["verb_lemma"] != ""]
    if by == "speaker_type":
        frame = frame.assign(speaker=frame["speaker_type"])
    elif by == "all":
        frame = frame.assign(speaker="all")
    if frame.empty:
        return pd.DataFrame(columns=["speaker", "verb_class", "verb_lemma", "n"])
    table = frame.groupby(["speaker", "verb_class", "verb_lemma"]).size().reset_index(name="n")
    table["_class"] = table["verb_class"].map({"neutral": 0, "marked": 1})
    table = table.sort_values(["speaker", "_class", "n", "verb_lemma"], ascending=[True, True, False, True],
                              kind="stable")
    return table.drop(columns="_class").reset_index(drop=True)


def verb_class_shares(quotes: pd.DataFrame, *, by: Literal["speaker", "speaker_type", "all"] = "speaker"
                      ) -> pd.DataFrame:
    """Neutral vs. marked attribution per speaker: ``speaker, neutral, marked, n, marked_share``."""
    long = attribution_verbs(quotes, by=by)
    if long.empty:
        return pd.DataFrame(columns=["speaker", "neutral", "marked", "n", "marked_share"])
    table = long.pivot_table(index="speaker", columns="verb_class", values="n", aggfunc="sum", fill_value=0)
    for cls in ("neutral", "marked"):
        if cls not in table:
            table[cls] = 0
    table = table[["neutral", "marked"]].reset_index()
    table.columns.name = None
    table["n"] = table["neutral"] + table["marked"]
    table["marked_share"] = (table["marked"] / table["n"]).round(4)
    return table.sort_values(["n", "speaker"], ascending=[False, True], kind="stable").reset_index(drop=True)


def quote_evidence(quotes: pd.DataFrame, *, actor: str | None = None, kinds: Sequence[str] | None = None,
                   limit: int = 20, max_chars: int = 160) -> pd.DataFrame:
    """Quotes to read (by an actor, of some kinds): ``article_id, kind, speaker_text, verb, text``, text order."""
    frame = speakers(quotes)
    if actor is not None:
        frame = frame[frame["speaker"] == actor]
    if kinds is not None:
        frame = frame[frame["kind"].isin(kinds)]
    frame = frame.drop_duplicates(["article_id", "quote_id"]).sort_values(["article_id", "quote_id"])
    out = frame[["article_id", "quote_id", "kind", "speaker", "speaker_text", "verb", "recipient", "text"]].head(limit)
    out = out.assign(text=out["text"].str.replace(r"\s+", " ", regex=True).str.slice(0, max_chars))
    return out.reset_index(drop=True)

"""KWIC: keyword-in-context concordance lines for an actor's mentions or for a term.

A line holds the keyword exactly as printed (the mention's surface, or the matched
tokens' text) and its left and right context, rebuilt from the tokens: tokens are
joined with one space where the text had any whitespace between them and none where
it had none, so context reads as printed with line breaks folded to spaces.

* ``window="sentence"``: the rest of the keyword's sentence on each side;
* ``window=k``: up to k tokens (punctuation included) on each side, within the article
  (the line may run into the neighbouring sentence, as a printed concordance does).
"""

from __future__ import annotations

from typing import Literal, Sequence

import numpy as np
import pandas as pd

from analysis.terms.actor_context import mention_token_spans
from analysis.terms.token_arrays import TokenArrays, match_term, token_arrays

KWIC_COLUMNS = ["article_id", "date", "outlet", "sentence_id", "start", "end", "left", "keyword", "right", "match"]


def _joined(t: TokenArrays, low: np.ndarray, high: np.ndarray) -> list[str]:
    """The text of each token span [low, high) as printed: tokens joined with a space where the
    text had whitespace between them (or an article boundary), none where it had none."""
    lengths = np.maximum(high - low, 0)
    if not lengths.sum():
        return [""] * len(low)
    # every position of every span, span after span: low[i], low[i] + 1, ..., high[i] - 1
    index = np.repeat(low - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    words = t.source["text"].take(t.rows[index]).astype(str).tolist()
    previous = np.maximum(index - 1, 0)
    gap = (index > 0) & ((t.start[index] > t.end[previous]) | (t.article[index] != t.article[previous]))
    pieces = [(" " + w) if g else w for w, g in zip(words, gap.tolist())]
    bounds = np.concatenate([[0], np.cumsum(lengths)]).tolist()
    return ["".join(pieces[a:b]).strip() for a, b in zip(bounds[:-1], bounds[1:])]


def _empty() -> pd.DataFrame:
    dtypes = ["str", "datetime64[ns]", "str", "int64", "int64", "int64", "str", "str", "str", "str"]
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(KWIC_COLUMNS, dtypes)})


def kwic(tokens: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame | None = None, *,
         actor_id: str | Sequence[str] | None = None, term: str | None = None,
         window: int | Literal["sentence"] = 8, kinds: Sequence[str] | None = None,
         stem: bool = False, spread: int | None = None, per_match: int | None = None) -> pd.DataFrame:
    """Concordance lines for the mentions of ``actor_id`` (needs ``mentions``) or for ``term``.

    ``actor_id``: one id or a list; give ``term`` instead for a word or phrase matched
    case-insensitively on the tokens (a phrase within one sentence; with ``stem`` on
    Snowball stems). ``kinds`` keeps only mentions of those kinds. ``articles``
    supplies date and outlet. See the module notes for ``window``. ``spread=n`` keeps
    ``n`` lines spread evenly over the ordered lines (first and last included), for a
    sample that covers the whole period; ``per_match=n`` keeps the first ``n`` lines of each
    match (actor or term). Only the kept lines' text is assembled.

    Returns article_id, date, outlet, sentence_id, start, end (the keyword's character
    offsets in :func:`analysis.corpus.reader.document_text`), left, keyword, right, match (the
    actor id or the term); ordered by date, article_id, start, match.
    """
    if (actor_id is None) == (term is None):
        raise ValueError("give exactly one of actor_id (with mentions) or term")
    if window != "sentence" and (not isinstance(window, (int, np.integer)) or window < 0):
        raise ValueError(f"window must be 'sentence' or a number of tokens ≥ 0, got {window!r}")
    t = token_arrays(tokens, stem=stem)
    if actor_id is not None:
        if mentions is None:
            raise ValueError("kwic for an actor needs the mentions table")
        wanted = [actor_id] if isinstance(actor_id, str) else list(actor_id)
        chosen = mentions[mentions["actor_id"].isin(wanted)]
        if kinds is not None:
            chosen = chosen[chosen["kind"].isin(list(kinds))]
        chosen, first, end = mention_token_spans(t, chosen)
        hits = pd.DataFrame({"article": t.article[first], "first": first, "end": end,
                             "start": chosen["start"].to_numpy(dtype=np.int64),
                             "stop": chosen["end"].to_numpy(dtype=np.int64),
                             "keyword": chosen["surface"].astype(str).to_numpy(dtype=object),
                             "match": chosen["actor_id"].astype(str).to_numpy(dtype=object)})
    else:
        first, n = match_term(t, term, stem=stem)
        end = first + n
        hits = pd.DataFrame({"article": t.article[first], "first": first, "end": end,
                             "start": t.start[first], "stop": t.end[end - 1] if len(end) else t.start[first],
                             "keyword": None, "match": term})
    if hits.empty:
        return _empty()
    meta = articles.drop_duplicates("article_id").set_index("article_id").reindex(t.article_ids)
    article_codes = hits["article"].to_numpy()
    dates = (pd.to_datetime(meta["date"]).to_numpy()[article_codes] if "date" in meta
             else np.full(len(hits), np.datetime64("NaT"), dtype="datetime64[ns]"))
    order = pd.DataFrame({"date": dates, "article_id": np.asarray(t.article_ids, dtype=object)[article_codes],
                          "start": hits["start"].to_numpy(), "match": hits["match"].astype(str).to_numpy()})
    keep = order.sort_values(["date", "article_id", "start", "match"], kind="stable").index.to_numpy()
    if per_match is not None:
        keep = keep[order.loc[keep].groupby("match", sort=False).cumcount().to_numpy() < per_match]
    if spread is not None and len(keep) > spread:
        keep = keep[np.unique(np.linspace(0, len(keep) - 1, max(spread, 0)).round().astype(int))]
    hits, dates, article_codes = hits.iloc[keep].reset_index(drop=True), dates[keep], article_codes[keep]
    first, end = hits["first"].to_numpy(), hits["end"].to_numpy()
    if window == "sentence":
        low_all, high_all = t.sentence_blocks()
        low, high = low_all[first], high_all[end - 1]
    else:
        low_all, high_all = t.article_blocks()
        low = np.maximum(first - window, low_all[first])
        high = np.minimum(end + window, high_all[end - 1])
    # Tokens that overlap a mention only partly stay out of the context and the keyword is the surface.
    left, right = _joined(t, low, first), _joined(t, end, high)
    if term is not None:
        hits["keyword"] = _joined(t, first, end)
    out = pd.DataFrame({
        "article_id": np.asarray(t.article_ids, dtype=object)[article_codes], "date": dates,
        "outlet": meta["outlet"].to_numpy(dtype=object)[article_codes] if "outlet" in meta else "",
        "sentence_id": t.sentence[first], "start": hits["start"].to_numpy(), "end": hits["stop"].to_numpy(),
        "left": left, "keyword": hits["keyword"].to_numpy(), "right": right, "match": hits["match"].to_numpy()})
    out = out.astype({"article_id": "str", "outlet": "str", "left": "str", "keyword": "str", "right": "str",
                      "match": "str", "sentence_id": "int64", "start": "int64", "end": "int64"})
    out["date"] = out["date"].astype("datetime64[ns]")
    return out

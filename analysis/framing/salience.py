"""Salience: how prominent each actor is, by outlet and over time.

Salience is measured four ways (after the agenda-setting literature's "object
salience": frequency and prominence of coverage, e.g. Kiousis 2004):

* ``mentions``: number of mentions (every kind of the codebook rules);
* ``articles``: number of articles that mention the actor at least once, and
  ``share_articles`` = articles / all articles of the group;
* ``headline_articles`` / ``share_headline``: articles whose headline names the actor;
* ``lead_articles`` / ``share_lead``: articles whose lead (first body sentence(s), see
  :mod:`analysis.annotate.pipeline`) names it.

Groups are any article columns (``outlet``) and/or a period of the date (``freq``:
"D", "W", "M"; periods are labelled by their start day). An article whose group value is
missing (no outlet, no date) forms a group of its own (NaN / NaT), as in
:func:`analysis.terms.counts.term_frequencies` and :func:`analysis.sentiment.tone.actor_tone`:
group totals always add up to the corpus.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

SALIENCE_COLUMNS = ["actor_id", "mentions", "articles", "n_articles", "share_articles", "headline_articles",
                    "share_headline", "lead_articles", "share_lead", "mentions_per_article"]


def with_period(articles: pd.DataFrame, *, freq: str | None) -> pd.DataFrame:
    """Articles with a ``period`` column: the start day of each article's day, week or month."""
    if not freq:
        return articles
    periods = articles["date"].dt.to_period(freq).dt.start_time.dt.normalize()
    return articles.assign(period=periods)


def corpus_overview(articles: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Articles per outlet and period: ``outlet, period, articles, chars`` (every pair, zeros kept)."""
    frame = with_period(articles, freq=freq).assign(chars=articles["text"].str.len())
    counts = frame.groupby(["outlet", "period"], dropna=False).agg(articles=("article_id", "size"),
                                                                    chars=("chars", "sum"))
    full = pd.MultiIndex.from_product([frame["outlet"].drop_duplicates().sort_values(),
                                       frame["period"].drop_duplicates().sort_values()], names=["outlet", "period"])
    return counts.reindex(full, fill_value=0).reset_index()


def actor_salience(mentions: pd.DataFrame, sentences: pd.DataFrame, articles: pd.DataFrame, *,
                   by: Sequence[str] = (), freq: str | None = None,
                   actors: Sequence[str] | None = None) -> pd.DataFrame:
    """Salience per actor (and group): columns ``by..., [period], `` + :data:`SALIENCE_COLUMNS`.

    Every requested actor appears in every group, with zeros where it is absent, so
    charts and comparisons never silently drop an actor.
    """
    keys = list(by) + (["period"] if freq else [])
    frame = with_period(articles, freq=freq)
    actor_ids = list(actors) if actors is not None else sorted(mentions["actor_id"].unique())
    if actors is not None:  # only the requested actors' mentions are counted: join those alone
        mentions = mentions[mentions["actor_id"].isin(actor_ids)]
    place = sentences[["article_id", "sentence_id", "is_headline", "is_lead"]]
    found = mentions[["article_id", "sentence_id", "actor_id"]].merge(place, on=["article_id", "sentence_id"])
    found = found.merge(frame[["article_id", *keys]], on="article_id")
    per_article = found.groupby(["actor_id", "article_id", *keys], observed=True, dropna=False).agg(
        mentions=("sentence_id", "size"), headline=("is_headline", "any"), lead=("is_lead", "any")).reset_index()
    stats = per_article.groupby(["actor_id", *keys], observed=True, dropna=False).agg(
        mentions=("mentions", "sum"), articles=("article_id", "size"), headline_articles=("headline", "sum"),
        lead_articles=("lead", "sum")).reset_index()
    totals = frame.groupby(keys, dropna=False).size().rename("n_articles").reset_index() if keys else \
        pd.DataFrame({"n_articles": [len(frame)]})
    grid = pd.DataFrame({"actor_id": actor_ids}).merge(totals, how="cross")
    result = grid.merge(stats, on=["actor_id", *keys], how="left")
    for column in ("mentions", "articles", "headline_articles", "lead_articles"):
        result[column] = result[column].fillna(0).astype("int64")
    denominator = result["n_articles"].where(result["n_articles"] > 0)
    result["share_articles"] = (result["articles"] / denominator).fillna(0.0)
    result["share_headline"] = (result["headline_articles"] / denominator).fillna(0.0)
    result["share_lead"] = (result["lead_articles"] / denominator).fillna(0.0)
    result["mentions_per_article"] = (result["mentions"] / denominator).fillna(0.0)
    order = {actor: i for i, actor in enumerate(actor_ids)}
    result = result.sort_values([*keys, "actor_id"], key=lambda s: s.map(order) if s.name == "actor_id" else s)
    return result[[*keys, *SALIENCE_COLUMNS]].reset_index(drop=True)

"""The actor dossier's measures: one actor of a workspace, every analysis, thin data handled.

:func:`actor_view` gives an :class:`ActorView` whose methods the dossier notebook
(``notebooks/40-actor-profile.ipynb``) calls, one per section. Each method is a thin
selection over the suite's measures and the workspace's cached annotation layers
(frames, quotes, roles, labels, mention sentiment), restricted to the articles that
mention the actor, so a dossier costs in proportion to the actor's coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd

from analysis.errors import InputError
from analysis.plots.export import slug
from analysis.report.rows import TableRows


class ArticleRows:
    """A table and where its articles' and sentences' rows are (:class:`~analysis.report.rows.TableRows`,
    found once per table and kernel): the rows of a few articles or sentences without a scan.

    Selecting an actor's articles with ``isin`` over a whole table costs a pass over every row
    (1.6 million frame scores on the Q1 corpus) for each dossier. :meth:`take` and
    :meth:`take_sentences` give the same rows in the same order as the boolean selection.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.rows = frame, TableRows.of(frame)

    def take(self, ids: Any) -> pd.DataFrame:
        """The rows of the articles ``ids`` (in table order), with a fresh index."""
        return self.frame.iloc[self.rows.of_articles(ids)].reset_index(drop=True)

    def take_sentences(self, article_ids: Any, sentence_ids: Any) -> pd.DataFrame:
        """The rows of the sentences (``article_ids[i]``, ``sentence_ids[i]``) (in table order), with a fresh
        index (a dossier's frame scores are its actor's sentences': a tenth of its articles' rows on Q1)."""
        return self.frame.iloc[self.rows.of_sentences(article_ids, sentence_ids)].reset_index(drop=True)


#: The row index of each table of the last workspace (see :func:`article_rows`); a kernel serves one corpus.
_ROWS: dict[str, ArticleRows] = {}


def article_rows(ws: Any, name: str) -> ArticleRows:
    """The :class:`ArticleRows` of a workspace table, built on first use and kept while the table is the same."""
    frame = ws.table(name)
    found = _ROWS.get(name)
    if found is None or found.frame is not frame:
        if found is not None:
            _ROWS.clear()  # another workspace: let the old tables go
        found = _ROWS[name] = ArticleRows(frame)
    return found


def note(text: str) -> str:
    """A short Markdown note for thin data (italic), with HTML escaped."""
    from analysis.markup import escape_markdown

    return f"_{escape_markdown(text)}_"


@dataclass
class ActorView:
    """One actor of a workspace, with the tables of the articles that mention it.

    ``articles`` and ``tables`` hold only the articles that mention the actor (annotation
    rows depend only on their own article, so further layers computed on them are the
    same as on the whole corpus); ``ws`` keeps the whole corpus for denominators
    (salience shares, keyness reference). Word measures read the whole tokens table, whose
    array form (:func:`~analysis.terms.token_arrays.token_arrays`) is built once per kernel and shared
    by every dossier, rather than a per-actor copy.
    """

    ws: Any
    actor: str
    articles: pd.DataFrame
    tables: dict[str, pd.DataFrame]

    @property
    def info(self):
        return self.ws.codebook[self.actor]

    @property
    def label(self) -> str:
        return self.info.label

    @property
    def slug(self) -> str:
        return slug(self.actor)

    @property
    def mentions(self) -> pd.DataFrame:
        """The actor's own mentions (every kind)."""
        mentions = self.tables["mentions"]
        return mentions[mentions["actor_id"] == self.actor]

    @property
    def thin(self) -> bool:
        """True when the corpus never mentions the actor."""
        return self.mentions.empty

    def table(self, name: str) -> pd.DataFrame:
        """An annotation table (base or layer) restricted to the actor's articles, selected once."""
        if name not in self.tables:
            whole = self.ws.annotations.tables
            if name not in whole:
                raise KeyError(f"no table {name!r} in the workspace: open it with the default layers "
                               f"(it has {', '.join(whole)})")
            self.tables[name] = article_rows(self.ws, name).take(self.articles["article_id"])
        return self.tables[name]

    # -- overview and salience ------------------------------------------------------------------

    def heading(self) -> str:
        """Markdown: who the actor is and how often the corpus names it (text escaped)."""
        from analysis.markup import escape_markdown

        info, n_all = self.info, len(self.ws.articles)
        text = (f"## {escape_markdown(info.label)} (`{escape_markdown(info.id)}`, {escape_markdown(info.type)})\n\n"
                f"Aliases: {escape_markdown(', '.join(info.aliases))}.")
        if self.thin:
            return text + "\n\n" + note(f"{info.label} is not mentioned in this corpus ({n_all:,} article(s)): "
                                        "there is nothing to profile. Check the aliases in the codebook.")
        kinds = self.mentions["kind"].value_counts()
        return text + (f" **{len(self.mentions):,} mention(s)** in **{len(self.articles):,} of {n_all:,} "
                       f"article(s)** ({', '.join(f'{k}: {n:,}' for k, n in kinds.items())}).")

    def salience(self, *, by: Sequence[str] = (), freq: str | None = None) -> pd.DataFrame:
        """:func:`~analysis.framing.salience.actor_salience` of the actor over the whole corpus (by groups or periods)."""
        from analysis.framing.salience import actor_salience

        # the actor's own mentions and sentences: the rest of the corpus counts only in the totals (articles)
        return actor_salience(self.mentions, self.tables["sentences"], self.ws.articles, by=by, freq=freq,
                              actors=[self.actor])

    def headlines(self, *, n: int = 10) -> pd.DataFrame:
        """The latest articles whose headline names the actor: date, outlet, title."""
        sentences = self.tables["sentences"]
        heads = sentences[sentences["is_headline"]][["article_id", "sentence_id"]]
        named = self.mentions.merge(heads, on=["article_id", "sentence_id"])["article_id"].unique()
        table = self.articles[self.articles["article_id"].isin(named)]
        return (table.sort_values(["date", "article_id"], ascending=[False, True])[["date", "outlet", "title"]]
                .head(n).reset_index(drop=True))

    # -- words ----------------------------------------------------------------------------------

    def context_terms(self, *, window: int | None = None, top_n: int = 15) -> pd.DataFrame:
        """:func:`~analysis.terms.actor_context.actor_context_terms` of the actor (its sentences, or ±``window`` tokens)."""
        from analysis.terms.actor_context import actor_context_terms

        return actor_context_terms(self.ws.table("tokens"), self.tables["mentions"], actor_id=self.actor,
                                   window=window, top_n=top_n)

    def keyness(self, *, window: int | None = None) -> pd.DataFrame:
        """:func:`~analysis.terms.keyness.actor_keyness`: the actor's context against the rest of the corpus."""
        from analysis.terms.keyness import actor_keyness

        return actor_keyness(self.ws.table("tokens"), self.ws.table("mentions"), self.actor, window=window)

    def kwic(self, *, lines: int = 10, window: int | str = "sentence") -> pd.DataFrame:
        """``lines`` concordance lines (:func:`~analysis.terms.kwic.kwic`) spread evenly over the corpus, in date order."""
        from analysis.terms.kwic import kwic

        table = kwic(self.ws.table("tokens"), self.articles, self.tables["mentions"], actor_id=self.actor,
                     window=window, spread=lines)
        return table[["date", "outlet", "left", "keyword", "right"]]

    # -- framing --------------------------------------------------------------------------------

    def frames(self, *, scheme: str = "generic") -> pd.DataFrame:
        """:func:`~analysis.framing.frames.actor_frames` of the actor's sentences (pronoun mentions left out)."""
        from analysis.framing.frames import actor_frames

        mentions = self.mentions[self.mentions["kind"] != "pronoun"]
        if "frames" in self.tables or "frames" not in self.ws.annotations.tables:
            scores = self.table("frames")  # (the layer missing: a KeyError that says so)
        else:  # only the sentences that count: those of the mentions (actor_frames joins on them)
            scores = article_rows(self.ws, "frames").take_sentences(mentions["article_id"], mentions["sentence_id"])
        scores = scores[scores["scheme"] == scheme].drop(columns="scheme")
        return actor_frames(scores, mentions)

    def voice(self) -> pd.DataFrame:
        """The actor's row of :func:`~analysis.framing.voice.voice` (shares within the articles that mention it)."""
        from analysis.framing.voice import voice

        table = voice(self.table("quotes"))
        return table[table["actor"] == self.actor].reset_index(drop=True)

    def attribution_verbs(self) -> pd.DataFrame:
        """The verbs that attribute the actor's quotes and reported speech (:mod:`analysis.framing.voice`)."""
        from analysis.framing.voice import attribution_verbs

        table = attribution_verbs(self.table("quotes"))
        return table[table["speaker"] == self.actor].drop(columns="speaker").reset_index(drop=True)

    def quotes(self, *, n: int = 8) -> pd.DataFrame:
        """Quotes of the actor to read (:func:`~analysis.framing.voice.quote_evidence`)."""
        from analysis.framing.voice import quote_evidence

        table = quote_evidence(self.table("quotes"), actor=self.actor, limit=n)
        return table[["kind", "speaker_text", "verb", "recipient", "text"]]

    def roles(self) -> pd.DataFrame:
        """Agent and patient counts of the actor (:func:`~analysis.framing.roles.role_balance`)."""
        from analysis.framing.roles import role_balance

        roles = self.table("roles")
        return role_balance(roles[roles["actor_id"] == self.actor])

    def role_evidence(self, *, n: int = 6) -> pd.DataFrame:
        roles = self.table("roles")
        roles = roles[roles["actor_id"] == self.actor].sort_values(["article_id", "mention_id"], kind="stable")
        return roles[["role", "verb", "pattern", "evidence"]].head(n).reset_index(drop=True)

    def labels(self, *, top_n: int = 15) -> pd.DataFrame:
        """Labels attached to the actor, who asserts them, how often (:func:`~analysis.framing.labels.label_counts`)."""
        from analysis.framing.labels import label_counts

        labels = self.table("labels")
        return label_counts(labels[labels["actor_id"] == self.actor], by=("label", "kind", "asserted_by")
                            ).head(top_n)

    # -- sentiment ------------------------------------------------------------------------------

    def mention_scores(self) -> pd.DataFrame:
        """Target-dependent tone of each of the actor's mentions (the cached ``mention_sentiment``
        layer, :func:`~analysis.sentiment.tone.score_mentions`), with outlet and date."""
        if "mention_scores" not in self.tables:
            scores = self.table("mention_sentiment")
            scores = scores[scores["actor_id"] == self.actor]
            self.tables["mention_scores"] = scores.merge(self.articles[["article_id", "outlet", "date"]],
                                                         on="article_id", how="left")
        return self.tables["mention_scores"]

    def tone(self, *, by: Sequence[str] = (), freq: str | None = None) -> pd.DataFrame:
        """Mean tone toward the actor with 95% bootstrap intervals (:func:`~analysis.sentiment.tone.actor_tone`)."""
        from analysis.framing.salience import with_period
        from analysis.sentiment.tone import actor_tone

        scores = self.mention_scores()
        keys = list(by)
        if freq:
            scores = with_period(scores, freq=freq)
            keys.append("period")
        return actor_tone(scores, by=["actor_id", *keys])

    def outlet_difference(self, outlets: Sequence[str] = (), *, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
        """Tone toward the actor in outlet A vs outlet B: both means, the difference and its bootstrap interval.

        ``outlets``: the two outlets (A, B), by default the corpus's two with the most
        articles (:func:`~analysis.sentiment.compare.compared_outlets`); one row
        (:func:`~analysis.sentiment.compare.outlet_tone_difference`), none when the corpus
        has one outlet or the actor is mentioned in neither.
        """
        from analysis.sentiment.compare import DIFFERENCE_COLUMNS, compared_outlets, outlet_tone_difference

        pair = compared_outlets(self.ws.articles, outlets)
        if len(pair) < 2:
            return pd.DataFrame(columns=DIFFERENCE_COLUMNS)
        return outlet_tone_difference(self.mention_scores(), outlets=pair, n_boot=n_boot, seed=seed,
                                      actors=[self.actor])

    def evidence(self, *, n: int = 3) -> pd.DataFrame:
        """The most negative and most positive mentions with their sentences (:func:`~analysis.sentiment.tone.evidence`)."""
        from analysis.sentiment.tone import evidence

        table = evidence(self.mention_scores(), self.tables["sentences"], actor_id=self.actor, n=n)
        return table[["side", "rank", "score", "label", "text"]]


def actor_view(ws: Any, actor: str) -> ActorView:
    """The :class:`ActorView` of ``actor`` (an id of the workspace's codebook; else :class:`InputError`)."""
    if actor not in ws.codebook.ids:
        raise InputError.at(ws.codebook.source, field="actor", expected=f"an actor id of the codebook "
                            f"({', '.join(ws.codebook.ids)})", got=actor)
    mentions = ws.table("mentions")
    ids = mentions.loc[mentions["actor_id"] == actor, "article_id"].unique()
    keep = ws.articles["article_id"].isin(ids)
    tables = {name: article_rows(ws, name).take(ids) for name in ("sentences", "mentions")}
    return ActorView(ws=ws, actor=actor, articles=ws.articles[keep].reset_index(drop=True), tables=tables)

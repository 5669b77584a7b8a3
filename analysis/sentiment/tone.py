"""Sentiment tables: per sentence, per actor mention, and per actor with uncertainty.

* :func:`score_sentences` - VADER (Hutto & Gilbert 2014) scores of each
  sentence, through an exact fast re-implementation of NLTK's analyzer
  (:mod:`analysis.sentiment.vader`) with the lexicon shipped in ``vaderSentiment``.
* :func:`score_mentions` - target-dependent sentiment toward each actor
  mention (:mod:`analysis.sentiment.target`; model trained on NewsMTSC,
  Hamborg & Donnay 2021).
* :func:`actor_tone` - mean tone and class shares per actor (and optionally
  outlet, date ...), with seeded bootstrap percentile intervals (Efron &
  Tibshirani 1993) that resample articles, not mentions (cluster bootstrap).
* :func:`evidence` / :func:`evidence_table` - the most negative and most
  positive mentions of an actor with their sentences, for reading what the
  numbers rest on.
* :func:`quote_tone` - VADER tone of each actor's own quotes (sentiment
  expressed *by* the actor), kept apart from the tone *about* the actor.
* :func:`with_articles` - join outlet, date and a period (week, month) to any
  of these tables, so :func:`actor_tone` can group by outlet or over time.
* :func:`annotate_sentiment` - the annotation layer (``sentence_sentiment``
  and ``mention_sentiment`` tables).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.sentiment.methods import canonical, score_targets
from analysis.sentiment.newsmtsc import LABELS
from analysis.sentiment.notes import target_note
from analysis.sentiment.polarity import labels_from_scores
from analysis.sentiment.article_tone import article_tone
from analysis.sentiment.resampling import cluster_bootstrap_means, percentile_interval
from analysis.sentiment.target import (
    THRESHOLD,
    Method,
    TargetScore,
    target_sentiment,
)
from analysis.sentiment.vader import METHOD_NOTE as VADER_NOTE
from analysis.sentiment.vader import fast_analyzer, nltk_analyzer

__all__ = [
    "annotate_sentiment",
    "annotate_sentence_sentiment",
    "annotate_mention_sentiment",
    "evidence_table",
    "quote_tone",
    "with_articles",
    "score_sentences",
    "score_mentions",
    "target_sentiment",
    "TargetScore",
    "actor_tone",
    "evidence",
    "method_note",
    "nltk_analyzer",
]

SENTENCE_COLUMNS = ["article_id", "sentence_id", "neg", "neu", "pos", "compound", "label"]
QUOTE_TONE_COLUMNS = ["article_id", "quote_id", "actor_id", "kind", "n_words", "neg", "neu", "pos", "compound",
                      "score", "label"]
MENTION_COLUMNS = ["article_id", "mention_id", "actor_id", "sentence_id", "score", "label",
                   "p_negative", "p_neutral", "p_positive", "method"]


def method_note(*, method: str = "learned", neutral_band: float = THRESHOLD, n_boot: int = 2000,
                seed: int = 0) -> str:
    """A Markdown paragraph a write-up can cite: lexicon, model, thresholds, evaluation figures."""
    lines = [
        f"**Sentence tone.** {VADER_NOTE} Sentences are labelled positive at compound >= {neutral_band:g}, "
        f"negative at <= -{neutral_band:g}, neutral otherwise.",
    ]
    lines.append(target_note(method=method, neutral_band=neutral_band))
    lines.append(
        "**Quote tone** (sentiment expressed *by* an actor): VADER compound of the text of each quote attributed "
        "to the actor (direct, partial and indirect quotes and 'according to'; coordinated speakers each "
        "count the quote), kept apart from the tone *toward* the actor.")
    lines.append(
        f"**Uncertainty:** 95% percentile bootstrap intervals of the mean score over mentions (or quotes), "
        f"{n_boot} resamples, numpy seed {seed} (Efron & Tibshirani 1993), resampling whole articles (a cluster "
        "bootstrap: mentions in one article share its author and angle, so they are not independent; on the Q1 "
        "corpus this widens the intervals of the most mentioned actors 1.1-1.5 times over resampling mentions).")
    lines.append(
        "**Stance per article:** one label per article and actor, fixed in advance: negative (positive) when the "
        "actor's negative (positive) mentions in the article outnumber the other side by at least 2 and make up at "
        "least a third of them, else neutral (`analysis/sentiment/article_tone.py`).")
    return "\n\n".join(lines)


def _require(df: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{name} table lacks column(s) {missing}; expected at least {list(cols)}")


def score_sentences(sentences: pd.DataFrame, *, neutral_band: float = THRESHOLD) -> pd.DataFrame:
    """VADER scores of each sentence.

    Input: a table with ``article_id, sentence_id, text`` (more columns are
    ignored). Output columns:

    * ``article_id``, ``sentence_id`` - as in the input;
    * ``neg``, ``neu``, ``pos`` - shares of negative, neutral and positive
      lexicon weight (sum to about 1; rounded to 3 decimals as VADER does);
    * ``compound`` - normalised sum of valences in [-1, 1] (4 decimals);
    * ``label`` - positive where ``compound >= neutral_band``, negative where
      ``compound <= -neutral_band``, else neutral (VADER's own cut is 0.05).

    Scores equal NLTK's ``SentimentIntensityAnalyzer.polarity_scores``.
    """
    _require(sentences, ["article_id", "sentence_id", "text"], "sentences")
    fv = fast_analyzer()
    scores = list(map(fv.scores, sentences["text"].astype(str).tolist()))
    arr = np.array(scores, dtype=np.float64).reshape(len(scores), 4)
    out = pd.DataFrame({
        "article_id": sentences["article_id"].to_numpy(),
        "sentence_id": sentences["sentence_id"].to_numpy(),
        "neg": arr[:, 0], "neu": arr[:, 1], "pos": arr[:, 2], "compound": arr[:, 3],
        "label": labels_from_scores(arr[:, 3], neutral_band),
    })
    return out[SENTENCE_COLUMNS]


def score_mentions(sentences: pd.DataFrame, mentions: pd.DataFrame, *, method: Method = "default",
                   neutral_band: float = THRESHOLD) -> pd.DataFrame:
    """Target-dependent sentiment toward each mention.

    ``mentions`` has ``article_id, mention_id, sentence_id, start, end,
    actor_id`` with ``start``/``end`` character offsets into the article;
    ``sentences`` has ``article_id, sentence_id, start, end, text`` with the
    same offsets. Other mentions in the same sentence are passed as ``others``
    (they bound what concerns each actor). A mention that starts in its sentence
    but runs past its end (a sentence split inside a name) is cut at the end
    of the sentence. Every method scores all mentions at once
    (:func:`analysis.sentiment.methods.score_targets`). Output columns: ``article_id,
    mention_id, actor_id, sentence_id, score`` (in [-1, 1]: for the model methods the
    lead of the most probable polar class, 0 when neutral is the most probable; a VADER
    compound for the lexicon methods), ``label`` (negative/neutral/positive: the score
    cut at +-``neutral_band``, the one rule of :mod:`analysis.sentiment.polarity`, so a
    label never contradicts its score), ``p_negative, p_neutral, p_positive`` (the
    model's class probabilities; nan for the lexicon methods) and ``method``.
    """
    _require(sentences, ["article_id", "sentence_id", "start", "end", "text"], "sentences")
    _require(mentions, ["article_id", "mention_id", "sentence_id", "start", "end", "actor_id"], "mentions")
    method = canonical(method)
    if mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c.startswith("p_") or c == "score" else "object")
                             for c in MENTION_COLUMNS})
    texts, group, m_start, m_end = _mention_spans(sentences, mentions)
    order = np.argsort(group, kind="stable")  # the mentions of a sentence together, sentences in first-seen order
    scored = score_targets(texts, group[order], m_start[order], m_end[order], method=method, band=neutral_band)
    res = np.empty((len(mentions), 4))
    res[order, 0] = scored.score
    res[order, 1:] = scored.probs
    labels = np.empty(len(mentions), dtype=object)
    labels[order] = scored.label
    out = pd.DataFrame({
        "article_id": mentions["article_id"].to_numpy(),
        "mention_id": mentions["mention_id"].to_numpy(),
        "actor_id": mentions["actor_id"].to_numpy(),
        "sentence_id": mentions["sentence_id"].to_numpy(),
        "score": res[:, 0], "label": labels,
        "p_negative": res[:, 1], "p_neutral": res[:, 2], "p_positive": res[:, 3],
        "method": method,
    })
    return out[MENTION_COLUMNS]


def _mention_spans(sentences: pd.DataFrame, mentions: pd.DataFrame
                   ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Each mention's sentence (as an index into a list of sentence texts) and its offsets in it.

    Sentences are numbered in the order their first mention appears. A mention that runs
    past its sentence's end is cut there; one that starts outside it is a ``ValueError``,
    a sentence missing from ``sentences`` a ``KeyError`` (the first such mention is named).
    """
    sent = sentences.set_index(["article_id", "sentence_id"])[["start", "text"]]
    key = pd.MultiIndex.from_frame(mentions[["article_id", "sentence_id"]])
    missing = ~key.isin(sent.index)
    if missing.any():
        row = mentions[missing].iloc[0]
        raise KeyError(f"mention {row['mention_id']!r} of article {row['article_id']!r} refers to sentence "
                       f"{row['sentence_id']!r}, which is not in the sentences table")
    group, _ = pd.factorize(key)
    first = np.unique(group, return_index=True)[1]
    joined = sent.reindex(key[first])
    texts = [str(t) for t in joined["text"].tolist()]
    s_start = joined["start"].to_numpy(dtype=np.int64)[group]
    length = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))[group]
    m_start = mentions["start"].to_numpy(dtype=np.int64) - s_start
    m_end = mentions["end"].to_numpy(dtype=np.int64) - s_start
    bad = (m_start < 0) | (m_start > m_end) | (m_start > length)
    if bad.any():
        r = np.argsort(group, kind="stable")[bad[np.argsort(group, kind="stable")]][0]
        raise ValueError(f"mention {mentions['mention_id'].iat[r]!r}: offsets {m_start[r]}:{m_end[r]} fall outside "
                         f"sentence {mentions['sentence_id'].iat[r]!r} (length {length[r]})")
    return texts, group.astype(np.int64), m_start, np.minimum(m_end, length)


_DRAWS_AT_ONCE = 1 << 20


def actor_tone(
    mention_scores: pd.DataFrame,
    *,
    by: Sequence[str] = ("actor_id",),
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    cluster: str | None = "article_id",
) -> pd.DataFrame:
    """Mean tone per group with cluster-bootstrap percentile intervals.

    Groups ``mention_scores`` (from :func:`score_mentions`, optionally with
    ``outlet``/``date`` merged in) by ``by``; resamples each group's *articles* (the
    ``cluster`` column) with replacement ``n_boot`` times and takes each resample's mean
    over all mentions of the drawn articles (:mod:`analysis.sentiment.resampling`:
    mentions in one article are not independent, so resampling mentions would make the
    intervals too narrow). ``cluster=None`` resamples mentions. The generator is
    ``numpy.random.default_rng(seed)``, one stream per group in sorted group order, so
    results are reproducible. Columns: ``by...``, ``n_mentions``, ``n_articles``, ``mean``
    (mean score over mentions), ``ci_low``, ``ci_high`` (percentile interval at level
    ``ci``), ``share_negative``, ``share_neutral``, ``share_positive`` (shares of labels).
    """
    by = list(by)
    _require(mention_scores, by + ["score", "label"] + ([cluster] if cluster else []), "mention_scores")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1), got {ci}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    cols = by + ["n_mentions", "n_articles", "mean", "ci_low", "ci_high", "share_negative", "share_neutral",
                 "share_positive"]
    df = mention_scores.dropna(subset=["score"])
    if df.empty:
        return pd.DataFrame(columns=cols)
    rng = np.random.default_rng(seed)
    grouped = df.groupby(by, sort=True, dropna=False)
    keys = grouped.size().index  # the groups in sorted order, as ngroup numbers them
    number = grouped.ngroup().to_numpy()
    order = np.argsort(number, kind="stable")  # each group's rows together, in row order
    group = number[order]
    x = df["score"].to_numpy(dtype=np.float64)[order]
    labels = df["label"]
    label = (labels.cat.set_categories(LABELS).cat.codes.to_numpy() if isinstance(labels.dtype, pd.CategoricalDtype)
             else pd.Categorical(labels.to_numpy(), categories=LABELS).codes)[order]
    bounds = np.r_[0, np.flatnonzero(np.diff(group)) + 1, len(group)]
    # per (group, article) score sums and counts, articles in sorted order within each group (as cluster_sums)
    if cluster:
        article = pd.factorize(df[cluster].to_numpy()[order], sort=True)[0]
        if (article < 0).any():
            raise ValueError(f"mention_scores: column {cluster!r} has missing values (every mention needs one)")
    else:
        article = np.arange(len(order))
    width = int(article.max(initial=0)) + 1
    pair, pair_of = np.unique(group.astype(np.int64) * width + article, return_inverse=True)
    sums = np.bincount(pair_of, weights=x, minlength=len(pair))
    counts = np.bincount(pair_of, minlength=len(pair)).astype(np.float64)
    pair_bounds = np.searchsorted(pair // width, np.arange(len(bounds)))
    n_groups = len(bounds) - 1
    lows, highs = np.empty(n_groups), np.empty(n_groups)
    block = max(1, _DRAWS_AT_ONCE // n_boot)  # groups whose draws are held at once (about 8 MB)
    for first in range(0, n_groups, block):
        last = min(n_groups, first + block)
        draws = np.empty((last - first, n_boot))
        for g in range(first, last):  # the groups in order, from one stream of draws
            draws[g - first] = cluster_bootstrap_means(sums[pair_bounds[g]:pair_bounds[g + 1]],
                                                       counts[pair_bounds[g]:pair_bounds[g + 1]], n_boot=n_boot,
                                                       rng=rng)
        lows[first:last], highs[first:last] = percentile_interval(draws, ci=ci)  # a block's intervals in one call
    rows = []
    for g, (lo_row, hi_row) in enumerate(zip(bounds[:-1], bounds[1:])):
        xs, shares = x[lo_row:hi_row], np.bincount(label[lo_row:hi_row] + 1, minlength=4)[1:] / (hi_row - lo_row)
        key = keys[g] if isinstance(keys[g], tuple) else (keys[g],)
        rows.append((*key, hi_row - lo_row, pair_bounds[g + 1] - pair_bounds[g], float(xs.mean()), float(lows[g]),
                     float(highs[g]), *map(float, shares)))
    return pd.DataFrame(rows, columns=cols)


def evidence(mention_scores: pd.DataFrame, sentences: pd.DataFrame, *, actor_id: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` most negative and ``n`` most positive mentions of ``actor_id``, with their sentences.

    Columns: ``side`` ('most negative' / 'most positive'), ``rank``,
    ``article_id``, ``sentence_id``, ``mention_id``, ``score``, ``label``,
    ``text``. Ties are broken by article, sentence and mention id so the
    choice is stable.
    """
    _require(mention_scores, ["article_id", "sentence_id", "mention_id", "actor_id", "score", "label"], "mention_scores")
    _require(sentences, ["article_id", "sentence_id", "text"], "sentences")
    m = mention_scores[mention_scores["actor_id"] == actor_id].dropna(subset=["score"])
    m = m.merge(sentences[["article_id", "sentence_id", "text"]], on=["article_id", "sentence_id"], how="left")
    keys = ["article_id", "sentence_id", "mention_id"]
    neg = m.sort_values(["score"] + keys, ascending=[True, True, True, True], kind="mergesort").head(n)
    pos = m.sort_values(["score"] + keys, ascending=[False, True, True, True], kind="mergesort").head(n)
    parts = []
    for side, part in (("most negative", neg), ("most positive", pos)):
        part = part.assign(side=side, rank=np.arange(1, len(part) + 1))
        parts.append(part)
    cols = ["side", "rank", "article_id", "sentence_id", "mention_id", "score", "label", "text"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def evidence_table(mention_scores: pd.DataFrame, sentences: pd.DataFrame, *, actors: Sequence[str],
                   n: int = 5) -> pd.DataFrame:
    """:func:`evidence` for several actors: ``actor_id`` first, then the columns of :func:`evidence`.

    Actors come in the order given; an actor without scored mentions gives no rows.
    """
    parts = [evidence(mention_scores, sentences, actor_id=a, n=n).assign(actor_id=a) for a in actors]
    cols = ["actor_id", "side", "rank", "article_id", "sentence_id", "mention_id", "score", "label", "text"]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def quote_tone(quotes: pd.DataFrame, *, neutral_band: float = THRESHOLD,
               speaker_types: Sequence[str] = ("actor",), kinds: Sequence[str] | None = None,
               joint: str = ";") -> pd.DataFrame:
    """VADER tone of each actor's own quotes: sentiment expressed *by* the speaker.

    Input: the ``quotes`` table of :mod:`analysis.framing.quotes` (``article_id, quote_id,
    kind, text, speaker_actor_id, speaker_type, n_words`` at least). Quotes whose
    ``speaker_type`` is not in ``speaker_types`` (by default unnamed, other and
    unknown speakers are left out) or whose ``kind`` is not in ``kinds`` (default:
    every kind: direct, partial, indirect, according_to) are dropped. A quote of
    coordinated speakers (``speaker_actor_id`` "us;nato", joined by ``joint``)
    counts once for each of them.

    The quote's text is scored as one text with NLTK's VADER (the exact fast
    scorer of :mod:`analysis.sentiment.vader`). This is the tone *of the words the actor
    is reported to say*, which is a different thing from the tone *toward* the
    actor (:func:`score_mentions`); an indirect quote is the journalist's
    paraphrase. Columns: ``article_id, quote_id, actor_id`` (the speaker),
    ``kind, n_words, neg, neu, pos, compound``, ``score`` (= compound, so that
    :func:`actor_tone` applies) and ``label`` (compound cut at
    +-``neutral_band``). Rows are sorted by article, quote and actor.
    """
    _require(quotes, ["article_id", "quote_id", "kind", "text", "speaker_actor_id", "speaker_type", "n_words"],
             "quotes")
    q = quotes[quotes["speaker_type"].isin(list(speaker_types))]
    if kinds is not None:
        q = q[q["kind"].isin(list(kinds))]
    q = q[q["speaker_actor_id"].fillna("").astype(str).str.len() > 0]
    q = q.assign(actor_id=q["speaker_actor_id"].astype(str).str.split(joint)).explode("actor_id")
    q = q[q["actor_id"].str.len() > 0]
    fv = fast_analyzer()
    scores = np.array([fv.scores(t) for t in q["text"].astype(str)], dtype=np.float64).reshape(len(q), 4)
    out = pd.DataFrame({
        "article_id": q["article_id"].to_numpy(), "quote_id": q["quote_id"].to_numpy(),
        "actor_id": q["actor_id"].to_numpy(dtype=object), "kind": q["kind"].to_numpy(),
        "n_words": q["n_words"].to_numpy(),
        "neg": scores[:, 0], "neu": scores[:, 1], "pos": scores[:, 2], "compound": scores[:, 3],
        "score": scores[:, 3], "label": labels_from_scores(scores[:, 3], neutral_band),
    })
    return out.sort_values(["article_id", "quote_id", "actor_id"], kind="mergesort").reset_index(drop=True)[
        QUOTE_TONE_COLUMNS]


def with_articles(table: pd.DataFrame, articles: pd.DataFrame, *, period: str | None = None) -> pd.DataFrame:
    """``table`` (any table with ``article_id``) with each article's ``outlet`` and ``date`` joined in.

    ``period`` ("D", "W", "M", ...) adds a ``period`` column: the first day of the
    date's day, week (Monday) or month, as a timestamp, for grouping over time.
    """
    _require(table, ["article_id"], "table")
    _require(articles, ["article_id", "outlet", "date"], "articles")
    out = table.merge(articles[["article_id", "outlet", "date"]], on="article_id", how="left", validate="many_to_one")
    if period:
        dates = pd.to_datetime(out["date"])
        out["period"] = dates.dt.to_period(period).dt.start_time.dt.normalize()
    return out


def annotate_sentiment(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame], codebook: object = None,
                       settings: object = None) -> dict[str, pd.DataFrame]:
    """Annotation layer "sentiment": ``sentence_sentiment`` and ``mention_sentiment`` of a batch.

    Needs the ``sentences`` and ``mentions`` tables (offsets into the same document
    text). Sentence tone is VADER cut at VADER's own +-0.05; tone toward each mention
    is the default learned method. Rows depend only on their own article. The pipeline
    runs the two halves apart (:func:`annotate_sentence_sentiment` with the text layer,
    cached by text; :func:`annotate_mention_sentiment` with the mentions).
    """
    return {**annotate_sentence_sentiment(articles, tables, codebook, settings),
            **annotate_mention_sentiment(articles, tables, codebook, settings)}


def annotate_sentence_sentiment(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame], codebook: object = None,
                                settings: object = None) -> dict[str, pd.DataFrame]:
    """The codebook-independent half of the "sentiment" layer: ``sentence_sentiment`` (needs ``sentences``)."""
    return {"sentence_sentiment": score_sentences(tables["sentences"])}


def annotate_mention_sentiment(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame], codebook: object = None,
                               settings: object = None) -> dict[str, pd.DataFrame]:
    """The mention half of the "sentiment" layer: ``mention_sentiment`` (needs ``sentences`` and ``mentions``)
    and ``article_tone`` (one row per article × actor, :mod:`analysis.sentiment.article_tone`)."""
    scores = score_mentions(tables["sentences"], tables["mentions"])
    return {"mention_sentiment": scores, "article_tone": article_tone(scores)}


def tone_tables(tables: Mapping[str, pd.DataFrame], *, method: str = "learned",
                neutral_band: float = THRESHOLD) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sentence tone and tone toward each mention, from the cached layer when it was made with these settings.

    The ``sentiment`` annotation layer holds both tables for the default method and
    band; other settings are scored here. Either way the result is the same as calling
    :func:`score_sentences` and :func:`score_mentions`.
    """
    sentences, mentions = tables["sentences"], tables["mentions"]
    cached = "sentence_sentiment" in tables and "mention_sentiment" in tables
    if cached and neutral_band == THRESHOLD:
        sentence_tone = tables["sentence_sentiment"]
        if method in ("default", "learned"):
            return sentence_tone, tables["mention_sentiment"]
    else:
        sentence_tone = score_sentences(sentences, neutral_band=neutral_band)
    return sentence_tone, score_mentions(sentences, mentions, method=method, neutral_band=neutral_band)

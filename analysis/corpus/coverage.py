"""How much of a corpus a codebook sees, which of its names never match, and what it misses.

:func:`coverage` returns a :class:`Coverage` of tidy tables:

=========  ==================================================================================
summary    one row per measure (``measure, value, note``): articles, sentences, the share of
           sentences with at least one mention (any kind, and names only: pronouns and descriptors left out),
           the share of articles with one, mentions, aliases that never match
actors     ``actor_id, label, type, mentions, sentences, articles, share_of_sentences``: every
           codebook actor, by mentions (mentions of every kind, as the annotation counts them)
aliases    ``actor_id, field, name, matches, articles, flag, closest``: every alias, demonym,
           metonym and pattern of the codebook, and the surnames it counts alone, with the
           times it matches (on word boundaries, case-sensitively, longest first: the
           annotation's rule); ``flag`` is "never matches" for a name without a match (a
           typo, or a form this corpus does not use), and ``closest`` the most similar name
           the corpus writes that the codebook lacks (difflib ratio ≥ 0.8, same first
           letter, written at least twice), if any
missing    ``actor_id, field, name, count``: names the corpus writes that the candidate rules
           merge with an actor's names (spellings, surnames, demonyms, capitals) but that
           the codebook neither lists, counts as a surname, nor matches inside them
           ("Zelenskiy" beside "Zelensky"; not "Foreign Minister Dmytro Kuleba"), most
           frequent first
unmatched  the most frequent names no actor holds: candidate discovery
           (:mod:`analysis.corpus.candidates`, its columns), every type, places included
=========  ==================================================================================

Sentences are the suite's: the headline is one, and Punkt splits each paragraph of the body
(:mod:`analysis.corpus.text`); mentions follow :func:`analysis.corpus.mentions.find_mentions`.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass

import pandas as pd

from analysis.corpus.candidates import CANDIDATE_COLUMNS, discover_names
from analysis.corpus.codebook import Codebook
from analysis.corpus.mentions import find_mentions, matcher, name_matches, person_surnames
from analysis.corpus.text import paragraph_spans, sentence_spans

CLOSEST_CUTOFF = 0.8
ALIAS_COLUMNS = ["actor_id", "field", "name", "matches", "articles", "flag", "closest"]
ACTOR_COLUMNS = ["actor_id", "label", "type", "mentions", "sentences", "articles", "share_of_sentences"]
MISSING_COLUMNS = ["actor_id", "field", "name", "count"]
NEVER = "never matches"


@dataclass
class Coverage:
    """The tables of :func:`coverage` (columns in the module docstring)."""

    summary: pd.DataFrame
    actors: pd.DataFrame
    aliases: pd.DataFrame
    missing: pd.DataFrame
    unmatched: pd.DataFrame


@dataclass
class _Tally:
    sentences: int = 0
    with_mention: int = 0
    with_name: int = 0
    articles_with_mention: int = 0
    mentions: int = 0


def coverage(articles: pd.DataFrame, codebook: Codebook, *, top_n: int = 20, min_count: int = 2) -> Coverage:
    """How much of ``articles`` the ``codebook`` sees; the ``top_n`` unmatched names used at least
    ``min_count`` times (tables in the module docstring)."""
    from analysis.corpus.reader import body_offset, document_text

    tally = _Tally()
    actor_counts: dict[str, Counter] = defaultdict(Counter)
    matches, match_articles = Counter(), defaultdict(set)
    for row in articles.itertuples(index=False):
        doc = document_text(row.title, row.text)
        starts = _sentence_starts(doc, title=row.title, offset=body_offset(row.title))
        mentions = find_mentions(doc, codebook, date=getattr(row, "date", None), sentence_starts=starts)
        _count_sentences(tally, starts, mentions, actor_counts)
        for key in _alias_matches(doc, codebook, mentions):
            matches[key] += 1
            match_articles[key].add(row.article_id)
    found, names = discover_names(articles, codebook, examples=1)
    aliases = _aliases(codebook, matches, match_articles, names)
    return Coverage(summary=_summary(tally, len(articles), aliases), actors=_actors(codebook, actor_counts, tally),
                    aliases=aliases, missing=_missing(codebook, found, names),
                    unmatched=_unmatched(found, top_n=top_n, min_count=min_count))


def _sentence_starts(doc: str, *, title: str, offset: int) -> list[int]:
    """Start of each sentence: the headline, then Punkt's sentences of each body paragraph."""
    starts = [0] if title else []
    for paragraph_start, paragraph_end in paragraph_spans(doc[offset:], offset=offset):
        starts += [start for start, _ in sentence_spans(doc[paragraph_start:paragraph_end], offset=paragraph_start)]
    return starts


def _count_sentences(tally: _Tally, starts: list[int], mentions: list, actor_counts: dict[str, Counter]) -> None:
    tally.sentences += len(starts)
    tally.mentions += len(mentions)
    tally.articles_with_mention += bool(mentions)
    any_kind, names = set(), set()
    by_actor: defaultdict[str, set] = defaultdict(set)
    for mention in mentions:
        sentence = max(0, bisect_right(starts, mention.start) - 1)
        any_kind.add(sentence)
        if mention.kind not in ("pronoun", "descriptor"):
            names.add(sentence)
        by_actor[mention.actor_id].add(sentence)
        actor_counts[mention.actor_id]["mentions"] += 1
    tally.with_mention += len(any_kind)
    tally.with_name += len(names)
    for actor_id, sentences in by_actor.items():
        actor_counts[actor_id]["sentences"] += len(sentences)
        actor_counts[actor_id]["articles"] += 1


def _alias_matches(doc: str, codebook: Codebook, mentions: list) -> list[tuple[str, str, str]]:
    """(actor id, field, name) of every match of a codebook name, pattern or counted surname."""
    fields = {"name": "alias", "demonym": "demonym", "metonym": "metonym"}
    found = [(m.actor_id, fields[m.kind], doc[m.start:m.end]) for m in name_matches(doc, codebook)
             if m.kind in fields]
    for pattern, actor_id in matcher(codebook).patterns:
        found += [(actor_id, "pattern", pattern.pattern) for m in pattern.finditer(doc) if m.end() > m.start()]
    found += [(m.actor_id, "surname", doc[m.start:m.end]) for m in mentions if m.kind == "surname"]
    return found


def _aliases(codebook: Codebook, matches: Counter, articles: dict, names: dict[str, int]) -> pd.DataFrame:
    known = set(matcher(codebook).surface)
    surnames = person_surnames(codebook, names=known)
    corpus_names = defaultdict(list)
    for name, count in names.items():
        if count >= 2 and name not in known:
            corpus_names[name[:1]].append(name)
    rows = []
    for actor in codebook.actors:
        fields = [("alias", actor.aliases), ("demonym", actor.demonyms if codebook.count_demonyms else ()),
                  ("metonym", actor.metonyms if codebook.count_metonyms else ()), ("pattern", actor.patterns)]
        if actor.id in surnames:
            fields.append(("surname", sorted(surnames[actor.id])))
        for field, values in fields:
            for name in values:
                n = matches[(actor.id, field, name)]
                closest = "" if n or field == "pattern" else _closest(name, corpus_names.get(name[:1], []))
                rows.append({"actor_id": actor.id, "field": field, "name": name, "matches": n,
                             "articles": len(articles[(actor.id, field, name)]), "flag": "" if n else NEVER,
                             "closest": closest})
    return pd.DataFrame(rows, columns=ALIAS_COLUMNS)


def _closest(name: str, candidates: list[str]) -> str:
    found = difflib.get_close_matches(name, [c for c in candidates if c != name], n=1, cutoff=CLOSEST_CUTOFF)
    return found[0] if found else ""


def _missing(codebook: Codebook, found: pd.DataFrame, names: dict[str, int]) -> pd.DataFrame:
    known = set(matcher(codebook).surface)
    known |= {name for last in person_surnames(codebook, names=known).values() for name in last}
    rows = []
    for row in found[found["actor_id"] != ""].itertuples(index=False):
        for field, column in (("alias", row.variants), ("demonym", row.demonyms), ("metonym", row.metonyms)):
            for name in filter(None, str(column).split("; ")):
                if name not in known and not name_matches(name, codebook):
                    rows.append({"actor_id": row.actor_id, "field": field, "name": name, "count": names.get(name, 0)})
    frame = pd.DataFrame(rows, columns=MISSING_COLUMNS)
    return frame.sort_values(["count", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _unmatched(found: pd.DataFrame, *, top_n: int, min_count: int) -> pd.DataFrame:
    keep = (found["actor_id"] == "") & (found["count"] >= min_count)
    return found.loc[keep, CANDIDATE_COLUMNS].head(top_n).reset_index(drop=True)


def _actors(codebook: Codebook, counts: dict[str, Counter], tally: _Tally) -> pd.DataFrame:
    rows = [{"actor_id": a.id, "label": a.label, "type": a.type, "mentions": counts[a.id]["mentions"],
             "sentences": counts[a.id]["sentences"], "articles": counts[a.id]["articles"],
             "share_of_sentences": counts[a.id]["sentences"] / tally.sentences if tally.sentences else 0.0}
            for a in codebook.actors]
    frame = pd.DataFrame(rows, columns=ACTOR_COLUMNS)
    return frame.sort_values(["mentions", "actor_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _summary(tally: _Tally, n_articles: int, aliases: pd.DataFrame) -> pd.DataFrame:
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    never = aliases[(aliases["flag"] == NEVER) & (aliases["field"] != "surname")]
    rows = [
        ("articles", n_articles, ""),
        ("sentences", tally.sentences, "the headline, and Punkt's sentences of each paragraph"),
        ("share_sentences_with_mention", share(tally.with_mention, tally.sentences),
         f"{tally.with_mention:,} sentences with at least one mention of any kind"),
        ("share_sentences_with_name", share(tally.with_name, tally.sentences),
         f"{tally.with_name:,} sentences with a mention that is not a pronoun or descriptor"),
        ("share_articles_with_mention", share(tally.articles_with_mention, n_articles),
         f"{tally.articles_with_mention:,} articles"),
        ("mentions", tally.mentions, "every kind: names, surnames, titles, demonyms, metonyms, patterns, descriptors, pronouns"),
        ("names_never_matching", len(never), ", ".join(never["name"].head(10))),
    ]
    return pd.DataFrame(rows, columns=["measure", "value", "note"])


def coverage_report(result: Coverage, *, corpus: str = "", codebook: str = "", rows: int = 20) -> str:
    """A plain-text report of :func:`coverage` for the terminal (``python -m analysis coverage``)."""
    values = dict(zip(result.summary["measure"], result.summary["value"]))
    lines = [f"Coverage of {codebook or 'the codebook'} on {corpus or 'the corpus'}: "
             f"{int(values['articles']):,} articles, {int(values['sentences']):,} sentences",
             f"  sentences with at least one mention: {values['share_sentences_with_mention']:.1%} "
             f"(names only, no pronouns or descriptors: {values['share_sentences_with_name']:.1%})",
             f"  articles with at least one mention:  {values['share_articles_with_mention']:.1%}",
             "", "Actors (mentions of every kind; sentences and articles with one):"]
    lines += _table(result.actors, ["actor_id", "mentions", "sentences", "articles"], rows=len(result.actors))
    never = result.aliases[result.aliases["flag"] == NEVER]
    lines += ["", f"Names that never match ({len(never)}): a typo, or a form this corpus does not use"]
    lines += _table(never, ["actor_id", "field", "name", "closest"], rows=len(never)) if len(never) else ["  none"]
    lines += ["", "Spellings, surnames, demonyms and capitals the corpus uses that the codebook lacks:"]
    lines += _table(result.missing, ["actor_id", "field", "name", "count"], rows=rows) or ["  none"]
    lines += ["", "Most frequent names no actor holds (candidates; `candidates --format yaml` drafts entries):"]
    lines += _table(result.unmatched, ["candidate", "type", "count", "n_articles", "variants"], rows=rows) or ["  none"]
    lines += ["", "Matches of every name (all rows: coverage --table aliases):"]
    lines += _table(result.aliases, ["actor_id", "field", "name", "matches", "articles", "flag"], rows=len(result.aliases))
    return "\n".join(lines) + "\n"


def _table(frame: pd.DataFrame, columns: list[str], *, rows: int) -> list[str]:
    if frame.empty:
        return []
    shown = frame[columns].head(rows).astype(str)
    shown = shown.apply(lambda column: column.str.slice(0, 70))
    return ["  " + line for line in shown.to_string(index=False).splitlines()]

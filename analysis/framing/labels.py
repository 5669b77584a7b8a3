"""Labels: the descriptors a text attaches to an actor, and who attaches them.

Three patterns, none of which needs a tagger or a download:

``title``
    The title folded into a person's mention by the mention layer (``kind == "title"``):
    "Pentagon press secretary John Kirby" → "press secretary". The affiliation words at
    the front (codebook names, demonyms, metonyms: "Pentagon", "Russian", "White House")
    and courtesy titles (Mr., Mrs., Ms., Dr.) are dropped; the rest is lower-cased.
``appositive``
    A noun phrase set off by commas right after the mention ("Dmytro Kuleba, Ukraine's
    foreign minister,") or right before it ("Ukraine's foreign minister, Dmytro Kuleba,").
    It must be short (≤ 8 words), start with a determiner, a possessive or a title word,
    and end in a role noun (a title word or one of :data:`ROLE_NOUNS`); a leading
    determiner and a possessive actor are dropped ("foreign minister").
``predicate``
    A predicate nominal with the actor as subject: ``ACTOR is/was/remains/became … a|an|the
    NOUN PHRASE`` ("Russia is the aggressor" → "aggressor"); the phrase ends at
    punctuation or a clause or preposition word, and holds at most four words. Negated
    copulas ("is not") are skipped.

``asserted_by``: a label inside a quote or reported speech (the ``quotes`` table; the
innermost span wins) is asserted by that speaker (actor ids joined by ";", or
``unnamed:``/``named_other:``/``unknown`` plus the speaker text); elsewhere by the author
(``"author"``). So "President Biden" inside Kirby's quote is Kirby's title for Biden.

Table ``labels``: ``article_id, mention_id, actor_id, label, kind, asserted_by, sentence_id,
evidence`` (the sentence).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.annotate.columns import typed_frame
from analysis.corpus.codebook import Codebook
from analysis.corpus.mentions import Mention, matcher, title_words
from analysis.framing.quotes import annotate_quotes, article_inputs

LABEL_COLUMNS = ["article_id", "mention_id", "actor_id", "label", "kind", "asserted_by", "sentence_id", "evidence"]
#: Nouns that may head an appositive besides the title words of ``resources/titles.txt``.
ROLE_NOUNS = frozenset("""
ally allies aggressor aggressors neighbour neighbor partner partners rival rivals enemy adversary adversaries
leader leaders founder member members critic critics opponent opponents supporter supporters official
officials diplomat diplomats commander spokesman spokeswoman spokesperson minister secretary president
chief head director chairman chairwoman adviser advisor analyst expert veteran owner ceo author candidate
country nation state republic alliance bloc organization organisation group government regime power
superpower democracy autocracy dictatorship dictator autocrat strongman tyrant hero victim victims threat
aggression invader invaders occupier occupiers successor predecessor counterpart counterparts envoy
ambassador negotiator lawmaker senator governor mayor general admiral colonel officer
""".split())
_COPULA = re.compile(r"\s+(?:is|was|are|were|remains|remained|has been|had been|have been|became|becomes|"
                     r"would be|will be|is seen as|was seen as|is still|was still|is now|was now)\s+"
                     r"(?P<det>a|an|the)\s+")
_NP_STOP = frozenset("""
that which who whom whose when where while because and but or as if than to of in on at for with by from
into over after before during since until about against amid under between, is was are were
""".split())
_APPOSITIVE_BEFORE = re.compile(r"(?:^|[,;:(]\s*|\b(?:and|but|as)\s+)([^,;:()\"“”]{2,80}), $")
_POSSESSIVE_NAME = re.compile(r"[A-Z][\w.-]*(?:'s|’s)")
_POSSESSIVE_END = re.compile(r"(?:'s|’s)$")
_APPOSITIVE_AFTER = re.compile(r", ([^,;:()\"“”]{2,80}?)(?:,|\.(?:\s|$)|;|$)")
_CLOSES = re.compile(r"(?:,|\.(?:\s|$)|$)")
_PREVIOUS_WORD = re.compile(r"(\S+)\s+$")
_NP_WORD = re.compile(r"[^\s,;:.\"“”()!?]+|[,;:.\"“”()!?]")
_WORDLIKE = re.compile(r"[\w’'-]")
_COURTESY = frozenset({"mr.", "mrs.", "ms.", "dr.", "miss"})
_DETERMINERS = frozenset({"a", "an", "the"})


def _normalise(words: list[str], affiliations: frozenset[str]) -> str:
    """Lower-cased label without leading determiners, affiliations and possessive names."""
    while words and (words[0].lower() in _DETERMINERS or words[0] in affiliations
                     or _POSSESSIVE_NAME.fullmatch(words[0]) or words[0].lower() in _COURTESY
                     or words[0].rstrip("'’s") in affiliations):
        words = words[1:]
    return " ".join(w for w in words if w.lower() not in _COURTESY).lower().strip(" ,.")


@lru_cache(maxsize=16)
def _affiliation_words(codebook: Codebook) -> frozenset[str]:
    """Single words of codebook names, demonyms and metonyms ("Pentagon", "Russian", "White", "House")."""
    words: set[str] = set()
    for surface in matcher(codebook).surface:
        words.update(surface.split())
    return frozenset(words)


def codebook_view(codebook: Codebook) -> dict[str, object]:
    """What of the codebook the labels read, as JSON-able data: the name words and each actor's aliases.

    Recorded with a cached annotation so that after a codebook edit only the articles the
    edit can touch get their labels recomputed (:func:`codebook_touches`).
    """
    return {"affiliations": sorted(_affiliation_words(codebook)),
            "aliases": {actor.id: list(actor.aliases) for actor in codebook.actors}}


def codebook_touches(old: dict, new: dict) -> Callable[[Sequence[str], Sequence[str], pd.DataFrame], np.ndarray] | None:
    """A test for the articles whose labels a change from view ``old`` to ``new`` may change; None if none.

    The test takes the articles' ids and document texts and the (new) mentions table, and
    returns a flag per article. Labels use the name words only on words of the article's
    text (so a changed word that does not occur in the text changes nothing), and an
    actor's aliases only for its ``title`` mentions. Articles whose mentions changed are
    recomputed anyway.
    """
    words = set(old.get("affiliations", ())) ^ set(new.get("affiliations", ()))
    old_aliases, new_aliases = old.get("aliases", {}), new.get("aliases", {})
    actors = {a for a in set(old_aliases) | set(new_aliases) if old_aliases.get(a) != new_aliases.get(a)}
    if not words and not actors:
        return None

    def touched(article_ids: Sequence[str], documents: Sequence[str], mentions: pd.DataFrame) -> np.ndarray:
        out = np.array([any(word in doc for word in words) for doc in documents], dtype=bool)
        if actors and len(mentions):
            titled = mentions.loc[(mentions["kind"] == "title") & mentions["actor_id"].isin(actors), "article_id"]
            out |= pd.Index(article_ids).isin(titled)
        return out

    return touched


def title_label(surface: str, aliases: Sequence[str], affiliations: frozenset[str]) -> str:
    """The title part of a folded mention: "Pentagon press secretary John Kirby" → "press secretary"."""
    for alias in sorted(aliases, key=len, reverse=True):
        if surface.endswith(alias):
            return _normalise(surface[:-len(alias)].split(), affiliations)
    return ""


def _is_role_phrase(words: list[str]) -> bool:
    if not 1 <= len(words) <= 8:
        return False
    first, head = words[0], words[-1].lower().strip(",.")
    starts = first.lower() in _DETERMINERS or _POSSESSIVE_END.search(first) or first.lower() in title_words()
    return bool(starts) and (head in ROLE_NOUNS or head in title_words())


def find_labels(doc: str, sentences: Sequence[tuple[int, int, int]], mentions: Sequence[Mention],
                codebook: Codebook, quotes: Sequence[tuple[int, int, str, str]] = ()
                ) -> list[tuple[int, str, str, str, int]]:
    """(mention index, label, kind, asserted_by, sentence index) for one article."""
    affiliations = _affiliation_words(codebook)
    aliases = {a.id: a.aliases for a in codebook.actors}
    starts = [s for s, _, _ in sentences]
    found = []
    for index, m in enumerate(mentions):
        sid = max(0, bisect_right(starts, m.start) - 1)
        s_start, s_end = (sentences[sid][0], sentences[sid][1]) if sentences else (0, len(doc))
        if m.kind == "pronoun":
            continue
        if m.kind == "title":
            label = title_label(doc[m.start:m.end], aliases.get(m.actor_id, ()), affiliations)
            if label:
                found.append((index, label, "title", _asserter(m.start, quotes), sid))
        # appositive after: "Kuleba, Ukraine's foreign minister,"
        after = _APPOSITIVE_AFTER.match(doc[m.end:min(s_end, m.end + 90)]) \
            if doc.startswith(", ", m.end) else None
        if after and _is_role_phrase(after.group(1).split()):
            label = _normalise(after.group(1).split(), affiliations)
            if label:
                found.append((index, label, "appositive", _asserter(m.start, quotes), sid))
        # appositive before: "Ukraine's foreign minister, Dmytro Kuleba,"
        before = _APPOSITIVE_BEFORE.search(doc[max(s_start, m.start - 90):m.start]) \
            if doc.startswith(", ", m.start - 2) else None
        closes = _CLOSES.match(doc[m.end:s_end])
        if before and closes and _is_role_phrase(before.group(1).split()):
            label = _normalise(before.group(1).split(), affiliations)
            if label:
                found.append((index, label, "appositive", _asserter(m.start, quotes), sid))
        # predicate nominal: "Russia is the aggressor" (not "from Germany is"); the copula is the cheap test
        copula = _COPULA.match(doc, m.end, s_end) if m.kind in ("name", "title", "metonym", "pattern") else None
        if copula:
            previous = _PREVIOUS_WORD.search(doc[max(s_start, m.start - 40):m.start])
            if previous is None or previous.group(1).lower() not in _NP_STOP:
                words = []
                for word in _NP_WORD.finditer(doc[copula.end():s_end]):
                    if word.group().lower() in _NP_STOP or not _WORDLIKE.match(word.group()):
                        break
                    words.append(word.group())
                    if len(words) >= 4:
                        break
                label = " ".join(words).lower()
                if label:
                    found.append((index, label, "predicate", _asserter(m.start, quotes), sid))
    return found


def _asserter(position: int, quotes: Sequence[tuple[int, int, str, str, str, str]]) -> str:
    """Who asserts what is said at ``position``: the innermost quote's speaker, else the author."""
    best = None
    for start, end, kind, speaker, speaker_type, speaker_text in quotes:
        if start <= position < end and (best is None or end - start < best[1] - best[0]):
            best = (start, end, speaker, speaker_type, speaker_text)
    if best is None:
        return "author"
    _, _, speaker, speaker_type, speaker_text = best
    if speaker_type == "actor":
        return speaker
    return f"{speaker_type}:{speaker_text}" if speaker_text else speaker_type


def annotate_labels(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame], codebook: Codebook,
                    settings: object = None) -> dict[str, pd.DataFrame]:
    """Annotation layer: the ``labels`` table of a batch (reuses ``quotes`` when already computed)."""
    quotes = tables["quotes"] if "quotes" in tables else annotate_quotes(articles, tables, codebook, settings)["quotes"]
    by_article: dict[str, list] = {}
    for row in zip(quotes["article_id"].tolist(), quotes["start"].tolist(), quotes["end"].tolist(),
                   quotes["kind"].tolist(), quotes["speaker_actor_id"].tolist(), quotes["speaker_type"].tolist(),
                   quotes["speaker_text"].tolist()):
        by_article.setdefault(row[0], []).append(row[1:])
    rows: dict[str, list] = {c: [] for c in LABEL_COLUMNS}
    for article_id, doc, spans, mentions in article_inputs(articles, tables):
        spoken = by_article.get(article_id, [])
        for index, label, kind, asserted_by, sid in find_labels(doc, spans, mentions, codebook, spoken):
            rows["article_id"].append(article_id)
            rows["mention_id"].append(index)
            rows["actor_id"].append(mentions[index].actor_id)
            rows["label"].append(label)
            rows["kind"].append(kind)
            rows["asserted_by"].append(asserted_by)
            rows["sentence_id"].append(sid)
            rows["evidence"].append(doc[spans[sid][0]:spans[sid][1]] if spans else "")
    return {"labels": typed_frame(rows, ints=("mention_id", "sentence_id"))}


def label_counts(labels: pd.DataFrame, *, by: Sequence[str] = ("actor_id", "label")) -> pd.DataFrame:
    """How often each label is attached to each actor: ``by`` columns + ``n``, most frequent first."""
    by = list(by)
    if labels.empty:
        return pd.DataFrame(columns=by + ["n"])
    counts = labels.groupby(by, sort=True, dropna=False).size().reset_index(name="n")
    return counts.sort_values(["n"] + by, ascending=[False] + [True] * len(by), kind="stable").reset_index(drop=True)

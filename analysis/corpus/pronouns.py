"""Pronoun mentions beyond attribution: "Biden told reporters that he would ..." as a mention of Biden.

Rule 10 of ``seeds/actors.yaml``. A pronoun outside quotes counts as a mention (kind
``pronoun``) of the *single compatible actor* mentioned in its sentence (before it) or in the
previous sentence, and only where nothing else in that stretch could be its antecedent:

* he, him, his → a codebook person of gender male; she, her → female; they, them, their → an
  actor of type ``group`` ("Republicans said they ..."). Countries and organisations never take
  "they": in news prose "they" after "Russia" or "NATO" is mostly their troops, officials or
  people, and "it" is too often the weather, the war or the plan;
* the stretch holds mentions of exactly one compatible actor (names, titles, surnames,
  descriptors and pronouns already resolved, outside quotes), no codebook person of unknown
  gender, and no person the codebook does not know: a singular person noun ("official",
  "spokesman", "woman": ``resources/person_nouns.txt``) or a name that no mention covers
  (:func:`other_person`), outside quotes;
* pronouns in attributions ("he added") are resolved to the speaker first
  (:func:`analysis.corpus.mentions.find_mentions`) and are not resolved again here.

The precision of this rule on a hand-labelled sample of the Q1 corpus is in
``tests/corpus/pronoun_sample.csv`` (see the README).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from functools import lru_cache
from typing import Sequence

from analysis.corpus.codebook import Codebook
from analysis.corpus.mention_spans import Mention, _glued, _inside, merged, word_start_regex
from analysis.corpus.text import stopwords
from analysis.paths import RESOURCES

PRONOUN_GENDER = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female",
                  "they": "group", "them": "group", "their": "group"}
_PRONOUN = re.compile(word_start_regex("He he him His his She she Her her They they them Their their".split(),
                                      not_after=r"\w") + r"\b")  # \b(?:[Hh]e|him|...)\b, scanned faster
_SPEECH_AFTER = re.compile(r",?\s+(?:said|says|told|added|tweeted|wrote|noted|argued|explained|warned)\b")
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|according to|told)\s+$")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


@lru_cache(maxsize=1)
def person_nouns() -> frozenset[str]:
    """Singular nouns for a person, from ``resources/person_nouns.txt``."""
    lines = (RESOURCES / "person_nouns.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def pronoun_mentions(text: str, mentions: Sequence[Mention], codebook: Codebook, *,
                     sentences: Sequence[tuple[int, int]], quotes: Sequence[tuple[int, int]]) -> list[Mention]:
    """The pronoun mentions of ``text`` under the rule of the module docstring (new ones only)."""
    if not codebook.count_pronouns:
        return []
    kinds = {actor.id: (actor.gender if actor.type == "person" else actor.type) for actor in codebook.actors}
    wanted = {"male", "female"} | ({"group"} if "group" in kinds.values() else set())
    candidates = [m for m in _PRONOUN.finditer(text) if PRONOUN_GENDER[m.group().lower()] in wanted
                  and not _glued(text, m.start()) and not _inside(m.start(), quotes)]
    if not candidates:
        return []
    taken = merged((m.start, m.end) for m in mentions)
    antecedents = sorted(m for m in mentions if not _inside(m.start, quotes))  # grows by each resolved pronoun
    starts = [start for start, _ in sentences]
    resolved: list[Mention] = []
    for match in candidates:
        if _inside(match.start(), taken):
            continue
        sentence = bisect_right(starts, match.start()) - 1
        window_start = sentences[max(sentence - 1, 0)][0] if sentence >= 0 else 0
        before = antecedents[bisect_left(antecedents, (window_start,)):bisect_left(antecedents, (match.start(),))]
        actor_id = _single_antecedent(before, kinds, PRONOUN_GENDER[match.group().lower()])
        if actor_id and not other_person(text, window_start, match.start(), mentions, quotes):
            pronoun = Mention(match.start(), match.end(), actor_id, "pronoun")
            resolved.append(pronoun)
            insort(antecedents, pronoun)
    return resolved


def _single_antecedent(before: Sequence[Mention], kinds: dict[str, str], wanted: str) -> str | None:
    """The one actor of kind ``wanted`` among ``before`` (None if none, several, or a person of
    unknown gender is among them)."""
    actors = {m.actor_id for m in before if kinds.get(m.actor_id) in (wanted, "unknown")}
    if len(actors) != 1:
        return None
    actor_id = actors.pop()
    return actor_id if kinds[actor_id] == wanted else None


def other_person(text: str, start: int, end: int, mentions: Sequence[Mention],
                 quotes: Sequence[tuple[int, int]]) -> bool:
    """Does ``text[start:end]``, outside mentions and quotes, name a person the codebook does not know?

    A person is a singular person noun ("official"), a run of two or more capitalised words
    that are not stop words ("Mikko Hautala", "Fox News"), or one capitalised word beside a
    speech verb ("Keane said", "said Keane", "according to Keane").
    """
    if end <= start:
        return False
    covered = merged([(m.start, m.end) for m in mentions if m.start < end and m.end > start] + list(quotes))
    nouns = person_nouns()
    stop = stopwords()[0]
    run: list[re.Match] = []
    for word in [*_WORD.finditer(text, start, end), None]:
        free = word is not None and not _inside(word.start(), covered)
        lower = word.group().lower() if word is not None else ""
        if free and lower in nouns:
            return True
        if free and word.group()[0].isupper() and lower not in stop:
            if run and text[run[-1].end():word.start()].strip():
                run = []
            run.append(word)
            if len(run) >= 2 or _beside_speech_verb(text, word):
                return True
        else:
            run = []
    return False


def _beside_speech_verb(text: str, word: re.Match) -> bool:
    after = _SPEECH_AFTER.match(text, word.end())
    before = _SPEECH_BEFORE.search(text, max(0, word.start() - 20), word.start())
    return bool(after or before)

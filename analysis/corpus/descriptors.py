"""Descriptor mentions: "the president" as a mention of Biden, only where the article makes it unambiguous.

A codebook actor may list role phrases (``descriptors``) with an optional date range. A
phrase found in an article (case-insensitively, on word boundaries) counts as a mention of
the actor, kind ``descriptor``, when all of these hold (rule 9 of ``seeds/actors.yaml``):

1. the article's date is inside the phrase's range, and exactly one actor owns the phrase
   at that date (an undated article takes only phrases without a range);
2. the article has named the actor before (name, title or surname), as with surnames;
3. the last *holder of the role* named before the phrase is the actor, and no other holder
   is named in the phrase's sentence. Holders of a role ("president") are: codebook persons
   with a descriptor of that role (Macron with "the French president"), anyone the text
   titles with it ("President Recep Tayyip Erdogan", "French President Emmanuel Macron"),
   and other actors' descriptor phrases of that role ("the Ukrainian president");
4. it is not an apposition of a name ("the president, Joe Biden,"; "Biden, the president,"),
   not followed by "of" ("the president of France"), and does not overlap a person's mention.

An accepted phrase swallows the names nested in it ("the Kremlin spokesman" is Peskov, not
also a metonym of Russia), as a title does. The role of a phrase is its last word
("president"), joined by the word before when that is a rank word ("vice president",
"prime minister", "foreign minister"); ``role:`` in the codebook overrides it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from analysis.corpus.codebook import Codebook, Descriptor
from analysis.corpus.mention_spans import Mention, word_start_regex

NAMED_KINDS = frozenset({"name", "title", "surname"})
_APPOSITION_AFTER = re.compile(r"\s*,?\s*")
_OF_AFTER = re.compile(r"\s+of\s", re.IGNORECASE)


@dataclass(frozen=True)
class DescriptorMatcher:
    """A codebook's descriptors compiled for one pass over a text."""

    phrases: re.Pattern | None
    owners: dict[str, tuple[tuple[str, Descriptor], ...]]
    roles: dict[str, dict[str, tuple[Descriptor, ...]]]
    titled: dict[str, re.Pattern]


@lru_cache(maxsize=16)
def descriptor_matcher(codebook: Codebook) -> DescriptorMatcher:
    owners: dict[str, list[tuple[str, Descriptor]]] = {}
    roles: dict[str, dict[str, list[Descriptor]]] = {}
    for actor in codebook.actors:
        for descriptor in actor.descriptors:
            owners.setdefault(descriptor.phrase.lower(), []).append((actor.id, descriptor))
            roles.setdefault(descriptor.role, {}).setdefault(actor.id, []).append(descriptor)
    if not owners:
        return DescriptorMatcher(None, {}, {}, {})
    phrases = re.compile(word_start_regex(owners, not_after=r"[\w.]") + r"(?![\w-])", re.IGNORECASE)
    titled = {role: _titled_pattern(role) for role in roles}
    return DescriptorMatcher(phrases, {k: tuple(v) for k, v in owners.items()},
                             {role: {a: tuple(d) for a, d in by.items()} for role, by in roles.items()}, titled)


def _titled_pattern(role: str) -> re.Pattern:
    """The role used as a title before a capitalised name: "President Erdogan", "president Emmanuel
    Macron" (not "Vice President Harris" for the role "president")."""
    words = role.split()
    head = r"\s+".join(f"[{w[0].upper()}{w[0].lower()}]{re.escape(w[1:])}" for w in words)
    not_ranked = "" if len(words) > 1 else r"(?<![Vv]ice )(?<![Vv]ice-)(?<![Dd]eputy )(?<![Ff]ormer )"
    return re.compile(rf"(?<![\w-]){not_ranked}{head}\s+[A-Z][\w'’.-]*")


def descriptor_mentions(text: str, mentions: list[Mention], codebook: Codebook, *, date: str | None,
                        sentences: Sequence[tuple[int, int]], persons: frozenset[str]) -> list[Mention]:
    """``mentions`` plus the accepted descriptor mentions (nested names swallowed), sorted by offset.

    ``sentences`` are the article's sentence spans, ``persons`` the codebook's person ids.
    """
    compiled = descriptor_matcher(codebook)
    if compiled.phrases is None or not codebook.count_descriptors:
        return mentions
    matches = list(compiled.phrases.finditer(text))
    if not matches:
        return mentions
    owners = [[(actor_id, d) for actor_id, d in compiled.owners[m.group().lower()] if d.applies(date)]
              for m in matches]
    # Each phrase occurrence is a holder of its role: "?id" while undecided, then the actor or None.
    phrase_holders = {i: [m.start(), f"?{found[0][0]}" if len({a for a, _ in found}) == 1 else None]
                      for i, (m, found) in enumerate(zip(matches, owners)) if found}
    roles = {owners[i][0][1].role for i, h in phrase_holders.items() if h[1] is not None}
    holders = {role: _named_holders(text, mentions, compiled, role, date=date, persons=persons)
               + [h for i, h in phrase_holders.items() if owners[i][0][1].role == role]
               for role in roles}
    for role_holders in holders.values():
        role_holders.sort(key=lambda h: h[0])
    starts = [start for start, _ in sentences]
    first_named: dict[str, int] = {}
    for mention in mentions:
        if mention.kind in NAMED_KINDS:
            first_named.setdefault(mention.actor_id, mention.start)
    accepted: list[Mention] = []
    for i, match in enumerate(matches):
        if i not in phrase_holders or phrase_holders[i][1] is None:
            continue
        actor_id, descriptor = owners[i][0]
        sentence = _sentence_of(match.start(), starts, sentences)
        ok = (first_named.get(actor_id, len(text)) < match.start()
              and _plain_reference(text, match, mentions, persons)
              and _last_holder_is(holders[descriptor.role], actor_id, match.start(), sentence))
        phrase_holders[i][1] = actor_id if ok else None
        if ok:
            accepted.append(Mention(match.start(), match.end(), actor_id, "descriptor"))
    if not accepted:
        return mentions
    kept = [m for m in mentions if not any(a.start <= m.start and m.end <= a.end for a in accepted)]
    return sorted(kept + accepted)


def _named_holders(text: str, mentions: Sequence[Mention], compiled: DescriptorMatcher, role: str, *,
                   date: str | None, persons: frozenset[str]) -> list[list]:
    """[start, actor id or None] where a holder of ``role`` is named or titled (rule 3)."""
    owners = {actor_id for actor_id, ds in compiled.roles[role].items() if any(d.applies(date) for d in ds)}
    found: list[list] = [[m.start, m.actor_id] for m in mentions if m.actor_id in owners and m.kind in NAMED_KINDS]
    person_spans = [(m.start, m.end, m.actor_id) for m in mentions if m.actor_id in persons]
    for match in compiled.titled[role].finditer(text):
        inside = [actor_id for start, end, actor_id in person_spans if start <= match.start() < end]
        found.append([match.start(), inside[0] if inside else None])
    return found


def _last_holder_is(holders: Sequence[list], actor_id: str, start: int, sentence: tuple[int, int]) -> bool:
    """Is ``actor_id`` the last holder named before ``start``, with no other holder in its sentence?"""
    before = [actor for position, actor in holders if position < start]
    if not before or before[-1] != actor_id:
        return False
    return all(actor in (actor_id, f"?{actor_id}") for position, actor in holders
               if sentence[0] <= position < sentence[1] and position != start)


def _plain_reference(text: str, match: re.Match, mentions: Sequence[Mention], persons: frozenset[str]) -> bool:
    """Not "the president of ...", not in apposition with a person's name, not overlapping a person."""
    start, end = match.span()
    if _OF_AFTER.match(text, end):
        return False
    after = _APPOSITION_AFTER.match(text, end).end()
    for mention in mentions:
        if mention.actor_id not in persons:
            continue
        if mention.start < end and start < mention.end:
            return False
        if mention.start == after or (mention.end <= start and not text[mention.end:start].strip(" ,")):
            return False
    return True


def _sentence_of(position: int, starts: Sequence[int], sentences: Sequence[tuple[int, int]]) -> tuple[int, int]:
    index = bisect_right(starts, position) - 1
    return sentences[index] if index >= 0 else (0, position + 1)

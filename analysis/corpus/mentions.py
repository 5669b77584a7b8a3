"""Actor mentions with character offsets.

Rules (documented for users next to the codebook, ``seeds/actors.yaml``):

* every alias, demonym and metonym of the codebook is matched case-sensitively on
  word boundaries, through one trie-shaped regular expression (one pass per text);
* longest match wins, and a title folds into the person it precedes: "Russian
  President Vladimir Putin" is one mention of Putin, kind ``title``; the nested
  "Russian" is not a mention of Russia (see :func:`_fold_titles`);
* a person's surname alone ("Austin said") counts once the article has named the
  person in full ("Lloyd Austin"), kind ``surname``;
* a dateline ("(WASHINGTON) --" opening a paragraph) holds no mention;
* a pronoun counts only in an attribution ("he added"), and resolves to the
  speaker in context: right after a closing quote ('"...," he added') it is the
  latest actor of that gender that was the subject of a speech verb; elsewhere
  ("Putin was silent. He said ...") the latest such actor named outside quotes.

For every mention ``text[start:end] == surface``. Candidate actors for a codebook (names
the codebook lacks) are found by :mod:`analysis.corpus.candidates`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence

import yaml

from analysis.corpus.codebook import Codebook
from analysis.paths import RESOURCES
from analysis.corpus.text import paragraph_spans

MENTION_COLUMNS = ["article_id", "mention_id", "sentence_id", "start", "end", "surface", "actor_id", "kind",
                   "in_quote"]
KINDS = ("name", "surname", "title", "demonym", "metonym", "pattern", "pronoun")
_DATELINE = re.compile(r"\(?[A-Z][A-Z .,'’-]{1,40}\)?\s*(?:--|—|–)\s")
_QUOTE_PAIRS = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"")
_WORD_BEFORE = re.compile(r"(\S+) $")
_SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"})
_AFTER_QUOTE = re.compile(r"[\"”]\s*$")


class Mention(NamedTuple):
    start: int
    end: int
    actor_id: str
    kind: str


def _trie_regex(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first, shaped as a trie.

    Python's ``re`` tries alternatives one by one at every position; a trie makes a
    failing position cost one character test, which matters over millions of characters.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


@lru_cache(maxsize=1)
def speech_verbs() -> dict[str, tuple[str, str]]:
    """Inflected attribution verb → (lemma, class 'neutral' or 'marked'), from the resource file."""
    data = yaml.safe_load((RESOURCES / "attribution_verbs.yaml").read_text(encoding="utf-8"))
    return {form: (lemma, cls) for cls in ("neutral", "marked") for lemma, forms in data[cls].items()
            for form in forms}


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    lines = (RESOURCES / "titles.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@dataclass(frozen=True)
class ActorMatcher:
    """A codebook compiled for matching: built once per codebook (see :func:`matcher`)."""

    names: re.Pattern
    patterns: tuple[tuple[re.Pattern, str], ...]
    surface: dict[str, tuple[str, str]]
    person_gender: dict[str, str]
    surnames: dict[str, re.Pattern]
    pronoun_attribution: re.Pattern
    speaker_after: re.Pattern
    speaker_before: re.Pattern


def person_surnames(codebook: Codebook, *, names: Iterable[str]) -> dict[str, set[str]]:
    """Each person's surnames that count alone (rule 7): the last word of a multiword alias
    ("Lloyd Austin" → "Austin"; "Jr." skipped) that is not one of the codebook's ``names``."""
    names = set(names)
    found = {}
    for actor in codebook.actors:
        if actor.type != "person":
            continue
        last = {[w for w in alias.split() if w.strip(",") not in _SUFFIXES][-1]
                for alias in actor.aliases if len(alias.split()) > 1} - names
        if last:
            found[actor.id] = last
    return found


@lru_cache(maxsize=16)
def matcher(codebook: Codebook) -> ActorMatcher:
    surface: dict[str, tuple[str, str]] = {}
    for actor in codebook.actors:
        for alias in actor.aliases:
            surface[alias] = (actor.id, "name")
        if codebook.count_demonyms:
            for demonym in actor.demonyms:
                surface.setdefault(demonym, (actor.id, "demonym"))
        if codebook.count_metonyms:
            for metonym in actor.metonyms:
                surface.setdefault(metonym, (actor.id, "metonym"))
    # No look-behind here: it would disable re's fast scan for a first character, which
    # triples the cost; matches glued to a preceding word are dropped in find_mentions.
    names = re.compile(_trie_regex(surface) + r"(?!\w)")
    patterns = tuple((re.compile(p), actor.id) for actor in codebook.actors for p in actor.patterns)
    surnames = {actor_id: re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, sorted(last))) + r")(?!\w)")
                for actor_id, last in person_surnames(codebook, names=surface).items()}
    verbs = _trie_regex(speech_verbs())
    return ActorMatcher(
        names=names, patterns=patterns, surface=surface,
        person_gender={a.id: a.gender for a in codebook.actors if a.type == "person"},
        surnames=surnames,
        # "he said", not "said he": in news prose "X said he would..." makes "he" the
        # subject of the reported clause, not a speaker.
        pronoun_attribution=re.compile(rf"([Hh]e|[Ss]he) (?:{verbs})(?!\w)"),
        speaker_after=re.compile(rf"^(?:,[^,\"“”]{{1,80}},)?\s+(?:{verbs})\b"),
        speaker_before=re.compile(rf"\b(?:{verbs}|according to)\s+$"),
    )


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each double-quoted stretch, quote marks included, never across a line break."""
    return [match.span() for match in _QUOTE_PAIRS.finditer(text)]


def find_mentions(text: str, codebook: Codebook, *, quotes: Sequence[tuple[int, int]] | None = None
                  ) -> list[Mention]:
    """Every actor mention in ``text``, sorted by offset, after the rules in the module docstring."""
    compiled = matcher(codebook)
    found = _longest_first(name_matches(text, codebook))
    found = _surnames(text, found, compiled)
    found = _fold_titles(text, found, compiled)
    found = _drop_datelines(text, found)
    quotes = quote_spans(text) if quotes is None else quotes
    return sorted(found + _attributed_pronouns(text, found, compiled, quotes))


def name_matches(text: str, codebook: Codebook) -> list[Mention]:
    """Every match of a codebook name (alias, demonym, metonym: longest at each position, kinds
    ``name``, ``demonym``, ``metonym``) and of a pattern (kind ``pattern``), overlaps kept."""
    compiled = matcher(codebook)
    found = [Mention(m.start(), m.end(), *compiled.surface[m.group()]) for m in compiled.names.finditer(text)
             if not _glued(text, m.start())]
    for pattern, actor_id in compiled.patterns:
        found.extend(Mention(m.start(), m.end(), actor_id, "pattern") for m in pattern.finditer(text) if m.end() > m.start())
    return found


def _glued(text: str, start: int) -> bool:
    """Does a match start inside a word ("xRussia") or right after a period ("e.U.S")?"""
    return start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.")


def _longest_first(mentions: list[Mention]) -> list[Mention]:
    """Drop every mention that overlaps a longer (or earlier, equally long) one."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _surnames(text: str, mentions: list[Mention], compiled: ActorMatcher) -> list[Mention]:
    """A person's surname alone ("Austin said") counts once the article has named them in full.

    Only surnames of multi-word aliases that are not aliases themselves ("Lloyd Austin" →
    "Austin", which alone could be the city); matches before the first full mention, or
    overlapping another mention, do not count.
    """
    first_seen: dict[str, int] = {}
    for mention in mentions:
        if mention.actor_id in compiled.surnames:
            first_seen.setdefault(mention.actor_id, mention.end)
    if not first_seen:
        return mentions
    added = []
    for actor_id, after in first_seen.items():
        for match in compiled.surnames[actor_id].finditer(text, after):
            added.append(Mention(match.start(), match.end(), actor_id, "surname"))
    if not added:
        return mentions
    return _longest_first(mentions + added)


def _word_before(text: str, start: int) -> tuple[str, int] | None:
    """The word that ends one space before ``start`` (opening quotes stripped), and where it starts."""
    before = text[max(0, start - 40):start]
    match = _WORD_BEFORE.search(before)
    if not match:
        return None
    token = match.group(1).lstrip("\"“‘'(")
    return token, start - len(before) + match.end(1) - len(token)


def _fold_titles(text: str, mentions: list[Mention], compiled: ActorMatcher) -> list[Mention]:
    """Extend each person mention leftwards over its title, swallowing names nested in it.

    Walking left from the name: title words (``resources/titles.txt``, also after "ex-" or
    "then-") extend the title; once one has, so do codebook names of non-persons ("Russian",
    "Pentagon") and "of" between two title words ("Secretary of State").
    """
    titles = title_words()
    by_end = {m.end: m for m in mentions}
    swallowed: set[Mention] = set()
    result: list[Mention] = []
    for mention in mentions:
        if mention.actor_id not in compiled.person_gender:
            result.append(mention)
            continue
        start, absorbed, nested = mention.start, 0, []
        while (word := _word_before(text, start)) is not None:
            token, token_start = word
            key = token.lower().removeprefix("ex-").removeprefix("then-")
            previous = _word_before(text, token_start) if key == "of" else None
            if key in titles:
                start, absorbed = token_start, absorbed + 1
            elif absorbed and previous is not None and previous[0].lower() in titles:
                start = token_start
            elif absorbed and start - 1 in by_end and by_end[start - 1].actor_id not in compiled.person_gender:
                nested.append(by_end[start - 1])
                start = by_end[start - 1].start
            else:
                break
        if absorbed:
            swallowed.update(nested)
            result.append(Mention(start, mention.end, mention.actor_id, "title"))
        else:
            result.append(mention)
    return [m for m in result if m not in swallowed]


def _drop_datelines(text: str, mentions: list[Mention]) -> list[Mention]:
    datelines = []
    for start, _ in paragraph_spans(text):
        match = _DATELINE.match(text, start)
        if match:
            datelines.append(match.span())
    if not datelines:
        return mentions
    return [m for m in mentions if not any(s <= m.start < e for s, e in datelines)]


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Is ``position`` inside one of the sorted, non-overlapping ``spans``?"""
    index = bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _attributed_pronouns(text: str, mentions: list[Mention], compiled: ActorMatcher,
                         quotes: Sequence[tuple[int, int]]) -> list[Mention]:
    """Pronouns in attributions ("he added"), resolved to the speaker in context."""
    candidates = [m for m in compiled.pronoun_attribution.finditer(text)
                  if not _glued(text, m.start()) and not _inside(m.start(), quotes)]
    if not candidates:
        return []
    persons = iter(m for m in mentions if m.actor_id in compiled.person_gender)
    last_speaker: dict[str, str] = {}
    last_outside_quotes: dict[str, str] = {}
    pending = next(persons, None)
    resolved = []
    for match in candidates:
        pronoun_start, pronoun_end = match.span(1)
        while pending is not None and pending.end <= pronoun_start:
            gender = compiled.person_gender[pending.actor_id]
            if _is_speaker(text, pending, compiled):
                last_speaker[gender] = pending.actor_id
            if not _inside(pending.start, quotes):
                last_outside_quotes[gender] = pending.actor_id
            pending = next(persons, None)
        gender = "male" if match.group(1).lower() == "he" else "female"
        if _AFTER_QUOTE.search(text, max(0, pronoun_start - 4), pronoun_start):
            actor_id = last_speaker.get(gender) or last_outside_quotes.get(gender)   # '"...," he added'
        else:
            actor_id = last_outside_quotes.get(gender)                               # 'Putin ... He said'
        if actor_id:
            resolved.append(Mention(pronoun_start, pronoun_end, actor_id, "pronoun"))
    return resolved


def _is_speaker(text: str, mention: Mention, compiled: ActorMatcher) -> bool:
    """Is the mention the subject of a speech verb ("Kirby said", "said Kirby", "according to Kirby")?"""
    return bool(compiled.speaker_after.match(text, mention.end, min(len(text), mention.end + 100))
                or compiled.speaker_before.search(text[max(0, mention.start - 30):mention.start]))


def mentions_table(article_id: str, text: str, mentions: Sequence[Mention], sentence_starts: Sequence[int],
                   quotes: Sequence[tuple[int, int]]) -> dict[str, list]:
    """Columns of the mentions table for one article (see :data:`MENTION_COLUMNS`)."""
    return {
        "article_id": [article_id] * len(mentions),
        "mention_id": list(range(len(mentions))),
        "sentence_id": [bisect_right(sentence_starts, m.start) - 1 for m in mentions],
        "start": [m.start for m in mentions],
        "end": [m.end for m in mentions],
        "surface": [text[m.start:m.end] for m in mentions],
        "actor_id": [m.actor_id for m in mentions],
        "kind": [m.kind for m in mentions],
        "in_quote": [_inside(m.start, quotes) for m in mentions],
    }

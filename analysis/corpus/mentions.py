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
* a pronoun in an attribution right after a closing quote ('"...," he added') resolves
  to the latest actor of that gender that was the subject of a speech verb, unless another
  person of that gender is named (outside quotes) between that mention and the pronoun;
* a role phrase ("the president") counts as the actor whose descriptor it is where the
  article makes that unambiguous (:mod:`analysis.corpus.descriptors`), and other
  pronouns ("he would be moving") as the single compatible actor of their sentence or
  the previous one (:mod:`analysis.corpus.pronouns`).

For every mention ``text[start:end] == surface``. Candidate actors for a codebook (names
the codebook lacks) are found by :mod:`analysis.corpus.candidates`.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import yaml

from analysis.corpus.codebook import YAML_LOADER, Codebook
from analysis.paths import RESOURCES
from analysis.corpus.mention_spans import Mention, _glued, _inside, _trie_regex
from analysis.corpus.descriptors import descriptor_mentions
from analysis.corpus.pronouns import other_person, pronoun_mentions
from analysis.corpus.text import paragraph_spans, sentence_spans

MENTION_COLUMNS = ["article_id", "mention_id", "sentence_id", "start", "end", "surface", "actor_id", "kind",
                   "in_quote"]
KINDS = ("name", "surname", "title", "demonym", "metonym", "pattern", "descriptor", "pronoun")
_DATELINE = re.compile(r"\(?[A-Z][A-Z .,'’-]{1,40}\)?\s*(?:--|—|–)\s")
_QUOTE_PAIRS = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"")
_WORD_BEFORE = re.compile(r"(\S+) $")
_SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"})
_NOT_FIRST_NAMES = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march
april may june july august september october november december the a an and but or if when while as after before
since then so because although though yet nor for of in on at by to from with without about against between
into through during over under again once here there where why how all both each few more most other some such
only own same than too very can will just should now this that these those his her its their our my your mr mrs
ms dr messrs presidents""".split())
_AFTER_QUOTE = re.compile(r"[\"”]\s*$")


@lru_cache(maxsize=1)
def attribution_lexicon() -> dict:
    """The attribution verb file as data (``neutral``, ``marked``, ``object_verbs``)."""
    return yaml.load((RESOURCES / "attribution_verbs.yaml").read_text(encoding="utf-8"), Loader=YAML_LOADER)


@lru_cache(maxsize=1)
def speech_verbs() -> dict[str, tuple[str, str]]:
    """Inflected attribution verb → (lemma, class 'neutral' or 'marked'), from the resource file."""
    data = attribution_lexicon()
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
    first_names: dict[str, frozenset[str]]
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
        first_names={a.id: frozenset(alias.split()[0] for alias in a.aliases if " " in alias)
                     for a in codebook.actors if a.type == "person"},
        surnames=surnames,
        # "he said", not "said he": in news prose "X said he would..." makes "he" the
        # subject of the reported clause, not a speaker.
        pronoun_attribution=re.compile(rf"(He|he|She|she) (?:{verbs})(?!\w)"),  # literal branches: a fast scan
        speaker_after=re.compile(rf"(?:,[^,\"“”]{{1,80}},)?\s+(?:{verbs})\b"),
        speaker_before=re.compile(rf"\b(?:{verbs}|according to)\s+$"),
    )


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each double-quoted stretch, quote marks included, never across a line break."""
    return [match.span() for match in _QUOTE_PAIRS.finditer(text)]


def find_mentions(text: str, codebook: Codebook, *, quotes: Sequence[tuple[int, int]] | None = None,
                  date: str | None = None, sentence_starts: Sequence[int] | None = None) -> list[Mention]:
    """Every actor mention in ``text``, sorted by offset, after the rules in the module docstring.

    ``date`` (YYYY-MM-DD) dates the article for descriptors with a date range;
    ``sentence_starts`` are its sentence offsets (split here when not given).
    """
    compiled = matcher(codebook)
    found = _other_bearers(text, _longest_first(name_matches(text, codebook)), compiled)
    found = _surnames(text, found, compiled)
    found = _fold_titles(text, found, compiled)
    found = _drop_datelines(text, found)
    quotes = quote_spans(text) if quotes is None else quotes
    sentences = _sentence_spans(text, sentence_starts)
    persons = frozenset(compiled.person_gender)
    found = descriptor_mentions(text, found, codebook, date=_iso_date(date), sentences=sentences, persons=persons)
    if codebook.count_pronouns:
        found = sorted(found + _attributed_pronouns(text, found, compiled, quotes))
        found = sorted(found + pronoun_mentions(text, found, codebook, sentences=sentences, quotes=quotes))
    return found


def _iso_date(value: object) -> str | None:
    """YYYY-MM-DD of a date given as text or a timestamp; None when missing."""
    if value is None or value != value or str(value) in ("", "NaT"):
        return None
    return str(value)[:10]


def _sentence_spans(text: str, starts: Sequence[int] | None) -> list[tuple[int, int]]:
    """Sentence spans from their start offsets (each ends where the next begins), or split here."""
    if starts is None:
        return [span for paragraph in paragraph_spans(text)
                for span in sentence_spans(text[paragraph[0]:paragraph[1]], offset=paragraph[0])]
    return [(start, end) for start, end in zip(starts, [*starts[1:], len(text)])]


def name_matches(text: str, codebook: Codebook) -> list[Mention]:
    """Every match of a codebook name (alias, demonym, metonym: longest at each position, kinds
    ``name``, ``demonym``, ``metonym``) and of a pattern (kind ``pattern``), overlaps kept."""
    compiled = matcher(codebook)
    found = [Mention(m.start(), m.end(), *compiled.surface[m.group()]) for m in compiled.names.finditer(text)
             if not _glued(text, m.start())]
    for pattern, actor_id in compiled.patterns:
        found.extend(Mention(m.start(), m.end(), actor_id, "pattern") for m in pattern.finditer(text) if m.end() > m.start())
    return found


def _longest_first(mentions: list[Mention]) -> list[Mention]:
    """Drop every mention that overlaps a longer (or earlier, equally long) one."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _other_bearers(text: str, mentions: list[Mention], compiled: ActorMatcher) -> list[Mention]:
    """Drop a person's one-word alias preceded by another first name: "Hunter Biden" and "Jill
    Biden" are not Joe Biden. The word before must be capitalised and unlike the person's own
    first names (not "Anthony Blinken", "Vladmir Putin": misspellings), and not a title word,
    stop word, day, month, initial, another mention, or a word the article also uses in lower
    case ("Despite Biden", "Has Putin"); at a sentence's start the pair must also occur inside a
    sentence ("Later Biden spoke" is Biden); headlines (title case) are left alone."""
    ends = {m.end for m in mentions}
    body = text.find("\n\n")
    kept = []
    for mention in mentions:
        first_names = compiled.first_names.get(mention.actor_id)
        if first_names is not None and mention.kind == "name" and mention.start > body \
                and " " not in text[mention.start:mention.end]:
            word = _word_before(text, mention.start)
            if (word is not None and _first_name(word[0]) and word[1] + len(word[0]) not in ends
                    and not any(_alike(word[0], name) for name in first_names)
                    and not re.search(rf"\b{word[0].lower()}\b", text)
                    and (not _sentence_initial(text, word[1])
                         or _mid_sentence(text, f"{word[0]} {text[mention.start:mention.end]}"))):
                continue
        kept.append(mention)
    return kept


def _first_name(token: str) -> bool:
    return (len(token) > 1 and token[0].isupper() and token[1:].islower() and token.isalpha()
            and not token.endswith(("ing", "ly")) and token.lower() not in title_words() and token.lower() not in _NOT_FIRST_NAMES)


def _sentence_initial(text: str, position: int) -> bool:
    before = text[max(0, position - 4):position].rstrip(" \"“‘'(")
    return not before or before[-1] in ".!?:\n"


def _mid_sentence(text: str, name: str) -> bool:
    """Does ``name`` occur somewhere in ``text`` not at a sentence's start?"""
    return any(not _sentence_initial(text, m.start()) for m in re.finditer(re.escape(name), text))


def _alike(word: str, name: str) -> bool:
    """Same first letter and close spelling (difflib ratio ≥ 0.7): "Anthony" ~ "Antony"."""
    return word[0] == name[0] and SequenceMatcher(None, word.lower(), name.lower()).ratio() >= 0.7


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


def _attributed_pronouns(text: str, mentions: list[Mention], compiled: ActorMatcher,
                         quotes: Sequence[tuple[int, int]]) -> list[Mention]:
    """Pronouns in attributions right after a quote ('"...," he added'), resolved to the speaker."""
    candidates = [m for m in compiled.pronoun_attribution.finditer(text)
                  if not _glued(text, m.start()) and not _inside(m.start(), quotes)]
    if not candidates:
        return []
    persons = iter(m for m in mentions if m.actor_id in compiled.person_gender)
    last_speaker: dict[str, Mention] = {}
    pending = next(persons, None)
    resolved = []
    for match in candidates:
        pronoun_start, pronoun_end = match.span(1)
        while pending is not None and pending.end <= pronoun_start:
            gender = compiled.person_gender[pending.actor_id]
            if _is_speaker(text, pending, compiled):
                last_speaker[gender] = pending
            pending = next(persons, None)
        gender = "male" if match.group(1).lower() == "he" else "female"
        if not _AFTER_QUOTE.search(text, max(0, pronoun_start - 4), pronoun_start):
            continue   # 'Putin was silent. He said ...': the antecedent rule of analysis.corpus.pronouns
        speaker = last_speaker.get(gender)
        if speaker and not _someone_else(text, speaker, pronoun_start, mentions, quotes, compiled):
            resolved.append(Mention(pronoun_start, pronoun_end, speaker.actor_id, "pronoun"))
    return resolved


def _someone_else(text: str, speaker: Mention, pronoun_start: int, mentions: Sequence[Mention],
                  quotes: Sequence[tuple[int, int]], compiled: ActorMatcher) -> bool:
    """Between the speaker's mention and the pronoun, is another person of that gender named
    (a codebook person of the same or unknown gender, or a person the codebook does not know)?"""
    gender = compiled.person_gender[speaker.actor_id]
    between = [m for m in mentions if speaker.end <= m.start < pronoun_start and not _inside(m.start, quotes)]
    if any(compiled.person_gender.get(m.actor_id) in (gender, "unknown") and m.actor_id != speaker.actor_id
           for m in between):
        return True
    return other_person(text, speaker.end, pronoun_start, mentions, quotes)


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

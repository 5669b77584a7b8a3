"""Speakers: who an attribution names as the speaker, and whom it addresses.

:mod:`analysis.framing.quotes` finds quotes and reported speech; for each attribution it
asks this module who speaks: the subject before a speech verb (:func:`subject_before`)
or the noun phrase after an inverted verb or "according to" (:func:`phrase_after`),
resolved by :func:`resolve_phrase`, and the addressee (:func:`recipient_after`). The
speaker grammar lives apart from the quote finder because it is a small grammar of noun
phrases with word lists of its own. It works on ``_Article``, one article's text with
lookups over its sentences, paragraphs, mentions and quote marks, which the quote finder
shares; this module imports :mod:`analysis.framing.quote_marks`, never
:mod:`analysis.framing.quotes` (which imports this one).

Rules (the ``speaker_*`` and ``recipient`` columns of the ``quotes`` table):

speaker
    Resolved from the attribution's subject (or the noun phrase after an inverted verb):
    a codebook mention that ends the phrase (titles are folded into the person by the
    mention layer; "he added" is already a pronoun mention of the speaker) gives
    ``speaker_type="actor"``; coordinated actors ("The U.S. and NATO allies") give all
    their ids joined by ``;``; an institution noun with an actor ("Ukraine's foreign
    ministry", "NATO allies", "the Russian government") gives that actor. A person noun
    without a name ("a senior defense official", "officials", "a spokesperson") gives
    ``"unnamed"``, with the actors named inside the phrase in ``speaker_affiliation``.
    A capitalised name not in the codebook gives ``"named_other"``; anything else
    ``"unknown"``.
recipient
    The addressee where stated: the object of "tell" ("told reporters") or "to X" right
    after the verb ("confirmed to ABC News").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple, Sequence

from analysis.corpus.mentions import Mention, _trie_regex
from analysis.framing.quote_marks import quote_mark_spans

SPEAKER_TYPES = ("actor", "unnamed", "named_other", "unknown")

#: Person nouns that make a speaker an unnamed source.
UNNAMED_HEADS = frozenset("""
official officials spokesperson spokespeople spokesman spokesmen spokeswoman spokeswomen source sources
diplomat diplomats aide aides adviser advisers advisor advisors analyst analysts expert experts person people
officer officers lawmaker lawmakers senator senators legislator legislators insider insiders staffer staffers
member members observer observers witness witnesses resident residents leader leaders commander commanders
minister ministers representative representatives negotiator negotiators envoy envoys ambassador
ambassadors investigator investigators researcher researchers economist economists strategist strategists
general generals soldier soldiers veteran veterans journalist journalists reporter reporters correspondent
correspondents critic critics supporter supporters protester protesters activist activists citizen citizens
civilian civilians refugee refugees man woman men women someone mother father wife husband son daughter
boy girl student students teacher teachers doctor doctors nurse nurses volunteer volunteers worker workers
president premier chancellor secretary secretary-general governor mayor chief head director chairman
chairwoman chair king queen prince pope deputy counselor colleague colleagues friend friends
""".split())
#: Institution and collective nouns that let an affiliated actor speak ("Ukraine's foreign ministry said").
GROUP_HEADS = frozenset("""
government governments ministry ministries administration embassy embassies military army navy forces
allies ally authorities leadership office department agency agencies council parliament cabinet command
headquarters mission delegation alliance bloc regime state states side
""".split())
_PRONOUNS = {"he": "male", "she": "female"}
_OTHER_PRONOUNS = frozenset({"they", "we", "it", "i", "you", "this", "that", "who", "which"})
#: Capitalised words that are not names when they stand alone as a subject.
_NOT_NAMES = frozenset("""
The A An It They We He She I You This That These Those There But And Or So Yet Officials Experts Analysts
Some Many Most Others Other One Both Each Meanwhile However Still Also Then Now Earlier Later Last On In At
When After Before While If As Since Although Though Because Until During Asked Speaking Monday Tuesday
Wednesday Thursday Friday Saturday Sunday January February March April May June July August September
October November December Today Yesterday Tonight Mr. Mrs. Ms. Dr.
""".split())
#: Where a subject's trailing adverbial starts ("The White House on Wednesday warned").
_ADVERBIAL = re.compile(r"\s+(?:on|in|at|during|late|early|earlier|last|this|over|from|after|before|with|"
                        r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
#: Adverbs and auxiliaries between a subject and its speech verb ("Kirby has also said").
_ADVERBS = ("has", "have", "had", "also", "later", "earlier", "then", "again", "previously", "repeatedly", "reportedly",
            "publicly", "privately", "recently", "once", "already", "never", "long", "just", "would", "will", "did",
            "does", "do", "has long", "had earlier", "separately", "further", "similarly", "subsequently", "quickly",
            "immediately", "personally", "directly", "explicitly", "specifically", "had also", "has also")
_ADVERBS_BEFORE_VERB = re.compile(r"(?:\s+(?:" + "|".join(_ADVERBS) + r"))*\s*$")
_ADVERB_ENDS = frozenset(adverb.split()[-1] for adverb in _ADVERBS)
_CLAUSE_WORD_LIST = ("that|which|who|whom|while|when|because|after|before|but|as|if|so|where|although|though|since|"
                     "until|whether|what|how|why|then|said|says|told")
#: A clause word with no clause word after it (the subject starts after it). Kept as the rule's statement;
#: :func:`_after_last_clause_word` finds the same match in one pass.
_CLAUSE_WORDS = re.compile(r"\b(?:" + _CLAUSE_WORD_LIST + r")\b(?!.*\b(?:" + _CLAUSE_WORD_LIST + r")\b)", re.S)
_CLAUSE_WORD = re.compile(r"\b(?:" + _trie_regex(_CLAUSE_WORD_LIST.split("|")) + r")\b")  # a trie: one test per place
_BREAK_WORDS = frozenset("""
in on at during to for with from who that which after before when as while about by of over into amid
under since until than because if but and or said says told added on,
""".split())
_RECIPIENT_STOP = frozenset("""
that on in at during about after before last this earlier later when while if about yesterday today
tonight monday tuesday wednesday thursday friday saturday sunday the the. it he she they we there
""".split())
_RECIPIENT_STOP = _RECIPIENT_STOP - {"the"}
_DETERMINER_TO_END = re.compile(r"\b(?:a|an|the|A|An|The|one|One|two|three|several|Several|some|Some|many|Many|"
                                r"other|two|senior|Senior)\b[^,;:]*$")
_CONJUNCTION = re.compile(r"\s(?:and|&)\s")
_NAME_AT_END = re.compile(r"(?:(?:[A-Z][\w'’.-]*|of|al-|de)\s+){0,3}[A-Z][\w'’-]*$")
_CONJUNCTS = re.compile(r"\s+(?:and|&)\s+|,\s+")
_AND_AT_END = re.compile(r"(?:^|\s)and\s*,?\s*$")
_NAME_AND_AT_END = re.compile(r"[A-Z][\w.]*\s+and\s*$")
_PHRASE_WORD = re.compile(r"[^\s,;:\"“”()]+")
_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.){2,}|Mr\.|Mrs\.|Ms\.|Dr\.|Gen\.|Sen\.|Rep\.|Gov\.|Lt\.|Col\.|St\.")
_SPACES = re.compile(r"\s+")
_TO = re.compile(r"\s+to\s+")
_RECIPIENT_WORD = re.compile(r"[^\s,;:\"“”]+")
_NUMBER_WORD = re.compile(r"\d.*")


class Speaker(NamedTuple):
    actor_ids: tuple[str, ...]
    text: str
    type: str
    affiliation: tuple[str, ...] = ()


class _Article:
    """One article's text with lookups over its sentences, paragraphs, mentions and quote marks."""

    def __init__(self, doc: str, sentences: Sequence[tuple[int, int, int]], mentions: Sequence[Mention]):
        self.doc = doc
        self.sentences = list(sentences)                   # (start, end, paragraph_id)
        self.sentence_starts = [s for s, _, _ in self.sentences]
        paragraphs: dict[int, list[int]] = {}
        for start, end, paragraph in self.sentences:
            span = paragraphs.setdefault(paragraph, [start, end])
            span[0], span[1] = min(span[0], start), max(span[1], end)
        self.paragraphs = [tuple(v) for _, v in sorted(paragraphs.items())]
        self.marks = quote_mark_spans(doc, self.paragraphs)
        self.mark_starts = [a for a, _ in self.marks]
        self.mentions = sorted(mentions)
        self.mention_starts = [m.start for m in self.mentions]
        self._by_last_word: dict[str, list[Mention]] | None = None

    def named_by_last_word(self, word: str) -> list[Mention]:
        """The ``name`` and ``title`` mentions whose text ends with " " + ``word``, in mention order."""
        if self._by_last_word is None:
            self._by_last_word = {}
            for m in self.mentions:
                surface = self.doc[m.start:m.end]
                if m.kind in ("name", "title") and " " in surface:
                    self._by_last_word.setdefault(surface.rsplit(" ", 1)[1], []).append(m)
        return self._by_last_word.get(word, [])

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect_right(self.sentence_starts, pos) - 1)

    def in_quote(self, pos: int) -> bool:
        index = bisect_right(self.mark_starts, pos) - 1
        return index >= 0 and self.marks[index][0] <= pos <= self.marks[index][1]

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        lo = bisect_right(self.mention_starts, start - 1)
        hi = bisect_right(self.mention_starts, end - 1)
        return [m for m in self.mentions[lo:hi] if m.end <= end]


def _strip_span(doc: str, start: int, end: int, chars: str = " \t\n,;:") -> tuple[int, int]:
    while start < end and doc[start] in chars:
        start += 1
    while end > start and doc[end - 1] in chars:
        end -= 1
    return start, end


def resolve_phrase(art: _Article, start: int, end: int) -> Speaker | None:
    """The speaker named by the noun phrase ``doc[start:end]`` (its head is its last word), or None."""
    doc = art.doc
    start, end = _strip_span(doc, start, end, " \t\n,;:—–-()")
    if end <= start:
        return None
    found = _resolve_core(art, start, end)
    if found is None:
        adverbial = _ADVERBIAL.search(doc, start, end)     # "The White House on Wednesday (warned)"
        if adverbial is not None and adverbial.start() > start:
            found = _resolve_core(art, *_strip_span(doc, start, adverbial.start(), " \t\n,;:—–-()"))
    return found


def _resolve_core(art: _Article, start: int, end: int) -> Speaker | None:
    doc = art.doc
    if end <= start:
        return None
    phrase = doc[start:end]
    words = phrase.split()
    if len(words) > 9:
        return None
    mentions = art.mentions_in(start, end)
    ids = tuple(dict.fromkeys(m.actor_id for m in mentions))
    if len(mentions) > 1 and _CONJUNCTION.search(phrase):
        parts = _conjuncts(art, start, end)
        if parts and all(p is not None and p.type == "actor" for p in parts):
            joined = tuple(dict.fromkeys(a for p in parts for a in p.actor_ids))
            return Speaker(joined, phrase, "actor")
        if parts and parts[-1] is not None:
            return parts[-1]
    last = mentions[-1] if mentions else None
    if last is not None and last.end == end:
        if last.kind == "pronoun" or len(words) <= 7:
            return Speaker((last.actor_id,), phrase, "actor")
    head = words[-1].lower().strip(".,'’\"“”")
    if head in _PRONOUNS:
        return Speaker((), phrase, "unknown")
    if head in _OTHER_PRONOUNS:
        return Speaker((), phrase, "unknown")
    if head in UNNAMED_HEADS:
        unnamed_start = _np_start(doc, start, end)
        return Speaker((), doc[unnamed_start:end], "unnamed",
                       tuple(dict.fromkeys(m.actor_id for m in mentions if m.start >= unnamed_start)))
    if head in GROUP_HEADS and ids:
        return Speaker(ids, phrase, "actor")
    name = _NAME_AT_END.search(phrase)
    if name:
        text = name.group()
        kept = [w for w in text.split() if w not in _NOT_NAMES and w.lower() not in _title_words()]
        if kept and kept[0][0].isupper():
            known = _surname_actor(art, kept[-1], end)
            if known is not None:
                return Speaker((known,), phrase, "actor")
            return Speaker((), " ".join(kept), "named_other")
    return None


def _surname_actor(art: _Article, surname: str, before: int) -> str | None:
    """The codebook actor an earlier mention of which ends with ``surname`` ("Kamala Harris" … "Harris")."""
    if any(char.isspace() for char in surname):  # never so for a word of a split phrase; kept for exactness
        candidates = [m for m in art.mentions if m.kind in ("name", "title")
                      and art.doc[m.start:m.end].endswith(" " + surname)]
    else:
        candidates = art.named_by_last_word(surname)
    for mention in reversed(candidates):
        if mention.end <= before:
            return mention.actor_id
    return None


def _sentence_start(art: _Article, pos: int) -> int:
    return art.sentences[art.sentence_of(pos)][0] if art.sentences else 0


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    from analysis.corpus.mentions import title_words

    return title_words()


def _np_start(doc: str, start: int, end: int) -> int:
    """Where an unnamed-source noun phrase starts inside ``doc[start:end]`` (at its determiner if any)."""
    match = _DETERMINER_TO_END.search(doc[start:end])
    return start + match.start() if match else start


def _conjuncts(art: _Article, start: int, end: int) -> list[Speaker | None]:
    parts, cursor = [], start
    for match in _CONJUNCTS.finditer(art.doc[start:end]):
        parts.append((cursor, start + match.start()))
        cursor = start + match.end()
    parts.append((cursor, end))
    resolved = []
    for a, b in parts:
        words = art.doc[a:b].split()
        if words and words[0] in ("the", "The"):
            words = words[1:]
        resolved.append(resolve_phrase(art, a, b) if 0 < len(words) <= 4 else None)
    return resolved


def subject_before(art: _Article, verb_start: int, lo: int) -> Speaker | None | str:
    """The speaker who is the subject of the verb at ``verb_start`` (searching back to ``lo``).

    Returns ``"coordinated"`` when the verb is the second of two coordinated verbs
    ("Kirby said … and emphasized"), for the caller to reuse the first verb's speaker.
    """
    doc = art.doc
    left_start = lo
    for mark in "\"“”":
        cut = doc.rfind(mark, lo, verb_start)
        if cut >= 0:
            left_start = max(left_start, cut + 1)
    left = doc[left_start:verb_start]
    left = left[:_before_adverbs(left)]
    if _ends_with_and(left) and _AND_AT_END.search(left) and not _NAME_AND_AT_END.search(left):
        return "coordinated"
    stripped = left.rstrip()
    if stripped.endswith(","):                       # "Kirby, during a briefing …, said"
        inner = stripped[:-1]
        cut = inner.rfind(",")
        if cut < 0:
            return None
        stripped = inner[:cut]
    else:
        cut = stripped.rfind(",")
        if cut >= 0:
            stripped = stripped[cut + 1:]
            left_start = left_start + cut + 1 if cut >= 0 else left_start
            return _resolve_subject(art, left_start, left_start + len(stripped))
    return _resolve_subject(art, left_start, left_start + len(stripped))


def _before_adverbs(left: str) -> int:
    """Where the adverbs and auxiliaries at the end of ``left`` start (``_ADVERBS_BEFORE_VERB``).

    Without one of them as its last word, the answer is the end of ``left`` without its
    trailing white space; only otherwise is the pattern run (it tries every position).
    """
    trimmed = left.rstrip()
    if not trimmed or trimmed.rsplit(None, 1)[-1] not in _ADVERB_ENDS:
        return len(trimmed)
    return _ADVERBS_BEFORE_VERB.search(left).start()


def _ends_with_and(left: str) -> bool:
    """A cheap necessary condition of ``_AND_AT_END``: "and", then white space and at most one comma."""
    trimmed = left.rstrip()
    if trimmed.endswith(","):
        trimmed = trimmed[:-1].rstrip()
    return trimmed.endswith("and")


def _after_last_clause_word(text: str) -> int:
    """End of the clause word that no other follows (``_CLAUSE_WORDS``), or 0.

    Clause words are whole words, so they never overlap, and the match of
    ``_CLAUSE_WORDS`` (the leftmost not followed by another) is the last one ``finditer``
    finds; the look-ahead would rescan the rest of the text at every candidate.
    """
    end = 0
    for match in _CLAUSE_WORD.finditer(text):
        end = match.end()
    return end


def _resolve_subject(art: _Article, start: int, end: int) -> Speaker | None:
    start += _after_last_clause_word(art.doc[start:end])
    # a subject does not hold a verb: keep only the noun phrase that ends at the verb
    return resolve_phrase(art, start, end)


def phrase_after(art: _Article, start: int, hi: int) -> tuple[int, int]:
    """The noun phrase that starts at ``start`` (up to punctuation, a preposition or a clause word)."""
    doc = art.doc
    while start < hi and doc[start].isspace():
        start += 1
    cursor, end, n = start, start, 0
    for match in _PHRASE_WORD.finditer(doc[start:min(hi, start + 120)]):
        word = match.group()
        if doc[start + match.start() - 1:start + match.start()] in (",", ";", ":", "\"", "“", "”") and n:
            break
        if n and (word.lower() in _BREAK_WORDS):
            break
        if n and (start + match.start() > cursor + 1):   # a gap with punctuation in it
            gap = doc[cursor:start + match.start()]
            if gap.strip():
                break
        end = start + match.end()
        cursor = end
        n += 1
        if word.endswith(".") and not _is_abbreviation(word):   # the sentence's full stop
            end -= 1
            break
        if n >= 8:
            break
    return start, end


def _is_abbreviation(word: str) -> bool:
    return bool(_ABBREVIATION.fullmatch(word))


def recipient_after(art: _Article, lemma: str, verb_end: int, hi: int) -> tuple[str, int]:
    """(recipient text, end offset) of "told X" or "VERB to X", else ("", verb_end)."""
    doc = art.doc
    rest = doc[verb_end:hi]
    if lemma == "tell":
        match = _SPACES.match(rest)
        offset = verb_end + (match.end() if match else 0)
    else:
        match = _TO.match(rest)
        if not match:
            return "", verb_end
        offset = verb_end + match.end()
    words = list(_RECIPIENT_WORD.finditer(doc[offset:min(hi, offset + 80)]))
    end, n = offset, 0
    for word in words:
        if word.start() > (end - offset) + 1 and doc[end:offset + word.start()].strip():
            break
        low = word.group().lower()
        if low in _RECIPIENT_STOP or _NUMBER_WORD.fullmatch(low):
            break
        end = offset + word.end()
        n += 1
        if n >= 6:
            break
    text = doc[offset:end].rstrip(".")
    if not text or text.lower() in ("a", "an", "the"):
        return "", verb_end
    return text, offset + len(text)

"""Quotes and reported speech with their speakers: who gets a voice, and through which verb.

One quote module for the suite (the framing notebook and the sentiment of each actor's
own words both read its ``quotes`` table). Rules, in the order they apply:

Quote marks
    Straight (``"``) and curly (``“ ”``) double quotes. A curly mark says which side it
    is; a straight one is read from its neighbours (space before, letter after: opens;
    letter before, space or punctuation after: closes; otherwise it toggles). An opener
    that meets another opener is dropped (a stray mark must not swallow the rest of a
    one-line scraped article). Paragraph convention of news style: a quote paragraph that
    does not close continues when the next paragraph opens with a quote mark; the span then
    runs across the paragraph break. A quote left open otherwise is dropped.
kind
    ``direct``: a quotation that is a full utterance: it opens its sentence, or follows a
    cue (``Kirby said: "…"``, ``… and emphasized, "These …"``) with a capital letter, or is
    followed by its attribution (``"…," Kirby said`` / ``said Kirby`` / ``he added``).
    ``partial``: a few quoted words inside a sentence whose speaker is the subject of the
    sentence's speech verb (``Biden told reporters … "in the near term."``). A quoted
    phrase in a sentence without any attribution is a scare quote or a title ("put on
    "heightened alert"") and is not a quote of anyone: it is left out.
    ``indirect``: ``SPEAKER VERB [recipient] that …``; without "that" when the verb is
    followed by a clause (an auxiliary, modal or copula within eight words: "argue Russia
    is the aggressor") or, for verbs that report a speech act about someone (blame, accuse,
    condemn… listed under ``object_verbs`` in the verb file), by its object ("blamed the
    escalating tensions on the U.S."). The content runs to the end of the sentence. A clause
    followed by its attribution ("Russia will respond, the Kremlin said.") is indirect too
    (cue ``trailing``; the content is the clause before the comma).
    ``according_to``: "…, according to SPEAKER" (the rest of the sentence is the content).
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
    ``"unknown"``. A direct quote without an attribution of its own continues the speaker
    of the quote just before it (same or previous paragraph, at most two sentences back).
verb
    Surface form, lemma and class (``neutral`` or ``marked``) from
    ``resources/attribution_verbs.yaml`` (its header gives the rationale); "according to"
    is neutral. ``cue`` records which rule attributed the quote: ``after`` (``"…," X
    said``), ``after_inverted`` (``said X``), ``before`` (``X said: "…"``), ``sentence``
    (a partial quote inside the speaker's sentence), ``continued`` (no attribution of its
    own), ``that``, ``clause``, ``object``, ``trailing`` (indirect), ``according_to``.
recipient
    The addressee where stated: the object of "tell" ("told reporters") or "to X" right
    after the verb ("confirmed to ABC News").

Offsets point into :func:`analysis.corpus.reader.document_text`; ``text == doc[start:end]``,
the content without its quote marks and without a trailing comma (partial quotes also
lose the sentence's final period that news style puts inside the marks).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd
import yaml

from analysis.corpus.codebook import Codebook
from analysis.corpus.reader import document_text
from analysis.corpus.mentions import Mention, _trie_regex, speech_verbs
from analysis.paths import RESOURCES
from analysis.corpus.text import is_word, token_spans

QUOTE_COLUMNS = ["article_id", "quote_id", "kind", "start", "end", "text", "speaker_actor_id", "speaker_text",
                 "speaker_type", "speaker_affiliation", "verb", "verb_lemma", "verb_class", "recipient", "cue",
                 "sentence_id", "n_words"]
KINDS = ("direct", "partial", "indirect", "according_to")
SPEAKER_TYPES = ("actor", "unnamed", "named_other", "unknown")
#: Separator of actor ids when several actors speak together ("The U.S. and NATO allies argue").
JOIN = ";"

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
_AUX = frozenset("""
is are was were be been being will would could can should may might must has had have did does do am 's ’s
""".split())
_SUBJECT_PRONOUNS = frozenset({"it", "they", "he", "she", "we", "i", "there", "this", "you"})
_ADVERBS_BEFORE_VERB = re.compile(
    r"(?:\s+(?:has|have|had|also|later|earlier|then|again|previously|repeatedly|reportedly|publicly|"
    r"privately|recently|once|already|never|long|just|would|will|did|does|do|has long|had earlier|"
    r"separately|further|similarly|subsequently|quickly|immediately|personally|directly|"
    r"explicitly|specifically|had also|has also))*\s*$")
_CLAUSE_WORDS = re.compile(
    r"\b(?:that|which|who|whom|while|when|because|after|before|but|as|if|so|where|although|though|since|"
    r"until|whether|what|how|why|then|said|says|told)\b(?!.*\b(?:that|which|who|whom|while|when|because|"
    r"after|before|but|as|if|so|where|although|though|since|until|whether|what|how|why|then|said|says|"
    r"told)\b)", re.S)
_BREAK_WORDS = frozenset("""
in on at during to for with from who that which after before when as while about by of over into amid
under since until than because if but and or said says told added on,
""".split())
_RECIPIENT_STOP = frozenset("""
that on in at during about after before last this earlier later when while if about yesterday today
tonight monday tuesday wednesday thursday friday saturday sunday the the. it he she they we there
""".split())
_RECIPIENT_STOP = _RECIPIENT_STOP - {"the"}
_TRAILING_REST = re.compile(
    r"\s*(?:(?:on|in|at|during|late|last|this|earlier|early|later|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|to|according|after|before|via|through|when|while|as)\b[^,;:\"“”]{0,60})?[.!?]?\s*")
_THAT = re.compile(r"[^\"“”]{0,80}?\bthat\b\s*")
_TRAIL = " \t\n,;:—–-"
_MARKS = re.compile(r"[\"“”]")


class Speaker(NamedTuple):
    actor_ids: tuple[str, ...]
    text: str
    type: str
    affiliation: tuple[str, ...] = ()


class Quote(NamedTuple):
    """One quote or piece of reported speech (offsets into the document text)."""

    kind: str
    start: int
    end: int
    speaker: Speaker
    verb: str
    recipient: str
    cue: str


@dataclass(frozen=True)
class _Verbs:
    pattern: re.Pattern
    forms: dict[str, tuple[str, str]]
    object_lemmas: frozenset[str]


@lru_cache(maxsize=1)
def attribution_lexicon() -> dict:
    """The attribution verb file as data (``neutral``, ``marked``, ``object_verbs``)."""
    return yaml.safe_load((RESOURCES / "attribution_verbs.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _verbs() -> _Verbs:
    forms = speech_verbs()
    pattern = re.compile(r"(?<![\w-])(?:" + _trie_regex(forms) + r")(?![\w-])")
    return _Verbs(pattern, forms, frozenset(attribution_lexicon().get("object_verbs", [])))


def verb_class(form: str) -> tuple[str, str]:
    """(lemma, class) of an attribution verb form; "according to" is neutral; unknown → ("", "")."""
    if form == "according to":
        return "according to", "neutral"
    return speech_verbs().get(form.lower(), ("", ""))


# --- quote marks --------------------------------------------------------------------------


def _mark_side(doc: str, pos: int, lo: int, hi: int) -> str:
    char = doc[pos]
    if char == "“":
        return "open"
    if char == "”":
        return "close"
    before = doc[pos - 1] if pos > lo else " "
    after = doc[pos + 1] if pos + 1 < hi else " "
    space_before = before.isspace() or before in "([{—–-/"
    space_after = after.isspace() or after in ",.;:!?)]}—–"
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    return "either"


def quote_mark_spans(doc: str, paragraphs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(opening mark, closing mark) offsets of each quotation, after the rules in the module docstring."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for index, (lo, hi) in enumerate(paragraphs):
        marks = [m.start() for m in _MARKS.finditer(doc, lo, hi)]
        if opened is not None:
            first = lo + len(doc[lo:hi]) - len(doc[lo:hi].lstrip())
            if marks and marks[0] == first and _mark_side(doc, first, lo, hi) != "close":
                marks = marks[1:]          # the continuation mark of a multi-paragraph quote
            else:
                opened = None
        for pos in marks:
            side = _mark_side(doc, pos, lo, hi)
            if opened is None:
                if side != "close":
                    opened = pos
            elif side != "open":
                spans.append((opened, pos))
                opened = None
            else:
                opened = pos               # an opener that never closed: drop it
        if opened is not None:
            following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            if following is None or doc[following[0]:following[0] + 1] not in ("\"", "“"):
                opened = None
    return spans


def _has_mark(doc: str, lo: int, hi: int) -> bool:
    return doc.find('"', lo, hi) >= 0 or doc.find("“", lo, hi) >= 0 or doc.find("”", lo, hi) >= 0


# --- speakers ---------------------------------------------------------------------------


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
    if len(mentions) > 1 and re.search(r"\s(?:and|&)\s", phrase):
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
    name = re.search(r"(?:(?:[A-Z][\w'’.-]*|of|al-|de)\s+){0,3}[A-Z][\w'’-]*$", phrase)
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
    for mention in reversed(art.mentions):
        if mention.end <= before and mention.kind in ("name", "title") \
                and art.doc[mention.start:mention.end].endswith(" " + surname):
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
    match = re.search(r"\b(?:a|an|the|A|An|The|one|One|two|three|several|Several|some|Some|many|Many|other|"
                      r"two|senior|Senior)\b[^,;:]*$", doc[start:end])
    return start + match.start() if match else start


def _conjuncts(art: _Article, start: int, end: int) -> list[Speaker | None]:
    parts, cursor = [], start
    for match in re.finditer(r"\s+(?:and|&)\s+|,\s+", art.doc[start:end]):
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
    left = left[:_ADVERBS_BEFORE_VERB.search(left).start()]
    if re.search(r"(?:^|\s)and\s*,?\s*$", left) and not re.search(r"[A-Z][\w.]*\s+and\s*$", left):
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


def _resolve_subject(art: _Article, start: int, end: int) -> Speaker | None:
    text = art.doc[start:end]
    match = _CLAUSE_WORDS.search(text)
    if match:
        start += match.end()
    # a subject does not hold a verb: keep only the noun phrase that ends at the verb
    return resolve_phrase(art, start, end)


def phrase_after(art: _Article, start: int, hi: int) -> tuple[int, int]:
    """The noun phrase that starts at ``start`` (up to punctuation, a preposition or a clause word)."""
    doc = art.doc
    while start < hi and doc[start].isspace():
        start += 1
    cursor, end, n = start, start, 0
    for match in re.finditer(r"[^\s,;:\"“”()]+", doc[start:min(hi, start + 120)]):
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
    return bool(re.fullmatch(r"(?:[A-Za-z]\.){2,}|Mr\.|Mrs\.|Ms\.|Dr\.|Gen\.|Sen\.|Rep\.|Gov\.|Lt\.|Col\.|St\.", word))


def recipient_after(art: _Article, lemma: str, verb_end: int, hi: int) -> tuple[str, int]:
    """(recipient text, end offset) of "told X" or "VERB to X", else ("", verb_end)."""
    doc = art.doc
    rest = doc[verb_end:hi]
    if lemma == "tell":
        match = re.match(r"\s+", rest)
        offset = verb_end + (match.end() if match else 0)
    else:
        match = re.match(r"\s+to\s+", rest)
        if not match:
            return "", verb_end
        offset = verb_end + match.end()
    words = list(re.finditer(r"[^\s,;:\"“”]+", doc[offset:min(hi, offset + 80)]))
    end, n = offset, 0
    for word in words:
        if word.start() > (end - offset) + 1 and doc[end:offset + word.start()].strip():
            break
        low = word.group().lower()
        if low in _RECIPIENT_STOP or re.fullmatch(r"\d.*", low):
            break
        end = offset + word.end()
        n += 1
        if n >= 6:
            break
    text = doc[offset:end].rstrip(".")
    if not text or text.lower() in ("a", "an", "the"):
        return "", verb_end
    return text, offset + len(text)


# --- the extractor ------------------------------------------------------------------------


def find_quotes(doc: str, sentences: Sequence[tuple[int, int, int]], mentions: Sequence[Mention]) -> list[Quote]:
    """Every quote and piece of reported speech of one article, in text order.

    ``sentences`` are (start, end, paragraph_id) per sentence, ``mentions`` the article's
    codebook mentions (:class:`analysis.corpus.mentions.Mention`); see the module docstring.
    """
    art = _Article(doc, sentences, mentions)
    verbs = _verbs()
    quotes: list[Quote] = []
    used_verbs: set[int] = set()
    # speech verbs with their subjects, sentence by sentence (outside quotation marks)
    speech: dict[int, list[tuple[re.Match, Speaker]]] = {}
    last_speaker_in_sentence: dict[int, Speaker] = {}
    for match in verbs.pattern.finditer(doc):
        if art.in_quote(match.start()):
            continue
        sid = art.sentence_of(match.start())
        lo = art.sentences[sid][0]
        subject = subject_before(art, match.start(), lo)
        if subject == "coordinated":
            subject = last_speaker_in_sentence.get(sid)
        if isinstance(subject, Speaker):
            speech.setdefault(sid, []).append((match, subject))
            last_speaker_in_sentence[sid] = subject

    # 1. quotations between quote marks
    previous: tuple[Quote, int] | None = None
    for open_mark, close_mark in art.marks:
        quote = _quotation(art, open_mark, close_mark, speech, used_verbs, previous)
        if quote is not None:
            quotes.append(quote)
            if quote.speaker.type != "unknown" or quote.kind == "direct":
                previous = (quote, close_mark)
    # 2. indirect speech
    for sid, items in speech.items():
        for match, subject in items:
            if match.start() in used_verbs:
                continue
            later = [m.start() for m, _ in items if m.start() > match.start()]
            quote = _indirect(art, match, subject, sid, next_verb=later[0] if later else None)
            if quote is not None:
                quotes.append(quote)
    # 3. according to X
    for match in re.finditer(r"\b[Aa]ccording to\s+", doc):
        if art.in_quote(match.start()):
            continue
        quote = _according_to(art, match)
        if quote is not None:
            quotes.append(quote)
    return sorted(quotes, key=lambda q: (q.start, q.end, KINDS.index(q.kind)))


def _quotation(art: _Article, open_mark: int, close_mark: int, speech, used_verbs: set[int],
               previous: tuple[Quote, int] | None) -> Quote | None:
    doc = art.doc
    verbs = _verbs()
    start, end = open_mark + 1, close_mark
    start, end = _strip_span(doc, start, end, " \t\n")
    content_end = end
    while content_end > start and doc[content_end - 1] in ", \t":
        content_end -= 1
    if content_end <= start:
        return None
    sid = art.sentence_of(open_mark)
    s_start, s_end, paragraph = art.sentences[sid]
    close_sid = art.sentence_of(close_mark)
    hi = art.sentences[close_sid][1]
    capital = doc[start].isupper() or doc[start].isdigit() or doc[start] in "'‘…."
    opens_sentence = not doc[s_start:open_mark].strip()
    # a. attribution after the closing mark
    tail_start = close_mark + 1
    tail = doc[tail_start:min(hi, tail_start + 160)]
    after = None
    if re.match(r"\s*,?\s*[Aa]ccording to\s", tail):
        at = tail_start + re.match(r"\s*,?\s*[Aa]ccording to\s+", tail).end()
        speaker = resolve_phrase(art, *phrase_after(art, at, hi))
        if speaker is not None:
            after = (speaker, "according to", "", "after")
    if after is None and not re.match(r"\s*[.!?]", tail) or (after is None and doc[close_mark - 1:close_mark] in ",!?"):
        verb = verbs.pattern.search(tail, 0)
        if verb is not None and verb.start() <= 100 and not re.search(r"[\"“”]", tail[:verb.start()]):
            gap = tail[:verb.start()]
            verb_pos = tail_start + verb.start()
            if not gap.strip(" ,"):                               # "…," said Kirby
                np_start, np_end = phrase_after(art, tail_start + verb.end(), hi)
                speaker = resolve_phrase(art, np_start, np_end)
                if speaker is not None:
                    rec, _ = recipient_after(art, verbs.forms[verb.group()][0], tail_start + verb.end(), hi)
                    after = (speaker, verb.group(), rec, "after_inverted")
                    used_verbs.add(verb_pos)
            elif art.sentence_of(verb_pos) in (close_sid, art.sentence_of(close_mark + 1)) \
                    and not re.search(r"[.!?]\s+[A-Z]", gap.replace("Mr. ", "Mr ").replace("Dr. ", "Dr ")):
                speaker = subject_before(art, verb_pos, tail_start)
                if speaker == "coordinated":
                    speaker = None
                if isinstance(speaker, Speaker) and len(gap.split()) <= 10:
                    speaker = _pronoun_fallback(speaker, previous)
                    rec, _ = recipient_after(art, verbs.forms[verb.group()][0], tail_start + verb.end(), hi)
                    after = (speaker, verb.group(), rec, "after")
                    used_verbs.add(verb_pos)
    # b. a cue before the opening mark: "Kirby said: …", "… and emphasized, …"
    before = None
    head = doc[s_start:open_mark]
    cue = re.search(r"(?:^|\s)(" + verbs.pattern.pattern + r")((?:\s+[^,:\"“”]{1,40}?)?)\s*[,:]?\s*$", head)
    if cue and not art.in_quote(s_start + cue.start(1)):
        verb_pos = s_start + cue.start(1)
        for match, subject in speech.get(sid, []):
            if match.start() == verb_pos:
                rec, _ = recipient_after(art, verbs.forms[match.group()][0], match.end(), open_mark)
                before = (subject, match.group(), rec, "before")
                used_verbs.add(verb_pos)
    full = capital and (opens_sentence or before is not None or (after is not None and not _embedded(art, s_start, open_mark)))
    kind = "direct" if full else "partial"
    attribution = after or before
    if attribution is None and kind == "partial":
        # the speaker of the sentence: nearest speech verb with a subject, before the quote first
        candidates = speech.get(sid, [])
        prior = [c for c in candidates if c[0].start() < open_mark]
        later = [c for c in candidates if c[0].start() > close_mark]
        chosen = prior[-1] if prior else (later[0] if later else None)
        if chosen is None:
            return None                                          # a scare quote or a title
        match, subject = chosen
        rec, _ = recipient_after(art, verbs.forms[match.group()][0], match.end(), art.sentences[sid][1])
        attribution = (subject, match.group(), rec, "sentence")
    if attribution is None:
        if previous is not None and _near(art, previous[1], open_mark):
            prior_quote = previous[0]
            attribution = (prior_quote.speaker, "", "", "continued")
        else:
            attribution = (Speaker((), "", "unknown"), "", "", "none")
    speaker, verb, recipient, cue_name = attribution
    if kind == "partial":
        while content_end > start and doc[content_end - 1] in ".,; \t":
            content_end -= 1
    return Quote(kind, start, content_end, speaker, verb, recipient, cue_name)


def _embedded(art: _Article, s_start: int, open_mark: int) -> bool:
    """Is the quote inside running text (words before it in its sentence that are not a cue)?"""
    head = art.doc[s_start:open_mark].rstrip()
    return bool(head) and not head.endswith((":", ",", "—", "--"))


def _pronoun_fallback(speaker: Speaker, previous: tuple[Quote, int] | None) -> Speaker:
    """An unresolved "he said" after a quote continues the previous quote's speaker."""
    if speaker.type == "unknown" and speaker.text.lower() in _PRONOUNS and previous is not None:
        prior = previous[0].speaker
        if prior.type == "actor":
            return Speaker(prior.actor_ids, speaker.text, prior.type, prior.affiliation)
        return prior if prior.type != "unknown" else speaker
    return speaker


def _near(art: _Article, previous_end: int, open_mark: int) -> bool:
    """May a quote at ``open_mark`` continue the one that closed at ``previous_end``?"""
    a, b = art.sentence_of(previous_end), art.sentence_of(open_mark)
    pa, pb = art.sentences[a][2], art.sentences[b][2]
    return b - a <= 2 and pb - pa <= 1


def _indirect(art: _Article, match: re.Match, subject: Speaker, sid: int, *, next_verb: int | None = None
              ) -> Quote | None:
    doc = art.doc
    verbs = _verbs()
    lemma, _ = verbs.forms[match.group()]
    s_end = art.sentences[sid][1]
    recipient, after = recipient_after(art, lemma, match.end(), s_end)
    if lemma == "tell" and not recipient:
        return None
    rest = doc[after:s_end]
    if re.match(r"\s*[,:]?\s*[\"“]", rest):
        return None                                            # a direct quote follows
    s_start = art.sentences[sid][0]
    trailing = re.match(r"(.*\S),\s+[^,;:\"“”]{1,80}$", doc[s_start:match.start()], re.S)
    if trailing and _TRAILING_REST.fullmatch(rest) and not re.search(r"\bthat\b", rest) \
            and not re.search(r"[\"”]\s*$", trailing.group(1)):
        start, end = _strip_span(doc, s_start, s_start + len(trailing.group(1)), " \t\n,;:")
        if end - start >= 3 and len(doc[start:end].split()) >= 3:  # "Russia will respond, the Kremlin said."
            return Quote("indirect", start, end, subject, match.group(), recipient, "trailing")
        return None
    that = _THAT.match(rest)
    if that and len(rest[:that.start() + that.group().rfind("that")].split()) <= 8:
        content_start, cue = after + that.end(), "that"
    elif lemma in verbs.object_lemmas:
        content_start, cue = after, "object"
    else:
        words = rest.split()[:8]
        lowered = [w.lower().strip(",.;:\"“”") for w in words]
        if not words or not (lowered[0] in _SUBJECT_PRONOUNS or any(w in _AUX for w in lowered)):
            return None
        if words[0][0] in ",;:.":
            return None
        content_start, cue = after, "clause"
    content_end = s_end
    if next_verb is not None and next_verb > content_start:
        # another speaker's clause follows ("…, Lavrov insisted …"): stop at its comma or "and"
        cut = max(doc.rfind(",", content_start, next_verb), _last_and(doc, content_start, next_verb))
        if cut > content_start:
            content_end = cut
    # stop before a coordinated speech verb ("… and emphasized, …") or a following direct quote
    stop = re.search(r",?\s+and\s+(?:" + verbs.pattern.pattern + r")\b|,\s*[\"“][A-Z]", doc[content_start:s_end])
    if stop:
        content_end = content_start + stop.start()
    start, end = _strip_span(doc, content_start, content_end, " \t\n,;:")
    while end > start and doc[end - 1] in ".!?":
        end -= 1
    if end - start < 3:
        return None
    return Quote("indirect", start, end, subject, match.group(), recipient, cue)


def _last_and(doc: str, lo: int, hi: int) -> int:
    found = [m.start() for m in re.finditer(r"\s+and\s+", doc[lo:hi])]
    return lo + found[-1] if found else -1


def _according_to(art: _Article, match: re.Match) -> Quote | None:
    doc = art.doc
    sid = art.sentence_of(match.start())
    s_start, s_end, _ = art.sentences[sid]
    np_start, np_end = phrase_after(art, match.end(), s_end)
    speaker = resolve_phrase(art, np_start, np_end)
    if speaker is None or speaker.type == "unknown":
        return None
    head = doc[s_start:match.start()]
    if re.search(r"[\"”]\s*,?\s*$", head):
        return None                                             # "…," according to X: a direct quote
    left = _strip_span(doc, s_start, match.start())
    right = _strip_span(doc, np_end, s_end, " \t\n,;:.!?")
    start, end = left if left[1] - left[0] >= right[1] - right[0] else right
    while end > start and doc[end - 1] in ".!?":
        end -= 1
    if end - start < 3:
        return None
    return Quote("according_to", start, end, speaker, "according to", "", "according_to")


# --- tables ---------------------------------------------------------------------------------


def n_words(text: str) -> int:
    """Word tokens (tokens with a letter) of ``text``, as the token layer counts them."""
    return sum(1 for s, e in token_spans(text) if is_word(text[s:e]))


def quotes_table(article_id: str, doc: str, quotes: Sequence[Quote], sentence_starts: Sequence[int]) -> dict:
    """Columns of the ``quotes`` table for one article (see :data:`QUOTE_COLUMNS`)."""
    rows = {c: [] for c in QUOTE_COLUMNS}
    for i, q in enumerate(quotes):
        lemma, cls = verb_class(q.verb) if q.verb else ("", "")
        rows["article_id"].append(article_id)
        rows["quote_id"].append(i)
        rows["kind"].append(q.kind)
        rows["start"].append(q.start)
        rows["end"].append(q.end)
        rows["text"].append(doc[q.start:q.end])
        rows["speaker_actor_id"].append(JOIN.join(q.speaker.actor_ids))
        rows["speaker_text"].append(q.speaker.text)
        rows["speaker_type"].append(q.speaker.type)
        rows["speaker_affiliation"].append(JOIN.join(q.speaker.affiliation))
        rows["verb"].append(q.verb)
        rows["verb_lemma"].append(lemma)
        rows["verb_class"].append(cls)
        rows["recipient"].append(q.recipient)
        rows["cue"].append(q.cue)
        rows["sentence_id"].append(bisect_right(sentence_starts, q.start) - 1)
        rows["n_words"].append(n_words(doc[q.start:q.end]))
    return rows


def _by_article(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    if frame.empty:
        return {}
    return {key: np.asarray(rows) for key, rows in frame.groupby("article_id", sort=False).indices.items()}


def empty_quotes() -> pd.DataFrame:
    return _typed(pd.DataFrame({c: [] for c in QUOTE_COLUMNS}))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("quote_id", "start", "end", "sentence_id", "n_words"):
        frame[column] = frame[column].astype("int32")
    for column in QUOTE_COLUMNS:
        if column not in ("quote_id", "start", "end", "sentence_id", "n_words"):
            frame[column] = frame[column].astype("str")
    return frame


def article_inputs(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame]):
    """Yield (article_id, doc, sentences [(start, end, paragraph)], mentions [Mention]) per article."""
    sentences, mentions = tables["sentences"], tables["mentions"]
    s_rows, m_rows = _by_article(sentences), _by_article(mentions)
    s_start, s_end, s_par = (sentences[c].to_numpy() for c in ("start", "end", "paragraph_id"))
    m_start, m_end, m_actor, m_kind = (mentions[c].to_numpy() for c in ("start", "end", "actor_id", "kind"))
    for article_id, title, text in articles[["article_id", "title", "text"]].itertuples(index=False):
        doc = document_text(title, text)
        rows = s_rows.get(article_id, np.empty(0, dtype=int))
        spans = list(zip(s_start[rows].tolist(), s_end[rows].tolist(), s_par[rows].tolist()))
        rows = m_rows.get(article_id, np.empty(0, dtype=int))
        found = [Mention(*values) for values in zip(m_start[rows].tolist(), m_end[rows].tolist(),
                                                   m_actor[rows].tolist(), m_kind[rows].tolist())]
        yield article_id, doc, spans, found


def annotate_quotes(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame], codebook: Codebook | None = None,
                    settings: object = None) -> dict[str, pd.DataFrame]:
    """Annotation layer: the ``quotes`` table of a batch (needs the sentences and mentions tables)."""
    merged = {c: [] for c in QUOTE_COLUMNS}
    for article_id, doc, spans, found in article_inputs(articles, tables):
        columns = quotes_table(article_id, doc, find_quotes(doc, spans, found), [s for s, _, _ in spans])
        for column, values in columns.items():
            merged[column].extend(values)
    return {"quotes": _typed(pd.DataFrame(merged))}


def quote_spans_of(quotes: pd.DataFrame, article_id: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, speaker ids) of an article's quotes, for layers that ask "who says this?"."""
    rows = quotes[quotes["article_id"] == article_id]
    return list(zip(rows["start"], rows["end"], rows["kind"], rows["speaker_actor_id"]))

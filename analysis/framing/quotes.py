"""Quotes and reported speech with their speakers: who gets a voice, and through which verb.

One quote module for the suite (the framing notebook and the sentiment of each actor's
own words both read its ``quotes`` table). Rules, in the order they apply:

Quote marks
    Straight (``"``) and curly (``“ ”``) double quotes, paired into quotations (also
    across a paragraph break) by the rule in :mod:`analysis.framing.quote_marks`.
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
    Who speaks, from the attribution's subject (or the noun phrase after an inverted
    verb or "according to"): ``speaker_type`` ``actor``, ``unnamed``, ``named_other`` or
    ``unknown``, by the rules in :mod:`analysis.framing.speakers`. A direct quote without
    an attribution of its own continues the speaker of the quote just before it (same or
    previous paragraph, at most two sentences back).
verb
    Surface form, lemma and class (``neutral`` or ``marked``) from
    ``resources/attribution_verbs.yaml`` (its header gives the rationale); "according to"
    is neutral. ``cue`` records which rule attributed the quote: ``after`` (``"…," X
    said``), ``after_inverted`` (``said X``), ``before`` (``X said: "…"``), ``sentence``
    (a partial quote inside the speaker's sentence), ``continued`` (no attribution of its
    own), ``that``, ``clause``, ``object``, ``trailing`` (indirect), ``according_to``.
recipient
    The addressee where stated ("told reporters", "confirmed to ABC News"); see
    :mod:`analysis.framing.speakers`.

Offsets point into :func:`analysis.corpus.reader.document_text`; ``text == doc[start:end]``,
the content without its quote marks and without a trailing comma (partial quotes also
lose the sentence's final period that news style puts inside the marks).

This module finds the quotes and builds the ``quotes`` table (the annotation layer
"quotes", :func:`annotate_quotes`); speaker resolution is :mod:`analysis.framing.speakers`
and the pairing of quote marks :mod:`analysis.framing.quote_marks`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd

from analysis.annotate.columns import typed_frame
from analysis.corpus.codebook import Codebook
from analysis.corpus.reader import document_text
from analysis.corpus.mentions import Mention, _trie_regex, attribution_lexicon, speech_verbs
from analysis.corpus.text import count_words
from analysis.framing.speakers import (_PRONOUNS, Speaker, _Article, _strip_span, phrase_after, recipient_after,
                                       resolve_phrase, subject_before)

QUOTE_COLUMNS = ["article_id", "quote_id", "kind", "start", "end", "text", "speaker_actor_id", "speaker_text",
                 "speaker_type", "speaker_affiliation", "verb", "verb_lemma", "verb_class", "recipient", "cue",
                 "sentence_id", "n_words"]
KINDS = ("direct", "partial", "indirect", "according_to")
#: Separator of actor ids when several actors speak together ("The U.S. and NATO allies argue").
JOIN = ";"
_AUX = frozenset("""
is are was were be been being will would could can should may might must has had have did does do am 's ’s
""".split())
_SUBJECT_PRONOUNS = frozenset({"it", "they", "he", "she", "we", "i", "there", "this", "you"})
_TRAILING_REST = re.compile(
    r"\s*(?:(?:on|in|at|during|late|last|this|earlier|early|later|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|to|according|after|before|via|through|when|while|as)\b[^,;:\"“”]{0,60})?[.!?]?\s*")
_THAT = re.compile(r"[^\"“”]{0,80}?\bthat\b\s*")
#: "according to" (its word boundary is checked apart: a leading ``\b`` would make ``re`` try every position).
_ACCORDING = re.compile(r"[Aa]ccording to\s+")
_WORD_CHAR = re.compile(r"\w")
_AFTER_ACCORDING = re.compile(r"\s*,?\s*[Aa]ccording to\s+")
_AFTER_ACCORDING_CUE = re.compile(r"\s*,?\s*[Aa]ccording to\s")
_FULL_STOP = re.compile(r"\s*[.!?]")
_QUOTE_MARK = re.compile(r"[\"“”]")
_NEW_SENTENCE = re.compile(r"[.!?]\s+[A-Z]")
_DIRECT_FOLLOWS = re.compile(r"\s*[,:]?\s*[\"“]")
_TRAILING_HEAD = re.compile(r"(.*\S),\s+[^,;:\"“”]{1,80}$", re.S)
_THAT_WORD = re.compile(r"\bthat\b")
_CLOSING_QUOTE = re.compile(r"[\"”]\s*$")
_AND = re.compile(r"\s+and\s+")
_QUOTE_BEFORE = re.compile(r"[\"”]\s*,?\s*$")
_TRAIL = " \t\n,;:—–-"


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
    cue: re.Pattern  # a speech verb cue before an opening quote mark ("Kirby said: ", "… and emphasized, ")
    stop: re.Pattern  # where indirect speech stops: a coordinated speech verb or a following direct quote


@lru_cache(maxsize=1)
def _verbs() -> _Verbs:
    forms = speech_verbs()
    pattern = re.compile(r"(?<![\w-])(?:" + _trie_regex(forms) + r")(?![\w-])")
    cue = re.compile(r"(?:^|\s)(" + pattern.pattern + r")((?:\s+[^,:\"“”]{1,40}?)?)\s*[,:]?\s*$")
    stop = re.compile(r",?\s+and\s+(?:" + pattern.pattern + r")\b|,\s*[\"“][A-Z]")
    return _Verbs(pattern, forms, frozenset(attribution_lexicon().get("object_verbs", [])), cue, stop)


def verb_class(form: str) -> tuple[str, str]:
    """(lemma, class) of an attribution verb form; "according to" is neutral; unknown → ("", "")."""
    if form == "according to":
        return "according to", "neutral"
    return speech_verbs().get(form.lower(), ("", ""))


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
    for match in _ACCORDING.finditer(doc):
        if (match.start() and _WORD_CHAR.match(doc, match.start() - 1)) or art.in_quote(match.start()):
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
    if _AFTER_ACCORDING_CUE.match(tail):
        at = tail_start + _AFTER_ACCORDING.match(tail).end()
        speaker = resolve_phrase(art, *phrase_after(art, at, hi))
        if speaker is not None:
            after = (speaker, "according to", "", "after")
    if after is None and not _FULL_STOP.match(tail) or (after is None and doc[close_mark - 1:close_mark] in ",!?"):
        verb = verbs.pattern.search(tail, 0)
        if verb is not None and verb.start() <= 100 and not _QUOTE_MARK.search(tail[:verb.start()]):
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
                    and not _NEW_SENTENCE.search(gap.replace("Mr. ", "Mr ").replace("Dr. ", "Dr ")):
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
    cue = verbs.cue.search(head)
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
    if _DIRECT_FOLLOWS.match(rest):
        return None                                            # a direct quote follows
    s_start = art.sentences[sid][0]
    trailing = _TRAILING_HEAD.match(doc[s_start:match.start()])
    if trailing and _TRAILING_REST.fullmatch(rest) and not _THAT_WORD.search(rest) \
            and not _CLOSING_QUOTE.search(trailing.group(1)):
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
    stop = verbs.stop.search(doc[content_start:s_end])
    if stop:
        content_end = content_start + stop.start()
    start, end = _strip_span(doc, content_start, content_end, " \t\n,;:")
    while end > start and doc[end - 1] in ".!?":
        end -= 1
    if end - start < 3:
        return None
    return Quote("indirect", start, end, subject, match.group(), recipient, cue)


def _last_and(doc: str, lo: int, hi: int) -> int:
    found = [m.start() for m in _AND.finditer(doc[lo:hi])]
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
    if _QUOTE_BEFORE.search(head):
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
    return count_words(text)


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
    return _typed({c: [] for c in QUOTE_COLUMNS})


def _typed(columns: Mapping[str, list]) -> pd.DataFrame:
    return typed_frame(columns, ints=("quote_id", "start", "end", "sentence_id", "n_words"))


ArticleInputs = list[tuple[str, str, list[tuple[int, int, int]], list[Mention]]]
_LAST_INPUTS: tuple[tuple, ArticleInputs] | None = None


def article_inputs(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> ArticleInputs:
    """(article_id, doc, sentences [(start, end, paragraph)], mentions [Mention]) per article.

    Quotes, roles and labels read the same batch in turn, so the last batch's inputs are
    kept (by the identity of its three frames, which layers treat as read-only).
    """
    global _LAST_INPUTS
    key = (articles, tables["sentences"], tables["mentions"])
    last = _LAST_INPUTS
    if last is not None and all(a is b for a, b in zip(last[0], key)):
        return last[1]
    inputs = list(_article_inputs(articles, tables))
    _LAST_INPUTS = (key, inputs)
    return inputs


def _article_inputs(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame]):
    sentences, mentions = tables["sentences"], tables["mentions"]
    s_rows, m_rows = _by_article(sentences), _by_article(mentions)
    s_start, s_end, s_par = (sentences[c].to_numpy() for c in ("start", "end", "paragraph_id"))
    m_start, m_end, m_actor, m_kind = (mentions[c].to_numpy() for c in ("start", "end", "actor_id", "kind"))
    for article_id, title, text in zip(articles["article_id"].tolist(), articles["title"].tolist(),
                                       articles["text"].tolist()):
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
    return {"quotes": _typed(merged)}


def quote_spans_of(quotes: pd.DataFrame, article_id: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, speaker ids) of an article's quotes, for layers that ask "who says this?"."""
    rows = quotes[quotes["article_id"] == article_id]
    return list(zip(rows["start"], rows["end"], rows["kind"], rows["speaker_actor_id"]))

"""Candidate actors for a codebook: the names a corpus uses often, merged, typed, with evidence.

How a candidate is found (each step documented in its module):

1. **Names wherever they stand** (:mod:`analysis.corpus.scan`): runs of capitalised words,
   sentence-initial ones included; a capitalised word that opens a sentence counts as a
   name unless the corpus writes it lower-case more often than capitalised elsewhere (a
   title, or a listed country, region, demonym or capital, always counts).
2. **One reading per run** (:func:`read_name`): leading function words and day or month
   names dropped; a title folds into the person it precedes ("Turkish President Recep
   Tayyip Erdoğan" is "Recep Tayyip Erdoğan", titled), unless the words after the title
   name an organisation ("Foreign Ministry", "State Department"); a run that ends in a
   title names an office ("Russian President", "Prime Minister"), not a name, and so does
   a title followed by "of" ("President of Russia", "State of the Union").
3. **Noise kept out** (:func:`is_noise`): contractions ("I’m"), function words, day and
   month names, single words that the corpus mostly writes lower-case ("Officials",
   "Homes"), the corpus's own outlets and their short forms ("Fox News", "Fox News
   Digital", "Mirror": :func:`analysis.corpus.names.outlet_keys`), headings in capitals,
   and compounds of two names ("Russia-Ukraine").
4. **Variants merged** (:mod:`analysis.corpus.variants`): titles, diacritics, spelling,
   acronyms, countries and demonyms, surname and full name.
5. **Type guessed, with its evidence** (:mod:`analysis.corpus.kinds`).
6. **Codebook names left out**: a candidate any of whose variants or demonyms is a
   codebook alias, demonym or metonym, or the surname of a codebook person, is the
   codebook's already (it is kept, with its actor, by :func:`discover`).

Columns of :func:`candidate_actors` (:data:`CANDIDATE_COLUMNS`), one row per candidate,
by count (then name):

==========  ==========================================================================
candidate   display label: the country's name, a person's most frequent full name, else
            the most frequent variant (an acronym's expansion when it is used enough)
type        guessed type: person, country, organisation, group, outlet, place, unknown
gender      persons: male or female when gendered titles ("Mr.", "Ms.") agree, else
            unknown; empty for other types
count       mentions of all variants (demonyms not counted)
n_articles  articles with a mention
n_outlets   outlets with a mention
outlets     outlets with their mention counts, most first ("Fox News 40; CNN 12")
variants    every name variant as written, most frequent first, ``"; "``-separated
demonyms    demonyms as written ("Crimean; Crimeans"), ``"; "``-separated
metonyms    capitals and seats of government of a country ("Moscow; Kremlin")
evidence    why the type was guessed (see :mod:`analysis.corpus.kinds`)
examples    keyword-in-context snippets, the name in brackets, ``" | "``-separated
==========  ==========================================================================
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from analysis.corpus.codebook import Codebook
from analysis.corpus.kinds import (COMMON_ACRONYMS, GENDERED_TITLES, LOCATIVES, ORGANISATION_WORDS, PLACE_NOUNS,
                                   Evidence, gender, guess_type)
from analysis.corpus.mentions import matcher, person_surnames, title_words
from analysis.corpus.names import fold, is_outlet, outlet_keys, places
from analysis.corpus.scan import PARTICLES, Capitals, Occurrence, function_words, opens_as_name, scan
from analysis.corpus.variants import Group, group_names

CANDIDATE_COLUMNS = ["candidate", "type", "gender", "count", "n_articles", "n_outlets", "outlets", "variants",
                     "demonyms", "metonyms", "evidence", "examples"]
#: Types proposed by default: the codebook's. Places (cities, regions, seas) and names
#: without evidence of a type ("unknown": events, things, platforms, names the rules cannot
#: place) are left out unless asked for (``types=None``, ``--types all``).
ACTOR_TYPES = ("person", "country", "organisation", "group", "outlet")
#: Every type a candidate may be given (:mod:`analysis.corpus.kinds`).
TYPES = (*ACTOR_TYPES, "place", "unknown")
#: Title words that modify a title rather than head it: a run ending in one is not an office
#: ("Islamic State"); the rest ("president", "minister", "spokesman"...) head one.
TITLE_MODIFIERS = frozenset("vice prime foreign defense defence state press national security deputy former "
                            "then-president".split())


@dataclass
class _Seen:
    """What the corpus says about one name as written."""

    evidence: Evidence = field(default_factory=Evidence)
    articles: set = field(default_factory=set)
    outlets: Counter = field(default_factory=Counter)
    places: list = field(default_factory=list)


@lru_cache(maxsize=1)
def _titles() -> tuple[frozenset[str], frozenset[str]]:
    """(title words, title heads), lower case, with and without a final period."""
    words = title_words() | {w.rstrip(".") for w in title_words()}
    return words, frozenset(w for w in words if w.rstrip(".") not in TITLE_MODIFIERS)


def fold_title(words: list[str]) -> tuple[list[str], str] | None:
    """The name a run holds once its title is folded, and the title word; None for an office.

    Rules in the module docstring (step 2): the title is the rightmost title word that a
    name follows.
    """
    titles, heads = _titles()
    if words[-1].lower() in heads:
        return None
    found = [i for i, word in enumerate(words[:-1]) if word.lower() in titles]
    if not found:
        return words, ""
    rest = words[found[-1] + 1:]
    if rest[0] in PARTICLES:
        return None
    if {w.lower() for w in words} & ORGANISATION_WORDS:
        return words, ""
    cut = next((i for i, word in enumerate(rest) if word in PARTICLES), len(rest))
    return rest[:cut], words[found[-1]]


def read_name(occurrence: Occurrence, capitals: Capitals, *, skip: frozenset[str], outlets: frozenset[str]
              ) -> tuple[str, str, str] | None:
    """(name, title word or "", locative context or "") of a run, or None when it holds no name."""
    words, before, before2 = _opening(occurrence, capitals, skip=skip)
    if not words or (folded := fold_title(words)) is None:
        return None
    words, title = folded
    if not title and before.rstrip(".,") in _titles()[1]:
        title = before.rstrip(",")
    if not words or is_noise(words, capitals, skip=skip, outlets=outlets):
        return None
    locative = (before if before in LOCATIVES else before2 if before == "the" and before2 in LOCATIVES
                else f"{before2} of" if before == "of" and before2 in PLACE_NOUNS else "")
    if not locative and occurrence.after in PLACE_NOUNS:
        locative = occurrence.after
    return " ".join(words), title, locative


def _opening(occurrence: Occurrence, capitals: Capitals, *, skip: frozenset[str]) -> tuple[list[str], str, str]:
    """The run's words without leading function words, compound adjectives and a common word that
    opens the sentence (step 1), nor trailing function words; and the two words before them."""
    words = list(occurrence.words)
    before, before2, opening = occurrence.before, occurrence.before2, occurrence.initial
    while words and (words[0].lower() in skip or words[0] in PARTICLES or _adjective(words[0])):
        before2, before, opening = before, words.pop(0).lower(), False
    while words and (words[-1].lower() in skip or words[-1] in PARTICLES):
        words.pop()
    if (words and opening and words[0].lower() not in _titles()[0] and places().canonical(words[0]) is None
            and not opens_as_name(words[0], tuple(words[1:]), capitals)):
        before2, before = before, words.pop(0).lower()
        while words and (words[0].lower() in skip or words[0] in PARTICLES):
            before2, before = before, words.pop(0).lower()
    return words, before, before2


def _adjective(word: str) -> bool:
    """A compound adjective that opens a run: "Russian-backed", "Kremlin-controlled"."""
    return "-" in word and word.rsplit("-", 1)[1][:1].islower()


def is_noise(words: list[str], capitals: Capitals, *, skip: frozenset[str], outlets: frozenset[str]) -> bool:
    """A reading that names nothing (rules in the module docstring, step 3)."""
    if len(words) == 1:
        word = words[0]
        if (len(word) < 2 or word.lower() in skip or capitals.mostly_lower(word) or word.lower() in _titles()[0]
                or word.upper() in COMMON_ACRONYMS and word.isupper()):
            return True
    elif all(w.isupper() for w in words if w not in PARTICLES):
        return True
    return _outlet(" ".join(words), outlets)


@lru_cache(maxsize=100_000)
def _outlet(name: str, outlets: frozenset[str]) -> bool:
    return is_outlet(fold(name), outlets)


def observe(articles: pd.DataFrame, *, examples: int = 2) -> tuple[dict[str, _Seen], list[str]]:
    """Every name the corpus writes, with what it says about it; and the document texts."""
    from analysis.corpus.reader import document_text

    documents = [(document_text(row.title, row.text), len(row.title or "")) for row in articles.itertuples()]
    occurrences, capitals = scan(documents)
    outlet_names = [str(o) for o in articles["outlet"].unique()] if "outlet" in articles else []
    outlets, skip = frozenset(outlet_keys(o for o in outlet_names if o != "unknown")), function_words()
    article_outlets = articles["outlet"].tolist() if "outlet" in articles else ["unknown"] * len(articles)
    seen: dict[str, _Seen] = {}
    for occurrence in occurrences:
        reading = read_name(occurrence, capitals, skip=skip, outlets=outlets)
        if reading is None:
            continue
        name, title, locative = reading
        entry = seen.get(name)
        if entry is None:
            entry = seen[name] = _Seen()
        _record(entry, occurrence, title=title, locative=locative, outlet=article_outlets[occurrence.article],
                examples=examples)
    _drop_compounds(seen)
    return seen, [text for text, _ in documents]


def _record(entry: _Seen, occurrence: Occurrence, *, title: str, locative: str, outlet: str, examples: int) -> None:
    """Add one reading of a name to what the corpus says about it."""
    entry.evidence.count += 1
    entry.articles.add(occurrence.article)
    entry.outlets[outlet] += 1
    if title:
        entry.evidence.titles[title] += 1
        if title.lower() in GENDERED_TITLES:
            entry.evidence.genders[GENDERED_TITLES[title.lower()]] += 1
    if locative:
        entry.evidence.locative[locative] += 1
    if len(entry.places) < examples:
        entry.places.append((occurrence.article, occurrence.start, occurrence.end))


def _drop_compounds(seen: dict[str, _Seen]) -> None:
    """Drop hyphenated compounds of names that are each more frequent alone ("Russia-Ukraine")."""
    for name in [n for n in seen if "-" in n and " " not in n]:
        parts = name.split("-")
        count = seen[name].evidence.count
        if all(p[:1].isupper() and p in seen and seen[p].evidence.count >= count for p in parts):
            del seen[name]


def known_names(codebook: Codebook | None) -> dict[str, str]:
    """Every name the codebook counts (aliases, demonyms, metonyms, persons' surnames) → actor id."""
    if codebook is None:
        return {}
    known = {surface: actor_id for surface, (actor_id, _) in matcher(codebook).surface.items()}
    for actor_id, surnames in person_surnames(codebook, names=known).items():
        known.update(dict.fromkeys(surnames, actor_id))
    return known


def discover(articles: pd.DataFrame, codebook: Codebook | None = None, *, examples: int = 2,
             context_chars: int = 60) -> pd.DataFrame:
    """Every candidate of the corpus (codebook actors included), with ``actor_id`` (the codebook
    actor it already is, or "") after :data:`CANDIDATE_COLUMNS`; by count, then name."""
    frame, _ = discover_names(articles, codebook, examples=examples, context_chars=context_chars)
    return frame


def discover_names(articles: pd.DataFrame, codebook: Codebook | None = None, *, examples: int = 2,
                   context_chars: int = 60) -> tuple[pd.DataFrame, dict[str, int]]:
    """:func:`discover`, and the mentions of each name as written (variants, demonyms, metonyms)."""
    frame, counts = discover_unlabelled(articles, examples=examples, context_chars=context_chars)
    return label_known(frame, codebook), counts


def discover_unlabelled(articles: pd.DataFrame, *, examples: int = 2, context_chars: int = 60
                        ) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every candidate of the corpus (:data:`CANDIDATE_COLUMNS`, by count, then name) and the
    mentions of each name as written: the part of :func:`discover_names` that does not depend
    on the codebook (all of its cost), so that it can be cached by the articles alone."""
    seen, texts = observe(articles, examples=examples)
    groups = group_names({n: s.evidence.count for n, s in seen.items()},
                         locative={n: sum(s.evidence.locative.values()) for n, s in seen.items()},
                         titled={n: sum(s.evidence.titles.values()) for n, s in seen.items()})
    totals = [_total(group, seen) for group in groups]
    kinds = _guess_types(groups, [evidence for evidence, _, _ in totals])
    rows = [_row(group, total, kind, seen, texts, examples=examples, context_chars=context_chars)
            for group, total, kind in zip(groups, totals, kinds)]
    frame = pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS))
    frame = frame.sort_values(["count", "candidate"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return frame, {name: entry.evidence.count for name, entry in seen.items()}


def label_known(frame: pd.DataFrame, codebook: Codebook | None) -> pd.DataFrame:
    """``frame`` (of :func:`discover_unlabelled`) with ``actor_id``: the codebook actor that one of a
    candidate's variants, demonyms or metonyms (in that order) already names, else "".

    The names are read back from the ``"; "``-joined columns: a name is a run of words with no
    punctuation between them (:mod:`analysis.corpus.scan`), so it never holds ``"; "``.
    """
    known = known_names(codebook)
    found = []
    for variants, demonyms, metonyms in zip(frame["variants"], frame["demonyms"], frame["metonyms"]):
        names = [name for joined in (variants, demonyms, metonyms) if joined for name in joined.split("; ")]
        found.append(next((known[n] for n in names if n in known), ""))
    return frame.assign(actor_id=pd.Series(found, index=frame.index, dtype=frame["candidate"].dtype))


def _guess_types(groups: list[Group], evidence: list[Evidence]) -> list[tuple[str, str]]:
    """(type, evidence) of each group; a second pass gives the weak person rule the first names
    of the persons the first pass found (:func:`analysis.corpus.kinds.guess_type`, rule 11)."""
    guesses = [guess_type(g.names, g.demonyms, e, short_names=g.short_names) for g, e in zip(groups, evidence)]
    first_names = frozenset(g.names[0].split()[0] for g, (kind, why) in zip(groups, guesses)
                            if kind == "person" and not why.startswith("weak") and " " in g.names[0])
    return [guess_type(g.names, g.demonyms, e, short_names=g.short_names, first_names=first_names)
            if kind == "unknown" and not why else (kind, why)
            for g, e, (kind, why) in zip(groups, evidence, guesses)]


def _row(group: Group, total: tuple[Evidence, set, Counter], kind: tuple[str, str], seen: dict[str, _Seen],
         texts: list[str], *, examples: int, context_chars: int) -> dict:
    """One row of the candidates table (:data:`CANDIDATE_COLUMNS`)."""
    (evidence, articles_seen, outlets), (type_, why) = total, kind
    places_seen = [place for name in group.names for place in seen[name].places][:examples]
    return {
        "candidate": _label(group, type_, {n: seen[n].evidence.count for n in group.names}), "type": type_,
        "gender": gender(evidence) if type_ == "person" else "", "count": evidence.count,
        "n_articles": len(articles_seen), "n_outlets": len(outlets),
        "outlets": "; ".join(f"{o} {n}" for o, n in sorted(outlets.items(), key=lambda i: (-i[1], i[0]))),
        "variants": "; ".join(group.names), "demonyms": "; ".join(group.demonyms),
        "metonyms": "; ".join(group.metonyms), "evidence": why,
        "examples": " | ".join(_context(texts[a], s, e, context_chars) for a, s, e in places_seen),
    }


def candidate_actors(articles: pd.DataFrame, codebook: Codebook | None = None, *, min_count: int = 5,
                     min_articles: int = 2, top_n: int = 50, types: tuple[str, ...] | None = ACTOR_TYPES,
                     examples: int = 2, context_chars: int = 60) -> pd.DataFrame:
    """Propose actors a codebook lacks: the ``top_n`` candidates of ``types`` (None: every
    type, places included) mentioned at least ``min_count`` times in at least
    ``min_articles`` articles (rules and columns in the module docstring)."""
    found = discover(articles, codebook, examples=examples, context_chars=context_chars)
    return select_candidates(found, min_count=min_count, min_articles=min_articles, top_n=top_n, types=types)


def select_candidates(found: pd.DataFrame, *, min_count: int = 5, min_articles: int = 2, top_n: int = 50,
                      types: tuple[str, ...] | None = ACTOR_TYPES) -> pd.DataFrame:
    """:func:`candidate_actors` from the table of :func:`discover` (its ``actor_id`` filled)."""
    keep = (found["actor_id"] == "") & (found["count"] >= min_count) & (found["n_articles"] >= min_articles)
    if types is not None:
        keep &= found["type"].isin(types)
    return found.loc[keep, CANDIDATE_COLUMNS].head(top_n).reset_index(drop=True)


def _total(group: Group, seen: dict[str, _Seen]) -> tuple[Evidence, set, Counter]:
    """The evidence, articles and outlets of a group's names, summed."""
    evidence, articles, outlets = Evidence(), set(), Counter()
    for name in group.names:
        entry = seen[name]
        evidence.count += entry.evidence.count
        for part in ("titles", "locative", "genders"):
            getattr(evidence, part).update(getattr(entry.evidence, part))
        articles |= entry.articles
        outlets.update(entry.outlets)
    return evidence, articles, outlets


def _label(group: Group, kind: str, counts: dict[str, int]) -> str:
    """A listed country's or region's name, a person's most frequent full name, else the most
    frequent variant, or a longer name used at least a fifth as often ("European Union" over "EU")."""
    names = group.names
    for name in names:
        if (canonical := places().canonical(name)) is not None:
            return canonical
    longer = [n for n in names if " " in n and not n.isupper()]
    if longer and (kind == "person" or counts[longer[0]] >= 0.2 * counts[names[0]]):
        return longer[0]
    return names[0]


def _context(text: str, start: int, end: int, chars: int) -> str:
    left = text[max(0, start - chars):start].replace("\n", " ")
    right = text[end:end + chars].replace("\n", " ")
    return f"…{left}[{text[start:end]}]{right}…"

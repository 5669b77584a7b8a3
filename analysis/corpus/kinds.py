"""What kind of actor a candidate name is: the guess, and the evidence that made it.

Rules, first that applies (:func:`guess_type`):

1. **country**: a name of ``resources/countries.txt`` ("Britain" → United Kingdom).
2. **place** (not a codebook type: a region, city or sea): a name of
   ``resources/regions.txt`` ("Europe", "West").
3. **outlet**: the last word is a news word ("Washington Post", "Associated Press") or the
   name is a wire agency (:data:`OUTLET_WORDS`).
4. **organisation**: a word of :data:`ORGANISATION_WORDS` ("State Department", "Security
   Council").
5. **unknown** (an event, not an actor): an event word ("Cold War", "World War II").
6. **place**: a place word ("Black Sea", "International Space Station").
7. **organisation**: an acronym of two to six capitals that is more frequent than the same
   word in other case ("NATO" beside "Nato"; not "KYIV" beside "Kyiv").
8. **person**: titled in at least :data:`MIN_TITLED_SHARE` of the mentions (and twice):
   "President Erdogan", "spokesman Dmitry Peskov", "Mr. Johnson"; or a full name whose
   surname (or first word) the corpus also uses alone ("Recep Tayyip Erdogan" and "Erdogan").
9. **place**: after a locative preposition ("in", "across", "near"...) or a place noun and
   "of" ("the city of Kherson"), or before a place noun ("the Kherson region"), in at least
   :data:`MIN_LOCATIVE_SHARE` of the mentions (and twice); or a demonym derived from it
   ("Crimean").
10. **group**: a plural more frequent than its singular ("Republicans" and "Republican").
11. **person** (weak): a variant of two or three capitalised words whose first word is the
    first name of a person found by rule 8 elsewhere in the corpus ("Mark Vande Hei": "Mark").
12. **unknown**: nothing of the above.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from analysis.corpus.names import fold, is_acronym, places

MIN_TITLED_SHARE = 0.05
MIN_LOCATIVE_SHARE = 0.25
#: Prepositions that put a name in a place ("in Mariupol", "across the Donbas").
LOCATIVES = frozenset("in into across near outside inside throughout within around toward towards via".split())
#: Words that, right after a name or before "of" and the name, make it a place ("the Kherson
#: region", "the Chernobyl nuclear plant", "the city of Kherson").
PLACE_NOUNS = frozenset("region regions oblast province city town village port area district border nuclear"
                        .split())
ORGANISATION_WORDS = frozenset("""department ministry council committee commission agency office service services
party union organization organisation bank fund corporation corp company inc ltd llc group association
institute foundation university college parliament assembly court army navy forces force guard police command
senate house congress administration government cabinet duma kremlin pentagon alliance federation network
authority board bureau centre center coalition league movement brigade battalion regiment corps tribunal
church airlines airways holdings club ministries committees""".split())
OUTLET_WORDS = frozenset("""news times post journal telegraph guardian herald tribune gazette press reuters
tass interfax bloomberg ria afp ap bbc""".split())
PLACE_WORDS = frozenset("""sea ocean river lake island islands peninsula bay gulf strait mountains region oblast
province district city county valley coast street square airport europe asia africa hill capitol station
plant""".split())
EVENT_WORDS = frozenset("""war games olympics cup summit conference crisis act day week plan deal agreement
accords doctrine festival""".split())
#: Acronyms of things, not actors: left out of the candidates.
COMMON_ACRONYMS = frozenset("""TV GMT UTC BST EST EDT PST ET AM PM CEO CFO GDP ID OK DNA HIV AIDS COVID UFO ICBM
PDF FAQ LIVE VIDEO PHOTOS WATCH NEW UPDATE""".split())
#: Words that open a place or a description, never a first name.
DIRECTIONS = frozenset("""north south east west eastern western northern southern central upper lower greater
great new old united soviet middle far""".split())
GENDERED_TITLES = {"mr": "male", "mr.": "male", "sir": "male", "lord": "male", "king": "male", "prince": "male",
                   "mrs": "female", "mrs.": "female", "ms": "female", "ms.": "female", "miss": "female",
                   "lady": "female", "dame": "female", "queen": "female", "princess": "female"}


@dataclass
class Evidence:
    """What the corpus says about a candidate's mentions (summed over its variants)."""

    count: int = 0
    titles: Counter = field(default_factory=Counter)
    locative: Counter = field(default_factory=Counter)
    genders: Counter = field(default_factory=Counter)


def guess_type(names: list[str], demonyms: list[str], evidence: Evidence, *,
               short_names: list[tuple[str, str]], first_names: frozenset[str] = frozenset()
               ) -> tuple[str, str]:
    """(type, evidence text) of a candidate after the rules in the module docstring.

    ``names`` are its variants, most frequent first; ``short_names`` the (full name, name
    used alone) pairs the variants hold; ``first_names`` the first names of persons (rule 9).
    """
    known = places()
    words = {w.lower() for name in names for w in name.split()}
    for name in names:
        if fold(name) in known.countries:
            return "country", f"'{name}' is {known.countries[fold(name)]} in resources/countries.txt"
        if fold(name) in known.regions:
            return "place", f"'{name}' is {known.regions[fold(name)]} in resources/regions.txt"
    last_words = {name.split()[-1].lower() for name in names}
    if last_words & OUTLET_WORDS:
        return "outlet", f"news word '{sorted(last_words & OUTLET_WORDS)[0]}'"
    if words & ORGANISATION_WORDS:
        return "organisation", f"organisation word '{sorted(words & ORGANISATION_WORDS)[0]}'"
    if words & EVENT_WORDS:
        return "unknown", f"event word '{sorted(words & EVENT_WORDS)[0]}': not an actor"
    if words & PLACE_WORDS:
        return "place", f"place word '{sorted(words & PLACE_WORDS)[0]}'"
    acronyms = [name for i, name in enumerate(names)
                if is_acronym(name) and fold(name) not in {fold(n) for n in names[:i]}]
    if acronyms:
        return "organisation", f"acronym '{acronyms[0]}'"
    for kind, why in (("person", _person(evidence, short_names)), ("place", _place(demonyms, evidence))):
        if why:
            return kind, why
    if names[0].endswith("s") and names[0][:-1] in names:
        return "group", f"plural '{names[0]}', more frequent than '{names[0][:-1]}'"
    for name in names:
        words_of = name.split()
        if 2 <= len(words_of) <= 3 and words_of[0] in first_names and person_like(words_of):
            return "person", f"weak: '{words_of[0]}' is the first name of a person elsewhere in the corpus"
    return "unknown", ""


def _person(evidence: Evidence, short_names: list[tuple[str, str]]) -> str:
    titled = sum(evidence.titles.values())
    parts = []
    if titled >= 2 and titled >= MIN_TITLED_SHARE * evidence.count:
        common = ", ".join(f"'{t}' {n}" for t, n in evidence.titles.most_common(3))
        parts.append(f"titled in {titled} of {evidence.count} ({common})")
    if short_names:
        full, short = short_names[0]
        parts.append(f"a full name whose {'surname' if full.endswith(short) else 'first word'} is also used "
                     f"alone ('{full}', '{short}')")
    return "; ".join(parts)


def _place(demonyms: list[str], evidence: Evidence) -> str:
    located = sum(evidence.locative.values())
    parts = []
    if located >= MIN_LOCATIVE_SHARE * evidence.count and located >= 2:
        common = ", ".join(f"'{w}' {n}" for w, n in evidence.locative.most_common(2))
        parts.append(f"after a locative preposition or before a place noun in {located} of {evidence.count} "
                     f"({common})")
    if demonyms:
        parts.append(f"demonym '{demonyms[0]}'")
    return "; ".join(parts)


def gender(evidence: Evidence) -> str:
    """'male' or 'female' when every gendered title agrees (at least twice), else 'unknown'."""
    if len(evidence.genders) == 1:
        (value, n), = evidence.genders.items()
        if n >= 2:
            return value
    return "unknown"


def person_like(words: list[str]) -> bool:
    """Can a multiword name be a person's full name (two to four words, no organisation, place,
    outlet or event word and no "of", no direction or place first, not in capitals)?"""
    if not 2 <= len(words) <= 4 or all(w.isupper() for w in words):
        return False
    lower = {w.lower() for w in words}
    if lower & (ORGANISATION_WORDS | PLACE_WORDS | OUTLET_WORDS | EVENT_WORDS | {"of"}):
        return False
    known = places()
    first = fold(words[0])
    return (first not in DIRECTIONS and known.canonical(words[0]) is None
            and known.canonical(" ".join(words)) is None)

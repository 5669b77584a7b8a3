"""Rules that say when two written names are one name, for candidate discovery.

Each rule is small and documented here; :mod:`analysis.corpus.candidates` applies them.

* **Folding** (:func:`fold`): case, diacritics ("Erdoğan" = "Erdogan"), periods
  ("U.S." = "US"), typographic apostrophes and hyphens ("Kim Jong-un" = "Kim Jong Un").
* **Key** (:func:`name_key`): the fold of a name without middle initials
  ("Joseph R. Biden" = "Joseph Biden"; "Donald Trump Jr." stays apart); short acronyms keep
  their case ("UN" = "U.N.", not "Un").
* **Spelling variants** (:func:`similar_spelling`): two keys with as many words, each pair
  of words equal, or both of at least :data:`MIN_SIMILAR_LENGTH` characters with

  - the same first letter,
  - a Levenshtein distance of at most :data:`MAX_EDIT_SHARE` (0.2) of the longer word and
    at most :data:`MAX_EDITS` (2): one edit in 5–9 characters, two from 10,
  - and the same consonant skeleton (:func:`skeleton`): they differ only where
    transliterations and typos of names differ, in vowels (y included), "h" and "g"
    ("Luhansk"/"Lugansk"), "w"/"v", doubled letters and a final "s".

  So "Donbas"/"Donbass", "Severodonetsk"/"Sievierodonetsk", "Zelensky"/"Zelenskyy",
  "Sergey Lavrov"/"Sergei Lavrov", "Kharkiv"/"Kharkov" are one name; "Iran"/"Iraq" (too
  short), "Austria"/"Australia" (two edits in nine), "John Kirby"/"John Kerry" (two edits in
  five), "McCaul"/"McFaul" and "Rubio"/"Rubin" (other consonants) are not.
* **Acronyms** (:func:`initials`): "EU" stands for "European Union" when its letters are
  the initials of the name's capitalised words ("of", "the", "and", "for" skipped).
* **Demonyms** (:func:`demonym_forms`): "Crimean" of "Crimea", "Ukrainian" of "Ukraine",
  by the suffix rules of English, and the irregular ones from ``resources/countries.txt``.
* **Countries and regions** (:func:`places`): the names of one line of
  ``resources/countries.txt`` are one country ("UK", "Britain", "United Kingdom"), with its
  demonyms ("British") and capitals ("London", a metonym); ``resources/regions.txt`` lists
  regions and blocs ("Europe", "West") with theirs ("European", "Western").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from analysis.paths import RESOURCES

MIN_SIMILAR_LENGTH = 5
MAX_EDIT_SHARE = 0.2
MAX_EDITS = 2
#: Words skipped when an acronym's letters are matched to a name's initials.
ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "de", "on", "in"})
_DEMONYM_ENDINGS = ("n", "an", "ian", "ese", "i", "ish", "ern")
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe",
                               "’": "'", "‘": "'", "-": " ", "‐": " ", "–": " ", ".": ""})
_SPACES = re.compile(r"\s+")
_SOFT = re.compile(r"[aeiouyhg]")
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=100_000)
def fold(name: str) -> str:
    """Lower case, no diacritics, no periods, ASCII apostrophes, hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", bare.translate(_UNDECOMPOSED)).strip()


def name_key(name: str) -> str:
    """:func:`fold` without middle initials: "Joseph R. Biden" → "joseph biden".

    Generational suffixes stay: "Donald Trump Jr." is not "Donald Trump". An acronym of two
    or three letters keeps its capitals, so "UN" and "U.N." are one name, "Un" another
    ("Nato" and "NATO" are one).
    """
    if is_acronym(name) and len(name.replace(".", "")) <= 3:
        return name.replace(".", "")
    words = fold(name).split()
    return " ".join(w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and len(w) == 1))


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def max_edits(length: int) -> int:
    """Edits allowed between spellings of a name of ``length`` characters (:data:`MAX_EDIT_SHARE`)."""
    return min(MAX_EDITS, int(length * MAX_EDIT_SHARE + 1e-9))


def similar_spelling(a: str, b: str) -> bool:
    """Are two keys spellings of one name? Word by word (same number of words), each pair equal
    or similar by the rule of the module docstring: "sergey lavrov" ~ "sergei lavrov", not
    "john kirby" ~ "john kerry" (two edits in a five-letter word)."""
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b) or a == b:
        return a == b
    return all(x == y or _similar_word(x, y) for x, y in zip(words_a, words_b))


def skeleton(word: str) -> str:
    """A folded word's consonants after its first letter, the soft ones dropped: no vowels
    (y included), no "h" or "g", "w" as "v", doubled letters once, no final "s".

    "zelenskyy" → "zlnsk", "luhansk" and "lugansk" → "lnsk", "donbass" → "dnb".
    """
    rest = _SOFT.sub("", word[1:].replace("w", "v"))
    rest = _DOUBLED.sub(r"\1", word[0] + rest)[1:]
    return word[0] + (rest[:-1] if rest.endswith("s") else rest)


def _similar_word(a: str, b: str) -> bool:
    if min(len(a), len(b)) < MIN_SIMILAR_LENGTH or a[0] != b[0] or skeleton(a) != skeleton(b):
        return False
    limit = max_edits(max(len(a), len(b)))
    return limit > 0 and edit_distance(a, b, limit=limit) <= limit


def similar_words(words: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of distinct ``words`` similar by the spelling rule (:func:`similar_spelling`).

    Two words within ``d`` edits share a string made by deleting at most ``d`` characters
    from each (the symmetric-deletion index), so only words that share one are compared.
    """
    index: dict[str, set[str]] = {}
    for word in set(words):
        if len(word) >= MIN_SIMILAR_LENGTH:
            for variant in _deletions(word, max_edits(len(word))):
                index.setdefault(variant, set()).add(word)
    pairs = set()
    for bucket in index.values():
        if len(bucket) > 1:
            ordered = sorted(bucket)
            pairs |= {(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:] if _similar_word(a, b)}
    return sorted(pairs)


def _deletions(word: str, edits: int) -> set[str]:
    found, frontier = {word}, {word}
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def initials(words: Sequence[str]) -> str:
    """Upper-case initials of the words of a name, skipping :data:`ACRONYM_SKIP`."""
    return "".join(w[0] for w in words if w.lower() not in ACRONYM_SKIP and w[:1].isupper()).upper()


def is_acronym(name: str) -> bool:
    """Two to six capital letters, with or without periods: "NATO", "U.S.", "EU"."""
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def demonym_forms(name: str) -> set[str]:
    """Folded demonyms an English writer derives from a single-word place name, with plurals.

    The name with -n, -an, -ian, -i, -ese, -ern or -ic ("crimea" → "crimean", "israel" →
    "israeli", "west" → "western", "democrat" → "democratic"); without its final vowel or "y", with -an, -ian, -ese or
    -ish ("ukraine" → "ukrainian", "china" → "chinese", "italy" → "italian"); without a
    final "y" ("germany" → "german"); without a final "en", with -ish ("sweden" →
    "swedish"). Each also with an "s".
    """
    key = fold(name)
    if " " in key or len(key) < 4:
        return set()
    forms = {key + ending for ending in ("n", "an", "ian", "i", "ese", "ern", "ic")}
    if key[-1] in "aeiouy":
        forms |= {key[:-1] + ending for ending in ("an", "ian", "ese", "ish")}
    if key.endswith("y"):
        forms.add(key[:-1])
    if key.endswith("en"):
        forms.add(key[:-2] + "ish")
    forms.discard(key)
    return forms | {form + "s" for form in forms}


@dataclass(frozen=True)
class Places:
    """Folded names from ``resources/countries.txt`` and ``resources/regions.txt``, each → its canonical name."""

    countries: dict[str, str]
    demonyms: dict[str, str]
    capitals: dict[str, str]
    regions: dict[str, str]

    def canonical(self, name: str) -> str | None:
        """The country or region a name, demonym or capital belongs to, or None."""
        key = fold(name)
        for table in (self.countries, self.regions, self.demonyms, self.capitals):
            if key in table:
                return table[key]
        return None


@lru_cache(maxsize=1)
def places() -> Places:
    """The country and region lists (see the files' headers for their format)."""
    countries: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    regions: dict[str, str] = {}
    for file, names in (("countries.txt", countries), ("regions.txt", regions)):
        for line in (RESOURCES / file).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            canonical, others, adjectives, cities = (part.strip() for part in (line + "|||").split("|")[:4])
            for name in [canonical, *_items(others)]:
                names[fold(name)] = canonical
            for demonym in _items(adjectives):
                demonyms[fold(demonym)] = canonical
            for city in _items(cities):
                capitals[fold(city)] = canonical
    return Places(countries=countries, demonyms=demonyms, capitals=capitals, regions=regions)


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def outlet_keys(outlets: Iterable[str]) -> set[str]:
    """Folded forms of a corpus's outlet names that a candidate must not be.

    An outlet ("Daily Mirror", "Fox News", "The New York Times"), without a leading "The"
    or "Daily" ("Mirror"), without a trailing "News" or "Digital" ("Fox"), its last word
    alone ("Times", "News"), and the initials of a name of three words or more ("NYT").
    """
    keys: set[str] = set()
    for outlet in outlets:
        words = str(outlet).split()
        if not words:
            continue
        forms = [words]
        if words[0].lower() in ("the", "daily") and len(words) > 1:
            forms.append(words[1:])
        forms += [form[:-1] for form in list(forms) if len(form) > 1 and form[-1].lower() in ("news", "digital")]
        keys |= {fold(" ".join(form)) for form in forms} | {fold(words[-1])}
        if len(words) >= 3:
            keys.add(fold(initials(words)))
    return keys


def is_outlet(key: str, outlets: set[str]) -> bool:
    """Is a folded name an outlet of the corpus, or an outlet followed by more words ("fox news digital")?"""
    return key in outlets or any(key.startswith(outlet + " ") for outlet in outlets)

"""Which names are one candidate: variants merged by the rules of :mod:`analysis.corpus.names`.

Applied in this order, each merging what the previous left apart (a union of names):

1. the same key: case, diacritics, periods, middle initials ("Erdoğan" = "Erdogan",
   "Joseph R. Biden" = "Joseph Biden");
2. one country of ``resources/countries.txt`` ("UK", "Britain", "United Kingdom") or region
   of ``resources/regions.txt``; its demonyms ("British") become the candidate's demonyms,
   its capitals ("London") its metonyms;
3. an acronym and the name whose initials it is ("EU" and "European Union"), when that
   name holds at least :data:`ACRONYM_SHARE` of the names with those initials and could
   not be a person's ("TV" is not "Terry Virts");
4. demonyms derived from a single-word name (:func:`analysis.corpus.names.demonym_forms`):
   "Crimean" of "Crimea", when the name is a place (listed, or in a locative context in at
   least :data:`analysis.corpus.kinds.MIN_LOCATIVE_SHARE` of its mentions), or when the
   demonym is longer and used at most as often ("Republic" is rarer than "Republican");
5. spelling variants: names that differ in one word, the two words spellings of each other
   (:func:`analysis.corpus.names.similar_spelling`);
6. persons: full names with the same surname, one a word-suffix of the other ("Tayyip
   Erdogan", "Recep Tayyip Erdogan") or with one middle name more ("Vladimir Vladimirovich
   Putin"); then a surname used alone joins the full name that holds at least
   :data:`SURNAME_SHARE` of the full names ending in it or in a spelling of it ("Erdogan" →
   "Recep Tayyip Erdoğan", "Zelenskyy" → "Volodymyr Zelensky"; "Biden" → "Joe Biden", not
   "Hunter Biden"), unless it is a place, or is used more than :data:`SURNAME_RATIO` times
   as often as those full names; likewise a name used
   alone that opens full names ("Xi" → "Xi Jinping", "Kim" → "Kim Jong Un"), when the full
   name is titled at least twice and its last word is used alone less often.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from analysis.corpus.kinds import MIN_LOCATIVE_SHARE, person_like
from analysis.corpus.names import demonym_forms, fold, initials, is_acronym, name_key, places, similar_words

ACRONYM_SHARE = 2 / 3
SURNAME_SHARE = 0.5
SURNAME_RATIO = 20


@dataclass
class Group:
    """One candidate's names: variants (most frequent first), demonyms, metonyms, and the
    (full name, short name) pairs that joined it."""

    names: list[str]
    demonyms: list[str] = field(default_factory=list)
    metonyms: list[str] = field(default_factory=list)
    short_names: list[tuple[str, str]] = field(default_factory=list)


class _Union:
    """Union-find over strings."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def members(self, items: Iterable[str]) -> dict[str, list[str]]:
        groups: defaultdict[str, list[str]] = defaultdict(list)
        for item in items:
            groups[self.find(item)].append(item)
        return groups


def group_names(counts: Mapping[str, int], *, locative: Mapping[str, int], titled: Mapping[str, int]
                ) -> list[Group]:
    """Merge names into candidates (rules in the module docstring).

    ``counts``: name → mentions; ``locative``: name → mentions in a locative context;
    ``titled``: name → mentions after a title.
    """
    union = _Union()
    keys = {name: name_key(name) for name in counts}
    for name, key in keys.items():
        union.union(name, "key:" + key)
    roles: dict[str, str] = {}
    _places(counts, union, roles)
    _acronyms(counts, union)
    _derived_demonyms(counts, locative, union, roles)
    _spellings(counts, keys, union, roles)
    pairs = _persons(counts, keys, locative, titled, union, roles)
    by_root: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair in pairs:
        by_root[union.find(pair[0])].append(pair)
    groups = []
    for root, names in union.members(counts).items():
        names.sort(key=lambda n: (-counts[n], n))
        group = Group(names=[n for n in names if n not in roles],
                      demonyms=[n for n in names if roles.get(n) == "demonym"],
                      metonyms=[n for n in names if roles.get(n) == "metonym"], short_names=by_root[root])
        if not group.names:                     # "the Kremlin" in a corpus that never names Russia
            group.names, group.metonyms = group.metonyms or group.demonyms, []
            group.demonyms = [] if group.names is group.demonyms else group.demonyms
        groups.append(group)
    return groups


def _places(counts: Mapping[str, int], union: _Union, roles: dict[str, str]) -> None:
    known = places()
    for name in counts:
        key = fold(name)
        if len(key) <= 3 and not name.replace(".", "").isupper():
            continue                                # "Us" is not "US"
        for table, role in ((known.countries, ""), (known.regions, ""), (known.demonyms, "demonym"),
                            (known.capitals, "metonym")):
            if key in table:
                union.union(name, "place:" + table[key])
                if role:
                    roles[name] = role
                break


def _acronyms(counts: Mapping[str, int], union: _Union) -> None:
    expansions: defaultdict[str, Counter] = defaultdict(Counter)
    acronyms = {fold(name).upper(): name for name in counts if is_acronym(name)}
    for name, count in counts.items():
        words = name.split()
        if len(words) > 1 and not is_acronym(name) and (letters := initials(words)) in acronyms:
            expansions[letters][name] += count
    for letters, found in expansions.items():
        (best, n), = found.most_common(1)
        if n >= ACRONYM_SHARE * sum(found.values()) and not person_like(best.split()):
            union.union(acronyms[letters], best)


def _place_like(name: str, counts: Mapping[str, int], locative: Mapping[str, int]) -> bool:
    """A listed country or region, or a name in a locative context often enough."""
    return places().canonical(name) is not None or locative.get(name, 0) >= MIN_LOCATIVE_SHARE * counts[name]


def _derived_demonyms(counts: Mapping[str, int], locative: Mapping[str, int], union: _Union,
                      roles: dict[str, str]) -> None:
    by_fold: defaultdict[str, list[str]] = defaultdict(list)
    for name in counts:
        by_fold[fold(name)].append(name)
    for name in counts:
        if " " in name or name in roles:
            continue
        place = _place_like(name, counts, locative)
        for form in demonym_forms(name):
            for other in by_fold.get(form, ()):
                if (other not in roles and union.find(other) != union.find(name)
                        and (place or counts[name] >= counts[other] and len(form) > len(name))):
                    union.union(name, other)
                    roles[other] = "demonym"


def _spellings(counts: Mapping[str, int], keys: Mapping[str, str], union: _Union, roles: dict[str, str]) -> None:
    """Names that differ in one word, the two words spellings of each other.

    Names differing in two words join through a third that shares one with each (names
    are joined, never words: "German" ~ "Gorman" does not make "Germany" "Gorman").
    """
    by_key: dict[str, str] = {}
    for name in counts:
        if name not in roles and not is_acronym(name):
            by_key.setdefault(keys[name], name)
    neighbours: defaultdict[str, set[str]] = defaultdict(set)
    for a, b in similar_words(w for key in by_key for w in key.split()):
        neighbours[a].add(b)
        neighbours[b].add(a)
    for key, name in by_key.items():
        words = key.split()
        for i, word in enumerate(words):
            for other in neighbours.get(word, ()):
                variant = " ".join([*words[:i], other, *words[i + 1:]])
                if variant in by_key:
                    union.union(name, by_key[variant])


@dataclass
class _People:
    """What the person rules share: the names, their keys and counts, the union so far."""

    counts: Mapping[str, int]
    keys: Mapping[str, str]
    union: _Union
    by_last: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_first: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_key: Counter = field(default_factory=Counter)


def _persons(counts: Mapping[str, int], keys: Mapping[str, str], locative: Mapping[str, int],
             titled: Mapping[str, int], union: _Union, roles: dict[str, str]) -> list[tuple[str, str]]:
    """Full names merged with each other and with short names used alone; (full, short) pairs."""
    people = _People(counts, keys, union)
    for name in counts:
        people.by_key[keys[name]] += counts[name]
        if name not in roles and person_like(name.split()):
            people.by_last[keys[name].split()[-1]].append(name)
            people.by_first[keys[name].split()[0]].append(name)
    for names in people.by_last.values():
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if _same_person(keys[a].split(), keys[b].split()):
                    union.union(a, b)
    groups = union.members(counts)
    titled_groups = {root for root, names in groups.items() if sum(titled.get(n, 0) for n in names) >= 2}
    alone = _used_alone(groups, people, locative=locative, roles=roles)
    spelled = _spelled_alike({keys[n] for names in alone for n in names} | set(people.by_last))
    return [pair for names in alone if (pair := _short_name(names, people, spelled, titled_groups))]


def _used_alone(groups: dict[str, list[str]], people: _People, *, locative: Mapping[str, int],
                roles: dict[str, str]) -> list[list[str]]:
    """The groups of one-word names (demonyms aside) that are no place and no acronym."""
    acronym_keys = _acronym_keys(people.counts, people.keys)
    alone = []
    for members in groups.values():
        names = [n for n in members if n not in roles]
        if names and all(" " not in people.keys[n] and people.keys[n] not in acronym_keys
                         and not _place_like(n, people.counts, locative) for n in names):
            alone.append(names)
    return alone


def _short_name(names: list[str], people: _People, spelled: dict[str, set[str]], titled_groups: set[str]
                ) -> tuple[str, str] | None:
    """Join a group of names used alone to its full name, by surname or first word (rule 6)."""
    counts, keys = people.counts, people.keys
    total = sum(counts[n] for n in names)
    surnames = {k for n in names for k in (keys[n], *spelled.get(keys[n], ()))}
    full = list(dict.fromkeys(f for k in sorted(surnames) for f in people.by_last.get(k, ())))
    opened = list(dict.fromkeys(f for k in sorted({keys[n] for n in names}) for f in people.by_first.get(k, ())))
    surname, first = _dominant(full, counts, people.union.find), _dominant(opened, counts, people.union.find)
    if surname and sum(counts[f] for f in full) * SURNAME_RATIO >= total:
        people.union.union(names[0], surname)
        return surname, max(names, key=counts.get)
    if first and people.union.find(first) in titled_groups and total > people.by_key[keys[first].split()[-1]]:
        people.union.union(names[0], first)
        return first, max(names, key=counts.get)
    return None


def _spelled_alike(words: set[str]) -> dict[str, set[str]]:
    """Each word → the words spelled like it (:func:`analysis.corpus.names.similar_words`)."""
    alike: defaultdict[str, set[str]] = defaultdict(set)
    for a, b in similar_words(words):
        alike[a].add(b)
        alike[b].add(a)
    return alike


def _acronym_keys(counts: Mapping[str, int], keys: Mapping[str, str]) -> set[str]:
    """Keys whose most frequent form is an acronym ("NATO" beside "Nato"; not "XI" beside "Xi")."""
    best: dict[str, str] = {}
    for name, count in counts.items():
        if keys[name] not in best or count > counts[best[keys[name]]]:
            best[keys[name]] = name
    return {key for key, name in best.items() if is_acronym(name)}


def _same_person(a: list[str], b: list[str]) -> bool:
    """Same surname (the caller's index), and one a word-suffix of the other or one middle name more."""
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 2 and longer[-len(shorter):] == shorter:
        return True
    return len(shorter) == 2 and len(longer) == 3 and shorter[0] == longer[0]


def _dominant(names: list[str], counts: Mapping[str, int], find: Callable[[str], str]) -> str | None:
    """The most frequent full name of the group holding at least :data:`SURNAME_SHARE` of ``names``."""
    by_root: Counter = Counter()
    best_name: dict[str, str] = {}
    for name in names:
        root = find(name)
        by_root[root] += counts[name]
        if root not in best_name or counts[name] > counts[best_name[root]]:
            best_name[root] = name
    if not by_root:
        return None
    root, n = by_root.most_common(1)[0]
    return best_name[root] if n >= SURNAME_SHARE * sum(by_root.values()) else None

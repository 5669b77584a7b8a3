"""Actor codebooks: who counts as an actor and which words name it.

A codebook is a YAML file (see ``seeds/actors.yaml`` for the documented default)::

    settings:
      count_demonyms: true     # "Russian troops" is a mention of Russia
      count_metonyms: true     # "the Kremlin" is a mention of Russia
    actors:
      - id: putin              # lower-case letters, digits, _ and - (used in file names)
        label: Vladimir Putin
        type: person           # person | country | organisation | group | outlet
        gender: male           # persons: male | female | unknown (resolves "he said")
        colour: "#8c2d04"
        aliases: [Vladimir Putin, Putin]
        demonyms: []           # words that name the actor's people or things
        metonyms: []           # places and buildings that stand for the actor
        patterns: []           # regular expressions, only where a plain alias cannot do
        descriptors:           # role phrases that refer to the actor (see analysis.corpus.descriptors)
          - the Russian president
          - {phrase: the president, from: 2000-05-07, until: 2008-05-07, role: president}

Aliases match case-sensitively on word boundaries ("US" is not "us"); list each
spelling the corpus uses ("NATO", "Nato"). Validation reports the line of each
problem: unknown keys, a key given twice in one mapping (YAML would silently keep the
last), duplicate ids, an alias claimed by two actors, empty aliases or names without a
letter or digit, invalid patterns, a bad type, gender or colour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.errors import InputError, Problem

ACTOR_TYPES = ("person", "country", "organisation", "group", "outlet")
GENDERS = ("male", "female", "unknown")
ACTOR_KEYS = {"id", "label", "type", "gender", "colour", "aliases", "demonyms", "metonyms", "patterns",
              "descriptors", "notes"}
TOP_KEYS = {"settings", "actors", "notes"}
#: PyYAML's libyaml-backed safe loader when the wheel has it (about 15x faster than the pure-Python
#: one, the same nodes and line marks), else the pure-Python one.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SETTING_KEYS = {"count_demonyms", "count_metonyms", "count_descriptors", "count_pronouns"}
#: Words that make a two-word role out of a descriptor's last word (see :func:`default_role`).
RANK_WORDS = frozenset("vice deputy prime foreign defense defence interior finance press former first".split())
DESCRIPTOR_KEYS = {"phrase", "from", "until", "role"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Descriptor:
    """A role phrase that refers to an actor ("the president"), within an optional date range.

    ``role`` is what the phrase names (default: its last word, lower-cased); another person who
    holds the same role in the article blocks it (see :mod:`analysis.corpus.descriptors`).
    ``start``/``until`` are ISO dates, both ends included; ``None`` means open.
    """

    phrase: str
    role: str
    start: str | None = None
    until: str | None = None

    def applies(self, date: str | None) -> bool:
        """Does the phrase refer to the actor in an article of ``date`` (YYYY-MM-DD or None)?"""
        if self.start is None and self.until is None:
            return True
        if not date:
            return False
        return (self.start is None or self.start <= date[:10]) and (self.until is None or date[:10] <= self.until)


@dataclass(frozen=True)
class Actor:
    """One actor of a codebook."""

    id: str
    label: str
    type: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    descriptors: tuple[Descriptor, ...] = ()
    gender: str = "unknown"
    colour: str = "#777777"


@dataclass(frozen=True)
class Codebook:
    """Actors plus the counting settings; ``digest`` keys caches on its content."""

    actors: tuple[Actor, ...]
    count_demonyms: bool = True
    count_metonyms: bool = True
    count_descriptors: bool = True
    count_pronouns: bool = True
    source: str = "<memory>"
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.digest:
            text = repr((self.actors, self.count_demonyms, self.count_metonyms, self.count_descriptors,
                         self.count_pronouns))
            object.__setattr__(self, "digest", hashlib.sha256(text.encode()).hexdigest())

    def __hash__(self) -> int:
        """The dataclass hash (of the fields compared), computed once: matchers are cached per codebook
        (``functools.lru_cache``), and hashing every actor and alias again on each article's lookup cost
        about 2% of a full annotation. Not pickled (string hashes differ between processes)."""
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.actors, self.count_demonyms, self.count_metonyms, self.count_descriptors,
                           self.count_pronouns, self.source))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def __getitem__(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(f"no actor {actor_id!r} in codebook {self.source} "
                       f"(ids: {', '.join(a.id for a in self.actors)})")

    @property
    def ids(self) -> list[str]:
        return [actor.id for actor in self.actors]

    def colours(self) -> dict[str, str]:
        return {actor.id: actor.colour for actor in self.actors}

    def labels(self) -> dict[str, str]:
        return {actor.id: actor.label for actor in self.actors}

    def table(self):
        """The codebook as a DataFrame (one row per actor) for display."""
        import pandas as pd

        return pd.DataFrame([{"actor_id": a.id, "label": a.label, "type": a.type, "gender": a.gender,
                              "colour": a.colour, "aliases": ", ".join(a.aliases),
                              "demonyms": ", ".join(a.demonyms), "metonyms": ", ".join(a.metonyms)}
                             for a in self.actors])


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a YAML codebook; every problem names its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError.at(path, field="path", expected="a readable codebook file",
                            got=error.strerror) from None
    except UnicodeDecodeError:
        raise InputError.at(path, field="encoding", expected="UTF-8 text", got="undecodable bytes") from None
    return parse_codebook(text, source=str(path))


def parse_codebook(text: str, *, source: str = "<string>") -> Codebook:
    """Like :func:`load_codebook`, from a YAML string (handy in tests and notebooks)."""
    try:
        root = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError.at(source, line=mark.line + 1 if mark else None, field="yaml",
                            expected="valid YAML", got=getattr(error, "problem", str(error))) from None
    return _build(source, root, text)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(source: object, node: yaml.Node | None, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A YAML mapping's entries by key; a key given twice is an error (YAML would keep only the last)."""
    if not isinstance(node, yaml.MappingNode):
        raise InputError.at(source, line=_line(node) if node else 1, field=what, expected="a mapping (key: value)",
                            got=type(node).__name__ if node else "empty file")
    entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if key.value in entries:
            raise InputError.at(source, line=_line(key), field=str(key.value), got="the same key again",
                                expected=f"each key once (first given on line {_line(entries[key.value][0])})")
        entries[key.value] = (key, value)
    return entries


def _scalar(source: object, node: yaml.Node, name: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise InputError.at(source, line=_line(node), field=name, expected="a non-empty text value",
                            got="" if isinstance(node, yaml.ScalarNode) else type(node).__name__)
    return str(node.value).strip()


def _strings(source: object, node: yaml.Node, name: str) -> list[tuple[str, int]]:
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise InputError.at(source, line=_line(node), field=name, expected="a list of strings",
                            got=str(node.value) if isinstance(node, yaml.ScalarNode) else type(node).__name__)
    values = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
            raise InputError.at(source, line=_line(item), field=name, expected="a non-empty string",
                                got=str(getattr(item, "value", "")) if isinstance(item, yaml.ScalarNode) else "list")
        values.append((str(item.value).strip(), _line(item)))
    return values


def _boolean(source: object, node: yaml.Node, name: str) -> bool:
    value = str(node.value).lower() if isinstance(node, yaml.ScalarNode) else None
    if value not in ("true", "false", "yes", "no"):
        raise InputError.at(source, line=_line(node), field=name, expected="true or false", got=value)
    return value in ("true", "yes")


def _build(source: object, root: yaml.Node | None, text: str) -> Codebook:
    top = _mapping(source, root, "codebook")
    for key, (key_node, _) in top.items():
        if key not in TOP_KEYS:
            raise InputError.at(source, line=_line(key_node), field=key,
                                expected=f"a top-level key among {', '.join(sorted(TOP_KEYS))}", got=key)
    settings = dict.fromkeys(sorted(SETTING_KEYS), True)
    if "settings" in top:
        for key, (key_node, value) in _mapping(source, top["settings"][1], "settings").items():
            if key not in SETTING_KEYS:
                raise InputError.at(source, line=_line(key_node), field=key,
                                    expected=f"a setting among {', '.join(sorted(SETTING_KEYS))}", got=key)
            settings[key] = _boolean(source, value, key)
    if "actors" not in top:
        raise InputError.at(source, line=1, field="actors", expected="an 'actors' list", got="no actors key")
    actors_node = top["actors"][1]
    if not isinstance(actors_node, yaml.SequenceNode) or not actors_node.value:
        raise InputError.at(source, line=_line(actors_node), field="actors", expected="a non-empty list of actors",
                            got=type(actors_node).__name__)
    actors: list[Actor] = []
    id_lines: dict[str, int] = {}
    owner: dict[str, tuple[str, int]] = {}
    for node in actors_node.value:
        actor = _actor(source, node)
        line = _line(node)
        if actor.id in id_lines:
            raise InputError.at(source, line=line, field="id",
                                expected=f"a unique id (first used on line {id_lines[actor.id]})", got=actor.id)
        id_lines[actor.id] = line
        for name, alias_line in _name_lines(source, node):
            if name in owner and owner[name][0] != actor.id:
                first, first_line = owner[name]
                raise InputError.at(source, line=alias_line, field="aliases",
                                    expected=f"an alias of one actor only ({first!r} claims it on line {first_line})",
                                    got=name)
            owner.setdefault(name, (actor.id, alias_line))
        actors.append(actor)
    _check_shared_descriptors(source, actors_node, actors)
    return Codebook(actors=tuple(actors), source=str(source),
                    digest=hashlib.sha256(text.encode()).hexdigest(), **settings)


def _name_lines(source: object, node: yaml.MappingNode) -> list[tuple[str, int]]:
    """(name, line) of an actor's aliases, demonyms and metonyms; a name without a letter or digit
    (such as "(") is an error: it would match punctuation all over the corpus."""
    fields = _mapping(source, node, "actor")
    names = []
    for key in ("aliases", "demonyms", "metonyms"):
        for name, line in _strings(source, fields[key][1], key) if key in fields else []:
            if not any(char.isalnum() for char in name):
                raise InputError.at(source, line=line, field=key, got=name,
                                    expected="a name with at least one letter or digit")
            names.append((name, line))
    return names


def _actor(source: object, node: yaml.Node) -> Actor:
    fields = _mapping(source, node, "actor")
    for key, (key_node, _) in fields.items():
        if key not in ACTOR_KEYS:
            raise InputError.at(source, line=_line(key_node), field=key,
                                expected=f"an actor key among {', '.join(sorted(ACTOR_KEYS))}", got=key)
    for required in ("id", "label", "type", "aliases"):
        if required not in fields:
            raise InputError.at(source, line=_line(node), field=required,
                                expected=f"every actor to have {required!r}", got="missing")
    values = {name: _scalar(source, fields[name][1], name) for name in ("id", "label", "type")}
    if not _ID.match(values["id"]):
        raise InputError.at(source, line=_line(fields["id"][1]), field="id",
                            expected="lower-case letters, digits, '_' or '-' (it becomes a file name)",
                            got=values["id"])
    if values["type"] not in ACTOR_TYPES:
        raise InputError.at(source, line=_line(fields["type"][1]), field="type",
                            expected=f"one of {', '.join(ACTOR_TYPES)}", got=values["type"])
    gender = _scalar(source, fields["gender"][1], "gender") if "gender" in fields else "unknown"
    if gender not in GENDERS:
        raise InputError.at(source, line=_line(fields["gender"][1]), field="gender",
                            expected=f"one of {', '.join(GENDERS)}", got=gender)
    colour = _scalar(source, fields["colour"][1], "colour") if "colour" in fields else "#777777"
    if not _COLOUR.match(colour):
        raise InputError.at(source, line=_line(fields["colour"][1]), field="colour",
                            expected="a hex colour such as '#1f77b4'", got=colour)
    lists = {key: [v for v, _ in _strings(source, fields[key][1], key)] if key in fields else []
             for key in ("aliases", "demonyms", "metonyms", "patterns")}
    if not lists["aliases"]:
        raise InputError.at(source, line=_line(fields["aliases"][1]), field="aliases",
                            expected="at least one alias", got="[]")
    for pattern, line in (_strings(source, fields["patterns"][1], "patterns") if "patterns" in fields else []):
        try:
            re.compile(pattern)
        except re.error as error:
            raise InputError.at(source, line=line, field="patterns",
                                expected=f"a valid regular expression ({error.msg})", got=pattern) from None
    descriptors = tuple(_descriptors(source, fields["descriptors"][1])) if "descriptors" in fields else ()
    return Actor(id=values["id"], label=values["label"], type=values["type"], gender=gender, colour=colour,
                 descriptors=descriptors, **{key: tuple(value) for key, value in lists.items()})


def _descriptors(source: object, node: yaml.Node) -> list[Descriptor]:
    """An actor's descriptors: each a phrase, or a mapping with ``phrase`` and optional
    ``from``/``until`` (YYYY-MM-DD) and ``role``."""
    if not isinstance(node, yaml.SequenceNode):
        raise InputError.at(source, line=_line(node), field="descriptors",
                            expected="a list of phrases or {phrase, from, until, role} mappings",
                            got=type(node).__name__)
    found = []
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            entry = {"phrase": _scalar(source, item, "descriptors")}
        else:
            entry = {}
            for key, (key_node, value) in _mapping(source, item, "descriptors").items():
                if key not in DESCRIPTOR_KEYS:
                    raise InputError.at(source, line=_line(key_node), field=f"descriptors.{key}",
                                        expected=f"a descriptor key among {', '.join(sorted(DESCRIPTOR_KEYS))}",
                                        got=key)
                entry[key] = _scalar(source, value, f"descriptors.{key}")
            if "phrase" not in entry:
                raise InputError.at(source, line=_line(item), field="descriptors.phrase",
                                    expected="every descriptor mapping to have a 'phrase'", got="missing")
        phrase = entry["phrase"]
        if len(phrase.split()) < 2 or not any(char.isalpha() for char in phrase):
            raise InputError.at(source, line=_line(item), field="descriptors", got=phrase,
                                expected="a phrase of two or more words ('the president'): one word alone is an alias")
        for key in ("from", "until"):
            if key in entry and not _valid_date(entry[key]):
                raise InputError.at(source, line=_line(item), field=f"descriptors.{key}",
                                    expected="a date as YYYY-MM-DD", got=entry[key])
        if "from" in entry and "until" in entry and entry["from"] > entry["until"]:
            raise InputError.at(source, line=_line(item), field="descriptors.until", got=entry["until"],
                                expected=f"a date on or after 'from' ({entry['from']})")
        role = entry.get("role", default_role(phrase)).lower()
        found.append(Descriptor(phrase=" ".join(phrase.split()), role=role, start=entry.get("from"),
                                until=entry.get("until")))
    return found


def default_role(phrase: str) -> str:
    """The role a descriptor names when the codebook gives none: its last word ("president"),
    joined by the word before when that is a rank word ("vice president", "foreign minister")."""
    words = phrase.lower().split()
    if len(words) >= 2 and words[-2] in RANK_WORDS:
        return " ".join(words[-2:])
    return words[-1]


def _valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_shared_descriptors(source: object, actors_node: yaml.SequenceNode, actors: list[Actor]) -> None:
    """A phrase may name two actors only in date ranges that do not overlap ("the president")."""
    seen: dict[str, list[tuple[Actor, Descriptor]]] = {}
    for node, actor in zip(actors_node.value, actors):
        for descriptor in actor.descriptors:
            key = descriptor.phrase.lower()
            for other, earlier in seen.get(key, []):
                if other.id != actor.id and _overlap(descriptor, earlier):
                    raise InputError.at(source, line=_line(node), field="descriptors", got=descriptor.phrase,
                                        expected=f"a phrase of one actor at a time ({other.id!r} uses it in an "
                                                 "overlapping date range: give both 'from'/'until')")
            seen.setdefault(key, []).append((actor, descriptor))


def _overlap(a: Descriptor, b: Descriptor) -> bool:
    return (a.start or "0000") <= (b.until or "9999") and (b.start or "0000") <= (a.until or "9999")


def validation_problems(path: str | Path) -> list[Problem]:
    """Validation as data: ``[]`` for a good codebook, else the first problem (for batch pre-checks)."""
    try:
        load_codebook(path)
    except InputError as error:
        return [error.problem] if isinstance(error.problem, Problem) else []
    return []

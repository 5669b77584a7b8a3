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

Aliases match case-sensitively on word boundaries ("US" is not "us"); list each
spelling the corpus uses ("NATO", "Nato"). Validation reports the line of each
problem: unknown keys, a key given twice in one mapping (YAML would silently keep the
last), duplicate ids, an alias claimed by two actors, empty aliases or names without a
letter or digit, invalid patterns, a bad type, gender or colour.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.errors import InputError, Problem

ACTOR_TYPES = ("person", "country", "organisation", "group", "outlet")
GENDERS = ("male", "female", "unknown")
ACTOR_KEYS = {"id", "label", "type", "gender", "colour", "aliases", "demonyms", "metonyms", "patterns",
              "notes"}
TOP_KEYS = {"settings", "actors", "notes"}
SETTING_KEYS = {"count_demonyms", "count_metonyms"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


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
    gender: str = "unknown"
    colour: str = "#777777"


@dataclass(frozen=True)
class Codebook:
    """Actors plus the counting settings; ``digest`` keys caches on its content."""

    actors: tuple[Actor, ...]
    count_demonyms: bool = True
    count_metonyms: bool = True
    source: str = "<memory>"
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.digest:
            text = repr((self.actors, self.count_demonyms, self.count_metonyms))
            object.__setattr__(self, "digest", hashlib.sha256(text.encode()).hexdigest())

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
        root = yaml.compose(text)
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
    settings = {"count_demonyms": True, "count_metonyms": True}
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
    return Actor(id=values["id"], label=values["label"], type=values["type"], gender=gender, colour=colour,
                 **{key: tuple(value) for key, value in lists.items()})


def validation_problems(path: str | Path) -> list[Problem]:
    """Validation as data: ``[]`` for a good codebook, else the first problem (for batch pre-checks)."""
    try:
        load_codebook(path)
    except InputError as error:
        return [error.problem] if isinstance(error.problem, Problem) else []
    return []

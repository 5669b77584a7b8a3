"""Frame dictionaries: the schemes, their YAML file format and its validation, the terms' canonical form.

A *frame dictionary* maps each frame of a scheme to a list of terms. Two schemes are
written in this repository (``analysis/resources/frames/``, documented in its README):

* ``generic``: the five generic news frames of Semetko & Valkenburg (2000), each term
  group operationalising one of their yes/no coding questions;
* ``policy``: the fourteen dimensions of the Policy Frames Codebook (Boydstun et al.
  2014; Card et al. 2015).

A user can load a dictionary file of their own in the same YAML format
(:func:`load_frames`); a malformed file raises :class:`~analysis.errors.InputError`
naming its line.

Terms are stored as they are matched (:func:`canonical_term`): lower case (typographic
apostrophes folded), tokenised like the text ("shouldn't" is ``should n't``;
"cease-fire" is one token), tokens joined by one space, a trailing ``*`` for a prefix
match of at least :data:`MIN_PREFIX` characters. How terms match a token table is
:mod:`analysis.framing.matching` (its docstring states the matching rules); the scores
are :mod:`analysis.framing.frames`.

The compiled form of a dictionary (``_Matcher``: its distinct token patterns, each term
as pattern ids, the vocabulary lookup) lives here too, because :class:`FrameDictionary`
builds and caches it (``FrameDictionary._matcher``): :mod:`analysis.framing.matching`
imports this module, never the other way round.

References: Semetko, H. A., & Valkenburg, P. M. (2000), Journal of Communication 50(2);
Boydstun, A. E., Card, D., Gross, J. H., Resnik, P., & Smith, N. A. (2014), APSA;
Card, D., et al. (2015), ACL-IJCNLP.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from analysis.corpus.codebook import YAML_LOADER
from analysis.errors import InputError
from analysis.paths import RESOURCES
from analysis.corpus.text import token_spans

__all__ = [
    "Frame",
    "FrameDictionary",
    "SCHEMES",
    "load_frames",
    "parse_frames",
]

FRAMES_DIR = RESOURCES / "frames"
SCHEMES = ("generic", "policy")
#: Labels of :func:`analysis.framing.frames.dominant_frames` that are not frame names (so frames may not use them).
NO_FRAME, MIXED = "none", "mixed"

TOP_KEYS = {"scheme", "citation", "description", "notes", "frames"}
FRAME_KEYS = {"label", "description", "notes", "terms", "groups"}
GROUP_KEYS = {"question", "terms", "notes"}
MIN_PREFIX = 3
_FRAME_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


# --- dictionaries -----------------------------------------------------------------------


class TermGroup(NamedTuple):
    """Terms that operationalise one coding question (``question`` may be empty)."""

    question: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Frame:
    """One frame: its name (an identifier), label, definition and term groups."""

    name: str
    label: str
    description: str
    groups: tuple[TermGroup, ...]
    notes: str = ""

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term of the frame, in file order (each once: the loader rejects repeats)."""
        return tuple(term for group in self.groups for term in group.terms)


@dataclass(frozen=True)
class FrameDictionary:
    """A frame scheme: frames with their terms, the citation and where it was read from.

    Terms are stored canonically: lower case, tokens separated by one space, a trailing
    ``*`` on a token for a prefix match.
    """

    scheme: str
    frames: tuple[Frame, ...]
    citation: str = ""
    description: str = ""
    source: str = "<memory>"
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.digest:
            text = repr((self.scheme, [(f.name, f.terms) for f in self.frames]))
            object.__setattr__(self, "digest", hashlib.sha256(text.encode()).hexdigest())

    @property
    def names(self) -> list[str]:
        return [frame.name for frame in self.frames]

    def __getitem__(self, name: str) -> Frame:
        for frame in self.frames:
            if frame.name == name:
                return frame
        raise KeyError(f"no frame {name!r} in scheme {self.scheme!r}; known: {', '.join(self.names)}")

    def summary(self) -> pd.DataFrame:
        """One row per frame: ``frame, label, n_terms, n_words, n_phrases, n_wildcards, n_groups``."""
        rows = []
        for frame in self.frames:
            terms = frame.terms
            rows.append({"frame": frame.name, "label": frame.label, "n_terms": len(terms),
                         "n_words": sum(" " not in t for t in terms), "n_phrases": sum(" " in t for t in terms),
                         "n_wildcards": sum("*" in t for t in terms), "n_groups": len(frame.groups)})
        return pd.DataFrame(rows, columns=["frame", "label", "n_terms", "n_words", "n_phrases", "n_wildcards",
                                           "n_groups"])

    @cached_property
    def _matcher(self) -> "_Matcher":
        return _Matcher.build(self)


def load_frames(scheme_or_path: str | Path = "generic") -> FrameDictionary:
    """A frame dictionary: ``"generic"``, ``"policy"`` or the path of a YAML file in the same format.

    Every problem in a file raises :class:`InputError` naming the file, line and field:
    unknown keys, an empty term, a bad wildcard, a duplicate frame, a term listed twice
    in one frame.
    """
    if isinstance(scheme_or_path, str) and scheme_or_path in SCHEMES:
        return _builtin(scheme_or_path)
    path = Path(scheme_or_path)
    if not path.is_file():
        raise InputError.at(path, field="scheme",
                            expected=f"one of {', '.join(SCHEMES)} or the path of a YAML frame dictionary",
                            got=str(scheme_or_path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError.at(path, field="path", expected="a readable file", got=error.strerror) from None
    except UnicodeDecodeError:
        raise InputError.at(path, field="encoding", expected="UTF-8 text", got="undecodable bytes") from None
    return parse_frames(text, source=str(path), default_scheme=path.stem)


@lru_cache(maxsize=None)
def _builtin(scheme: str) -> FrameDictionary:
    path = FRAMES_DIR / f"{scheme}.yaml"
    return parse_frames(path.read_text(encoding="utf-8"), source=f"analysis/resources/frames/{scheme}.yaml",
                        default_scheme=scheme)


def parse_frames(text: str, *, source: str = "<string>", default_scheme: str = "custom") -> FrameDictionary:
    """Like :func:`load_frames`, from YAML text (handy in tests and notebooks)."""
    try:
        root = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError.at(source, line=mark.line + 1 if mark else None, field="yaml", expected="valid YAML",
                            got=getattr(error, "problem", None) or str(error)) from None
    top = _mapping(source, root, "frame dictionary", TOP_KEYS, "a top-level key")
    if "frames" not in top:
        raise InputError.at(source, line=1, field="frames", expected="a 'frames' mapping", got="no frames key")
    scheme = _text(source, top["scheme"], "scheme") if "scheme" in top else default_scheme
    frames_node = top["frames"][1]
    frame_nodes = _pairs(source, frames_node, "frames")
    if not frame_nodes:
        raise InputError.at(source, line=_line(frames_node), field="frames", expected="at least one frame",
                            got="an empty mapping")
    frames: list[Frame] = []
    first_line: dict[str, int] = {}
    for key, value in frame_nodes:
        name = str(key.value)
        if name in first_line:
            raise InputError.at(source, line=_line(key), field="frames",
                                expected=f"each frame once (frame {name!r} is first defined on line "
                                         f"{first_line[name]})", got=name)
        if not _FRAME_NAME.match(name) or name in (NO_FRAME, MIXED):
            raise InputError.at(source, line=_line(key), field="frames",
                                expected="a frame name of lower-case letters, digits and '_', starting with a "
                                         f"letter, other than {NO_FRAME!r} and {MIXED!r}", got=name)
        first_line[name] = _line(key)
        frames.append(_frame(source, name, value, line=_line(key)))
    return FrameDictionary(scheme=scheme, frames=tuple(frames),
                           citation=_text(source, top["citation"], "citation") if "citation" in top else "",
                           description=(_text(source, top["description"], "description")
                                        if "description" in top else ""),
                           source=source, digest=hashlib.sha256(text.encode()).hexdigest())



def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _pairs(source: str, node: yaml.Node | None, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError.at(source, line=_line(node) if node is not None else 1, field=what,
                            expected="a mapping (key: value)",
                            got="empty file" if node is None else _kind(node))
    return list(node.value)


def _mapping(source: str, node: yaml.Node | None, what: str, keys: set[str], key_kind: str
             ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in _pairs(source, node, what):
        name = str(key.value)
        if name not in keys:
            raise InputError.at(source, line=_line(key), field=name,
                                expected=f"{key_kind} among {', '.join(sorted(keys))}", got=name)
        if name in found:
            raise InputError.at(source, line=_line(key), field=name,
                                expected=f"each key once ({name!r} is first on line {_line(found[name][0])})",
                                got=name)
        found[name] = (key, value)
    return found


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return repr(node.value)
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def _text(source: str, pair: tuple[yaml.Node, yaml.Node], name: str) -> str:
    node = pair[1]
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise InputError.at(source, line=_line(node), field=name, expected="a non-empty text value",
                            got="''" if isinstance(node, yaml.ScalarNode) else _kind(node))
    return " ".join(str(node.value).split())


def _frame(source: str, name: str, node: yaml.Node, *, line: int) -> Frame:
    fields = _mapping(source, node, f"frames.{name}", FRAME_KEYS, "a frame key")
    if "terms" not in fields and "groups" not in fields:
        raise InputError.at(source, line=line, field=f"frames.{name}",
                            expected="a 'terms' list or 'groups' of terms", got="neither")
    groups: list[TermGroup] = []
    seen: dict[str, int] = {}
    if "terms" in fields:
        groups.append(TermGroup("", _terms(source, name, fields["terms"][1], seen)))
    if "groups" in fields:
        groups_node = fields["groups"][1]
        if not isinstance(groups_node, yaml.SequenceNode) or not groups_node.value:
            raise InputError.at(source, line=_line(groups_node), field=f"frames.{name}.groups",
                                expected="a non-empty list of {question, terms}", got=_kind(groups_node))
        for group_node in groups_node.value:
            group = _mapping(source, group_node, f"frames.{name}.groups", GROUP_KEYS, "a group key")
            if "terms" not in group:
                raise InputError.at(source, line=_line(group_node), field=f"frames.{name}.groups",
                                    expected="a 'terms' list in every group", got="no terms")
            question = _text(source, group["question"], "question") if "question" in group else ""
            groups.append(TermGroup(question, _terms(source, name, group["terms"][1], seen)))
    label = _text(source, fields["label"], "label") if "label" in fields else name.replace("_", " ").capitalize()
    return Frame(name=name, label=label,
                 description=_text(source, fields["description"], "description") if "description" in fields else "",
                 notes=_text(source, fields["notes"], "notes") if "notes" in fields else "",
                 groups=tuple(groups))


def _terms(source: str, frame: str, node: yaml.Node, seen: dict[str, int]) -> tuple[str, ...]:
    where = f"frames.{frame}.terms"
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise InputError.at(source, line=_line(node), field=where, expected="a non-empty list of terms",
                            got=_kind(node))
    terms = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode):
            raise InputError.at(source, line=_line(item), field=where, expected="a term (a word or phrase)",
                                got=_kind(item))
        term = canonical_term(str(item.value), source=source, line=_line(item), field=where)
        if term in seen:
            raise InputError.at(source, line=_line(item), field=where,
                                expected=f"each term once per frame ({term!r} is already listed on line "
                                         f"{seen[term]})", got=str(item.value))
        seen[term] = _line(item)
        terms.append(term)
    return tuple(terms)


def canonical_term(raw: str, *, source: str = "<term>", line: int | None = None, field: str = "terms") -> str:
    """A term as matched: lower case, tokenised like the text, tokens joined by one space.

    ``"Shouldn't"`` → ``"should n't"``; ``"attack*"`` stays; ``"at*ack"``, ``"*"`` and a
    prefix shorter than :data:`MIN_PREFIX` characters raise :class:`InputError`.
    """
    words = raw.lower().replace("’", "'").split()
    if not words:
        raise InputError.at(source, line=line, field=field, expected="a non-empty term", got=raw)
    tokens: list[str] = []
    for word in words:
        wildcard = word.endswith("*")
        base = word[:-1] if wildcard else word
        if "*" in base or (wildcard and len(base) < MIN_PREFIX):
            raise InputError.at(source, line=line, field=field,
                                expected=f"'*' only at the end of a word, after at least {MIN_PREFIX} "
                                         "characters (a prefix match such as 'attack*')", got=raw)
        pieces = [base[s:e] for s, e in token_spans(base)]
        if wildcard:
            pieces[-1] += "*"
        tokens.extend(pieces)
    return " ".join(tokens)


# --- the compiled form (what analysis.framing.matching matches) ---------------------------


@dataclass(frozen=True)
class _Matcher:
    """A dictionary compiled for vectorised matching.

    ``patterns`` are the distinct token patterns (exact word or prefix); every term is a
    tuple of pattern ids, with its frame index and its text.
    """

    patterns: tuple[str, ...]
    term_patterns: tuple[tuple[int, ...], ...]
    term_frame: np.ndarray
    term_text: tuple[str, ...]
    specificity: np.ndarray

    @classmethod
    def build(cls, frames: FrameDictionary) -> "_Matcher":
        pattern_ids: dict[str, int] = {}
        term_patterns, term_frame, term_text, specificity = [], [], [], []
        for index, frame in enumerate(frames.frames):
            for term in frame.terms:
                ids = tuple(pattern_ids.setdefault(token, len(pattern_ids)) for token in term.split(" "))
                term_patterns.append(ids)
                term_frame.append(index)
                term_text.append(term)
                specificity.append(len(term) + (1000 if not term.endswith("*") else 0))
        return cls(patterns=tuple(pattern_ids), term_patterns=tuple(term_patterns),
                   term_frame=np.asarray(term_frame, dtype=np.int64), term_text=tuple(term_text),
                   specificity=np.asarray(specificity, dtype=np.int64))

    @cached_property
    def _lookups(self) -> tuple[pa.Array, np.ndarray, list[tuple[int, pa.Array, np.ndarray]]]:
        exact = [(p, i) for i, p in enumerate(self.patterns) if not p.endswith("*")]
        by_length: dict[int, list[tuple[str, int]]] = {}
        for i, p in enumerate(self.patterns):
            if p.endswith("*"):
                by_length.setdefault(len(p) - 1, []).append((p[:-1], i))
        prefixes = [(length, pa.array([w for w, _ in items], type=pa.string()),
                     np.asarray([i for _, i in items], dtype=np.int64)) for length, items in sorted(by_length.items())]
        return (pa.array([w for w, _ in exact], type=pa.string()), np.asarray([i for _, i in exact], dtype=np.int64),
                prefixes)

    def vocabulary_pairs(self, vocab: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """(vocabulary code, pattern id) for every word of ``vocab`` that a pattern matches.

        Exact words by one hash lookup; prefixes by slicing every word to each prefix length
        in use and looking the slices up (Arrow compute kernels, no Python loop per word).
        """
        exact_words, exact_ids, prefixes = self._lookups
        codes, pids = [], []
        for words, ids, length in [(exact_words, exact_ids, None), *[(w, i, n) for n, w, i in prefixes]]:
            if not len(words) or not len(vocab):
                continue
            keys = vocab if length is None else pc.utf8_slice_codeunits(vocab, 0, length)
            found = pc.index_in(keys, value_set=words)
            hit = np.flatnonzero(found.is_valid().to_numpy(zero_copy_only=False))
            codes.append(hit)
            pids.append(ids[found.drop_null().to_numpy()])
        if not codes:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(codes).astype(np.int64), np.concatenate(pids).astype(np.int64)

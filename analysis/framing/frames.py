"""Frames: dictionary-based frame scores per sentence, article and actor.

A *frame dictionary* maps each frame of a scheme to a list of terms. Two schemes are
written in this repository (``analysis/resources/frames/``, documented in its README):

* ``generic``: the five generic news frames of Semetko & Valkenburg (2000), each term
  group operationalising one of their yes/no coding questions;
* ``policy``: the fourteen dimensions of the Policy Frames Codebook (Boydstun et al.
  2014; Card et al. 2015).

A user can load a dictionary file of their own in the same YAML format
(:func:`load_frames`); a malformed file raises :class:`~analysis.errors.InputError`
naming its line.

Matching rules (the method note of :func:`method_note` states them for a write-up):

* Terms match the ``lower`` column of the token table (lower case, typographic
  apostrophes folded), i.e. surface forms, not stems. A trailing ``*`` is a prefix
  match (``accus*``: accuse, accused, accusation), so what a term covers is visible in
  the dictionary and countable (:func:`term_counts`), which stemming would hide.
* A term is tokenised like the text ("shouldn't" is ``should n't``; "cease-fire" is one
  token). A multi-word term (phrase) matches consecutive tokens of one sentence;
  punctuation between words breaks a phrase ("war, crimes" is not "war crimes").
* Within a frame a token counts at most once: overlapping matches resolve leftmost
  first, then longest ("war crimes" is one hit, not also "crime*"). Across frames
  every frame counts on its own: a token may be evidence for several frames.
* ``n_words`` counts the sentence's word tokens (tokens with a letter, stop words
  included); ``score`` is hits per 100 words. Stop words match only when a term lists
  them (phrases such as "rule of law" do).

Tables (all long format, one row per unit and frame, in dictionary frame order):

==================  ==================================================================
score_sentences     article_id, sentence_id, frame, hits, n_words, score
dominant_frames     article_id, sentence_id, dominant, hits, n_frames
score_articles      article_id, frame, hits, n_words, score, n_sentences,
                    sentences_with_frame, share
actor_frames        actor_id, frame, n_sentences, sentences_with_frame, share, hits,
                    n_words, score
frame_hits          article_id, sentence_id, token_id, frame, term, matched, start, end
==================  ==================================================================

The command ``python -m analysis.frames score FILE --text-column text --scheme generic
--out OUT.csv`` scores every sentence of a CSV or JSONL file, for validation against
human frame labels; ``python -m analysis.frames show --scheme policy`` lists a scheme.

References: Semetko, H. A., & Valkenburg, P. M. (2000), Journal of Communication 50(2);
Boydstun, A. E., Card, D., Gross, J. H., Resnik, P., & Smith, N. A. (2014), APSA;
Card, D., et al. (2015), ACL-IJCNLP.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from analysis.errors import InputError
from analysis.paths import RESOURCES
from analysis.corpus.text import paragraph_spans, sentence_spans, token_spans

__all__ = [
    "Frame",
    "FrameDictionary",
    "SCHEMES",
    "load_frames",
    "parse_frames",
    "score_sentences",
    "dominant_frames",
    "score_articles",
    "aggregate_articles",
    "actor_frames",
    "frame_hits",
    "term_counts",
    "annotate_frames",
    "method_note",
    "score_texts",
]

FRAMES_DIR = RESOURCES / "frames"
SCHEMES = ("generic", "policy")
SENTENCE_COLUMNS = ["article_id", "sentence_id", "frame", "hits", "n_words", "score"]
ARTICLE_COLUMNS = ["article_id", "frame", "hits", "n_words", "score", "n_sentences", "sentences_with_frame",
                   "share"]
ACTOR_COLUMNS = ["actor_id", "frame", "n_sentences", "sentences_with_frame", "share", "hits", "n_words", "score"]
HIT_COLUMNS = ["article_id", "sentence_id", "token_id", "frame", "term", "matched", "start", "end"]
#: Labels of :func:`dominant_frames` that are not frame names (so frames may not use them).
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
        root = yaml.compose(text)
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


# --- matching -----------------------------------------------------------------------------


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


class _Tokens(NamedTuple):
    """What matching needs from a token table, computed once per table."""

    table: pd.DataFrame
    codes: np.ndarray        # vocabulary code of each token
    vocab: pa.Array          # distinct lower-case tokens (Arrow strings)
    segment: np.ndarray      # sentence index of each token (0..n_sentences-1)
    keys: pd.DataFrame       # article_id, sentence_id of each segment
    n_words: np.ndarray      # word tokens per segment
    token_id: np.ndarray | None


def _prepare(tokens: pd.DataFrame) -> _Tokens:
    missing = [c for c in ("article_id", "sentence_id", "lower") if c not in tokens.columns]
    if missing:
        raise ValueError(f"the token table lacks column(s) {', '.join(missing)} (expected the 'tokens' table of "
                         "analysis.annotate.pipeline)")
    table = tokens.reset_index(drop=True)
    article = pd.factorize(table["article_id"], sort=False)[0]
    sentence = table["sentence_id"].to_numpy(dtype=np.int64)
    n = len(table)
    if n and (np.any(np.diff(article) < 0) or np.any((np.diff(article) == 0) & (np.diff(sentence) < 0))):
        # rows out of order (articles interleaved or sentences shuffled): restore table order
        order = np.lexsort((table["token_id"].to_numpy() if "token_id" in table else np.arange(n), sentence, article))
        table = table.iloc[order].reset_index(drop=True)
        article, sentence = article[order], sentence[order]
    change = np.ones(n, dtype=bool)
    if n:
        change[1:] = (article[1:] != article[:-1]) | (sentence[1:] != sentence[:-1])
    segment = np.cumsum(change) - 1
    firsts = np.flatnonzero(change)
    keys = pd.DataFrame({"article_id": table["article_id"].to_numpy()[firsts],
                         "sentence_id": sentence[firsts].astype(np.int32)})
    codes, vocab = pd.factorize(table["lower"], sort=False)
    if "is_word" in table:
        is_word = table["is_word"].to_numpy(dtype=bool)
    else:
        is_word = table["lower"].astype(str).str.contains(r"[^\W\d_]", regex=True).to_numpy(dtype=bool)
    n_words = np.bincount(segment[is_word], minlength=len(firsts)).astype(np.int32)
    token_id = table["token_id"].to_numpy(dtype=np.int64) if "token_id" in table else None
    return _Tokens(table, codes.astype(np.int64), _arrow_strings(vocab), segment, keys, n_words, token_id)


def _arrow_strings(values: object) -> pa.Array:
    array = getattr(values, "array", values)
    try:
        result = pa.array(array, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        result = pa.array([str(v) for v in array], type=pa.string())
    return result.combine_chunks() if isinstance(result, pa.ChunkedArray) else result


def _expand(codes: np.ndarray, entry_vocab: np.ndarray, n_vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """(token position, entry index) for every token whose vocabulary code has entries.

    ``entry_vocab`` holds the vocabulary code of each entry; entries of one code may be many.
    """
    order = np.argsort(entry_vocab, kind="stable")
    counts = np.bincount(entry_vocab, minlength=n_vocab)
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    per_token = counts[codes] if len(codes) else np.empty(0, np.int64)
    positions = np.flatnonzero(per_token)
    repeat = per_token[positions]
    token_pos = np.repeat(positions, repeat)
    group_start = np.repeat(np.cumsum(repeat) - repeat, repeat)
    within = np.arange(len(token_pos)) - group_start
    entries = order[offsets[codes[token_pos]] + within]
    return token_pos, entries


class _Matches(NamedTuple):
    position: np.ndarray     # first token of the match
    length: np.ndarray       # tokens covered
    term: np.ndarray         # term index in the matcher
    frame: np.ndarray        # frame index


def _match(prepared: _Tokens, matcher: _Matcher) -> _Matches:
    """Every counted match: single words and phrases, one per (token, frame), longest first."""
    n_vocab = len(prepared.vocab)
    codes = prepared.codes
    pair_vocab, pair_pattern = matcher.vocabulary_pairs(prepared.vocab)
    n_terms = len(matcher.term_patterns)
    lengths = np.fromiter((len(p) for p in matcher.term_patterns), dtype=np.int64, count=n_terms)

    # single words: entries (vocab, term) for one-token terms, best term per (vocab, frame)
    single_of_pattern: dict[int, list[int]] = {}
    for t in np.flatnonzero(lengths == 1):
        single_of_pattern.setdefault(matcher.term_patterns[t][0], []).append(int(t))
    entry_vocab, entry_term = [], []
    for v, p in zip(pair_vocab.tolist(), pair_pattern.tolist()):
        for t in single_of_pattern.get(p, ()):
            entry_vocab.append(v)
            entry_term.append(t)
    entry_vocab_a = np.asarray(entry_vocab, dtype=np.int64)
    entry_term_a = np.asarray(entry_term, dtype=np.int64)
    if len(entry_term_a):
        entries = pd.DataFrame({"v": entry_vocab_a, "t": entry_term_a, "f": matcher.term_frame[entry_term_a],
                                "s": matcher.specificity[entry_term_a]})
        entries = entries.sort_values(["v", "f", "s"], ascending=[True, True, False], kind="stable")
        entries = entries.drop_duplicates(["v", "f"])
        entry_vocab_a, entry_term_a = entries["v"].to_numpy(), entries["t"].to_numpy()
    s_pos, s_entry = _expand(codes, entry_vocab_a, n_vocab)
    s_term = entry_term_a[s_entry]

    # phrases: token positions per pattern, then each phrase's starts checked token by token
    phrase_terms = np.flatnonzero(lengths > 1)
    p_pos_list, p_term_list = [], []
    if len(phrase_terms) and len(codes):
        n_patterns = len(matcher.patterns)
        used = np.zeros(n_patterns, dtype=bool)
        for t in phrase_terms:
            used[list(matcher.term_patterns[t])] = True
        keep = used[pair_pattern]
        tok_pos, entry = _expand(codes, pair_vocab[keep], n_vocab)
        tok_pattern = pair_pattern[keep][entry]
        keys = np.sort(tok_pos * n_patterns + tok_pattern)
        by_pattern = np.lexsort((tok_pos, tok_pattern))
        sorted_pattern, sorted_pos = tok_pattern[by_pattern], tok_pos[by_pattern]
        n = len(codes)
        for t in phrase_terms:
            ids = matcher.term_patterns[t]
            lo, hi = np.searchsorted(sorted_pattern, [ids[0], ids[0] + 1])
            starts = sorted_pos[lo:hi]
            for j, pid in enumerate(ids[1:], start=1):
                if not len(starts):
                    break
                starts = starts[starts + j < n]
                wanted = (starts + j) * n_patterns + pid
                at = np.searchsorted(keys, wanted)
                ok = (at < len(keys)) & (keys[np.minimum(at, len(keys) - 1)] == wanted)
                ok &= prepared.segment[np.minimum(starts + j, n - 1)] == prepared.segment[starts]
                if prepared.token_id is not None:
                    ok &= prepared.token_id[np.minimum(starts + j, n - 1)] == prepared.token_id[starts] + j
                starts = starts[ok]
            if len(starts):
                p_pos_list.append(starts)
                p_term_list.append(np.full(len(starts), t, dtype=np.int64))
    p_pos = np.concatenate(p_pos_list) if p_pos_list else np.empty(0, np.int64)
    p_term = np.concatenate(p_term_list) if p_term_list else np.empty(0, np.int64)
    p_len, p_frame = lengths[p_term], matcher.term_frame[p_term]

    # within a frame, leftmost then longest wins; a covered token counts once
    kept = _resolve_phrases(p_pos, p_len, p_frame)
    p_pos, p_len, p_term, p_frame = p_pos[kept], p_len[kept], p_term[kept], p_frame[kept]
    s_frame = matcher.term_frame[s_term]
    if len(p_pos):
        n_frames = int(matcher.term_frame.max()) + 1
        covered = np.repeat(p_pos, p_len) + (np.arange(p_len.sum()) - np.repeat(np.cumsum(p_len) - p_len, p_len))
        covered_keys = covered * n_frames + np.repeat(p_frame, p_len)
        free = ~np.isin(s_pos * n_frames + s_frame, covered_keys)
        s_pos, s_term, s_frame = s_pos[free], s_term[free], s_frame[free]
    position = np.concatenate([s_pos, p_pos])
    order = np.lexsort((np.concatenate([s_frame, p_frame]), position))
    return _Matches(position=position[order], length=np.concatenate([np.ones(len(s_pos), np.int64), p_len])[order],
                    term=np.concatenate([s_term, p_term])[order], frame=np.concatenate([s_frame, p_frame])[order])


def _resolve_phrases(position: np.ndarray, length: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """Indices of phrase matches kept: per frame, leftmost first, longest first, no overlaps."""
    if not len(position):
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((-length, position, frame))
    kept = []
    last_frame, last_end = -1, -1
    for i, f, p, n in zip(order.tolist(), frame[order].tolist(), position[order].tolist(), length[order].tolist()):
        if f != last_frame:
            last_frame, last_end = f, -1
        if p >= last_end:
            kept.append(i)
            last_end = p + n
    return np.asarray(kept, dtype=np.int64)


# --- scores -------------------------------------------------------------------------------


def score_sentences(tokens: pd.DataFrame, *, frames: FrameDictionary) -> pd.DataFrame:
    """Frame hits and scores of every sentence of the token table, one row per sentence and frame.

    Columns: ``article_id, sentence_id, frame, hits, n_words, score`` where ``hits``
    counts matched terms (a token counts at most once per frame), ``n_words`` the word
    tokens of the sentence (stop words included), and ``score`` is hits per 100 words
    (0 for a sentence without words). Every sentence that has tokens gets a row for
    every frame, hits or not; rows are in table order, frames in dictionary order.
    """
    prepared = _prepare(tokens)
    return _sentence_table(prepared, _match(prepared, frames._matcher), frames)


def _sentence_table(prepared: _Tokens, matches: _Matches, frames: FrameDictionary) -> pd.DataFrame:
    n_sentences, n_frames = len(prepared.keys), len(frames.frames)
    counts = np.bincount(prepared.segment[matches.position] * n_frames + matches.frame,
                         minlength=n_sentences * n_frames).astype(np.int32)
    rows = np.repeat(np.arange(n_sentences), n_frames)
    n_words = prepared.n_words[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(n_words > 0, 100.0 * counts / np.maximum(n_words, 1), 0.0)
    return pd.DataFrame({
        "article_id": prepared.keys["article_id"].to_numpy()[rows],
        "sentence_id": prepared.keys["sentence_id"].to_numpy()[rows],
        "frame": pd.Series(np.tile(np.asarray(frames.names, dtype=object), n_sentences), dtype="str"),
        "hits": counts,
        "n_words": n_words,
        "score": score,
    })


def dominant_frames(frame_scores: pd.DataFrame, *, ties: Literal["mixed", "alphabetical"] = "mixed"
                    ) -> pd.DataFrame:
    """The frame with the most hits in each sentence (or each row group of a score table).

    Columns: the key columns of ``frame_scores`` (``article_id, sentence_id``, and
    ``scheme`` when present), ``dominant``, ``hits`` (the top count) and ``n_frames``
    (frames with at least one hit). ``dominant`` is ``"none"`` without hits; a tie for
    the top count gives ``"mixed"`` (default) or, with ``ties="alphabetical"``, the
    alphabetically first of the tied frames. Hits, not scores, decide: within one
    sentence both rank the same.
    """
    if ties not in ("mixed", "alphabetical"):
        raise ValueError(f"ties must be 'mixed' or 'alphabetical', got {ties!r}")
    keys = [c for c in ("article_id", "sentence_id", "scheme") if c in frame_scores.columns]
    groups = frame_scores.groupby(keys, sort=False)
    top = groups["hits"].transform("max")
    result = groups.agg(hits=("hits", "max"), n_frames=("hits", lambda h: int((h > 0).sum())))
    leaders = frame_scores[(frame_scores["hits"] == top) & (top > 0)]
    leader_groups = leaders.groupby(keys, sort=False)["frame"]
    first = leader_groups.min()
    count = leader_groups.size()
    chosen = first.where(count == 1, first if ties == "alphabetical" else MIXED)
    result["dominant"] = chosen.reindex(result.index).fillna(NO_FRAME).astype("str")
    result = result.reset_index()
    result["hits"] = result["hits"].astype(np.int32)
    result["n_frames"] = result["n_frames"].astype(np.int32)
    return result[[*keys, "dominant", "hits", "n_frames"]]


def score_articles(tokens: pd.DataFrame, *, frames: FrameDictionary) -> pd.DataFrame:
    """Frame hits and scores per article and frame (see :func:`aggregate_articles`)."""
    return aggregate_articles(score_sentences(tokens, frames=frames))


def aggregate_articles(frame_scores: pd.DataFrame) -> pd.DataFrame:
    """Per article and frame, from a :func:`score_sentences` table (or the annotation layer's).

    Columns: ``article_id, frame, hits, n_words, score`` (hits per 100 words of the
    article), ``n_sentences`` (sentences with tokens), ``sentences_with_frame`` and
    ``share`` (= sentences_with_frame / n_sentences); plus ``scheme`` when present.
    """
    keys = ["article_id", *(["scheme"] if "scheme" in frame_scores.columns else []), "frame"]
    table = frame_scores.assign(_with=frame_scores["hits"] > 0)
    result = table.groupby(keys, sort=False).agg(hits=("hits", "sum"), n_words=("n_words", "sum"),
                                                 n_sentences=("hits", "size"),
                                                 sentences_with_frame=("_with", "sum")).reset_index()
    result["score"] = _per_hundred(result["hits"], result["n_words"])
    result["share"] = _share(result["sentences_with_frame"], result["n_sentences"])
    columns = ARTICLE_COLUMNS[:1] + (["scheme"] if "scheme" in keys else []) + ARTICLE_COLUMNS[1:]
    return _ints(result[columns], ("hits", "n_words", "n_sentences", "sentences_with_frame"))


def actor_frames(frame_scores: pd.DataFrame, mentions: pd.DataFrame, *,
                 normalize: Literal["sentences", "hits"] = "sentences",
                 by: str | Sequence[str] = ()) -> pd.DataFrame:
    """Frames per actor through the sentences that mention it.

    ``frame_scores`` comes from :func:`score_sentences` (or the annotation layer, with
    ``scheme``); ``mentions`` is the mentions table (filter it first to drop, e.g.,
    pronoun or demonym mentions). A sentence counts once per actor however often it
    names the actor. Columns: ``actor_id, frame, n_sentences`` (the actor's sentences),
    ``sentences_with_frame``, ``share``, ``hits``, ``n_words``, ``score`` (hits per 100
    words of the actor's sentences), led by ``scheme`` and the ``by`` columns when given
    (``by`` names columns of ``frame_scores``, e.g. an ``outlet`` merged in).

    ``normalize="sentences"``: share = sentences_with_frame / n_sentences (how often the
    actor appears in a sentence with the frame). ``normalize="hits"``: share = the
    frame's hits / all frame hits of the actor (the actor's frame profile, summing to 1
    over frames; 0 for an actor without hits).
    """
    if normalize not in ("sentences", "hits"):
        raise ValueError(f"normalize must be 'sentences' or 'hits', got {normalize!r}")
    by = [by] if isinstance(by, str) else list(by)
    actor_sentences = mentions[["article_id", "sentence_id", "actor_id"]].drop_duplicates()
    joined = actor_sentences.merge(frame_scores, on=["article_id", "sentence_id"], how="inner")
    scheme = ["scheme"] if "scheme" in frame_scores.columns else []
    keys = [*by, *scheme, "actor_id", "frame"]
    result = (joined.assign(_with=joined["hits"] > 0)
              .groupby(keys, sort=False)
              .agg(n_sentences=("hits", "size"), sentences_with_frame=("_with", "sum"), hits=("hits", "sum"),
                   n_words=("n_words", "sum"))
              .reset_index())
    if normalize == "sentences":
        result["share"] = _share(result["sentences_with_frame"], result["n_sentences"])
    else:
        total = result.groupby([*by, *scheme, "actor_id"], sort=False)["hits"].transform("sum")
        result["share"] = _share(result["hits"], total)
    result["score"] = _per_hundred(result["hits"], result["n_words"])
    result = result.sort_values([*by, *scheme, "actor_id"], kind="stable").reset_index(drop=True)
    return _ints(result[[*by, *scheme, *ACTOR_COLUMNS]], ("n_sentences", "sentences_with_frame", "hits", "n_words"))


def frame_hits(tokens: pd.DataFrame, *, frames: FrameDictionary) -> pd.DataFrame:
    """Every counted match, as evidence: which term of which frame, where.

    Columns: ``article_id, sentence_id, token_id`` (first token; -1 if the table has
    none), ``frame``, ``term`` (as written in the dictionary, canonical form),
    ``matched`` (the lower-case tokens matched, space-separated), ``start, end``
    (character offsets of the match; -1 if the table has no offsets). The rows are
    exactly what :func:`score_sentences` counts.
    """
    prepared = _prepare(tokens)
    return _hit_table(prepared, _match(prepared, frames._matcher), frames)


def _hit_table(prepared: _Tokens, matches: _Matches, frames: FrameDictionary) -> pd.DataFrame:
    table, pos, last = prepared.table, matches.position, matches.position + matches.length - 1
    lower = table["lower"].to_numpy(dtype=object)
    matched = lower[pos].copy()
    for i in np.flatnonzero(matches.length > 1):
        matched[i] = " ".join(lower[pos[i]:last[i] + 1])
    offsets = {c: table[c].to_numpy()[p] if c in table else np.full(len(p), -1)
               for c, p in (("start", pos), ("end", last))}
    segments = prepared.segment[pos]
    return pd.DataFrame({
        "article_id": prepared.keys["article_id"].to_numpy()[segments],
        "sentence_id": prepared.keys["sentence_id"].to_numpy()[segments],
        "token_id": prepared.token_id[pos].astype(np.int32) if prepared.token_id is not None
        else np.full(len(pos), -1, np.int32),
        "frame": pd.Series(np.asarray(frames.names, dtype=object)[matches.frame], dtype="str"),
        "term": pd.Series(np.asarray(frames._matcher.term_text, dtype=object)[matches.term], dtype="str"),
        "matched": pd.Series(matched, dtype="str"),
        "start": offsets["start"].astype(np.int32),
        "end": offsets["end"].astype(np.int32),
    }, columns=HIT_COLUMNS)


def term_counts(hits: pd.DataFrame) -> pd.DataFrame:
    """How often each term matched, and as which words: ``frame, term, matched, n`` (most frequent first).

    Use it to audit wildcards (``accus*`` → accused, accusations, ...) on a corpus.
    """
    return (hits.groupby(["frame", "term", "matched"], sort=False).size().rename("n").reset_index()
            .sort_values(["n", "frame", "term", "matched"], ascending=[False, True, True, True], kind="stable")
            .reset_index(drop=True))


def method_note(frames: FrameDictionary) -> str:
    """A paragraph a write-up can cite for the frame scores of ``frames``."""
    n_terms = sum(len(f.terms) for f in frames.frames)
    return (f"Frames: dictionary '{frames.scheme}' ({frames.source}; {len(frames.frames)} frames, {n_terms} terms"
            f"{'; after ' + frames.citation if frames.citation else ''}). Terms match lower-cased word tokens "
            "(surface forms; a trailing '*' is a prefix match); multi-word terms match consecutive tokens within "
            "a sentence; within a frame a token counts once, the leftmost-longest match winning. Score = hits per "
            "100 word tokens (stop words included); a sentence's dominant frame is the one with most hits "
            "('mixed' on a tie, 'none' without hits).")


def _per_hundred(hits: pd.Series, words: pd.Series) -> pd.Series:
    return (100.0 * hits / words.where(words > 0)).fillna(0.0).astype(float)


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).fillna(0.0).astype(float)


def _ints(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return frame.astype({c: np.int32 for c in columns})


# --- the annotation layer ---------------------------------------------------------------------


def annotate_frames(articles: pd.DataFrame, tables: Mapping[str, pd.DataFrame], codebook: object,
                    settings: object) -> dict[str, pd.DataFrame]:
    """Annotation layer "frames": sentence frame scores of both built-in schemes.

    Returns ``{"frames": DataFrame}`` with columns ``article_id, sentence_id, scheme,
    frame, hits, n_words, score`` (see :func:`score_sentences`); rows depend only on
    their own article, as :data:`analysis.annotate.pipeline.LAYERS` requires.
    """
    prepared = _prepare(tables["tokens"])
    parts = []
    for scheme in SCHEMES:
        frames = load_frames(scheme)
        part = _sentence_table(prepared, _match(prepared, frames._matcher), frames)
        part.insert(2, "scheme", pd.Series(scheme, index=part.index, dtype="str"))
        parts.append(part)
    return {"frames": pd.concat(parts, ignore_index=True)}


# --- scoring any text file (validation against human labels) ---------------------------------


def score_texts(texts: Sequence[str], ids: Sequence[str], *, frames: FrameDictionary,
                level: Literal["sentence", "record"] = "sentence") -> pd.DataFrame:
    """Wide frame scores of plain texts: one row per sentence (or per text), for validation.

    Sentences and tokens come from the suite's text layer (paragraphs, then Punkt
    sentences; :func:`analysis.corpus.text.token_spans`). Columns: ``id``, (``sentence_id,
    start, end`` at sentence level), ``n_words``, ``hits_<frame>`` and
    ``score_<frame>`` per frame, ``dominant`` (see :func:`dominant_frames`) and the
    sentence ``text`` (sentence level).
    """
    sentence_rows: dict[str, list] = {"article_id": [], "sentence_id": [], "start": [], "end": [], "text": []}
    token_rows: dict[str, list] = {"article_id": [], "sentence_id": [], "token_id": [], "start": [], "end": [],
                                   "text": []}
    for record_id, text in zip(ids, texts):
        starts: list[int] = []
        for p_start, p_end in paragraph_spans(text):
            for s_start, s_end in sentence_spans(text[p_start:p_end], offset=p_start):
                sentence_rows["article_id"].append(record_id)
                sentence_rows["sentence_id"].append(len(starts))
                sentence_rows["start"].append(s_start)
                sentence_rows["end"].append(s_end)
                sentence_rows["text"].append(text[s_start:s_end])
                starts.append(s_start)
        spans = token_spans(text)
        token_starts = np.asarray([s for s, _ in spans], dtype=np.int64)
        sentence_of = np.searchsorted(np.asarray(starts, dtype=np.int64), token_starts, side="right") - 1
        token_rows["article_id"].extend([record_id] * len(spans))
        token_rows["sentence_id"].extend(np.maximum(sentence_of, 0).tolist())
        token_rows["token_id"].extend(range(len(spans)))
        token_rows["start"].extend(token_starts.tolist())
        token_rows["end"].extend(e for _, e in spans)
        token_rows["text"].extend(text[s:e] for s, e in spans)
    sentences = pd.DataFrame(sentence_rows)
    tokens = pd.DataFrame(token_rows)
    words = tokens["text"].astype(str)
    tokens["lower"] = words.str.lower().str.replace("’", "'", regex=False)
    tokens["is_word"] = words.str.contains(r"[^\W\d_]", regex=True).astype(bool)
    scores = score_sentences(tokens, frames=frames)
    if level == "record":
        scores = (scores.groupby(["article_id", "frame"], sort=False)[["hits", "n_words"]].sum().reset_index()
                  .assign(sentence_id=0))
        scores["score"] = _per_hundred(scores["hits"], scores["n_words"])
        keys = ["article_id"]
        base = pd.DataFrame({"article_id": list(ids)})
    else:
        keys = ["article_id", "sentence_id"]
        base = sentences
    wide = scores.pivot_table(index=keys, columns="frame", values=["hits", "score"], sort=False, observed=True)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([["hits", "score"], frames.names]))
    wide.columns = [f"{kind}_{frame}" for kind, frame in wide.columns]
    n_words = scores.drop_duplicates(keys).set_index(keys)["n_words"]
    dominant = dominant_frames(scores.drop(columns=[] if level == "sentence" else ["sentence_id"]))
    dominant = dominant.set_index(keys)["dominant"]
    out = base.set_index(keys).join(n_words).join(wide).join(dominant).reset_index()
    hit_columns = [f"hits_{f}" for f in frames.names]
    score_columns = [f"score_{f}" for f in frames.names]
    out[hit_columns] = out[hit_columns].fillna(0).astype(np.int64)
    out[score_columns] = out[score_columns].fillna(0.0).round(4)
    out["n_words"] = out["n_words"].fillna(0).astype(np.int64)
    out["dominant"] = out["dominant"].fillna(NO_FRAME)
    out = out.rename(columns={"article_id": "id"})
    head = ["id", "sentence_id", "start", "end"] if level == "sentence" else ["id"]
    tail = ["text"] if level == "sentence" else []
    return out[[*head, "n_words", *hit_columns, *score_columns, "dominant", *tail]]


def _read_records(path: Path, *, text_column: str, id_column: str | None, keep: Sequence[str]
                  ) -> tuple[list[str], list[str], dict[str, list[str]]]:
    from analysis.corpus.reader import _csv_rows, _jsonl_rows  # the corpus reader's line-numbered record streams

    if not path.is_file():
        raise InputError.at(path, field="path", expected="an existing .csv or .jsonl file", got="no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        rows = _csv_rows(path)
    elif suffix in (".jsonl", ".ndjson", ".json"):
        rows = _jsonl_rows(path)
    else:
        raise InputError.at(path, field="format", expected="a .csv, .tsv or .jsonl file", got=suffix or "no suffix")
    texts, ids, kept = [], [], {column: [] for column in keep}
    first_line: dict[str, int] = {}
    needed = [text_column, *([id_column] if id_column else []), *keep]
    for line, row in rows:
        if not isinstance(row, dict):
            raise InputError(row)
        for column in needed:
            if column not in row:
                raise InputError.at(path, line=line, field=column, expected=f"a {column!r} column",
                                    got="columns " + ", ".join(row) if row else "no columns")
        text = str(row[text_column]).replace("\r\n", "\n")
        if not text.strip():
            raise InputError.at(path, line=line, field=text_column, expected="a non-empty text", got="")
        record_id = str(row[id_column]).strip() if id_column else str(line)
        if not record_id:
            raise InputError.at(path, line=line, field=id_column, expected="a non-empty id", got="")
        if record_id in first_line:
            raise InputError.at(path, line=line, field=id_column or "line",
                                expected=f"a unique id (first used on line {first_line[record_id]})", got=record_id)
        first_line[record_id] = line
        texts.append(text)
        ids.append(record_id)
        for column in keep:
            kept[column].append(str(row[column]))
    if not texts:
        raise InputError.at(path, field=text_column, expected="at least one record", got="no records")
    return texts, ids, kept


def _command_score(args: argparse.Namespace) -> int:
    from analysis.store import write_text_atomic

    path, out = Path(args.file), Path(args.out)
    if out.resolve() == path.resolve():
        raise InputError.at(out, field="--out", expected="an output path other than the input file", got=str(out))
    frames = load_frames(args.scheme)
    keep = [c for c in (args.keep or "").split(",") if c]
    texts, ids, kept = _read_records(path, text_column=args.text_column, id_column=args.id_column, keep=keep)
    table = score_texts(texts, ids, frames=frames, level=args.level)
    if keep:
        extra = pd.DataFrame({"id": ids, **kept})
        table = table.merge(extra, on="id", how="left")
        table = table[["id", *keep, *[c for c in table.columns if c not in ("id", *keep)]]]
    id_name = args.id_column or "line"
    table = table.rename(columns={"id": id_name})
    write_text_atomic(out, table.to_csv(index=False))
    with_frame = int((table["dominant"] != NO_FRAME).sum())
    print(f"{out}: {len(table)} {args.level}s from {len(ids)} records, scheme {frames.scheme!r} "
          f"({len(frames.frames)} frames); {with_frame} with a dominant frame or mixed", file=sys.stderr)
    return 0


def _command_show(args: argparse.Namespace) -> int:
    frames = load_frames(args.scheme)
    print(f"scheme {frames.scheme!r} from {frames.source}")
    if frames.citation:
        print(f"citation: {frames.citation}")
    print(frames.summary().to_string(index=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis.frames score|show ...`` (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m analysis.frames",
                                     description="Score sentences with a frame dictionary.")
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="score every sentence (or record) of a CSV or JSONL file")
    score.add_argument("file", help="a .csv, .tsv or .jsonl file with a text column")
    score.add_argument("--text-column", default="text", help="column holding the text (default: text)")
    score.add_argument("--id-column", default=None,
                       help="column identifying each record (default: the record's line number)")
    score.add_argument("--scheme", default="generic", help="generic, policy or the path of a YAML dictionary")
    score.add_argument("--out", required=True, help="output CSV (written atomically)")
    score.add_argument("--level", choices=("sentence", "record"), default="sentence",
                       help="one row per sentence (default) or per record")
    score.add_argument("--keep", default="", help="comma-separated input columns to copy (e.g. a gold label)")
    show = commands.add_parser("show", help="list the frames and term counts of a scheme")
    show.add_argument("--scheme", default="generic", help="generic, policy or the path of a YAML dictionary")
    args = parser.parse_args(argv)
    try:
        return _command_score(args) if args.command == "score" else _command_show(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

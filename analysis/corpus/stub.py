"""A codebook stub from candidate actors: YAML in the format of ``seeds/actors.yaml``, ready to paste.

Each candidate (a row of :func:`analysis.corpus.candidates.candidate_actors`) becomes an
actor: ``id`` (a person's name used alone, an acronym, else the label, slugged to lower-case
letters, digits and ``_``; unique, and unlike the ids of ``existing_ids``), ``label``,
``type``, ``gender`` (persons, when gendered titles agree), ``aliases`` (the label first,
then the other variants by count, less those that end in another variant of two words or
more, and the capitals of a more frequent variant: "UKRAINE"), ``demonyms`` and
``metonyms``, and a comment with the count, articles, outlets and the evidence for the type.
Places and names of unknown type have no codebook type: they are written as ``country`` and
``organisation`` under a heading that says so. The stub loads with
:func:`analysis.corpus.codebook.load_codebook` as it is (an empty one, ``actors: []``, does
not: there is nothing to load).
"""

from __future__ import annotations

import json
import re
from typing import Iterable

import pandas as pd
import yaml

from analysis.corpus.names import fold, is_acronym

#: Candidate type → (codebook type, section heading); "place" and "unknown" have no codebook type.
SECTIONS = {"person": ("person", "persons"), "country": ("country", "countries"),
            "organisation": ("organisation", "organisations"), "group": ("group", "groups"),
            "outlet": ("outlet", "outlets"), "place": ("country", "places (no codebook type: written as country)"),
            "unknown": ("organisation", "type unknown (written as organisation)")}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#]*$")


def codebook_stub(candidates: pd.DataFrame, *, source: str = "", existing_ids: Iterable[str] = ()) -> str:
    """The YAML text of a codebook holding one actor per candidate (see the module docstring)."""
    used = set(existing_ids)
    lines = [f"# Candidate actors proposed by `python -m analysis candidates --format yaml`{' from ' + source if source else ''}.",
             "# Review each entry before use: check its type, split wrong merges, delete what is not an",
             "# actor, then paste the entries under `actors:` of your codebook (seeds/actors.yaml",
             "# documents the format). Counts are mentions of all aliases (demonyms not counted).",
             "settings:", "  count_demonyms: true", "  count_metonyms: true"]
    if candidates.empty:
        return "\n".join([*lines, "# no candidates: lower --min-count, or ask for more --types", "actors: []", ""])
    lines.append("actors:")
    for kind, (_, heading) in SECTIONS.items():
        rows = candidates[candidates["type"] == kind]
        if rows.empty:
            continue
        lines.append(f"  # --- {heading} " + "-" * max(3, 78 - len(heading)))
        for row in rows.itertuples(index=False):
            identifier = _unique(_id(row), used)
            used.add(identifier)
            lines += _actor(row, identifier)
    return "\n".join(lines) + "\n"


def _actor(row, identifier: str) -> list[str]:
    codebook_type, _ = SECTIONS[row.type]
    aliases = _aliases(row.candidate, _split(row.variants))
    lines = [f"  - id: {identifier}", f"    label: {_scalar(row.candidate)}", f"    type: {codebook_type}"]
    if row.type == "person" and getattr(row, "gender", "") in ("male", "female"):
        lines.append(f"    gender: {row.gender}")
    lines.append(f"    aliases: {_flow(aliases)}")
    for field in ("demonyms", "metonyms"):
        if _split(getattr(row, field, "")):
            lines.append(f"    {field}: {_flow(_capitals(_split(getattr(row, field))))}")
    note = f"{row.count:,} mentions in {row.n_articles:,} articles, {row.n_outlets} outlets"
    lines.append(f"    # {note}; {row.type}: {row.evidence or 'no evidence'}".replace("\n", " "))
    return lines


def _aliases(label: str, variants: list[str]) -> list[str]:
    """The label, then the variants, without those that end in another variant of two words or
    more ("Affairs Dmytro Kuleba", "Biden-Xi Jinping": the codebook matches them through it),
    and without the capitals of a more frequent variant ("UKRAINE" after "Ukraine")."""
    names = [label, *[v for v in variants if v != label]]
    longer = [n for n in names if " " in n]
    return _capitals([n for n in names
                      if not any(n != other and (n.endswith(" " + other) or n.endswith("-" + other))
                                 for other in longer)])


def _capitals(names: list[str]) -> list[str]:
    """``names`` (most frequent first) without the capitals of a more frequent name ("MOSCOW"
    after "Moscow", a dateline's; "NATO" before "Nato" stays)."""
    kept, seen = [], set()
    for name in names:
        if not (name.isupper() and name.lower() in seen):
            kept.append(name)
        if not name.isupper():
            seen.add(name.lower())
    return kept


def _split(text: str) -> list[str]:
    return [part for part in str(text or "").split("; ") if part]


def _id(row) -> str:
    """A person's name used alone ("putin", "xi"), else surname; a multiword name's acronym
    when it has one ("nato"); else the label."""
    variants = _split(row.variants)
    if row.type == "person":
        alone = [v for v in variants if " " not in v and not v.isupper()]
        base = alone[0] if alone else row.candidate.split()[-1]
    else:
        acronyms = [v for v in variants if is_acronym(v)]
        base = acronyms[0] if acronyms and " " in row.candidate else row.candidate
    return _NOT_SLUG.sub("_", fold(base)).strip("_") or "actor"


def _unique(identifier: str, used: set[str]) -> str:
    candidate, n = identifier, 2
    while candidate in used:
        candidate, n = f"{identifier}_{n}", n + 1
    return candidate


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when YAML reads it back as the same string, else double-quoted."""
    if _PLAIN.match(text) and ": " not in text and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(_scalar(item) for item in items) + "]"

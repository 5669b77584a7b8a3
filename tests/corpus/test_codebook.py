"""Codebook loading and validation: every problem names its line and field."""

from __future__ import annotations

import pytest

from analysis.corpus.codebook import load_codebook, parse_codebook
from analysis.errors import InputError
from analysis.paths import DEFAULT_CODEBOOK

GOOD = """actors:
  - id: putin
    label: Vladimir Putin
    type: person
    gender: male
    aliases: [Vladimir Putin, Putin]
"""


def test_default_codebook_has_the_required_actors():
    codebook = load_codebook(DEFAULT_CODEBOOK)
    required = {"biden", "kirby", "putin", "united_states", "russia", "ukraine", "nato", "pentagon", "romania",
                "poland", "germany", "zelenskyy", "blinken", "lavrov", "european_union", "united_kingdom", "china"}
    assert required <= set(codebook.ids)
    assert all(codebook[a].gender in ("male", "female") for a in codebook.ids if codebook[a].type == "person")
    assert len(set(codebook.colours().values())) == len(codebook.ids)  # a distinct colour each
    assert codebook["russia"].metonyms == ("Kremlin", "Moscow")


def test_parse_good_codebook():
    codebook = parse_codebook(GOOD)
    assert codebook.ids == ["putin"] and codebook["putin"].aliases == ("Vladimir Putin", "Putin")
    assert codebook.count_demonyms and codebook.count_metonyms
    with pytest.raises(KeyError, match="no actor 'biden'"):
        codebook["biden"]


@pytest.mark.parametrize("text, line, field", [
    (GOOD + "    nickname: Vlad\n", 7, "nickname"),                                   # unknown key
    (GOOD + "  - id: putin\n    label: P\n    type: person\n    aliases: [P]\n", 7, "id"),  # duplicate id
    (GOOD + "  - id: p2\n    label: P\n    type: person\n    aliases: [Putin]\n", 10, "aliases"),  # alias twice
    (GOOD.replace("[Vladimir Putin, Putin]", "[Vladimir Putin, '']"), 6, "aliases"),  # empty alias
    (GOOD + "    patterns: ['Put(in']\n", 7, "patterns"),                           # invalid pattern
    (GOOD.replace("type: person", "type: celebrity"), 4, "type"),
    (GOOD.replace("gender: male", "gender: yes"), 5, "gender"),
    (GOOD.replace("id: putin", "id: ../putin"), 2, "id"),
    ("settings:\n  count_everything: true\n" + GOOD, 2, "count_everything"),
    ("actors: [\n", 2, "yaml"),
])
def test_invalid_codebooks_name_the_line(text, line, field):
    with pytest.raises(InputError) as error:
        parse_codebook(text, source="book.yaml")
    problem = error.value.problem
    assert (problem.line, problem.field) == (line, field), str(error.value)
    assert str(error.value).startswith(f"book.yaml, line {line}, field '{field}': expected")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="a readable codebook file"):
        load_codebook(tmp_path / "none.yaml")


def test_hash_is_computed_once_and_not_pickled():
    import pickle

    codebook = load_codebook(DEFAULT_CODEBOOK)
    same = parse_codebook(DEFAULT_CODEBOOK.read_text(encoding="utf-8") + "\n# a comment\n", source=codebook.source)
    assert same == codebook and hash(same) == hash(codebook)  # equal codebooks hash alike (digests differ)
    assert "_hash" in codebook.__dict__
    copy = pickle.loads(pickle.dumps(codebook))
    assert "_hash" not in copy.__dict__ and copy == codebook and hash(copy) == hash(codebook)

"""Speaker resolution (analysis.framing.speakers), called directly on the literal cases of test_quotes."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.annotate.pipeline import annotate_article
from analysis.corpus.codebook import load_codebook
from analysis.paths import DEFAULT_CODEBOOK
from analysis.framing.quotes import article_inputs
from analysis.framing.speakers import Speaker, _Article, phrase_after, recipient_after, resolve_phrase, subject_before


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(DEFAULT_CODEBOOK)


def article(body: str, codebook) -> _Article:
    record = {"article_id": "a", "title": "", "text": body}
    (_, doc, sentences, mentions), = article_inputs(pd.DataFrame([record]), annotate_article(record, codebook))
    return _Article(doc, sentences, mentions)


@pytest.mark.parametrize("body, phrase, expected", [
    ('"We need help," a spokesperson said.', "a spokesperson", Speaker((), "a spokesperson", "unnamed")),
    ('"We need help," Jane Smith told the BBC.', "Jane Smith", Speaker((), "Jane Smith", "named_other")),
    ("Russia will respond, the Kremlin said.", "the Kremlin", Speaker(("russia",), "the Kremlin", "actor")),
    ("The U.S. and NATO allies argue Russia is the aggressor.", "The U.S. and NATO allies",
     Speaker(("united_states", "nato"), "The U.S. and NATO allies", "actor")),
])
def test_resolve_phrase(codebook, body, phrase, expected):
    art = article(body, codebook)
    start = art.doc.index(phrase)
    assert resolve_phrase(art, start, start + len(phrase)) == expected


def test_subject_before_the_verb(codebook):
    art = article("Putin claimed that NATO had threatened Russia.", codebook)
    assert subject_before(art, art.doc.index("claimed"), 0) == Speaker(("putin",), "Putin", "actor")


def test_phrase_after_an_inverted_verb(codebook):
    art = article('"We will not back down," said Putin.', codebook)
    start, end = phrase_after(art, art.doc.index("said") + len("said"), len(art.doc))
    assert art.doc[start:end] == "Putin"


def test_recipient_of_tell(codebook):
    art = article("Zelensky told CNN that Ukraine would fight.", codebook)
    verb_end = art.doc.index("told") + len("told")
    assert recipient_after(art, "tell", verb_end, len(art.doc)) == ("CNN", art.doc.index("CNN") + len("CNN"))

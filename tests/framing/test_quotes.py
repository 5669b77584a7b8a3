"""Tests for analysis.framing.quotes and analysis.framing.voice: literal fixtures checked by hand, and the seed article."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.annotate.pipeline import annotate_article
from analysis.corpus.codebook import load_codebook
from analysis.corpus.reader import read_corpus
from analysis.paths import DEFAULT_CODEBOOK, Q1_CORPUS, SEEDS
from analysis.framing.quotes import QUOTE_COLUMNS, annotate_quotes, verb_class
from analysis.framing.voice import attribution_verbs, verb_class_shares, voice


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(DEFAULT_CODEBOOK)


def quotes_of(body: str, codebook, title: str = "") -> pd.DataFrame:
    article = {"article_id": "a", "title": title, "text": body}
    tables = annotate_article(article, codebook)
    return annotate_quotes(pd.DataFrame([article]), tables, codebook)["quotes"]


def rows(quotes: pd.DataFrame) -> list[tuple]:
    return list(quotes[["kind", "text", "speaker_actor_id", "speaker_text", "speaker_type", "verb",
                        "verb_class", "recipient", "cue"]].itertuples(index=False, name=None))


class TestFindQuotes:
    @pytest.mark.parametrize("body, expected", [
        ('"We will not back down," said Putin.',
         [("direct", "We will not back down", "putin", "Putin", "actor", "said", "neutral", "", "after_inverted")]),
        ('Kirby said: "The forces are ready."',
         [("direct", "The forces are ready.", "kirby", "Kirby", "actor", "said", "neutral", "", "before")]),
        ('"We need help," a spokesperson said.',
         [("direct", "We need help", "", "a spokesperson", "unnamed", "said", "neutral", "", "after")]),
        ('"We need help," Jane Smith told the BBC.',
         [("direct", "We need help", "", "Jane Smith", "named_other", "told", "neutral", "the BBC", "after")]),
        ("Putin claimed that NATO had threatened Russia.",
         [("indirect", "NATO had threatened Russia", "putin", "Putin", "actor", "claimed", "marked", "", "that")]),
        ("Zelensky told CNN that Ukraine would fight.",
         [("indirect", "Ukraine would fight", "zelenskyy", "Zelensky", "actor", "told", "neutral", "CNN", "that")]),
        ("Russia will respond, the Kremlin said.",
         [("indirect", "Russia will respond", "russia", "the Kremlin", "actor", "said", "neutral", "", "trailing")]),
        ("Troops are massing at the border, according to a senior U.S. official.",
         [("according_to", "Troops are massing at the border", "", "a senior U.S. official", "unnamed",
           "according to", "neutral", "", "according_to")]),
        ('The troops were put on "heightened alert" last week.', []),   # a scare quote: nobody speaks
    ])
    def test_literal(self, codebook, body, expected):
        assert rows(quotes_of(body, codebook)) == expected

    def test_pronoun_and_continuation(self, codebook):
        body = "“We are ready,” Kirby said.\n\n“This is a long quote that goes on,” he added. “It continues here.”"
        assert rows(quotes_of(body, codebook)) == [
            ("direct", "We are ready", "kirby", "Kirby", "actor", "said", "neutral", "", "after"),
            ("direct", "This is a long quote that goes on", "kirby", "he", "actor", "added", "neutral", "", "after"),
            ("direct", "It continues here.", "kirby", "he", "actor", "", "", "", "continued"),
        ]

    def test_quote_across_paragraphs(self, codebook):
        body = '"This is the first paragraph of a long statement.\n\n"And this is the second paragraph," Kirby said.'
        quotes = quotes_of(body, codebook)
        assert len(quotes) == 1
        row = quotes.iloc[0]
        assert (row.kind, row.speaker_actor_id, row.verb, row.n_words) == ("direct", "kirby", "said", 15)
        assert row.text.startswith("This is the first") and row.text.endswith("second paragraph")

    def test_coordinated_speakers_and_clauses(self, codebook):
        body = "Putin accused Ukraine of genocide, Lavrov insisted the talks were over and Peskov warned the West."
        assert [(k, t, s, v, c) for k, t, s, _, _, v, c, _, _ in rows(quotes_of(body, codebook))] == [
            ("indirect", "Ukraine of genocide", "putin", "accused", "marked"),
            ("indirect", "the talks were over", "lavrov", "insisted", "marked"),
            ("indirect", "the West", "peskov", "warned", "marked"),
        ]

    def test_offsets_point_into_the_document(self, codebook):
        body = 'Kirby said: "The forces are ready." Putin claimed that NATO had threatened Russia.'
        quotes = quotes_of(body, codebook, title="A title")
        doc = "A title\n\n" + body
        assert list(quotes.columns) == QUOTE_COLUMNS
        assert all(doc[r.start:r.end] == r.text for r in quotes.itertuples())
        assert quotes["sentence_id"].tolist() == [1, 2]

    def test_verb_class(self):
        assert verb_class("said") == ("say", "neutral")
        assert verb_class("claimed") == ("claim", "marked")
        assert verb_class("according to") == ("according to", "neutral")
        assert verb_class("ate") == ("", "")


@pytest.fixture(scope="module")
def seed_quotes(codebook):
    articles = read_corpus(SEEDS).articles
    tables = annotate_article(articles.iloc[0], codebook)
    return annotate_quotes(articles, tables, codebook)["quotes"]


KIRBY_1 = ("President Biden has been clear that the United States will respond to the growing threat to Europe's "
           "security and stability. Our commitment to NATO Article 5 and collective defense remains ironclad. As "
           "part of this commitment and to be prepared for a range of contingencies, the United States will soon "
           "move additional forces to Romania, Poland, and Germany")
KIRBY_2 = ("I want to be very clear about something. These are not permanent moves. They are moved designed to "
           "respond to the current security environment. Moreover, these forces are not going to fight in Ukraine. "
           "They are going to ensure the robust defense of our NATO allies")
OFFICIAL = ("about 3,000 U.S. troops will be given orders to deploy to Europe or, if they’re already in Europe, to "
            "head to countries in eastern Europe")
PUTIN = ('the escalating tensions on the U.S. and the West for having "ignored" Russia\'s key demand that NATO bar '
         'Ukraine from joining the organization')


class TestSeedGolden:
    """The seed article, read by hand (issue 4 states what must hold)."""

    @pytest.fixture
    def quotes(self, seed_quotes):
        return seed_quotes

    def test_every_quote(self, quotes):
        assert rows(quotes) == [
            ("direct", KIRBY_1, "kirby", "Kirby", "actor", "said", "neutral", "", "after"),
            ("direct", KIRBY_2, "kirby", "he", "actor", "added", "neutral", "", "after"),
            ("indirect", OFFICIAL, "", "A senior defense official", "unnamed", "confirmed", "neutral", "ABC News",
             "that"),
            ("indirect", 'he would be moving American forces "in the near term."', "biden", "Biden", "actor", "told",
             "neutral", "reporters", "that"),
            ("partial", "in the near term", "biden", "Biden", "actor", "told", "neutral", "reporters", "sentence"),
            ("indirect", PUTIN, "putin", "Russian President Vladimir Putin", "actor", "blamed", "marked", "",
             "object"),
            ("partial", "ignored", "putin", "Russian President Vladimir Putin", "actor", "blamed", "marked", "",
             "sentence"),
            ("indirect", "Russia is the aggressor, having already invaded Crimea and massing troops at the border",
             "united_states;nato", "The U.S. and NATO allies", "actor", "argue", "marked", "", "clause"),
        ]

    def test_kirby_spans_three_sentences_then_five(self, quotes):
        kirby = quotes[quotes["speaker_actor_id"] == "kirby"]
        first, second = kirby.iloc[0], kirby.iloc[1]
        assert first.text.endswith("move additional forces to Romania, Poland, and Germany")
        assert (first.sentence_id, first.n_words, first.speaker_text, first.cue) == (3, 58, "Kirby", "after")
        assert second.text.startswith("I want to be very clear") and second.text.endswith("robust defense of our NATO allies")
        assert (second.sentence_id, second.speaker_text, second.cue) == (6, "he", "after")

    def test_unnamed_source_to_abc(self, quotes):
        row = quotes[quotes["speaker_type"] == "unnamed"].iloc[0]
        assert (row.speaker_text, row.recipient, row.verb_lemma) == ("A senior defense official", "ABC News", "confirm")
        assert row.text.endswith("to head to countries in eastern Europe")

    def test_putin_partial_ignored(self, quotes):
        row = quotes[(quotes["kind"] == "partial") & (quotes["speaker_actor_id"] == "putin")].iloc[0]
        assert (row.text, row.verb, row.verb_lemma, row.verb_class, row.speaker_text) == (
            "ignored", "blamed", "blame", "marked", "Russian President Vladimir Putin")

    def test_voice(self, quotes):
        table = voice(quotes)
        kirby = table[table["actor"] == "kirby"].iloc[0]
        assert (kirby.quotes, kirby.direct, kirby.quoted_words) == (2, 2, 104)
        assert kirby.share_quoted_words == round(104 / 109, 4)
        assert table["actor"].tolist()[:3] == ["kirby", "biden", "putin"]
        assert set(table["actor"]) == {"kirby", "biden", "putin", "[unnamed]", "united_states", "nato"}

    def test_attribution_verbs(self, quotes):
        shares = verb_class_shares(quotes).set_index("speaker")
        assert shares.loc["putin", "marked"] == 2 and shares.loc["kirby", "marked"] == 0
        verbs = attribution_verbs(quotes)
        assert verbs[verbs["speaker"] == "kirby"][["verb_lemma", "n"]].values.tolist() == [["add", 1], ["say", 1]]


class TestVoiceByOutlet:
    def test_shares_within_outlet(self):
        quotes = pd.DataFrame({
            "article_id": ["a", "a", "b"], "quote_id": [0, 1, 0], "kind": ["direct", "partial", "direct"],
            "speaker_actor_id": ["x", "", "x"], "speaker_type": ["actor", "unnamed", "actor"],
            "n_words": [6, 2, 5], "verb_lemma": ["say", "claim", "say"], "verb_class": ["neutral", "marked", "neutral"]})
        articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["O1", "O2"]})
        table = voice(quotes, articles, by=("actor", "outlet"))
        assert table[["outlet", "actor", "quoted_words", "share_quoted_words"]].values.tolist() == [
            ["O1", "x", 6, 0.75], ["O1", "[unnamed]", 2, 0.25], ["O2", "x", 5, 1.0]]

    def test_empty(self):
        empty = pd.DataFrame(columns=QUOTE_COLUMNS)
        assert voice(empty).empty and attribution_verbs(empty).empty and verb_class_shares(empty).empty


@pytest.mark.shared
def test_q1_sample_runs():
    if not Q1_CORPUS.exists():
        pytest.skip(f"shared data not available: {Q1_CORPUS} (clone without ../shared)")
    codebook = load_codebook(DEFAULT_CODEBOOK)
    articles = read_corpus(Q1_CORPUS).articles.head(40)
    from analysis.annotate.pipeline import annotate_records

    tables = annotate_records(articles.to_dict("records"), codebook)
    quotes = annotate_quotes(articles, tables, codebook)["quotes"]
    assert len(quotes) > 40 and set(quotes["kind"]) <= {"direct", "partial", "indirect", "according_to"}

"""Text layer: Punkt sentences with offsets, tokens, stop words, stems."""

from __future__ import annotations

import json

import pytest
from nltk.tokenize.punkt import PunktSentenceTokenizer

from analysis.annotate.pipeline import annotate_article
from analysis.corpus.text import (abbreviations, normalize, paragraph_spans, punkt_parameters, sentence_spans, stem,
                           stopwords, token_spans)
from conftest import article, require_shared


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


class TestSentences:
    @pytest.mark.parametrize("text, expected", [
        ("Gen. Mark Milley spoke. He left.", ["Gen. Mark Milley spoke.", "He left."]),
        ("The U.S. and Russia met on Feb. 2 in Geneva. Talks failed.",
         ["The U.S. and Russia met on Feb. 2 in Geneva.", "Talks failed."]),
        ('"We will respond," Kirby said. "Not now."', ['"We will respond," Kirby said.', '"Not now."']),
        ("Is it over? No! It is not.", ["Is it over?", "No!", "It is not."]),
    ])
    def test_punkt_with_written_abbreviations(self, text, expected):
        assert sentences(text) == expected

    def test_offsets_are_shifted(self):
        assert sentence_spans("It rained. We left.", offset=10) == [(10, 20), (21, 29)]

    def test_paragraphs_split_on_blank_lines(self):
        text = "One.\n\nTwo a.\nTwo b.\n \nThree."
        assert [text[s:e] for s, e in paragraph_spans(text)] == ["One.", "Two a.\nTwo b.", "Three."]

    def test_headline_is_its_own_sentence_and_never_merges(self, tiny_codebook):
        tables = annotate_article(article("Putin spoke. Kirby replied.", title="No period headline"), tiny_codebook)
        sent = tables["sentences"]
        assert sent["text"].tolist() == ["No period headline", "Putin spoke.", "Kirby replied."]
        assert sent["is_headline"].tolist() == [True, False, False]
        assert sent["is_lead"].tolist() == [False, True, False]
        assert sent["paragraph_id"].tolist() == [0, 1, 1]

    def test_abbreviations_are_punkt_types(self):
        assert {"u.s", "gen", "sen", "feb"} <= abbreviations()
        assert "no" not in abbreviations()  # "said no." ends sentences far more often than "No. 1"

    def test_memoised_punkt_decides_as_punkt(self, seed_article):
        plain = PunktSentenceTokenizer(punkt_parameters())
        text = seed_article["text"]
        assert list(plain.span_tokenize(text)) == sentence_spans(text) == sentence_spans(text)

    def test_fast_punkt_decides_as_punkt_on_q1(self, q1_articles):
        """Memoised decisions and unguarded regexes: the same boundaries as NLTK's Punkt."""
        plain = PunktSentenceTokenizer(punkt_parameters())
        for text in q1_articles["text"].iloc[::4]:
            assert list(plain.span_tokenize(text)) == sentence_spans(text)

    @pytest.mark.parametrize("context", [
        "troops. The", "Gen. Milley", "J. Bach", "J. said", "J. ,", "J. 3", "3. The", "3. and", "No. 1", "U.S. forces",
        "U.S. The", "a.m. Then", "ex-Gen. Smith", "wait... What", "wait.. what", "end? Yes", "no! ok", "up. (The",
        'said." The', "Mr. Biden", "Jan. 24", "1.5. Then", "-3. next", "x.\n\nThe", "x.\nthe", "A. ;", "Inc. shares",
        "e.g. this", "_. X", "É. Macron", "Ü. über", "2022. Russia", "said. \"", "it. 'Tis",
    ])
    def test_untrained_decisions_are_punkt_decisions(self, context):
        """The short rule for parameters with abbreviations only equals Punkt's two annotation passes."""
        from analysis.corpus.text import sentence_tokenizer

        plain = PunktSentenceTokenizer(punkt_parameters())
        fast = sentence_tokenizer()
        fast._decisions.clear()
        assert fast.text_contains_sentbreak(context) == plain.text_contains_sentbreak(context)

    def test_newsmtsc_boundaries(self):
        """Share of gold boundaries found exactly, joining NewsMTSC sentences five at a time (bench/bench_sentences.py)."""
        from bench_sentences import boundary_recall

        path = require_shared("data", "newsmtsc", "devtest_mt.jsonl")
        texts = [json.loads(line)["sentence_normalized"] for line in path.read_text().splitlines()]
        assert boundary_recall(texts)["punctuated"] >= 0.98


class TestTokens:
    @pytest.mark.parametrize("text, expected", [
        ("U.S. troops, 3,000 of them.", ["U.S.", "troops", ",", "3,000", "of", "them", "."]),
        ("Russia’s demand isn't new", ["Russia", "’s", "demand", "is", "n't", "new"]),
        ("Don't go to Russia-Ukraine talks", ["Do", "n't", "go", "to", "Russia-Ukraine", "talks"]),
        ("(WASHINGTON) -- at 9 p.m.", ["(", "WASHINGTON", ")", "-", "-", "at", "9", "p.m."]),
    ])
    def test_token_spans(self, text, expected):
        assert [text[s:e] for s, e in token_spans(text)] == expected

    @pytest.mark.parametrize("text", [
        "Don't they? He didn’t, and can't won’t. U.S.-led n't", "Russia's 3,000 troops: 8.5% (!) O'Neill",
        "", "   ", "n't", "xn't yn’t don'", "İstanbul café naïve — 10:30 2/3",
    ])
    def test_token_arrays_and_word_counts_equal_token_spans(self, text):
        from analysis.corpus.text import count_words, is_word, token_arrays

        spans = token_spans(text)
        tokens, starts, ends = token_arrays(text)
        assert list(zip(starts.tolist(), ends.tolist())) == spans
        assert tokens == [text[s:e] for s, e in spans]
        assert count_words(text) == sum(1 for s, e in spans if is_word(text[s:e]))

    def test_token_table(self, tiny_codebook):
        tokens = annotate_article(article("The Russians’ tanks."), tiny_codebook)["tokens"]
        assert tokens["text"].tolist() == ["The", "Russians", "’", "tanks", "."]
        assert tokens["lower"].tolist() == ["the", "russians", "'", "tanks", "."]
        assert tokens["is_stop"].tolist() == [True, False, False, False, False]
        assert tokens["is_word"].tolist() == [True, True, False, True, False]
        assert tokens["start"].tolist() == [0, 4, 12, 14, 19]

    def test_stems_and_normalize(self, tiny_codebook):
        from analysis.annotate.pipeline import Settings

        tokens = annotate_article(article("Deployments were ordered."), tiny_codebook, settings=Settings(stem=True))["tokens"]
        assert tokens["stem"].tolist() == ["deploy", "were", "order", "."]
        assert stem("invading") == "invad" and normalize("Russia’s") == "russia's"

    def test_written_stopwords_say_their_source(self):
        words, source = stopwords("written")
        assert {"the", "and", "n't", "'s"} <= words and "us" not in words
        assert source == "analysis/resources/stopwords_en.txt"
        assert len(words) >= 179

"""Frame scores (analysis.framing.frames, with the matching of analysis.framing.matching): hand-counted fixtures."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis.framing import frames as F
from analysis.framing.dictionaries import load_frames, parse_frames
from analysis.annotate.pipeline import annotate_article
from analysis.corpus.codebook import parse_codebook
from analysis.corpus.text import token_spans

TINY = parse_frames(textwrap.dedent("""\
    scheme: tiny
    frames:
      conflict:
        label: Conflict
        terms: [accus*, war of words, war, blame]
      law:
        terms: [war crimes, crime*, rule of law, law]
      econ:
        terms: [sanction*, price, prices]
    """), source="tiny.yaml")


def tokens_of(*sentences: str, article_id: str = "a1") -> pd.DataFrame:
    """A token table like analysis.annotate.pipeline's: one row per token, sentences in order."""
    rows, offset = [], 0
    for sentence_id, sentence in enumerate(sentences):
        for start, end in token_spans(sentence):
            word = sentence[start:end]
            rows.append({"article_id": article_id, "sentence_id": sentence_id, "token_id": len(rows),
                         "start": offset + start, "end": offset + end, "text": word,
                         "lower": word.lower().replace("’", "'"), "is_word": any(c.isalpha() for c in word)})
        offset += len(sentence) + 1
    return pd.DataFrame(rows, columns=["article_id", "sentence_id", "token_id", "start", "end", "text", "lower",
                                       "is_word"])


def hits_of(table: pd.DataFrame) -> dict[tuple[int, str], int]:
    return {(s, f): h for s, f, h in table[["sentence_id", "frame", "hits"]].itertuples(index=False) if h}


class TestScoreSentences:
    def test_hand_counted_hits(self):
        tokens = tokens_of(
            "Moscow accused Kyiv of war crimes, and Kyiv accuses Moscow.",   # 0
            "It is a war of words over the rule of law.",                     # 1
            "The war, crimes and prices.",                                    # 2
            "Nothing here.",                                                  # 3
        )
        table = F.score_sentences(tokens, frames=TINY)
        assert list(table.columns) == F.SENTENCE_COLUMNS
        assert len(table) == 4 * 3                       # every sentence × every frame
        assert hits_of(table) == {
            # accused, accuses (wildcard); "war" of "war crimes" still counts for conflict;
            # law: "war crimes" is one hit (longest match), not also "crime*"
            (0, "conflict"): 3, (0, "law"): 1,
            # "war of words" is one conflict hit (not also "war"); "rule of law" one law hit
            (1, "conflict"): 1, (1, "law"): 1,
            # punctuation breaks the phrase: "war" and "crime*" count on their own
            (2, "conflict"): 1, (2, "law"): 1, (2, "econ"): 1,
        }
        words = table.drop_duplicates("sentence_id")["n_words"].tolist()
        assert words == [10, 11, 5, 2]                   # stop words count as words, punctuation does not
        first = table[(table.sentence_id == 0) & (table.frame == "conflict")].iloc[0]
        assert first["score"] == pytest.approx(30.0)     # 3 hits per 10 words → 30 per 100

    def test_phrases_do_not_cross_sentences(self):
        tokens = tokens_of("They spoke of war.", "Crimes followed.")
        assert F.frame_hits(tokens, frames=TINY)["term"].tolist() == ["war", "crime*"]

    def test_stop_words_match_only_when_listed(self):
        frames = parse_frames("frames:\n  x:\n    terms: [the west, against]\n")
        hits = F.frame_hits(tokens_of("The West stood against the war in the east."), frames=frames)
        assert hits["matched"].tolist() == ["the west", "against"]

    def test_a_token_counts_once_per_frame_and_once_in_each_frame(self):
        frames = parse_frames("frames:\n  a:\n    terms: [attack, attack*]\n  b:\n    terms: [attack*]\n")
        hits = F.frame_hits(tokens_of("An attack and attacks."), frames=frames)
        assert hits[["frame", "term", "matched"]].values.tolist() == [
            ["a", "attack", "attack"], ["b", "attack*", "attack"], ["a", "attack*", "attacks"],
            ["b", "attack*", "attacks"]]

    def test_frame_hits_offsets_point_into_the_text(self):
        text = "Moscow accused Kyiv of war crimes."
        hits = F.frame_hits(tokens_of(text), frames=TINY)
        assert [text[s:e] for s, e in zip(hits.start, hits.end)] == ["accused", "war", "war crimes"]
        assert hits.columns.tolist() == F.HIT_COLUMNS

    def test_rows_out_of_order_are_restored(self):
        tokens = pd.concat([tokens_of("War here.", article_id="b"), tokens_of("Prices rose.", article_id="a")])
        shuffled = tokens.sample(frac=1.0, random_state=1)
        expected = F.score_sentences(tokens, frames=TINY).sort_values(["article_id", "frame"]).reset_index(drop=True)
        got = F.score_sentences(shuffled, frames=TINY).sort_values(["article_id", "frame"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)

    def test_empty_token_table(self):
        table = F.score_sentences(tokens_of(), frames=TINY)
        assert table.empty and list(table.columns) == F.SENTENCE_COLUMNS


class TestDominantFrames:
    @pytest.mark.parametrize("sentence,ties,expected", [
        ("Accused of war crimes by the accused.", "mixed", "conflict"),      # 2 conflict (+war) vs 1 law
        ("War and law.", "mixed", "mixed"),
        ("War and law.", "alphabetical", "conflict"),
        ("Law and prices.", "alphabetical", "econ"),
        ("Nothing here.", "mixed", "none"),
    ])
    def test_dominant(self, sentence, ties, expected):
        table = F.dominant_frames(F.score_sentences(tokens_of(sentence), frames=TINY), ties=ties)
        assert table["dominant"].tolist() == [expected]

    def test_columns_and_counts(self):
        table = F.dominant_frames(F.score_sentences(tokens_of("War and law.", "Prices."), frames=TINY))
        assert table.columns.tolist() == ["article_id", "sentence_id", "dominant", "hits", "n_frames"]
        assert table[["dominant", "hits", "n_frames"]].values.tolist() == [["mixed", 1, 2], ["econ", 1, 1]]


class TestArticlesAndActors:
    def test_score_articles(self):
        tokens = tokens_of("War and war.", "Prices rose.", "Nothing.")
        table = F.score_articles(tokens, frames=TINY)
        assert table.columns.tolist() == F.ARTICLE_COLUMNS
        row = table.set_index("frame").loc["conflict"]
        assert (row.hits, row.n_words, row.n_sentences, row.sentences_with_frame) == (2, 6, 3, 1)
        assert row.score == pytest.approx(100 * 2 / 6) and row.share == pytest.approx(1 / 3)

    @pytest.fixture
    def article_tables(self):
        codebook = parse_codebook(textwrap.dedent("""\
            actors:
              - id: russia
                label: Russia
                type: country
                aliases: [Russia]
              - id: ukraine
                label: Ukraine
                type: country
                aliases: [Ukraine]
            """))
        article = {"article_id": "x1", "title": "",
                   "text": "Russia accused Ukraine of war crimes. Ukraine said prices rose."}
        return annotate_article(article, codebook)

    def test_actor_frames_two_sentences(self, article_tables):
        scores = F.score_sentences(article_tables["tokens"], frames=TINY)
        table = F.actor_frames(scores, article_tables["mentions"])
        assert table.columns.tolist() == F.ACTOR_COLUMNS
        got = {(a, f): (n, w, h) for a, f, n, w, h in
               table[["actor_id", "frame", "n_sentences", "sentences_with_frame", "hits"]].itertuples(index=False)}
        # sentence 0 (Russia, Ukraine): conflict 2 (accused, war), law 1; sentence 1 (Ukraine): econ 1
        assert got == {("russia", "conflict"): (1, 1, 2), ("russia", "law"): (1, 1, 1), ("russia", "econ"): (1, 0, 0),
                       ("ukraine", "conflict"): (2, 1, 2), ("ukraine", "law"): (2, 1, 1),
                       ("ukraine", "econ"): (2, 1, 1)}
        shares = table.set_index(["actor_id", "frame"])["share"]
        assert shares[("ukraine", "econ")] == pytest.approx(0.5)
        profile = F.actor_frames(scores, article_tables["mentions"], normalize="hits").set_index(["actor_id", "frame"])
        assert profile.loc[("ukraine", "conflict"), "share"] == pytest.approx(0.5)
        assert profile.loc[("russia", "econ"), "share"] == 0.0

    def test_actor_frames_by_outlet_and_layer(self, article_tables):
        layer = F.annotate_frames(pd.DataFrame(), article_tables, None, None)["frames"]
        assert layer.columns.tolist() == ["article_id", "sentence_id", "scheme", "frame", "hits", "n_words", "score"]
        assert set(layer["scheme"]) == {"generic", "policy"}
        assert len(layer) == 2 * (5 + 14)
        table = F.actor_frames(layer.assign(outlet="abc"), article_tables["mentions"], by="outlet")
        assert table.columns.tolist()[:3] == ["outlet", "scheme", "actor_id"]
        war = table[(table.scheme == "policy") & (table.frame == "crime_punishment")].set_index("actor_id")
        assert war.loc["russia", "hits"] == 1                    # "war crimes"

    def test_method_note_names_the_dictionary(self):
        note = F.method_note(load_frames("generic"))
        assert "Semetko" in note and "per 100 word tokens" in note


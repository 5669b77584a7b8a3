"""Frame dictionaries and scores: hand-counted fixtures, validation errors, the CLI."""

from __future__ import annotations

import json
import textwrap

import pandas as pd
import pytest

from analysis.framing import frames as F
from analysis.annotate.pipeline import annotate_article
from analysis.corpus.codebook import parse_codebook
from analysis.errors import InputError
from analysis.paths import Q1_CORPUS, SHARED
from analysis.corpus.text import token_spans

TINY = F.parse_frames(textwrap.dedent("""\
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


class TestDictionaries:
    @pytest.mark.parametrize("scheme,n_frames", [("generic", 5), ("policy", 14)])
    def test_builtin_schemes_load(self, scheme, n_frames):
        frames = F.load_frames(scheme)
        assert frames.scheme == scheme and len(frames.frames) == n_frames
        assert all(len(f.terms) >= 30 for f in frames.frames)
        assert all(f.description for f in frames.frames)
        assert frames.citation

    def test_generic_frames_are_semetko_valkenburg(self):
        frames = F.load_frames("generic")
        assert frames.names == ["conflict", "responsibility", "economic", "human_interest", "morality"]
        assert all(group.question for frame in frames.frames for group in frame.groups)

    def test_policy_frames_are_the_codebook_dimensions(self):
        assert F.load_frames("policy").names == [
            "economic", "capacity_resources", "morality", "fairness_equality", "legality", "policy_prescription",
            "crime_punishment", "security_defense", "health_safety", "quality_of_life", "cultural_identity",
            "public_opinion", "political", "external_regulation"]

    @pytest.mark.parametrize("raw,canonical", [
        ("War", "war"), ("attack*", "attack*"), ("shouldn't", "should n't"), ("cease-fire", "cease-fire"),
        ("rule  of law", "rule of law"), ("Russia’s", "russia 's"), ("human right*", "human right*")])
    def test_terms_are_tokenised_like_text(self, raw, canonical):
        assert F.canonical_term(raw) == canonical

    def test_readme_lists_every_frame(self):
        readme = (F.FRAMES_DIR / "README.md").read_text(encoding="utf-8")
        for scheme in F.SCHEMES:
            for frame in F.load_frames(scheme).frames:
                assert f"`{frame.name}`" in readme, (scheme, frame.name)

    def test_user_file_loads(self, tmp_path):
        path = tmp_path / "mine.yaml"
        path.write_text("frames:\n  threat:\n    terms: [threat*, danger]\n", encoding="utf-8")
        frames = F.load_frames(str(path))
        assert frames.scheme == "mine" and frames["threat"].terms == ("threat*", "danger")
        assert frames["threat"].label == "Threat"


class TestMalformedDictionaries:
    @pytest.mark.parametrize("text,line,field,fragment", [
        ("scheme: x\nfrmes: {}\n", 2, "frmes", "top-level key"),
        ("frames:\n  a:\n    terms: [x]\n    lable: A\n", 4, "lable", "frame key"),
        ("frames:\n  a:\n    terms:\n      - war\n      - ''\n", 5, "frames.a.terms", "non-empty term"),
        ("frames:\n  a:\n    terms: [war, at*ack]\n", 3, "frames.a.terms", "'*' only at the end"),
        ("frames:\n  a:\n    terms: [war, '*']\n", 3, "frames.a.terms", "'*' only at the end"),
        ("frames:\n  a:\n    terms: [ab*]\n", 3, "frames.a.terms", "at least 3"),
        ("frames:\n  a:\n    terms: [war]\n  b:\n    terms: [x]\n  a:\n    terms: [y]\n", 6, "frames",
         "first defined on line 2"),
        ("frames:\n  a:\n    terms:\n      - war\n      - peace\n      - War\n", 6, "frames.a.terms",
         "already listed on line 4"),
        ("frames:\n  a:\n    groups:\n      - question: q\n        terms: [war]\n      - terms: [war]\n", 6,
         "frames.a.terms", "already listed on line 5"),
        ("frames:\n  none:\n    terms: [x]\n", 2, "frames", "other than 'none'"),
        ("frames:\n  a:\n    label: A\n", 2, "frames.a", "'terms' list or 'groups'"),
        ("frames:\n  a:\n    terms: war\n", 3, "frames.a.terms", "non-empty list"),
        ("frames:\n  a:\n    groups:\n      - question: q\n        term: [x]\n", 5, "term", "group key"),
        ("frames: [\n", 2, "yaml", "valid YAML"),
        ("scheme: x\n", 1, "frames", "'frames' mapping"),
    ])
    def test_each_error_names_its_line(self, text, line, field, fragment):
        with pytest.raises(InputError) as caught:
            F.parse_frames(text, source="bad.yaml")
        problem = caught.value.problem
        assert (problem.source, problem.line, problem.field) == ("bad.yaml", line, field)
        assert fragment in str(caught.value)

    def test_missing_file_and_unknown_scheme(self, tmp_path):
        with pytest.raises(InputError, match="generic, policy or the path"):
            F.load_frames("generc")
        with pytest.raises(InputError, match="generic, policy or the path"):
            F.load_frames(str(tmp_path / "none.yaml"))


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
        frames = F.parse_frames("frames:\n  x:\n    terms: [the west, against]\n")
        hits = F.frame_hits(tokens_of("The West stood against the war in the east."), frames=frames)
        assert hits["matched"].tolist() == ["the west", "against"]

    def test_a_token_counts_once_per_frame_and_once_in_each_frame(self):
        frames = F.parse_frames("frames:\n  a:\n    terms: [attack, attack*]\n  b:\n    terms: [attack*]\n")
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
        note = F.method_note(F.load_frames("generic"))
        assert "Semetko" in note and "per 100 word tokens" in note


class TestCommand:
    def test_csv(self, tmp_path, capsys):
        source = tmp_path / "in.csv"
        pd.DataFrame({"doc": ["d1", "d2"], "gold": ["conflict", "none"],
                      "text": ["Russia accused Kyiv. Prices rose.\n\nNothing else.", "A quiet day."]}
                     ).to_csv(source, index=False)
        out = tmp_path / "out" / "scores.csv"
        assert F.main(["score", str(source), "--scheme", "generic", "--out", str(out), "--id-column", "doc",
                       "--keep", "gold"]) == 0
        table = pd.read_csv(out)
        assert table.columns[:6].tolist() == ["doc", "gold", "sentence_id", "start", "end", "n_words"]
        assert table["doc"].tolist() == ["d1", "d1", "d1", "d2"]
        assert table["dominant"].tolist() == ["conflict", "economic", "none", "none"]
        assert table["hits_conflict"].tolist() == [1, 0, 0, 0]
        assert table["text"].iloc[2] == "Nothing else."

    def test_jsonl_record_level_and_own_dictionary(self, tmp_path):
        source = tmp_path / "in.jsonl"
        source.write_text("\n".join(json.dumps({"body": t}) for t in ["War. War and law.", "Prices."]) + "\n")
        out = tmp_path / "out.csv"
        assert F.main(["score", str(source), "--text-column", "body", "--scheme", str(_write_tiny(tmp_path)),
                       "--out", str(out), "--level", "record"]) == 0
        table = pd.read_csv(out)
        assert table["line"].tolist() == [1, 2]
        assert table[["hits_conflict", "hits_law", "hits_econ", "dominant"]].values.tolist() == [
            [2, 1, 0, "conflict"], [0, 0, 1, "econ"]]

    @pytest.mark.parametrize("content,args,fragment", [
        ("id,text\n1,War.\n2,\n", [], "line 3, field 'text': expected a non-empty text"),
        ("id,body\n1,War.\n", [], "line 2, field 'text': expected a 'text' column"),
        ("id,text\n1,War.\n1,Law.\n", ["--id-column", "id"], "line 3, field 'id': expected a unique id"),
        ("id,text\n1,War.\n", ["--scheme", "nope"], "field 'scheme'"),
    ])
    def test_bad_input_names_file_line_and_field(self, tmp_path, capsys, content, args, fragment):
        source = tmp_path / "in.csv"
        source.write_text(content)
        out = tmp_path / "out.csv"
        assert F.main(["score", str(source), "--out", str(out), *args]) == 2
        error = capsys.readouterr().err
        assert fragment in error and ("in.csv" in error or "nope" in error)
        assert not out.exists()

    def test_bad_json_line(self, tmp_path, capsys):
        source = tmp_path / "in.jsonl"
        source.write_text('{"text": "War."}\n{"text": \n')
        assert F.main(["score", str(source), "--out", str(tmp_path / "o.csv")]) == 2
        assert "line 2, field 'json'" in capsys.readouterr().err

    def test_show(self, capsys):
        assert F.main(["show", "--scheme", "policy"]) == 0
        assert "security_defense" in capsys.readouterr().out


def _write_tiny(folder):
    path = folder / "tiny.yaml"
    path.write_text("frames:\n  conflict:\n    terms: [war]\n  law:\n    terms: [law]\n  econ:\n    terms: [price*]\n")
    return path


@pytest.mark.skipif(not SHARED.exists(), reason="../shared (the Q1 corpus) is absent on this clone")
def test_seed_article_in_q1_scores_security():
    articles = pd.read_csv(Q1_CORPUS, dtype=str)
    text = articles.loc[articles["doc_id"] == "r2n-01152", "text"].iloc[0]
    table = F.score_texts([text], ["r2n-01152"], frames=F.load_frames("policy"), level="record")
    assert table["dominant"].iloc[0] == "security_defense"

"""Actor mentions: the golden hand count on the seed article, and each counting rule."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from hypothesis import given, settings, strategies as st

from analysis.annotate.pipeline import annotate_article
from analysis.corpus.reader import document_text
from analysis.corpus.mentions import find_mentions, quote_spans
from conftest import article

# Hand count of the seed article under the rules in seeds/actors.yaml (counted by reading,
# paragraph by paragraph; H = headline, P1..P9 = body paragraphs): one row per actor, with the
# mentions counted, in tests/corpus/seed_golden_counts.csv (actor_id, count, evidence). The
# validation appendix (analysis/report/validation.py) reads the same file.
GOLDEN_FILE = Path(__file__).with_name("seed_golden_counts.csv")


def golden_counts() -> dict[str, int]:
    """actor id -> hand count, from :data:`GOLDEN_FILE`."""
    with GOLDEN_FILE.open(newline="", encoding="utf-8") as handle:
        return {row["actor_id"]: int(row["count"]) for row in csv.DictReader(handle)}


SEED_COUNTS = golden_counts()


def surfaces(text: str, codebook) -> list[tuple[str, str, str]]:
    return [(text[m.start:m.end], m.actor_id, m.kind) for m in find_mentions(text, codebook)]


def test_seed_golden_counts(seed_article, seed_codebook):
    mentions = annotate_article(seed_article, seed_codebook)["mentions"]
    assert Counter(mentions["actor_id"]) == SEED_COUNTS
    kinds = mentions[mentions["kind"] != "name"][["surface", "actor_id", "kind"]].values.tolist()
    assert kinds == [["President Joe Biden", "biden", "title"],
                     ["Pentagon press secretary John Kirby", "kirby", "title"],
                     ["President Biden", "biden", "title"], ["he", "kirby", "pronoun"],
                     ["he", "biden", "pronoun"], ["American", "united_states", "demonym"],
                     ["Russian President Vladimir Putin", "putin", "title"]]
    # inside Kirby's quotes: Biden, United States x2, NATO, Romania, Poland, Germany (P3); Ukraine, NATO (P4)
    assert mentions["in_quote"].sum() == 9


def test_longest_match_and_titles(tiny_codebook):
    text = "Russian President Vladimir Putin met U.S. troops; Moscow's Kremlin said the United States was wrong."
    assert surfaces(text, tiny_codebook) == [
        ("Russian President Vladimir Putin", "putin", "title"), ("U.S.", "united_states", "name"),
        ("Moscow", "russia", "metonym"), ("Kremlin", "russia", "metonym"),
        ("United States", "united_states", "name")]


def test_no_match_inside_words_or_lowercase(tiny_codebook):
    assert surfaces("Russiagate and us and USA and NATOs", tiny_codebook) == []


def test_title_needs_a_title_word(tiny_codebook):
    assert surfaces("Russian Putin", tiny_codebook) == [("Russian", "russia", "demonym"), ("Putin", "putin", "name")]


def test_settings_switch_off_demonyms_and_metonyms(tiny_codebook):
    from dataclasses import replace

    plain = replace(tiny_codebook, count_demonyms=False, count_metonyms=False, digest="")
    assert surfaces("Russian troops left Moscow.", plain) == []


def test_dateline_is_not_a_mention(tiny_codebook):
    codebook = tiny_codebook.__class__(actors=tiny_codebook.actors[:2] + (tiny_codebook.actors[2].__class__(
        id="russia", label="Russia", type="country", aliases=("Russia",), metonyms=("Moscow", "MOSCOW")),))
    text = "(MOSCOW) -- Russia said.\n\nMOSCOW — more.\n\nIn MOSCOW (Russia)."
    assert [s for s, _, _ in surfaces(text, codebook)] == ["Russia", "MOSCOW", "Russia"]
    assert find_mentions(text, codebook)[1].start == text.index("In MOSCOW") + 3


def test_pronoun_after_a_quote_is_the_last_speaker(tiny_codebook):
    text = '"Putin is wrong," Kirby said. "We will act," he added.'
    assert surfaces(text, tiny_codebook)[-1] == ("he", "kirby", "pronoun")  # not Putin, named inside the quote


def test_pronoun_opening_a_sentence_is_the_latest_person(tiny_codebook):
    text = '"We will act," Kirby said. Putin was silent. He said nothing else.'
    assert surfaces(text, tiny_codebook)[-1] == ("He", "putin", "pronoun")


def test_said_he_is_the_one_male_actor_of_the_sentence(tiny_codebook):
    # not an attribution ("said he" is the reported clause's subject), but rule 10 resolves it
    assert surfaces("Kirby said he would go.", tiny_codebook) == [("Kirby", "kirby", "name"),
                                                                  ("he", "kirby", "pronoun")]
    assert [k for _, _, k in surfaces("Kirby told Putin he would go.", tiny_codebook)] == ["name", "name"]


def test_quote_spans():
    text = 'He said "a b" and “c d”. Then "open'
    assert [text[s:e] for s, e in quote_spans(text)] == ['"a b"', "“c d”"]


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(["Putin", "U.S.", "Russian", "the", "President", "Kirby", "said", ",", "he",
                                       "added", '"', "Moscow", "NATO's", "(WASHINGTON) --", "\n\n", "Russia-Ukraine",
                                       "x", "Secretary", "of", "State"]), max_size=40),
       joiner=st.sampled_from([" ", "", "  "]))
def test_surface_is_text_slice(words, joiner):
    from analysis.corpus.codebook import parse_codebook
    from conftest import TINY_CODEBOOK

    tiny_codebook = parse_codebook(TINY_CODEBOOK)
    text = joiner.join(words)
    previous_end = 0
    for mention in find_mentions(text, tiny_codebook):
        assert 0 <= mention.start < mention.end <= len(text)
        assert mention.start >= previous_end or mention.kind == "pronoun"
        previous_end = mention.end
    table = annotate_article(article(text or "x"), tiny_codebook)["mentions"]
    doc = document_text("", text or "x")
    assert all(doc[s:e] == surface for s, e, surface in table[["start", "end", "surface"]].itertuples(index=False))


def test_surname_counts_after_the_full_name():
    from analysis.corpus.codebook import parse_codebook

    codebook = parse_codebook("""actors:
  - id: austin
    label: Lloyd Austin
    type: person
    gender: male
    aliases: [Lloyd Austin]
""")
    text = "Austin, Texas. Defense Secretary Lloyd Austin spoke. Austin said more; Secretary Austin left."
    assert surfaces(text, codebook) == [("Defense Secretary Lloyd Austin", "austin", "title"),
                                        ("Austin", "austin", "surname"), ("Secretary Austin", "austin", "title")]


def test_secretary_of_state_folds():
    from analysis.corpus.codebook import parse_codebook

    codebook = parse_codebook("""actors:
  - id: blinken
    label: Antony Blinken
    type: person
    gender: male
    aliases: [Antony Blinken, Blinken]
  - id: united_states
    label: United States
    type: country
    aliases: [U.S.]
""")
    text = "U.S. Secretary of State Antony Blinken met ex-Secretary Blinken of State."
    assert surfaces(text, codebook) == [("U.S. Secretary of State Antony Blinken", "blinken", "title"),
                                        ("ex-Secretary Blinken", "blinken", "title")]

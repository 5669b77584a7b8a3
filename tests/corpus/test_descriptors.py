"""Descriptor and pronoun mentions (rules 9 and 10 of seeds/actors.yaml), and descriptors in codebooks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.corpus.codebook import default_role, parse_codebook
from analysis.corpus.mentions import find_mentions
from analysis.errors import InputError

CODEBOOK = """
actors:
  - id: biden
    label: Joe Biden
    type: person
    gender: male
    aliases: [Joe Biden, Biden]
    descriptors:
      - {phrase: the president, from: 2021-01-20, until: 2025-01-20}
  - id: trump
    label: Donald Trump
    type: person
    gender: male
    aliases: [Donald Trump, Trump]
    descriptors:
      - {phrase: the president, from: 2017-01-20, until: 2021-01-19}
  - id: macron
    label: Emmanuel Macron
    type: person
    gender: male
    aliases: [Emmanuel Macron, Macron]
    descriptors: [the French president]
  - id: peskov
    label: Dmitry Peskov
    type: person
    gender: male
    aliases: [Dmitry Peskov, Peskov]
    descriptors: [the Kremlin spokesman]
  - id: harris
    label: Kamala Harris
    type: person
    gender: female
    aliases: [Kamala Harris, Harris]
  - id: russia
    label: Russia
    type: country
    aliases: [Russia]
    metonyms: [Kremlin]
  - id: democrats
    label: Democrats
    type: group
    aliases: [Democrats]
"""
DAY = "2022-02-02"


@pytest.fixture(scope="module")
def codebook():
    return parse_codebook(CODEBOOK, source="descriptors.yaml")


def found(text: str, codebook, *, date: str | None = DAY, kinds=("descriptor", "pronoun")) -> list[tuple[str, str, str]]:
    return [(text[m.start:m.end], m.actor_id, m.kind) for m in find_mentions(text, codebook, date=date)
            if m.kind in kinds]


class TestDescriptors:
    def test_the_president_after_the_president_is_named(self, codebook):
        text = "Biden spoke on Monday. The president said sanctions would follow."
        assert found(text, codebook) == [("The president", "biden", "descriptor")]

    def test_date_range_picks_the_actor_of_the_day(self, codebook):
        text = "Trump spoke on Monday. The president said sanctions would follow."
        assert found(text, codebook, date="2019-05-01") == [("The president", "trump", "descriptor")]
        assert found(text, codebook, date=DAY) == []        # Biden's phrase then, and Biden is not named
        assert found(text, codebook, date=None) == []       # undated: ranged phrases never count

    def test_not_before_the_actor_is_named(self, codebook):
        assert found("The president said sanctions would follow. Biden agreed.", codebook) == []

    def test_another_holder_of_the_role_blocks_it(self, codebook):
        # Macron holds the role through his descriptor; Erdogan through his title in the text
        assert found("Biden called Macron. The president said it went well.", codebook) == []
        assert found("Biden called President Recep Tayyip Erdogan. The president said it went well.",
                     codebook) == []
        # ... until Biden is named again
        text = "Biden called Macron. Later Biden spoke. The president said it went well."
        assert found(text, codebook) == [("The president", "biden", "descriptor")]

    def test_another_holder_in_the_same_sentence_blocks_it(self, codebook):
        text = "Biden spoke. The president met the French president on Monday."
        assert found(text, codebook) == []

    def test_french_president_is_never_biden(self, codebook):
        text = "Biden spoke. Macron spoke too. The French president said talks would go on."
        assert found(text, codebook) == [("The French president", "macron", "descriptor")]

    def test_apposition_and_of_are_not_descriptors(self, codebook):
        assert found("Biden spoke. Biden, the president, said so.", codebook) == []
        assert found("Biden spoke. The president of France said so.", codebook) == []

    def test_descriptor_swallows_a_nested_name(self, codebook):
        text = "Peskov spoke. The Kremlin spokesman said talks would go on."
        mentions = [(text[m.start:m.end], m.actor_id, m.kind) for m in find_mentions(text, codebook, date=DAY)]
        assert mentions == [("Peskov", "peskov", "name"), ("The Kremlin spokesman", "peskov", "descriptor")]

    def test_switched_off(self, codebook):
        plain = replace(codebook, count_descriptors=False, digest="")
        assert found("Biden spoke. The president said so.", plain) == []


class TestPronouns:
    def test_seed_sentence(self, codebook):
        text = "The announcement comes after Biden told reporters on Friday that he would be moving forces."
        assert found(text, codebook) == [("he", "biden", "pronoun")]

    def test_previous_sentence_and_possessive(self, codebook):
        text = "Harris landed in Warsaw. Her visit was short."
        assert found(text, codebook) == [("Her", "harris", "pronoun")]

    def test_gender_must_match(self, codebook):
        assert found("Harris landed in Warsaw. He was not there.", codebook) == []

    def test_two_compatible_actors_leave_it_unresolved(self, codebook):
        assert found("Biden called Macron. He said talks would go on.", codebook) == []

    def test_an_unknown_person_leaves_it_unresolved(self, codebook):
        assert found("Biden met a senior official. He said talks would go on.", codebook) == []
        assert found("Biden met Mark Milley. He said talks would go on.", codebook) == []
        assert found("Biden left early, Keane said. He was tired.", codebook) == []

    def test_too_far_back_is_not_an_antecedent(self, codebook):
        assert found("Biden spoke. It rained. The talks ended. He left.", codebook) == []

    def test_inside_quotes_never(self, codebook):
        assert found('Biden spoke. "He is wrong," said an aide.', codebook) == []

    def test_chain_through_a_resolved_pronoun(self, codebook):
        text = "Biden spoke on Monday. He said talks would go on. He also said more."
        assert found(text, codebook) == [("He", "biden", "pronoun"), ("He", "biden", "pronoun")]

    def test_they_only_for_groups(self, codebook):
        assert found("Democrats met on Monday. They said talks would go on.", codebook) == [
            ("They", "democrats", "pronoun")]
        assert found("Russia met on Monday. They said talks would go on.", codebook) == []

    def test_attribution_after_a_quote_is_the_speaker(self, codebook):
        text = 'Biden said talks would go on. "We will act," he added.'
        assert found(text, codebook) == [("he", "biden", "pronoun")]
        text = 'Biden said talks would go on, Keane said. "We will act," he added.'
        assert found(text, codebook) == []

    def test_switched_off(self, codebook):
        plain = replace(codebook, count_pronouns=False, digest="")
        assert found('Biden spoke. He said "no," he added.', plain) == []


class TestOtherBearers:
    def test_another_first_name_is_another_person(self, codebook):
        text = "Headline\n\nJoe Biden met Hunter Biden. Ashley Biden came. Later Biden left with Ashley Biden."
        names = [(m.start, text[m.start:m.end]) for m in find_mentions(text, codebook) if m.actor_id == "biden"]
        # "Ashley Biden" opens a sentence but also occurs inside one; "Later Biden" is Joe Biden
        assert names == [(10, "Joe Biden"), (text.index("Later") + 6, "Biden")]

    def test_misspelt_first_name_or_common_word_is_the_person(self, codebook):
        text = "Headline\n\nDespite this, Joey Biden spoke. Despite Biden, talks went on."
        names = [text[m.start:m.end] for m in find_mentions(text, codebook) if m.actor_id == "biden"]
        assert names == ["Biden", "Biden"]


class TestCodebook:
    def test_roles(self):
        assert default_role("the president") == "president"
        assert default_role("the vice president") == "vice president"
        assert default_role("the Russian foreign minister") == "foreign minister"

    def test_descriptor_fields(self, codebook):
        (descriptor,) = codebook["biden"].descriptors
        assert (descriptor.phrase, descriptor.role, descriptor.start, descriptor.until) == (
            "the president", "president", "2021-01-20", "2025-01-20")
        assert descriptor.applies("2022-02-02") and not descriptor.applies("2025-01-21")
        assert not descriptor.applies(None)

    @pytest.mark.parametrize("entry, field", [
        ("[the]", "descriptors"),
        ("[{phrase: the president, from: 2022-13-01}]", "descriptors.from"),
        ("[{phrase: the president, from: 2022-02-01, until: 2021-01-01}]", "descriptors.until"),
        ("[{phrase: the president, when: 2022}]", "descriptors.when"),
        ("[{from: 2022-01-01}]", "descriptors.phrase"),
        ("the president", "descriptors"),
    ])
    def test_bad_descriptors_name_line_and_field(self, entry, field):
        text = f"actors:\n  - id: a\n    label: A\n    type: person\n    aliases: [A]\n    descriptors: {entry}\n"
        with pytest.raises(InputError) as error:
            parse_codebook(text, source="bad.yaml")
        assert "line 6" in str(error.value) and field in str(error.value)

    def test_one_phrase_two_actors_needs_disjoint_ranges(self):
        text = ("actors:\n  - id: a\n    label: A\n    type: person\n    aliases: [A]\n"
                "    descriptors: [the president]\n"
                "  - id: b\n    label: B\n    type: person\n    aliases: [B]\n"
                "    descriptors: [{phrase: the president, from: 2020-01-01}]\n")
        with pytest.raises(InputError) as error:
            parse_codebook(text, source="bad.yaml")
        assert "line 7" in str(error.value) and "overlapping" in str(error.value)

"""Candidate discovery: names wherever they stand, variants merged, noise out, a type with evidence."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.corpus.candidates import CANDIDATE_COLUMNS, candidate_actors, discover
from analysis.corpus.codebook import load_codebook, parse_codebook
from analysis.corpus.stub import codebook_stub

JOHNSON = """actors:
  - id: johnson
    label: Boris Johnson
    type: person
    aliases: [Boris Johnson]
"""


def corpus(*texts: str, outlet: str = "Daily Planet") -> pd.DataFrame:
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "title": [""] * len(texts),
                         "text": list(texts), "outlet": [outlet] * len(texts)})


def found(*texts: str, codebook=None, outlet: str = "Daily Planet", **options) -> pd.DataFrame:
    options = {"min_count": 1, "min_articles": 1, "types": None, **options}
    return candidate_actors(corpus(*texts, outlet=outlet), codebook, **options)


def row(table: pd.DataFrame, candidate: str) -> pd.Series:
    rows = table[table["candidate"] == candidate]
    assert len(rows) == 1, f"{candidate!r} not one row in {table['candidate'].tolist()}"
    return rows.iloc[0]


def variants(table: pd.DataFrame, candidate: str) -> set[str]:
    return set(row(table, candidate)["variants"].split("; "))


# --- the fixtures ------------------------------------------------------------------------


def test_a_name_that_opens_a_sentence_keeps_its_first_word():
    table = found("Officials met. Boris Johnson branded it a disgrace.")
    assert table["candidate"].tolist() == ["Boris Johnson"]
    assert "Johnson" not in table["candidate"].tolist() and "Officials" not in table["candidate"].tolist()


def test_with_boris_johnson_in_the_codebook_nothing_of_him_is_proposed():
    table = found("Officials met. Boris Johnson branded it a disgrace. Johnson left.",
                  codebook=parse_codebook(JOHNSON))
    assert table.empty


def test_the_four_erdogan_variants_are_one_candidate():
    table = found("Erdogan spoke first.",
                  "Later President Recep Tayyip Erdogan said talks would go on.",
                  "Turkish President Recep Tayyip Erdoğan hosted the talks.",
                  "President Erdogan called for calm.")
    assert table["candidate"].tolist() == ["Recep Tayyip Erdogan"]
    erdogan = row(table, "Recep Tayyip Erdogan")
    assert variants(table, "Recep Tayyip Erdogan") == {"Erdogan", "Recep Tayyip Erdogan", "Recep Tayyip Erdoğan"}
    assert erdogan["count"] == 4 and erdogan["n_articles"] == 4
    assert erdogan["type"] == "person" and "titled in 3 of 4 ('President' 3)" in erdogan["evidence"]


def test_transliterated_places_are_merged():
    table = found("Fighting in the Donbas went on. Shelling hit Severodonetsk.",
                  "In the Donbass, troops left Sievierodonetsk.",
                  "The Donbas front moved near Severodonetsk.")
    assert variants(table, "Donbas") == {"Donbas", "Donbass"}
    assert variants(table, "Severodonetsk") == {"Severodonetsk", "Sievierodonetsk"}
    assert row(table, "Donbas")["type"] == "place"


# --- names wherever they stand --------------------------------------------------------------------


def test_sentence_initial_names_count_and_common_words_do_not():
    table = found("Kuleba met envoys. Later officials said Kuleba would travel. Kuleba said so.",
                  "Officials said the talks failed. Officials left. later, officials returned.")
    assert row(table, "Kuleba")["count"] == 3
    assert "Officials" not in table["candidate"].tolist() and "Later" not in table["candidate"].tolist()


def test_a_word_seen_nowhere_else_drops_before_a_known_name():
    table = found("Officials met Jens Stoltenberg in Brussels. Putin spoke to Jens Stoltenberg.",
                  "Later Jens Stoltenberg and Olaf Scholz met. The Kremlin, said Jens Stoltenberg, was wrong.",
                  min_count=2, min_articles=2)
    assert table["candidate"].tolist() == ["Jens Stoltenberg"]
    assert table.iloc[0][["count", "n_articles"]].tolist() == [4, 2]
    assert "[Jens Stoltenberg]" in table.iloc[0]["examples"]


# --- noise ---------------------------------------------------------------------------------------


def test_contractions_function_words_and_calendar_words_are_not_names():
    table = found("I'm sure. It's late. Don't go. On Monday Putin spoke. In March, Putin spoke again. "
                  "The Pentagon said May would be calm. Putin said so.")
    names = table["candidate"].tolist()
    assert "Putin" in names and "Pentagon" in names
    for noise in ("I", "I'm", "It", "Don", "On", "Monday", "March", "May", "In", "The"):
        assert noise not in names, noise


def test_the_corpus_outlets_and_their_short_forms_are_left_out():
    table = found("Fox News Digital reported. Fox News said NATO met. Speaking to Fox, NATO said the News was old.",
                  "NATO said.", outlet="Fox News")
    assert table["candidate"].tolist() == ["NATO"]


def test_words_mostly_lower_case_elsewhere_are_not_names():
    table = found("Homes were hit. The homes burned. Many homes fell, and homes near Kyiv too. "
                  "Western officials agreed; western leaders and western allies met.")
    assert "Homes" not in table["candidate"].tolist() and "Western" not in table["candidate"].tolist()


def test_an_office_without_a_name_and_a_compound_adjective_are_not_names():
    table = found("The Russian President spoke. The Prime Minister agreed. The President of Russia left. "
                  "Russian-backed separatists fired. Russia said so.")
    assert table["candidate"].tolist() == ["Russia"]


# --- merges --------------------------------------------------------------------------------------


def test_countries_demonyms_and_capitals_are_one_candidate():
    table = found("Britain sent arms. The UK agreed. British troops and the United Kingdom and London and U.K. forces.")
    uk = row(table, "United Kingdom")
    assert set(uk["variants"].split("; ")) == {"Britain", "UK", "United Kingdom", "U.K."}
    assert uk["demonyms"] == "British" and uk["metonyms"] == "London" and uk["type"] == "country"


def test_acronym_and_expansion_merge_and_a_short_acronym_keeps_its_case():
    table = found("The European Union met. The EU agreed. The E.U. said so. Kim Jong Un watched; Un left.")
    assert variants(table, "European Union") == {"European Union", "EU", "E.U."}


def test_surname_joins_the_dominant_full_name_not_a_relative():
    table = found("Joe Biden spoke. Biden said so. President Biden left.", "Joe Biden and Hunter Biden met. Biden agreed.")
    assert variants(table, "Joe Biden") == {"Joe Biden", "Biden"}
    assert variants(table, "Hunter Biden") == {"Hunter Biden"}


def test_a_place_is_not_merged_into_a_person_who_carries_its_name():
    table = found("In Washington, officials met. Troops left Washington. A portrait of George Washington hung "
                  "there. In Washington, talks went on.")
    assert "Washington" not in variants(table, "George Washington")


def test_different_consonants_are_different_names():
    table = found("John Kirby said so. John Kerry said so. Michael McCaul spoke. Michael McFaul spoke.")
    assert {"John Kirby", "John Kerry", "Michael McCaul", "Michael McFaul"} <= set(table["candidate"])


# --- codebook, columns, types --------------------------------------------------------------------


def test_codebook_names_are_left_out(tiny_codebook):
    table = found("Vladimir Putin met Kirby. NATO and the Kremlin agreed. Russian troops moved. Olaf Scholz left.",
                  codebook=tiny_codebook)
    assert table["candidate"].tolist() == ["Olaf Scholz"]
    assert list(table.columns) == CANDIDATE_COLUMNS


def test_default_types_leave_out_places_and_unknowns():
    texts = ["Troops fought in Mariupol. Shelling in Mariupol went on. President Zelensky spoke."] * 3
    every = found(*texts)
    actors = found(*texts, types=("person", "country", "organisation", "group", "outlet"))
    assert set(every["type"]) == {"place", "person"}
    assert actors["candidate"].tolist() == ["Zelensky"]


def test_discover_keeps_codebook_actors_with_their_id(tiny_codebook):
    table = discover(corpus("Vladimir Putin met Kirby. Putin left.", "Putin spoke."), tiny_codebook)
    assert row(table, "Vladimir Putin")["actor_id"] == "putin"


# --- the YAML stub -------------------------------------------------------------------------------


def test_yaml_stub_loads_as_a_codebook(tmp_path):
    table = found("Erdogan spoke. President Recep Tayyip Erdogan said so. Turkish President Recep Tayyip Erdoğan "
                  "left. President Erdogan agreed. Britain sent arms; British troops, London and NATO met. "
                  "Republicans and a Republican and Republicans: \"quoted\" #1.", types=None)
    text = codebook_stub(table, source="fixture", existing_ids=["nato"])
    path = tmp_path / "stub.yaml"
    path.write_text(text, encoding="utf-8")
    codebook = load_codebook(path)
    erdogan = codebook["erdogan"]
    assert erdogan.label == "Recep Tayyip Erdogan" and erdogan.type == "person"
    assert set(erdogan.aliases) == {"Recep Tayyip Erdogan", "Recep Tayyip Erdoğan", "Erdogan"}
    assert erdogan.aliases[0] == "Recep Tayyip Erdogan"
    uk = codebook["united_kingdom"]
    assert uk.demonyms == ("British",) and uk.metonyms == ("London",)
    assert "nato_2" in codebook.ids                      # an existing id is not reused
    assert "mentions in" in text                         # a commented count


@pytest.mark.parametrize("alias", ["Dr. No: Return", "#1 Fan", "O'Brien, Jr.", "Yes", "[Bracket]"])
def test_yaml_stub_quotes_what_yaml_would_misread(tmp_path, alias):
    table = pd.DataFrame([{"candidate": alias, "type": "organisation", "gender": "", "count": 3, "n_articles": 2,
                           "n_outlets": 1, "outlets": "X 3", "variants": alias, "demonyms": "", "metonyms": "",
                           "evidence": "", "examples": ""}])
    path = tmp_path / "stub.yaml"
    path.write_text(codebook_stub(table), encoding="utf-8")
    assert load_codebook(path).actors[0].aliases == (alias,)


def test_label_known_names_the_codebook_actor_of_any_variant_demonym_or_metonym():
    from analysis.corpus.candidates import discover_unlabelled, label_known

    frame = pd.DataFrame({"candidate": ["Boris Johnson", "Ukraine", "Kirby"], "variants": ["Johnson; Boris Johnson",
                          "Ukraine", "Kirby"], "demonyms": ["", "Ukrainian", ""], "metonyms": ["", "Kyiv", ""]})
    book = parse_codebook(JOHNSON + "  - id: ukraine\n    label: Ukraine\n    type: country\n    aliases: [Kyiv]\n")
    assert label_known(frame, book)["actor_id"].tolist() == ["johnson", "ukraine", ""]
    assert label_known(frame, None)["actor_id"].tolist() == ["", "", ""]
    texts = corpus("Boris Johnson met Mr. Kirby.", "Johnson said Kirby was late.")
    unlabelled, _ = discover_unlabelled(texts)
    assert label_known(unlabelled, parse_codebook(JOHNSON)).equals(discover(texts, parse_codebook(JOHNSON)))

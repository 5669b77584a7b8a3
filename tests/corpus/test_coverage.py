"""Coverage: how much of a corpus a codebook sees, names that never match, what it misses."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus.codebook import parse_codebook
from analysis.corpus.coverage import ALIAS_COLUMNS, NEVER, coverage, coverage_report
from analysis.paths import PROJ_ROOT, Q1_CORPUS
from conftest import require_shared

CODEBOOK = """actors:
  - id: zelensky
    label: Volodymyr Zelensky
    type: person
    gender: male
    aliases: [Volodymyr Zelensky, Zelensky, Volodimir Zelenskky]
  - id: russia
    label: Russia
    type: country
    aliases: [Russia]
    demonyms: [Russian]
"""


def articles() -> pd.DataFrame:
    texts = ["Volodymyr Zelensky spoke. Russia denied it. Nothing else happened.",
             "Zelenskyy said Russian troops left. The weather was fine. Zelenskyy thanked Erdogan.",
             "President Zelenskyy met Erdogan. Erdogan agreed."]
    return pd.DataFrame({"article_id": ["a", "b", "c"], "title": ["", "", ""], "text": texts,
                         "outlet": ["X", "Y", "X"]})


@pytest.fixture
def result():
    return coverage(articles(), parse_codebook(CODEBOOK), min_count=1)


def test_share_of_sentences_with_a_mention(result):
    values = dict(zip(result.summary["measure"], result.summary["value"]))
    assert values["sentences"] == 8
    assert values["share_sentences_with_mention"] == pytest.approx(3 / 8)   # "Zelenskyy" is not in the codebook
    assert values["share_articles_with_mention"] == pytest.approx(2 / 3)


def test_an_alias_that_never_matches_is_flagged_with_the_closest_corpus_name(result):
    aliases = result.aliases
    assert list(aliases.columns) == ALIAS_COLUMNS
    typo = aliases[aliases["name"] == "Volodimir Zelenskky"].iloc[0]
    assert typo["matches"] == 0 and typo["flag"] == NEVER
    zelensky = aliases[aliases["name"] == "Zelensky"].iloc[0]
    assert zelensky["matches"] == 0 and zelensky["closest"] == "Zelenskyy"
    russian = aliases[aliases["name"] == "Russian"].iloc[0]
    assert (russian["field"], russian["matches"], russian["flag"]) == ("demonym", 1, "")


def test_spellings_the_codebook_lacks_and_names_it_misses(result):
    missing = result.missing
    assert missing[missing["name"] == "Zelenskyy"][["actor_id", "field", "count"]].values.tolist() == [
        ["zelensky", "alias", 3]]
    assert result.unmatched["candidate"].tolist()[0] == "Erdogan"


def test_actors_table_counts_mentions_sentences_and_articles(result):
    zelensky = result.actors.set_index("actor_id").loc["zelensky"]
    assert (zelensky["mentions"], zelensky["sentences"], zelensky["articles"]) == (1, 1, 1)


def test_report_names_each_part(result):
    text = coverage_report(result, corpus="three articles", codebook="codebook.yaml")
    for part in ("sentences with at least one mention: 37.5%", "Names that never match (3)", "Volodimir Zelenskky",
                 "Zelenskyy", "Most frequent names no actor holds", "Erdogan"):
        assert part in text, part


def test_coverage_command_on_the_seeds(capsys):
    assert main(["coverage", "--corpus", str(PROJ_ROOT / "seeds")]) == 0
    out = capsys.readouterr().out
    assert "sentences with at least one mention: 82.4%" in out and "Names that never match" in out
    assert main(["coverage", "--corpus", str(PROJ_ROOT / "seeds"), "--table", "aliases"]) == 0
    assert capsys.readouterr().out.startswith(",".join(ALIAS_COLUMNS))


@pytest.mark.shared
@pytest.mark.slow
def test_coverage_on_q1(capsys):
    require_shared("data", "ukraine_media_2022q1", "articles.csv")
    assert main(["coverage", "--corpus", str(Q1_CORPUS)]) == 0
    out = capsys.readouterr().out
    assert "2,812 articles" in out and "Most frequent names no actor holds" in out

"""Bad input to the corpus reader and the codebook, one test per kind, through the command line.

Each test writes a tiny input under ``tmp_path``, runs ``python -m analysis candidates`` (or
``annotate --layers`` with no extra layer) in process, and asserts the exit code, that the
error is one line naming the file, the line or record and the field, and that no input
file changed. Kinds that are read (with a warning, or because they are fine) assert that
too: exit code 0 and what was printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.reader import read_corpus
from analysis.errors import InputError
from badinput import Outcome, assert_one_line_error, run_cli, snapshot, write

HEADER = "doc_id,date,outlet,title,text\n"
CODEBOOK = """actors:
  - id: putin
    label: Vladimir Putin
    type: person
    gender: male
    aliases: [Vladimir Putin, Putin]
  - id: biden
    label: Joe Biden
    type: person
    aliases: [Joe Biden, Biden]
"""


def records(count: int) -> list[str]:
    """``count`` good CSV records, one line each (ids a1, a2 ...), without quotes."""
    return [f"a{i},2022-01-{i % 28 + 1:02d},X,Title {i},Putin spoke on day {i}.\n" for i in range(1, count + 1)]


def candidates(capsys: pytest.CaptureFixture, folder: Path, corpus: Path, *options: str) -> Outcome:
    """``candidates --corpus corpus`` (seed codebook unless ``--codebook`` is given); checks no file in
    ``folder`` changed."""
    before = snapshot(folder)
    outcome = run_cli(capsys, "candidates", "--corpus", corpus, "--min-count", "1000", *options)
    assert snapshot(folder) == before
    return outcome


def fails(capsys: pytest.CaptureFixture, folder: Path, corpus: Path, *names: str, options: tuple[str, ...] = ()
          ) -> str:
    """The run stops with exit code 2 and one error line naming ``corpus``'s file name and ``names``."""
    outcome = candidates(capsys, folder, corpus, *options)
    return assert_one_line_error(outcome, corpus.name, *names)


def lines_starting(outcome: Outcome, prefix: str) -> list[str]:
    return [line for line in outcome.err.splitlines() if line.startswith(prefix)]


def codebook_fails(capsys: pytest.CaptureFixture, tmp_path: Path, text: str, *names: str) -> str:
    """A codebook error: exit code 2, one line naming the codebook file and ``names``."""
    corpus = write(tmp_path / "articles.csv", HEADER + "".join(records(2)))
    book = write(tmp_path / "book.yaml", text)
    outcome = candidates(capsys, tmp_path, corpus, "--codebook", str(book))
    return assert_one_line_error(outcome, "book.yaml", *names)


# --- CSV: quotes ------------------------------------------------------------------------------


def test_csv_quote_open_at_end_of_file(capsys, tmp_path):
    """Two records merged into one article: a quote opened on line 2 is never closed."""
    corpus = write(tmp_path / "a.csv", HEADER + 'a1,2022-01-01,X,T,"Putin spoke.\na2,2022-01-02,X,T,Biden spoke.\n')
    error = fails(capsys, tmp_path, corpus, "line 2", "field 'text'", "closing quote")
    assert "end of the file" in error


def test_csv_stray_quote_mid_file_stops_where_it_opened(capsys, tmp_path):
    lines = records(60)
    lines[5] = 'a6,2022-01-07,X,"Stray title,Biden spoke.\n'              # line 7: the quote opens
    lines[47] = 'a48,2022-01-21,X,Title 48,"Quoted, text" here.\n'        # line 49: the next quote closes it
    corpus = write(tmp_path / "a.csv", HEADER + "".join(lines))
    error = fails(capsys, tmp_path, corpus, "line 7", "field 'title'", "closing quote")
    assert "line 49" in error


def test_csv_stray_quote_skipped_records_are_each_reported(capsys, tmp_path):
    """With --skip-invalid, every record the quote swallowed is reported: read + skipped = records."""
    lines = records(60)
    lines[5] = 'a6,2022-01-07,X,"Stray title,Biden spoke.\n'
    lines[47] = 'a48,2022-01-21,X,Title 48,"Quoted, text" here.\n'
    corpus = write(tmp_path / "a.csv", HEADER + "".join(lines))
    before = snapshot(tmp_path)
    outcome = run_cli(capsys, "annotate", "--corpus", corpus, "--skip-invalid", "--layers", "--quiet",
                      "--out", tmp_path / "out")
    assert outcome.code == 0, outcome.err
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("out")} == before
    skipped = lines_starting(outcome, "skipped:")
    assert len(skipped) == 43  # the record with the quote (line 7) and lines 8-49
    assert [int(re.search(r", line (\d+),", line)[1]) for line in skipped] == list(range(7, 50))
    assert all("a.csv" in line and "field 'title'" in line for line in skipped)
    n_articles = len(pd.read_parquet(tmp_path / "out" / "articles.parquet"))
    assert n_articles + len(skipped) == 60
    assert "articles 17" in outcome.out


def test_csv_stray_quote_closed_on_its_own_line(capsys, tmp_path):
    """A stray quote closed on its line by the next field's quote: the csv module glued the title to
    part of the text and split the rest off as the text, silently. One bad record; the others read."""
    lines = records(5)
    lines[2] = 'a3,2022-01-04,X,"Stray title,"Putin spoke, briefly."\n'
    corpus = write(tmp_path / "a.csv", HEADER + "".join(lines))
    fails(capsys, tmp_path, corpus, "line 4", "field 'title'", "after a closing quote")
    outcome = candidates(capsys, tmp_path, corpus, "--skip-invalid")
    assert outcome.code == 0 and len(lines_starting(outcome, "skipped:")) == 1


# --- CSV: size, encoding, line ends -------------------------------------------------------------


def test_csv_field_longer_than_the_csv_module_default(capsys, tmp_path):
    """An article of 300,000 characters (Python's csv default limit is 131,072) reads whole."""
    text = "Putin spoke. " * 23_077
    corpus = write(tmp_path / "a.csv", HEADER + f'a1,2022-01-01,X,T,"{text}"\n')
    outcome = candidates(capsys, tmp_path, corpus)
    assert outcome.code == 0 and outcome.err == "", outcome.err
    assert len(read_corpus(corpus).articles.loc[0, "text"]) == len(text.strip()) > 131_072


def test_csv_nul_byte(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", HEADER + "a1,2022-01-01,X,T,Putin\x00 spoke.\n")
    fails(capsys, tmp_path, corpus, "line 2", "field 'text'", "NUL")


def test_csv_byte_order_mark(capsys, tmp_path):
    """A BOM does not hide the first column: the error is the bad date, not a missing 'date' column."""
    corpus = write(tmp_path / "a.csv", b"\xef\xbb\xbfdate,text\n2022-02-30,Putin spoke.\n")
    fails(capsys, tmp_path, corpus, "line 2", "field 'date'", "2022-02-30")


def test_csv_crlf_line_ends(capsys, tmp_path):
    """CRLF line ends and a field spanning two lines: the line number of a later record stays right."""
    text = HEADER + 'a1,2022-01-01,X,T,"Putin spoke.\n\nBiden spoke."\na2,2022-13-01,X,T,Later.\n'
    corpus = write(tmp_path / "a.csv", text.replace("\n", "\r\n").encode())
    fails(capsys, tmp_path, corpus, "line 5", "field 'date'", "2022-13-01")


def test_csv_latin1_bytes(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", HEADER.encode() + b"a1,2022-01-01,X,T,ok\na2,2022-01-02,X,T,caf\xe9\n")
    fails(capsys, tmp_path, corpus, "line 3", "field 'encoding'", "UTF-8")


def test_csv_empty_file(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", "")
    fails(capsys, tmp_path, corpus, "line 1", "field 'header'", "empty file")


def test_csv_header_only(capsys, tmp_path):
    """A header without records used to write an empty articles table with exit code 0."""
    corpus = write(tmp_path / "a.csv", HEADER)
    fails(capsys, tmp_path, corpus, "line 2", "field 'records'", "at least one record")


# --- CSV: header and columns -----------------------------------------------------------------------


def test_csv_duplicated_header_column(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", "date,date,text\n2022-01-01,2022-01-02,Putin spoke.\n")
    fails(capsys, tmp_path, corpus, "line 1", "field 'date'", "each column name once")


def test_csv_missing_required_column(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", "doc_id,date,title\na1,2022-01-01,T\n")
    fails(capsys, tmp_path, corpus, "line 1", "field 'text'", "a 'text' column")


def test_column_mapping_to_a_missing_column(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", HEADER + "".join(records(1)))
    fails(capsys, tmp_path, corpus, "line 1", "field 'body'", "mapped to text", options=("--column", "text=body"))


def test_column_mapping_with_an_unknown_field(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", HEADER + "".join(records(1)))
    outcome = candidates(capsys, tmp_path, corpus, "--column", "body=text")
    assert_one_line_error(outcome, "--column", "body=text")


def test_csv_wrong_number_of_fields(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", HEADER + "a1,2022-01-01,X,Putin spoke.\n")
    fails(capsys, tmp_path, corpus, "line 2", "field 'columns'", "5 fields as in the header")


# --- CSV: values --------------------------------------------------------------------------------------


def test_csv_bad_date(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", HEADER + "a1,01/02/2022,X,T,Putin spoke.\n")
    fails(capsys, tmp_path, corpus, "line 2", "field 'date'", "YYYY-MM-DD")


def test_csv_duplicate_ids(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", HEADER + "a1,2022-01-01,X,T,One.\na1,2022-01-02,X,T,Two.\n")
    fails(capsys, tmp_path, corpus, "line 3", "field 'id'", "first used at")


def test_csv_empty_text(capsys, tmp_path):
    corpus = write(tmp_path / "a.csv", HEADER + "a1,2022-01-01,X,T,   \n")
    fails(capsys, tmp_path, corpus, "line 2", "field 'text'", "non-empty article text")


def test_every_record_invalid_with_skip(capsys, tmp_path):
    """--skip-invalid with nothing left to read: one error saying so, listing the skipped records."""
    corpus = write(tmp_path / "a.csv", HEADER + "a1,nope,X,T,One.\na2,2022-01-02,X,T,\n")
    fails(capsys, tmp_path, corpus, "field 'articles'", "at least one article", "line 2", "line 3",
          options=("--skip-invalid",))


# --- JSON Lines --------------------------------------------------------------------------------------


def test_jsonl_bad_line(capsys, tmp_path):
    corpus = write(tmp_path / "a.jsonl", '{"date": "2022-01-01", "text": "Putin spoke."}\n{oops\n')
    fails(capsys, tmp_path, corpus, "line 2", "field 'json'", "one JSON object per line")


def test_jsonl_line_that_is_not_an_object(capsys, tmp_path):
    corpus = write(tmp_path / "a.jsonl", '["2022-01-01", "Putin spoke."]\n')
    fails(capsys, tmp_path, corpus, "line 1", "field 'json'", "'list'")


def test_jsonl_text_that_is_an_object(capsys, tmp_path):
    """It used to be stored as its Python repr ("{'body': ...}")."""
    corpus = write(tmp_path / "a.jsonl", '{"date": "2022-01-01", "text": {"body": "Putin spoke."}}\n')
    fails(capsys, tmp_path, corpus, "line 1", "field 'text'", "a JSON string", "an object")


def test_jsonl_nul_escape(capsys, tmp_path):
    corpus = write(tmp_path / "a.jsonl", '{"date": "2022-01-01", "text": "Putin\\u0000 spoke."}\n')
    fails(capsys, tmp_path, corpus, "line 1", "field 'text'", "NUL")


def test_jsonl_empty_file(capsys, tmp_path):
    corpus = write(tmp_path / "a.jsonl", "\n\n")
    fails(capsys, tmp_path, corpus, "line 1", "field 'records'", "at least one record")


# --- seed-format folders ---------------------------------------------------------------------------------

SEED = " date 2022-02-02 Putin speaks\n\nPutin spoke.\n"


def test_folder_metadata_id_without_an_article(capsys, tmp_path):
    """Read, with a warning: the metadata row is not used."""
    write(tmp_path / "corpus" / "a1.txt", SEED)
    write(tmp_path / "corpus" / "metadata.csv", "id,outlet\na1,ABC News\nghost,CNN\n")
    outcome = candidates(capsys, tmp_path, tmp_path / "corpus")
    assert outcome.code == 0 and not outcome.error_lines, outcome.err
    (warning,) = lines_starting(outcome, "warning:")
    assert all(name in warning for name in ("metadata.csv", "line 3", "field 'id'", "ghost")), warning


def test_folder_txt_files_in_a_subfolder(capsys, tmp_path):
    """Read, with a warning: files in subfolders are not part of the corpus."""
    write(tmp_path / "corpus" / "a1.txt", SEED)
    write(tmp_path / "corpus" / "2021" / "old.txt", SEED)
    outcome = candidates(capsys, tmp_path, tmp_path / "corpus")
    assert outcome.code == 0 and not outcome.error_lines, outcome.err
    (warning,) = lines_starting(outcome, "warning:")
    assert all(name in warning for name in ("2021", "field 'path'", "1 .txt file(s), not read")), warning


def test_folder_with_articles_only_in_subfolders(capsys, tmp_path):
    write(tmp_path / "corpus" / "2021" / "old.txt", SEED)
    fails(capsys, tmp_path, tmp_path / "corpus", "field 'path'", "no .txt files (1 in subfolders")


def test_folder_metadata_duplicate_id(capsys, tmp_path):
    write(tmp_path / "corpus" / "a1.txt", SEED)
    write(tmp_path / "corpus" / "metadata.csv", "id,outlet\na1,ABC News\na1,CNN\n")
    outcome = candidates(capsys, tmp_path, tmp_path / "corpus")
    assert_one_line_error(outcome, "metadata.csv", "line 3", "field 'id'", "first on line 2")


def test_seed_file_bad_header(capsys, tmp_path):
    corpus = write(tmp_path / "corpus" / "a1.txt", "Putin speaks\n\nPutin spoke.\n")
    fails(capsys, tmp_path, corpus, "line 1", "field 'header'", "date YYYY-MM-DD")


def test_seed_file_nul_byte(capsys, tmp_path):
    corpus = write(tmp_path / "corpus" / "a1.txt", SEED + "More\x00 text.\n")
    fails(capsys, tmp_path, corpus, "line 4", "field 'text'", "NUL")


def test_corpus_path_that_does_not_exist(capsys, tmp_path):
    fails(capsys, tmp_path, tmp_path / "missing.csv", "field 'path'", "an existing file or folder")


def test_corpus_file_of_unknown_format(capsys, tmp_path):
    corpus = write(tmp_path / "a.xlsx", "not a corpus")
    fails(capsys, tmp_path, corpus, "field 'format'", ".csv or .jsonl")


# --- the codebook -------------------------------------------------------------------------------------------


def test_codebook_duplicate_key(capsys, tmp_path):
    """``aliases:`` twice in one actor: YAML keeps the last list and drops the first silently."""
    text = CODEBOOK.replace("    aliases: [Joe Biden, Biden]\n", "    aliases: [Joe Biden]\n    aliases: [Biden]\n")
    codebook_fails(capsys, tmp_path, text, "line 11", "field 'aliases'", "first given on line 10")


def test_codebook_punctuation_only_alias(capsys, tmp_path):
    """An alias "(" would match every bracket of the corpus as a mention."""
    codebook_fails(capsys, tmp_path, CODEBOOK.replace("[Joe Biden, Biden]", "[Joe Biden, '(']"),
                   "line 10", "field 'aliases'", "letter or digit")


def test_codebook_unknown_key(capsys, tmp_path):
    codebook_fails(capsys, tmp_path, CODEBOOK + "    nickname: Joe\n", "line 11", "field 'nickname'")


def test_codebook_bad_id(capsys, tmp_path):
    codebook_fails(capsys, tmp_path, CODEBOOK.replace("id: biden", "id: ../biden"), "line 7", "field 'id'")


def test_codebook_bad_colour(capsys, tmp_path):
    codebook_fails(capsys, tmp_path, CODEBOOK + "    colour: blue\n", "line 11", "field 'colour'", "hex colour")


def test_codebook_empty_aliases(capsys, tmp_path):
    codebook_fails(capsys, tmp_path, CODEBOOK.replace("[Joe Biden, Biden]", "[]"), "line 10", "field 'aliases'",
                   "at least one alias")


def test_codebook_alias_of_two_actors(capsys, tmp_path):
    codebook_fails(capsys, tmp_path, CODEBOOK.replace("[Joe Biden, Biden]", "[Joe Biden, Putin]"),
                   "line 10", "field 'aliases'", "'putin' claims it on line 6")


def test_codebook_invalid_yaml(capsys, tmp_path):
    codebook_fails(capsys, tmp_path, CODEBOOK + "  - id: [unclosed\n", "line 12", "field 'yaml'")


# --- Python entry points ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, content, where", [
    ("a.csv", HEADER, "line 2, field 'records'"),
    ("a.jsonl", "", "line 1, field 'records'"),
])
def test_workspace_of_an_empty_corpus(tmp_path, name, content, where):
    """``open_workspace(...).table("mentions")`` on a corpus without articles: one clear InputError."""
    from analysis.annotate.workspace import open_workspace

    corpus = write(tmp_path / name, content)
    before = snapshot(tmp_path)
    with pytest.raises(InputError) as error:
        open_workspace(corpus=corpus, layers=(), cache=False).table("mentions")
    message = str(error.value)
    assert "\n" not in message and name in message and where in message, message
    assert snapshot(tmp_path) == before


def test_dataset_with_a_codebook_path(tmp_path):
    """``annotate_dataset`` accepts a codebook's path (it loads it); anything else is an InputError."""
    from analysis.annotate.dataset import annotate_dataset

    corpus = write(tmp_path / "a.csv", HEADER + "".join(records(3)))
    book = write(tmp_path / "book.yaml", CODEBOOK)
    before = snapshot(tmp_path)
    dataset = annotate_dataset(corpus, str(book), tmp_path / "out", settings=_no_layers(), progress=False)
    assert set(dataset.read("mentions")["actor_id"]) == {"putin"}
    with pytest.raises(InputError, match=r"annotate_dataset, field 'codebook': expected a Codebook .* got 'dict'"):
        annotate_dataset(corpus, {"actors": []}, tmp_path / "out2", progress=False)
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("out")} == before


def _no_layers():
    from analysis.annotate.pipeline import Settings

    return Settings(layers=())

"""The corpus reader: formats, ids, dates, and clear errors for every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.corpus.reader import body_offset, document_text, read_corpus
from analysis.errors import InputError
from analysis.paths import PROJ_ROOT
from conftest import require_shared

SEED = PROJ_ROOT / "seeds" / "000_a912a548cf8ee896.txt"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


class TestSeedFormat:
    def test_seed_folder_reads_with_metadata(self):
        articles = read_corpus(PROJ_ROOT / "seeds").articles
        assert len(articles) == 1
        row = articles.iloc[0]
        assert row.article_id == "000_a912a548cf8ee896"
        assert str(row.date.date()) == "2022-02-02"
        assert row.outlet == "ABC News"
        assert row.title == "Biden orders US troop deployments to reassure NATO allies amid Russia standoff"
        assert row.text.startswith("(WASHINGTON) -- President Joe Biden has ordered")
        assert row.text.count("\n\n") == 8  # nine body paragraphs

    def test_seed_copy_is_byte_identical_to_shared(self):
        shared = require_shared("seeds", SEED.name)
        assert SEED.read_bytes() == shared.read_bytes()

    @pytest.mark.parametrize("header", ["date 2022-02-02 Title here", " date 2022-02-02 Title here"])
    def test_leading_space_optional(self, tmp_path, header):
        path = write(tmp_path / "a.txt", f"{header}\n\nBody one.\n\nBody two.\n")
        row = read_corpus(path).articles.iloc[0]
        assert (row.title, row.text, row.outlet) == ("Title here", "Body one.\n\nBody two.", "unknown")

    def test_document_text_and_body_offset(self):
        doc = document_text("Head", "Body.")
        assert doc == "Head\n\nBody." and doc[body_offset("Head"):] == "Body."
        assert document_text("", "Body.") == "Body." and body_offset("") == 0

    @pytest.mark.parametrize("content, field, line", [
        ("no header here\n\nBody.", "header", 1),
        (" date 2022-13-01 Title\n\nBody.", "date", 1),
        (" date 2022-02-02 Title\n\n   \n", "text", 2),
    ])
    def test_bad_seed_files(self, tmp_path, content, field, line):
        path = write(tmp_path / "bad.txt", content)
        with pytest.raises(InputError) as error:
            read_corpus(path)
        assert error.value.problem.field == field and error.value.problem.line == line
        assert str(path) in str(error.value) and "expected" in str(error.value)

    def test_undecodable_bytes_name_the_line(self, tmp_path):
        path = write(tmp_path / "bad.txt", b" date 2022-02-02 T\n\nok\n\xff\xfe broken\n")
        with pytest.raises(InputError, match=r"line 4, field 'encoding': expected UTF-8"):
            read_corpus(path)

    def test_skip_reports_every_bad_file(self, tmp_path):
        write(tmp_path / "a.txt", " date 2022-02-02 Good\n\nBody.")
        write(tmp_path / "b.txt", " date 2022-02-30 Bad date\n\nBody.")
        write(tmp_path / "c.txt", "nonsense")
        with pytest.raises(InputError):
            read_corpus(tmp_path)
        read = read_corpus(tmp_path, on_error="skip")
        assert read.articles["article_id"].tolist() == ["a"]
        assert [(Path(p.source).name, p.field) for p in read.skipped] == [("b.txt", "date"), ("c.txt", "header")]


class TestTables:
    def test_csv_with_mapping_and_multiline_fields(self, tmp_path):
        path = write(tmp_path / "x.csv", 'key,day,body,source\nk1,2022-03-01,"line one\nline two",CNN\n'
                                         'k2,2022-02-28,second,BBC\n')
        articles = read_corpus(path, columns={"id": "key", "date": "day", "outlet": "source"}).articles
        assert articles["article_id"].tolist() == ["k2", "k1"]  # sorted by date
        assert articles.iloc[1].text == "line one\nline two"
        assert articles.iloc[1].source.endswith("x.csv:2") and articles.iloc[0].source.endswith("x.csv:4")

    def test_jsonl_with_content_ids(self, tmp_path):
        records = [{"date": "2022-01-05T10:00:00Z", "title": "A", "text": "x"}, {"date": "2022-01-06", "text": "y"}]
        path = write(tmp_path / "x.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
        articles = read_corpus(path).articles
        assert len(articles["article_id"].iloc[0]) == 16
        assert articles["article_id"].tolist() == read_corpus(path).articles["article_id"].tolist()  # stable
        assert articles["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-01-05", "2022-01-06"]

    @pytest.mark.parametrize("content, field, line", [
        ("id,date\n1,2022-01-01\n", "text", 1),                     # missing column
        ("id,date,text\n1,2022-01-01,\n", "text", 2),               # empty body
        ("id,date,text\n1,01/02/2022,hi\n", "date", 2),             # bad date
        ("id,date,text\n1,2022-01-01,hi\n1,2022-01-02,ho\n", "id", 3),  # duplicate id
        ("id,date,text\n1,2022-01-01\n", "columns", 2),             # short row
    ])
    def test_bad_csv(self, tmp_path, content, field, line):
        path = write(tmp_path / "bad.csv", content)
        with pytest.raises(InputError) as error:
            read_corpus(path)
        assert (error.value.problem.field, error.value.problem.line) == (field, line)

    def test_bad_json_line(self, tmp_path):
        path = write(tmp_path / "bad.jsonl", '{"date": "2022-01-01", "text": "ok"}\n{oops\n')
        with pytest.raises(InputError, match=r"line 2, field 'json'"):
            read_corpus(path)
        assert len(read_corpus(path, on_error="skip").articles) == 1

    def test_unknown_mapping_key_and_missing_path(self, tmp_path):
        path = write(tmp_path / "x.csv", "date,text\n2022-01-01,hi\n")
        with pytest.raises(InputError, match="mapping keys"):
            read_corpus(path, columns={"body": "text"})
        with pytest.raises(InputError, match="an existing file or folder"):
            read_corpus(tmp_path / "missing.csv")


def test_q1_corpus_reads_as_it_is(q1_articles):
    assert len(q1_articles) == 2812
    assert q1_articles["article_id"].is_unique
    assert q1_articles["outlet"].value_counts()["Fox News"] == 1053
    seed = q1_articles.set_index("article_id").loc["r2n-01152"]
    assert seed.outlet == "ABC News" and str(seed.date.date()) == "2022-02-02"

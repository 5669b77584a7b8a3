"""Scoring a CSV or JSONL file (analysis.framing.score_files): the command and score_texts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.framing import score_files as S
from analysis.framing.dictionaries import load_frames
from analysis.paths import Q1_CORPUS, SHARED


class TestCommand:
    def test_csv(self, tmp_path, capsys):
        source = tmp_path / "in.csv"
        pd.DataFrame({"doc": ["d1", "d2"], "gold": ["conflict", "none"],
                      "text": ["Russia accused Kyiv. Prices rose.\n\nNothing else.", "A quiet day."]}
                     ).to_csv(source, index=False)
        out = tmp_path / "out" / "scores.csv"
        assert S.main(["score", str(source), "--scheme", "generic", "--out", str(out), "--id-column", "doc",
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
        assert S.main(["score", str(source), "--text-column", "body", "--scheme", str(_write_tiny(tmp_path)),
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
        assert S.main(["score", str(source), "--out", str(out), *args]) == 2
        error = capsys.readouterr().err
        assert fragment in error and ("in.csv" in error or "nope" in error)
        assert not out.exists()

    def test_bad_json_line(self, tmp_path, capsys):
        source = tmp_path / "in.jsonl"
        source.write_text('{"text": "War."}\n{"text": \n')
        assert S.main(["score", str(source), "--out", str(tmp_path / "o.csv")]) == 2
        assert "line 2, field 'json'" in capsys.readouterr().err

    def test_show(self, capsys):
        assert S.main(["show", "--scheme", "policy"]) == 0
        assert "security_defense" in capsys.readouterr().out


def _write_tiny(folder):
    path = folder / "tiny.yaml"
    path.write_text("frames:\n  conflict:\n    terms: [war]\n  law:\n    terms: [law]\n  econ:\n    terms: [price*]\n")
    return path


@pytest.mark.skipif(not SHARED.exists(), reason="../shared (the Q1 corpus) is absent on this clone")
def test_seed_article_in_q1_scores_security():
    articles = pd.read_csv(Q1_CORPUS, dtype=str)
    text = articles.loc[articles["doc_id"] == "r2n-01152", "text"].iloc[0]
    table = S.score_texts([text], ["r2n-01152"], frames=load_frames("policy"), level="record")
    assert table["dominant"].iloc[0] == "security_defense"

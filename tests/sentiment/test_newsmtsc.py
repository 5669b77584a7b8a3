"""Tests for analysis.sentiment.newsmtsc: NewsMTSC reading and scores."""

from __future__ import annotations

import json

import pytest

from analysis.errors import InputError
from analysis.sentiment.newsmtsc import f1_scores, read_newsmtsc
from newsmtsc_fixtures import GOOD, write_jsonl

class TestReadNewsMTSC:
    def test_reads_targets_with_others(self, tmp_path):
        targets = read_newsmtsc(write_jsonl(tmp_path, [json.dumps(GOOD)]))
        assert [t.label for t in targets] == ["neutral", "positive"]
        assert targets[0].others == ((14, 22),) and targets[1].others == ((0, 5),)
        assert targets[1].line == 1

    @pytest.mark.parametrize("line, field, expected", [
        ("{not json", "(record)", "one JSON object per line"),
        (json.dumps({"targets": []}), "sentence_normalized", "the sentence"),
        (json.dumps({**GOOD, "targets": [{**GOOD["targets"][0], "from": 1}]}), "targets[0].from/to",
         "sentence[from:to] == mention"),
        (json.dumps({**GOOD, "targets": [{**GOOD["targets"][0], "polarity": 5.0}]}), "targets[0].polarity",
         "2.0 (negative)"),
        (json.dumps({**GOOD, "targets": [{k: v for k, v in GOOD["targets"][0].items() if k != "to"}]}),
         "targets[0].to", "exclusive character offset"),
    ])
    def test_bad_input_names_file_line_field(self, tmp_path, line, field, expected):
        path = write_jsonl(tmp_path, [json.dumps(GOOD), line])
        with pytest.raises(InputError) as err:
            read_newsmtsc(path)
        msg = str(err.value)
        assert str(path) in msg and "line 2" in msg and repr(field) in msg and expected in msg


class TestScores:
    def test_f1_literal(self):
        gold = ["negative", "negative", "neutral", "positive"]
        pred = ["negative", "neutral", "neutral", "neutral"]
        s = f1_scores(gold, pred)
        assert s["accuracy"] == 0.5
        assert s["f1_negative"] == pytest.approx(2 / 3)
        assert s["f1_neutral"] == pytest.approx(0.5)
        assert s["f1_positive"] == 0.0
        assert s["macro_f1"] == pytest.approx((2 / 3 + 0.5) / 3)

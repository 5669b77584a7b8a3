"""The validation appendix: statistics by hand, each check on small literal data, absent data, the command."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis.report.validation import (ValidationInputs, bootstrap_macro_f1, fisher_interval, macro_f1_from_counts,
                                        run_validation, wilson_interval)
from analysis.report.validation_write import appendix_markdown, check_section, main_table, write_appendix
from analysis.sentiment.evaluate import confusion
from analysis.sentiment.newsmtsc import f1_scores
from conftest import require_shared

NEG, NEU, POS = "negative", "neutral", "positive"
# gold:      neg neg neg neu neu pos pos pos
# predicted: neg neg neu neu pos pos pos neg
GOLD = [NEG, NEG, NEG, NEU, NEU, POS, POS, POS]
PRED = [NEG, NEG, NEU, NEU, POS, POS, POS, NEG]


class TestStatistics:
    def test_wilson_interval_by_hand(self):
        # p = 0.8, n = 10, z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.716738,
        # half-width 1.96 / 1.38416 * sqrt(0.016 + 0.009604) = 0.226581
        assert wilson_interval(8, 10, z=1.96) == pytest.approx((0.490157, 0.943319), abs=1e-6)
        # p = 0.8, n = 5: centre 1.18416 / 1.76832 = 0.669652, half-width 1.108397 * 0.265360 = 0.294124
        assert wilson_interval(4, 5, z=1.96) == pytest.approx((0.375528, 0.963777), abs=1e-6)

    def test_wilson_interval_edges(self):
        low, high = wilson_interval(10, 10)
        assert high == pytest.approx(1.0) and low == pytest.approx(10 / (10 + 1.959964 ** 2), abs=1e-6)  # n/(n + z²)
        assert wilson_interval(0, 10)[0] == 0.0
        assert all(math.isnan(v) for v in wilson_interval(0, 0))

    def test_fisher_interval_by_hand(self):
        # atanh(0.5) = 0.549306, 1.96 / sqrt(100) = 0.196: tanh(0.353306), tanh(0.745306)
        assert fisher_interval(0.5, 103, z=1.96) == pytest.approx((0.339304, 0.632340), abs=1e-6)
        assert all(math.isnan(v) for v in fisher_interval(0.5, 3))

    def test_confusion_matrix_by_hand(self):
        table = confusion(GOLD, PRED)  # the package's evaluation function, as the appendix uses it
        wide = table.pivot(index="gold", columns="predicted", values="count")
        assert wide.loc[[NEG, NEU, POS], [NEG, NEU, POS]].to_numpy().tolist() == [[2, 1, 0], [0, 1, 1], [1, 0, 2]]
        assert list(table.columns) == ["gold", "predicted", "count"] and len(table) == 9

    def test_macro_f1_by_hand(self):
        # F1 neg = 2·2/(2·2+1+1) = 2/3; neu = 2·1/(2·1+1+1) = 1/2; pos = 2·2/(2·2+1+1) = 2/3 -> 11/18
        counts = np.array([[2, 1, 0], [0, 1, 1], [1, 0, 2]])
        assert macro_f1_from_counts(counts) == pytest.approx(11 / 18)
        scores = f1_scores(GOLD, PRED)  # the package's evaluation function agrees
        assert scores["macro_f1"] == pytest.approx(11 / 18) and scores["accuracy"] == pytest.approx(5 / 8)
        assert macro_f1_from_counts(np.array([[3, 0, 0], [0, 0, 0], [0, 0, 0]])) == pytest.approx(1 / 3)

    def test_bootstrap_of_perfect_predictions_is_a_point_and_seeded(self):
        every_class = [NEG, NEU, POS] * 4  # each sentence (group) holds all three classes
        assert bootstrap_macro_f1(every_class, every_class, groups=[1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
                                  n_boot=200) == (1.0, 1.0)
        groups = [1, 1, 2, 3, 3, 4, 5, 5]
        first = bootstrap_macro_f1(GOLD, PRED, groups=groups, n_boot=500, seed=3)
        assert first == bootstrap_macro_f1(GOLD, PRED, groups=groups, n_boot=500, seed=3)
        assert first[0] < 11 / 18 < first[1]


def _write_newsmtsc(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for sentence, targets in records:
        items = []
        for mention, polarity in targets:
            start = sentence.index(mention)
            items.append({"from": start, "to": start + len(mention), "mention": mention, "polarity": polarity})
        lines.append(json.dumps({"sentence_normalized": sentence, "targets": items}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def small_data(tmp_path):
    """A shared-data folder with a 4-sentence NewsMTSC file (one item holds two sentences), and a pronoun sample."""
    shared = tmp_path / "shared" / "data"
    _write_newsmtsc(shared / "newsmtsc" / "devtest_mt.jsonl", [
        ("Smith is a wonderful, brilliant and admired leader.", [("Smith", 6.0)]),
        ("Jones is a terrible, corrupt and hated liar.", [("Jones", 2.0)]),
        ("Brown arrived in Ohio on Tuesday.", [("Brown", 2.0)]),       # gold negative, VADER neutral
        ("Green won. Black lost the vote.", [("Green", 4.0), ("Black", 4.0)]),  # two sentences in one item
    ])
    sample = tmp_path / "pronoun_sample.csv"
    sample.write_text("article_id,start,end,surface,sentence,predicted_actor_id,gold_actor_id,correct\n"
                      "a1,0,2,He,He said.,biden,biden,1\n"
                      "a1,10,12,he,and he added,biden,biden,true\n"
                      "a2,5,8,She,She left.,harris,harris,1\n"
                      "a2,9,12,his,his plan,putin,zelenskyy,0\n"
                      "a3,0,2,He,He won.,kirby,kirby,yes\n", encoding="utf-8")
    return ValidationInputs.at(shared_data=shared, pronoun_sample=sample)


class TestChecksOnSmallData:
    def test_newsmtsc_confusion_and_scores(self, small_data):
        result = run_validation(inputs=small_data, methods=["vader_sentence"], cache=False)
        scores = result.tables["newsmtsc_scores"].iloc[0]
        # VADER sentence labels: Smith positive, Jones negative, Brown neutral, Green/Black: "won" positive
        confusion = result.tables["newsmtsc_confusion"]
        wide = confusion.pivot(index="gold", columns="predicted", values="count").loc[[NEG, NEU, POS], [NEG, NEU, POS]]
        assert wide.to_numpy().tolist() == [[1, 1, 0], [0, 0, 2], [0, 0, 1]]
        # F1 neg = 2/(2+0+1) = 2/3; neu = 0 (no TP); pos = 2/(2+2+0) = 1/2 -> macro (2/3 + 0 + 1/2)/3 = 7/18
        assert scores["macro_f1"] == pytest.approx(7 / 18) and scores["accuracy"] == pytest.approx(2 / 5)
        assert scores["n_targets"] == 5 and scores["status"] == "ran"

    def test_sentence_splitting_counts_items_kept_whole(self, small_data):
        result = run_validation(inputs=small_data, methods=["vader_sentence"], cache=False)
        table = result.tables["sentence_splitting"].iloc[0]
        assert (table["file"], table["sentences"], table["kept_whole"]) == ("devtest_mt", 4, 3)
        assert (table["ci_low"], table["ci_high"]) == pytest.approx(wilson_interval(3, 4))
        splits = result.tables["sentence_splits"]
        assert splits["split"].tolist() == ["Green won. ‖ Black lost the vote."]
        assert result.status["sentences"] == "ran"  # train.jsonl absent: devtest_mt alone

    def test_pronoun_precision_with_wilson_interval(self, small_data):
        result = run_validation(inputs=small_data, methods=["vader_sentence"], cache=False)
        row = result.summary[result.summary["check"] == "pronouns"].iloc[0]
        assert (row["value"], row["n"]) == (0.8, 5)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson_interval(4, 5))
        assert "not met" in row["reference"]
        by = result.tables["pronoun_precision"].set_index("pronoun")
        assert by.loc["he", "n"] == 3 and by.loc["his", "correct"] == 0 and by.loc["she", "precision"] == 1.0

    def test_method_without_its_extra_is_skipped_with_the_reason(self, small_data, monkeypatch):
        import analysis.sentiment.embedding as embedding

        monkeypatch.setattr(embedding, "available", lambda: False)
        result = run_validation(inputs=small_data, methods=["vader_sentence", "minilm"], cache=False)
        scores = result.tables["newsmtsc_scores"].set_index("method")
        assert scores.loc["minilm", "status"] == "skipped"
        assert scores.loc["minilm", "reason"] == embedding.EXTRA_HINT
        assert set(result.tables["newsmtsc_confusion"]["method"]) == {"vader_sentence"}
        text, tables = check_section(result, "newsmtsc")
        assert "`minilm` was not run here" in text and len(tables) == 2  # scores + one confusion matrix

    def test_predictions_are_cached_by_content(self, small_data, tmp_path):
        cache = tmp_path / "cache"
        first = run_validation(inputs=small_data, methods=["vader_sentence"], cache=cache)
        assert len(list(cache.glob("newsmtsc-vader_sentence-*.json"))) == 1
        again = run_validation(inputs=small_data, methods=["vader_sentence"], cache=cache)
        pd.testing.assert_frame_equal(first.tables["newsmtsc_confusion"], again.tables["newsmtsc_confusion"])


class TestAbsentData:
    @pytest.fixture
    def absent(self, tmp_path):
        return ValidationInputs.at(shared_data=tmp_path / "no-shared", pronoun_sample=tmp_path / "none.csv")

    def test_checks_without_data_are_skipped_with_the_reason(self, absent):
        result = run_validation(inputs=absent, cache=False)
        assert set(result.skipped) == {"newsmtsc", "vader_nyt", "sentences", "pronouns"}
        assert "NewsMTSC devtest_mt not found at" in result.skipped["newsmtsc"]
        assert "no-shared/vader_groundtruth/nytEditorialSnippets_GroundTruth.txt" in result.skipped["vader_nyt"]
        assert result.status["golden_counts"] == "ran"  # seeds/ and the golden file are in the repository
        golden = result.tables["golden_counts"]
        hand = pd.read_csv(absent.golden_counts)
        assert dict(zip(golden["actor_id"], golden["golden"])) == {**dict(zip(hand["actor_id"], hand["count"])),
                                                                    **{a: 0 for a in golden["actor_id"]
                                                                       if a not in set(hand["actor_id"])}}
        skipped = result.summary[result.summary["status"] == "skipped"]
        assert list(skipped["check"]) == ["newsmtsc", "vader_nyt", "sentences", "pronouns"]

    def test_appendix_lists_skipped_checks_and_is_byte_identical(self, absent, tmp_path):
        result = run_validation(inputs=absent, cache=False)
        first = write_appendix(result, tmp_path / "a", parameters={"shared_data": "no-shared"})
        second = write_appendix(result, tmp_path / "b", parameters={"shared_data": "no-shared"})
        text = (first / "appendix.md").read_text()
        assert "## Checks skipped" in text and "NewsMTSC devtest\\_mt not found" in text
        assert "**Skipped**" in text and "### Package versions" in text and "Hamborg, F. & Donnay" in text
        manifest = json.loads((first / "manifest.json").read_text())
        assert manifest["kind"] == "validation" and manifest["status"]["golden_counts"] == "ran"
        assert "seeds/actors.yaml" in manifest["inputs"] and "analysis/resources/minilm_head.json" in manifest["models"]
        names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
        assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
        assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)
        assert "tables/summary.csv" in names and "appendix.html" in names

    def test_command_writes_the_appendix_and_refuses_to_overwrite(self, tmp_path, capsys):
        from analysis.cli import main

        out = tmp_path / "validation"
        args = ["validate", "--out", str(out), "--shared-data", str(tmp_path / "no-shared")]
        assert main(args) == 0
        printed = capsys.readouterr().out
        assert "skipped newsmtsc: NewsMTSC devtest_mt not found" in printed and (out / "appendix.html").exists()
        assert main(args) == 2 and "--replace" in capsys.readouterr().err
        assert main([*args, "--replace"]) == 0

    def test_command_rejects_an_unknown_method(self, tmp_path, capsys):
        from analysis.cli import main

        with pytest.raises(SystemExit) as stopped:
            main(["validate", "--out", str(tmp_path / "v"), "--methods", "bert"])
        assert stopped.value.code == 2 and "expected one of" in capsys.readouterr().err and not (tmp_path / "v").exists()


def test_markdown_escapes_text_from_the_data(small_data, tmp_path):
    hostile = tmp_path / "shared2" / "data" / "newsmtsc" / "devtest_mt.jsonl"
    _write_newsmtsc(hostile, [("Smith *won* <b>big</b>. Then | left.", [("Smith", 6.0)])])
    result = run_validation(inputs=ValidationInputs.at(shared_data=hostile.parents[1],
                                                       pronoun_sample=tmp_path / "none.csv"),
                            methods=["vader_sentence"], cache=False)
    text = appendix_markdown(result, prov={"versions": {}, "inputs": {}, "resources": {}, "models": {}})
    assert "<b>" not in text and "\\*won\\*" in text and "Then \\| left" in text
    assert list(main_table(result)["status"]) == ["ran", "skipped", "ran", "ran", "skipped"]


@pytest.mark.slow
def test_appendix_on_the_shared_data(tmp_path):
    require_shared("data", "newsmtsc", "devtest_mt.jsonl")
    require_shared("data", "vader_groundtruth", "nytEditorialSnippets_GroundTruth.txt")
    from analysis.sentiment.evaluate import evaluate_targets
    from analysis.sentiment.newsmtsc import read_newsmtsc

    result = run_validation(methods=["vader_sentence", "learned"], cache=tmp_path / "cache")
    scores = result.tables["newsmtsc_scores"].set_index("method")
    assert scores.loc["vader_sentence", "macro_f1"] == pytest.approx(0.493, abs=0.001)  # README's table
    assert scores.loc["vader_sentence", "accuracy"] == pytest.approx(0.501, abs=0.001)
    evaluated = evaluate_targets(read_newsmtsc(ValidationInputs().devtest), methods=["learned"]).iloc[0]
    assert scores.loc["learned", "macro_f1"] == evaluated["macro_f1"]  # the package's evaluation, same number
    assert scores.loc["learned", "n_targets"] == 1476
    assert scores.loc["learned", "macro_f1_low"] < evaluated["macro_f1"] < scores.loc["learned", "macro_f1_high"]
    vader = result.summary[result.summary["check"] == "vader_nyt"].iloc[0]
    assert vader["value"] == pytest.approx(0.490, abs=0.001) and vader["n"] == 5190
    splitting = result.tables["sentence_splitting"].set_index("file")
    assert splitting.loc["devtest_mt", "sentences"] == 721 and splitting.loc["train", "sentences"] == 7739
    out = write_appendix(result, tmp_path / "appendix")
    assert sorted(p.name for p in (out / "figures").glob("*.png")) == ["50-newsmtsc-confusion.png",
                                                                       "50-newsmtsc-f1.png", "50-vader-nyt.png"]


def test_every_method_is_evaluated_by_default_baselines_first():
    from analysis.report.validation import default_methods
    from analysis.sentiment.target import METHODS

    methods = default_methods()
    assert methods[:2] == ["vader_sentence", "vader_window"] and sorted(methods) == sorted(METHODS)

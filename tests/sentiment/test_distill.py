"""Tests for analysis.sentiment.distill (transfer set, soft-target student) and the soft fit of train.fit_softmax."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment.distill import _design, cross_validate, transfer_targets
from analysis.sentiment.newsmtsc import Target
from analysis.sentiment.target_features import Settings
from analysis.sentiment.train import _matrix, _vocab, featurize, fit_softmax

WIRE = "Putin met Biden in Geneva."
OTHER = "NATO warned Russia again."


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two articles carrying the same wire sentence, the second one also another sentence."""
    second = len(WIRE) + 1
    sentences = pd.DataFrame({
        "article_id": ["a1", "a2", "a2"], "sentence_id": [0, 0, 1],
        "start": [0, 0, second], "end": [len(WIRE), len(WIRE), second + len(OTHER)],
        "text": [WIRE, WIRE, OTHER]})
    mentions = pd.DataFrame({
        "article_id": ["a1", "a1", "a2", "a2", "a2", "a2"],
        "mention_id": ["m1", "m2", "m3", "m4", "m5", "m6"],
        "sentence_id": [0, 0, 0, 0, 1, 1],
        "start": [0, 10, 0, 10, second, second + 12],
        "end": [5, 15, 5, 15, second + 4, second + 18],
        "actor_id": ["putin", "biden", "putin", "biden", "nato", "russia"]})
    return sentences, mentions


class TestTransferTargets:
    def test_each_distinct_sentence_once_with_its_spans_as_others(self):
        targets = transfer_targets(*_tables(), limit=100, name="q")
        assert [(t.sentence, t.start, t.end) for t in targets] == [
            (WIRE, 0, 5), (WIRE, 10, 15), (OTHER, 0, 4), (OTHER, 12, 18)]
        assert targets[0].others == ((10, 15),) and targets[1].others == ((0, 5),)
        assert targets[2].others == ((12, 18),)
        assert {t.label for t in targets} == {""}
        assert targets[0].group == targets[1].group != targets[2].group
        assert targets[0].group.startswith("q:")

    def test_limit_draws_whole_sentences(self):
        targets = transfer_targets(*_tables(), limit=1, seed=0)
        assert len(targets) == 2  # one sentence, both its mentions
        assert len({t.sentence for t in targets}) == 1

    def test_seeded(self):
        one = transfer_targets(*_tables(), limit=1, seed=3)
        assert one == transfer_targets(*_tables(), limit=1, seed=3)

    def test_no_mentions(self):
        sentences, mentions = _tables()
        assert transfer_targets(sentences, mentions.iloc[:0]) == []


def _gold() -> list[Target]:
    rows = [("Putin attacked Ukraine brutally.", "Putin", "negative"),
            ("Biden praised the brave soldiers.", "Biden", "positive"),
            ("Scholz met Macron on Tuesday.", "Scholz", "neutral"),
            ("Putin killed civilians.", "Putin", "negative"),
            ("Biden thanked the generous donors.", "Biden", "positive"),
            ("Macron spoke on Monday.", "Macron", "neutral")]
    out = []
    for i, (sentence, word, label) in enumerate(rows):
        a = sentence.index(word)
        out.append(Target(line=i + 1, group=f"s{i}", sentence=sentence, start=a, end=a + len(word), others=(),
                          label=label))
    return out


class TestSoftFit:
    def test_one_hot_soft_targets_equal_hard_labels(self):
        feats = featurize(_gold(), Settings())
        index = _vocab(feats, 1)
        X = _matrix(feats, index)
        y = np.array([0, 2, 1, 0, 2, 1])
        W1, b1 = fit_softmax(X, y, len(index), l2=1e-3, iters=50)
        W2, b2 = fit_softmax(X, y, len(index), l2=1e-3, iters=50, soft=np.eye(3)[y])
        assert np.array_equal(W1, W2) and np.array_equal(b1, b2)

    def test_zero_weight_rows_do_not_pull(self):
        feats = featurize(_gold(), Settings())
        index = _vocab(feats, 1)
        X = _matrix(feats, index)
        y = np.array([0, 2, 1, 0, 2, 1])
        weight = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
        flipped = np.eye(3)[[0, 2, 1, 2, 0, 0]]  # the last three (weight 0) labelled otherwise
        W1, b1 = fit_softmax(X, y, len(index), l2=1e-3, iters=50, soft=np.eye(3)[y], weight=weight)
        W2, b2 = fit_softmax(X, y, len(index), l2=1e-3, iters=50, soft=flipped, weight=weight)
        assert np.array_equal(W1, W2) and np.array_equal(b1, b2)
        W3, _ = fit_softmax(X, y, len(index), l2=1e-3, iters=50, soft=flipped)
        assert not np.allclose(W1, W3)

    def test_design_weights_transfer_by_alpha(self):
        gold = _gold()
        transfer = transfer_targets(*_tables(), limit=100)
        soft = np.full((len(transfer), 3), 1 / 3)
        feats_gold, feats_transfer = featurize(gold, Settings()), featurize(transfer, Settings())
        feats, targets, weight = _design(gold, transfer, soft, 2.0, feats_gold, feats_transfer)
        assert len(feats) == 6 + 4 and targets.shape == (10, 3)
        assert weight.tolist() == [1.0] * 6 + [3.0] * 4  # 2 * 6 gold / 4 transfer each: total 12 = 2 x 6
        assert _design(gold, transfer, soft, 0.0, feats_gold, feats_transfer)[2].tolist() == [1.0] * 6


def test_design_shift_weights_classes_as_gold():
    """Gold has a third of each class; the teacher's mean is (0.375, 0.375, 0.25): ratio (8/9, 8/9, 4/3)."""
    gold = _gold()
    transfer = transfer_targets(*_tables(), limit=100)
    soft = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    feats_gold, feats_transfer = featurize(gold, Settings()), featurize(transfer, Settings())
    weight = _design(gold, transfer, soft, 1.0, feats_gold, feats_transfer, shift=True)[2]
    assert weight[6:] == pytest.approx([4 / 3, 4 / 3, 4 / 3, 2.0])  # (8/9, 8/9, 8/9, 4/3) scaled to sum 6
    assert weight[6:].sum() == pytest.approx(6.0)


def test_cross_validate_reports_each_alpha():
    gold = _gold() * 2
    gold = [Target(line=i, group=f"g{i}", sentence=t.sentence, start=t.start, end=t.end, others=(), label=t.label)
            for i, t in enumerate(gold)]
    transfer = transfer_targets(*_tables(), limit=100)
    soft = np.tile([0.1, 0.8, 0.1], (len(transfer), 1))
    rows = cross_validate(gold, transfer, soft, settings=Settings(), alphas=(0.0, 1.0), l2s=(1e-3,), k=2)
    assert [(r["alpha"], r["l2"]) for r in rows] == [(0.0, 1e-3), (1.0, 1e-3)]
    for r in rows:
        assert len(r["folds"]) == 2 and 0.0 <= r["macro_f1_mean"] <= 1.0
        assert r["macro_f1_mean"] == pytest.approx(np.mean(r["folds"]), abs=1e-4)


@pytest.mark.parametrize("flag", ["--distill", "--deep"])  # both distilling trainers (distill.input_error)
def test_command_names_a_missing_corpus(tmp_path, capsys, flag):
    from analysis.sentiment.train_command import main

    train = tmp_path / "train.jsonl"
    train.write_text("", encoding="utf-8")
    code = main(["--method", "learned", flag, str(tmp_path / "missing.csv"), "--train", str(train),
                 "--out", str(tmp_path / "model.json")])
    assert code == 2
    assert f"{flag}: file not found: {tmp_path / 'missing.csv'}" in capsys.readouterr().err
    assert not (tmp_path / "model.json").exists()

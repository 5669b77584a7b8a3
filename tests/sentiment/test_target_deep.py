"""Tests for analysis.sentiment.target_deep: words, windows and the deep half's scores, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.sentiment.target_deep import (CLIP, OTHER, OTHER_TARGET, TARGET, DeepPart, concat, encode, valences,
                                            windows)
from analysis.sentiment.target_model import TargetModel


def _encode(items):
    """``encode`` of [(sentence, [spans])]."""
    texts = [s for s, _ in items]
    sent = np.repeat(np.arange(len(items)), [len(spans) for _, spans in items])
    return encode(texts, sent, np.array([a for _, sp in items for a, _ in sp]),
                  np.array([b for _, sp in items for _, b in sp]))


def _part(*, distance=None, kind=None, out=None) -> DeepPart:
    """One dimension, one filter: the convolution passes the word's own embedding through (2.0 for 'good',
    -1.0 for any unknown word)."""
    conv = np.zeros((3, 2, 1), dtype=np.float32)
    conv[1, 0, 0] = 1.0
    return DeepPart(vocabulary=["good"], embedding=np.array([[0.0], [-1.0], [2.0]], dtype=np.float32), conv=conv,
                    conv_bias=np.zeros(1, dtype=np.float32),
                    distance=np.zeros((2 * CLIP + 1, 1), dtype=np.float32) if distance is None else distance,
                    kind=np.zeros((3, 1), dtype=np.float32) if kind is None else kind,
                    out=np.array([[1.0, 0.0, -1.0], [0.0, 0.0, 0.0]], dtype=np.float32) if out is None else out,
                    out_bias=np.zeros(3, dtype=np.float32))


class TestEncode:
    def test_words_targets_and_neighbours(self):
        enc = _encode([("Biden met Putin, good.", [(0, 5), (10, 15)]), ("Good Biden", [(5, 10)])])
        assert enc.word == ["biden", "met", "putin", ",", "good", ".", "good", "biden"]
        assert enc.n_targets == 3
        assert enc.base.tolist() == [0, 0, 6] and enc.count.tolist() == [6, 6, 2]
        assert enc.first.tolist() == [0, 2, 7] and enc.last.tolist() == [0, 2, 7]
        assert enc.cover.tolist() == [1, 0, 1, 0, 0, 0, 0, 1]
        assert enc.prev.tolist() == [-1, 0, 1, 2, 3, 4, -1, 6]
        assert enc.next.tolist() == [1, 2, 3, 4, 5, -1, 7, -1]
        np.testing.assert_allclose(valences(enc.word), [0, 0, 0, 0, 1.9 / 4, 0, 1.9 / 4, 0], rtol=1e-6)

    def test_multiword_and_between_token_spans(self):
        s = "President Vladimir Putin spoke."
        enc = _encode([(s, [(10, 24), (9, 9)])])  # "Vladimir Putin"; an empty span: the token starting nearest
        assert enc.first.tolist() == [1, 1] and enc.last.tolist() == [2, 1]  # "Vladimir" starts 1 after it

    def test_sentence_without_words(self):
        enc = _encode([("  ", [(0, 1)])])
        assert enc.count.tolist() == [0] and enc.word == []

    def test_windows(self):
        enc = _encode([("Biden met Putin, good.", [(0, 5), (10, 15)])])
        word, distance, kind = windows(enc, np.array([0, 1]))
        assert word.shape == (2, 2 * CLIP - 1)
        # Biden: the window is words -14..14 around it, of which 0..5 exist
        assert word[0, CLIP - 1:CLIP + 5].tolist() == [0, 1, 2, 3, 4, 5]
        assert (word[0, :CLIP - 1] == -1).all() and (word[0, CLIP + 5:] == -1).all()
        assert (distance[0, CLIP - 1:CLIP + 5] - CLIP).tolist() == [0, 1, 2, 3, 4, 5]
        assert kind[0, CLIP - 1:CLIP + 5].tolist() == [TARGET, OTHER, OTHER_TARGET, OTHER, OTHER, OTHER]
        # Putin: two words before it, three after
        assert word[1, CLIP - 3:CLIP + 3].tolist() == [0, 1, 2, 3, 4, 5]
        assert (distance[1, CLIP - 3:CLIP + 3] - CLIP).tolist() == [-2, -1, 0, 1, 2, 3]
        assert kind[1, CLIP - 3:CLIP].tolist() == [OTHER_TARGET, OTHER, TARGET]

    def test_far_words_are_outside_the_window(self):
        s = "Biden " + "x " * 20 + "end"
        word, distance, _ = windows(_encode([(s, [(0, 5)])]), np.array([0]))
        assert word[0].max() == CLIP - 1 and distance[0].max() == 2 * CLIP - 1

    def test_concat_shifts_positions(self):
        a = _encode([("Biden met Putin.", [(0, 5)])])
        b = _encode([("Good Biden", [(5, 10)])])
        both = concat([a, b])
        assert both.word == a.word + b.word
        assert both.first.tolist() == [0, 5] and both.base.tolist() == [0, 4]
        assert both.prev.tolist() == [-1, 0, 1, 2, -1, 4]


class TestLogits:
    def test_by_hand(self):
        enc = _encode([("good Biden", [(5, 10)])])
        # c = relu(embedding): good 2, biden (unknown) 0 -> max 2; z = 2 * [1, 0, -1]
        np.testing.assert_allclose(_part().logits(enc), [[2.0, 0.0, -2.0]])
        distance = np.zeros((2 * CLIP + 1, 1), dtype=np.float32)
        distance[CLIP - 1] = 0.5  # the word just before the target
        kind = np.zeros((3, 1), dtype=np.float32)
        kind[TARGET] = 3.0
        out = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]], dtype=np.float32)
        # good: 2 + 0.5 = 2.5 (the max); biden: relu(-1 + 3) = 2 (its own mean)
        np.testing.assert_allclose(_part(distance=distance, kind=kind, out=out).logits(enc), [[2.5, 2.0, -2.5]])

    def test_neighbours_and_valence_enter_the_convolution(self):
        part = _part()
        part.conv[0, 1, 0] = 4.0  # the left neighbour's valence
        part.__post_init__()
        enc = _encode([("good Biden", [(5, 10)])])
        # biden: -1 + 4 * 1.9/4 = 0.9; good: 2 -> max 2
        np.testing.assert_allclose(part.logits(enc), [[2.0, 0.0, -2.0]], rtol=1e-6)
        part.conv[0, 1, 0] = 8.0
        part.__post_init__()
        np.testing.assert_allclose(part.logits(enc), [[2.8, 0.0, -2.8]], rtol=1e-6)  # -1 + 8 * 0.475

    def test_valence_of_a_word_outside_the_vocabulary(self):
        """'praised' (VADER 2.2) is not in the vocabulary: its valence still enters, as the word and as a neighbour."""
        part = _part()
        part.conv[1, 1, 0] = 1.0  # the word's own valence
        part.conv[2, 1, 0] = 10.0  # the right neighbour's valence
        part.__post_init__()
        enc = _encode([("Biden praised good", [(0, 5)])])
        # biden: -1 + 10 * 0.55 = 4.5; praised: -1 + 0.55 + 10 * 0.475 = 4.3; good: 2 + 0.475 -> max 4.5
        np.testing.assert_allclose(part.logits(enc), [[4.5, 0.0, -4.5]], rtol=1e-6)

    def test_tokenless_target_scores_zero(self):
        np.testing.assert_array_equal(_part().logits(_encode([("  ", [(0, 1)])])), [[0.0, 0.0, 0.0]])

    def test_scores_do_not_depend_on_the_batch(self):
        rng = np.random.default_rng(0)
        d, h = 8, 16
        f = lambda *shape: rng.normal(size=shape).astype(np.float32)  # noqa: E731
        part = DeepPart(["biden", "putin", "nato", "praised", "blamed"], f(7, d), f(3, d + 1, h), f(h),
                        f(2 * CLIP + 1, h), f(3, h), f(2 * h, 3), f(3))
        items = [("Putin blamed the U.S. and NATO for the crisis.", [(0, 5), (27, 31)]),
                 ("Biden praised Zelensky, who bravely refused to leave, but not Putin.", [(0, 5), (14, 22), (62, 67)]),
                 ("NATO met.", [(0, 4)])] * 3
        whole = part.logits(_encode(items))
        alone = np.vstack([part.logits(_encode([item])) for item in items])
        assert np.array_equal(whole, alone)
        assert np.array_equal(whole, part.logits(_encode(items), chunk=2))

    def test_json_round_trip(self):
        part = _part()
        again = DeepPart.from_json(part.to_json())
        enc = _encode([("good Biden", [(5, 10)])])
        assert np.array_equal(again.logits(enc), part.logits(enc))


class TestTargetModelWithDeepHalf:
    def test_deep_scores_are_added_to_the_wide_ones(self):
        wide = TargetModel(index={"s:good": 0}, weights=np.array([[0.0, 0.0, 1.27]]), bias=np.zeros(3))
        both = TargetModel(index={"s:good": 0}, weights=np.array([[0.0, 0.0, 1.27]]), bias=np.zeros(3),
                           deep=_part())
        args = (["good Biden"], np.array([0]), np.array([5]), np.array([10]))
        z_wide = np.log(wide.score_targets(*args))
        z_both = np.log(both.score_targets(*args))
        # the deep half adds [2, 0, -2]; softmax is unchanged by a constant, so compare differences
        np.testing.assert_allclose((z_both - z_wide) - (z_both - z_wide)[:, 1:2], [[2.0, 0.0, -2.0]], atol=1e-12)

    def test_json_round_trip_keeps_the_deep_half(self):
        model = TargetModel(index={"s:good": 0}, weights=np.array([[0.0, 0.0, 1.27]]), bias=np.zeros(3),
                            deep=_part())
        again = TargetModel.from_json(model.to_json())
        args = (["good Biden"], np.array([0]), np.array([5]), np.array([10]))
        assert again.deep is not None
        assert np.array_equal(again.score_targets(*args), model.score_targets(*args))


@pytest.mark.parametrize("sentence", ["", "   ", "Biden"])
def test_encode_edge_sentences(sentence):
    enc = _encode([(sentence, [(0, len(sentence))])])
    assert enc.n_targets == 1 and enc.count[0] == len(enc.word)

"""Tests for analysis.sentiment.target_model: the fast batched path equals the readable reference features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.paths import SHARED

NEWSMTSC = SHARED / "data" / "newsmtsc"


def _need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not available: {path} (clone without ../shared)")
    return path


def _span(sentence: str, word: str) -> tuple[int, int]:
    i = sentence.index(word)
    return i, i + len(word)


class TestFastPath:
    """``TargetModel.score_many`` (prefix sums, one pass per sentence) == the wide half's
    ``logits(target_features)`` plus the deep half of that sentence alone, through the softmax."""

    @staticmethod
    def _reference(model, sentence, spans):
        from analysis.sentiment.target_deep import encode
        from analysis.sentiment.target_features import target_features
        from analysis.sentiment.target_model import _softmax

        wide = np.array([model.logits(*target_features(sentence, a, b, others=spans[:k] + spans[k + 1:],
                                                       settings=model.settings))
                         for k, (a, b) in enumerate(spans)])
        if model.deep is not None:
            wide = wide + model.deep.logits(encode([sentence], np.zeros(len(spans), dtype=np.int64),
                                                   np.array([a for a, _ in spans]), np.array([b for _, b in spans])))
        return _softmax(wide)

    @pytest.mark.parametrize("sentence, words", [
        ("Putin blamed the escalating tensions on the U.S.", ["Putin", "U.S."]),
        ("Biden praised Zelensky, who \"bravely\" refused to leave, but not Putin.", ["Biden", "Zelensky", "Putin"]),
        ("The U.S.-Russia talks failed.", ["U.S.", "Russia"]),  # two targets in one token
        ("Nobody trusts NATO's plan, said Lavrov.", ["NATO", "Lavrov"]),
        ("3,000 troops didn't stop Russia", ["Russia"]),
        ("Zelenskyy’s 3,000 troops didn’t flee İstanbul’s café, Putin said.", ["Zelenskyy", "İstanbul", "Putin"]),
        ("NATO's 2.5% plan isn't bad but Lavrov ISN'T HAPPY, according to Biden.", ["NATO", "Lavrov", "Biden"]),
    ])
    def test_literal_sentences(self, sentence, words):
        from analysis.sentiment.target_model import load_model

        model = load_model()
        spans = [_span(sentence, w) for w in words]
        model._memo.clear()
        fast = model.score_many([(sentence, spans)])[0]
        assert np.array_equal(fast, self._reference(model, sentence, spans))

    def test_overlapping_empty_and_tokenless_spans(self):
        from analysis.sentiment.target_model import load_model

        model = load_model()
        s = "President Vladimir Putin spoke."
        for spans in ([(0, 24), (10, 24)], [(5, 5), (19, 24)], [(0, 9), (0, 9)]):
            model._memo.clear()
            assert np.array_equal(model.score_many([(s, spans)])[0], self._reference(model, s, spans))
        empty = model.score_many([("  ", [(0, 1)])])[0]
        np.testing.assert_allclose(empty.sum(), 1.0)

    def test_newsmtsc_sample_exact(self):
        from analysis.sentiment.newsmtsc import read_newsmtsc
        from analysis.sentiment.target_model import load_model

        targets = read_newsmtsc(_need_shared(NEWSMTSC / "train.jsonl"))[::25]
        model = load_model()
        model._memo.clear()
        items = [(t.sentence, [(t.start, t.end), *t.others]) for t in targets]
        fast = np.array([p[0] for p in model.score_many(items, chunk=64)])
        ref = np.array([self._reference(model, s, sp)[0] for s, sp in items])
        assert np.array_equal(fast, ref)

    def test_arrays_equal_items_across_chunks(self):
        """``score_targets`` (the mention table's path) gives ``score_many``'s floats whatever the chunking."""
        from analysis.sentiment.target_model import load_model

        model = load_model()
        items = [("Putin blamed the U.S. and NATO.", [(0, 5), (22, 26), (31, 35)]), ("  ", [(0, 1)]),
                 ("President Vladimir Putin spoke.", [(0, 24), (10, 24)]), ("Biden won.", [(0, 5)])]
        model._memo.clear()
        expected = np.concatenate(model.score_many(items))
        sentence = np.repeat(np.arange(len(items)), [len(spans) for _, spans in items])
        starts = np.array([a for _, spans in items for a, _ in spans])
        ends = np.array([b for _, spans in items for _, b in spans])
        for chunk in (1, 2, 1024):
            found = model.score_targets([s for s, _ in items], sentence, starts, ends, chunk=chunk)
            assert np.array_equal(found, expected)

    def test_tokens_equal_public_tokenizer(self):
        from analysis.sentiment.target_features import _sentence_info, tokenize

        for s in ["U.S.-led talks: Biden's \"red line\" -- 3.5% of GDP!", "  café’s naïve  résumé… ok", ""]:
            info = _sentence_info(s)
            assert [(t, a, b) for t, a, b in zip(info.tokens, info.starts, info.ends)] == tokenize(s)

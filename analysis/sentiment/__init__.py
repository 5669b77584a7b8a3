"""Sentiment: VADER through NLTK, tone toward each actor, the tone of quotes, evaluation.

``vader`` (NLTK's VADER with the lexicon from vaderSentiment, offline), ``target`` (tone
toward one mention, by method) over ``target_features`` (target-dependent features) and
``target_model`` (the learned model), ``embedding`` (the optional MiniLM method),
``newsmtsc`` (gold labels and F1), ``train`` and ``evaluate`` (command-line training and
evaluation on NewsMTSC), ``tone`` (the annotation layer and the tone measures with
bootstrap intervals).

It may import :mod:`analysis.corpus`, :mod:`analysis.annotate` and the shared basics only;
never :mod:`analysis.terms`, :mod:`analysis.framing` or anything above.
"""

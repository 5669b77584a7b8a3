"""Framing: frame dictionaries and scoring, quotes and speakers, voice, roles, labels, salience.

It may import :mod:`analysis.corpus`, :mod:`analysis.annotate` and the shared basics only;
never :mod:`analysis.terms`, :mod:`analysis.sentiment` or anything above.
"""

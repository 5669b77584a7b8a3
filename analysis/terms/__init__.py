"""Term frequency: counts, n-grams, TF-IDF, collocations, actor context terms, keyness, KWIC.

Every function reads the tidy ``tokens`` (and ``mentions``) tables and returns a tidy
DataFrame. It may import :mod:`analysis.corpus`, :mod:`analysis.annotate` and the shared basics
only; never :mod:`analysis.framing`, :mod:`analysis.sentiment` or anything above.
"""

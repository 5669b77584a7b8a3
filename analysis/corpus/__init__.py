"""Corpus: what the suite reads and how it finds actors in text.

``reader`` (CSV, JSONL and seed-format folders → the articles table, with validation),
``codebook`` (the actor codebook), ``text`` (sentences, tokens, stop words, stems) and
``mentions`` (actor mentions with character offsets, candidate actors).

The lowest layer: imports only :mod:`analysis.errors`, :mod:`analysis.paths` and
:mod:`analysis.store`, never a folder above it.
"""

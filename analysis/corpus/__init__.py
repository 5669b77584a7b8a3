"""Corpus: what the suite reads and how it finds actors in text.

``reader`` (CSV, JSONL and seed-format folders → the articles table, with validation),
``codebook`` (the actor codebook), ``text`` (sentences, tokens, stop words, stems),
``mentions`` (actor mentions with character offsets); for building a codebook,
``candidates`` (names the codebook lacks: ``scan`` finds them, ``names`` and ``variants``
merge them, ``kinds`` types them), ``stub`` (candidates as a YAML codebook) and ``coverage``
(how much of a corpus a codebook sees).

The lowest layer: imports only :mod:`analysis.errors`, :mod:`analysis.paths` and
:mod:`analysis.store`, never a folder above it.
"""

"""Annotation: tidy tables from a corpus, once, cached.

``pipeline`` (per-article annotation, the layer registry, the corpus level), ``text_layer``
(sentences and tokens: codebook-independent) and ``mention_layer`` (the mentions table),
``columns`` (tables built through Arrow), ``cache`` (keys and entries: every table by
corpus, codebook and settings; the text layer by text and settings alone), ``reuse``
(after a codebook edit, which articles' mention rows to recompute), ``engines`` (serial,
process pool, Dask), ``dataset`` (partitioned Parquet datasets for corpora larger than
memory) and ``workspace`` (a corpus + codebook with lazily loaded, cached tables: what
notebooks open).

It may import :mod:`analysis.corpus` and the shared basics. The layer registry names the
layers of :mod:`analysis.framing` and :mod:`analysis.sentiment` by string and imports
them only when a layer is asked for, so no module here imports a folder above it.
"""

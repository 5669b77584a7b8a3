"""Annotation: tidy tables from a corpus, once, cached.

``pipeline`` (per-article annotation, the layer registry, the content-keyed cache),
``engines`` (serial, process pool, Dask), ``dataset`` (partitioned Parquet datasets for
corpora larger than memory) and ``workspace`` (a corpus + codebook with lazily loaded,
cached tables: what notebooks open).

It may import :mod:`analysis.corpus` and the shared basics. The layer registry names the
layers of :mod:`analysis.framing` and :mod:`analysis.sentiment` by string and imports
them only when a layer is asked for, so no module here imports a folder above it.
"""

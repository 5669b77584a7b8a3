"""Plots: matplotlib Figures from tidy tables, and their export.

``export`` (the house style, PNG/SVG/PDF export with a manifest, byte-identical files),
and one module per analysis: ``overview`` (articles and salience), ``terms``,
``framing``, ``sentiment``. Plot functions take tables and return a Figure; they never
read corpus files. A plot module may import only the shared basics and ``plots.export``.
"""

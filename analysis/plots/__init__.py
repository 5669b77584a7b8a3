"""Plots: matplotlib Figures from tidy tables, their layout, colours and export.

``export`` (the house style and named styles, PNG/SVG/PDF export with the data behind each
figure as CSV and a manifest, byte-identical files), ``colours`` (one colour per outlet and
per actor for every figure), ``layout`` (no clipped text, legends outside the data),
``periods`` (time axes by day, week or month; partial periods marked), ``tables``
(notebook tables without the pandas index), and one module per analysis: ``overview``
(articles and salience), ``terms``, ``framing``, ``sentiment``. Plot functions take tables
and return a Figure; they never read corpus files. A plot module may import only the
shared basics (errors, paths, store, markup) and other ``plots`` modules.
"""

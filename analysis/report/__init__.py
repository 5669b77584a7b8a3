"""Reports: notebooks run in batch with papermill, exported to HTML, with an index.

``notebooks`` (papermill and warm kernels), ``batch`` (the batch report: plan, run,
summary, command line), ``html`` (nbconvert export and the index page, escaping) and
``dossier`` (the measures of the per-actor dossier notebook).

The top layer: it may import any folder below it; nothing below imports it.
"""

"""Reports: notebooks run in batch with papermill, exported to HTML, with an index.

``notebooks`` (papermill and warm kernels), ``batch`` (the batch report: plan, run,
summary, command line), ``options`` (the report's corpus selection and ``-p`` notebook
parameters), ``html`` (nbconvert export and the index page, escaping), ``pages`` (contents
and back links, the sortable actor table, thumbnails) and ``dossier`` (the measures of the
per-actor dossier notebook).

The top layer: it may import any folder below it; nothing below imports it.
"""

"""The explorer's test corpus: four short literal articles of two outlets over three weeks.

Imported by ``test_explorer.py`` and ``test_explorer_index.py`` (``data``: the prepared workspace,
a module fixture); expected values there are counted by hand from these texts.
"""

from __future__ import annotations

import csv

import pytest

from conftest import TINY_CODEBOOK

ARTICLES = [
    ("n1", "2022-02-01", "Daily A", "Putin warns NATO",
     "Putin warned NATO on Tuesday. Russia wants sanctions lifted. Kirby said NATO would not bend."),
    ("n2", "2022-02-03", "Daily B", "Sanctions <b>bite</b>",
     "New sanctions hit Russia hard. Putin called the sanctions illegal. The United States said the "
     "sanctions would stay."),
    ("n3", "2022-02-15", "Daily A", "NATO meets",
     "NATO ministers met in Brussels. Kirby said NATO troops were ready. Russia denied any plan to attack."),
    ("n4", "2022-02-16", "Daily B", "Talks stall",
     "Putin met the French president. Talks on sanctions stalled. Russia blamed NATO for the crisis."),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from analysis.annotate.workspace import open_workspace
    from analysis.report.explorer import prepare

    folder = tmp_path_factory.mktemp("explorer")
    with open(folder / "articles.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "outlet", "title", "text"])
        writer.writerows(ARTICLES)
    (folder / "actors.yaml").write_text(TINY_CODEBOOK, encoding="utf-8")
    ws = open_workspace(corpus=folder / "articles.csv", codebook=folder / "actors.yaml", cache=False)
    return prepare(ws)

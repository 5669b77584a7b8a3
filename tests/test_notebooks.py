"""Every stored notebook: executed on seeds/ (stored outputs are checked by nbval in `make test`),
and run through papermill on the shared Q1 corpus, parameters recorded."""

from __future__ import annotations

import nbformat
import pytest

from analysis.nbtools import execute_notebook, notebook_paths, strip_volatile
from analysis.paths import NOTEBOOKS, Q1_CORPUS
from conftest import require_shared

NOTEBOOKS_UNDER_TEST = [p.name for p in notebook_paths()]


def test_notebooks_exist_in_reading_order():
    assert NOTEBOOKS_UNDER_TEST[0] == "00-corpus-overview.ipynb"
    assert NOTEBOOKS_UNDER_TEST == sorted(NOTEBOOKS_UNDER_TEST)


@pytest.mark.parametrize("name", NOTEBOOKS_UNDER_TEST)
def test_stored_notebook_is_executed_and_clean(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be tagged 'parameters'"
    assert all(cell.execution_count for cell in code), "stored notebooks are executed (make notebooks)"
    assert not any(out.get("output_type") == "error" for cell in code for out in cell.outputs)
    assert not any(out.get("name") == "stderr" for cell in code for out in cell.outputs), "no warnings in outputs"
    assert nb.metadata.kernelspec.name == "media-analysis"
    assert strip_volatile(nbformat.read(NOTEBOOKS / name, as_version=4)) == nb, "volatile metadata stored"


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS_UNDER_TEST)
def test_notebook_runs_on_q1_through_papermill(name, tmp_path):
    require_shared("data", "ukraine_media_2022q1", "articles.csv")
    parameters = {"corpus": str(Q1_CORPUS), "figures_dir": str(tmp_path / "figures")}
    if name.startswith("40-"):
        parameters["actor"] = "zelenskyy"
    else:  # every article of Q1; per-actor sections for three actors keep the suite within minutes
        parameters["actors"] = ["putin", "zelenskyy", "nato"]
    output = tmp_path / name
    nb = execute_notebook(NOTEBOOKS / name, output, parameters=parameters)
    assert nb.metadata.papermill.parameters == parameters  # papermill records the parameters
    assert output.exists()
    pngs = sorted((tmp_path / "figures").glob("*.png"))
    assert pngs, "the notebook exports figures"
    manifest = (tmp_path / "figures" / "manifest.json").read_text()
    assert all(png.stem in manifest for png in pngs)

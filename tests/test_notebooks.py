"""Every stored notebook: executed on seeds/ (stored outputs are checked by nbval in `make test`),
and run through papermill on the shared Q1 corpus, parameters recorded."""

from __future__ import annotations

import nbformat
import pytest

from analysis.report.notebooks import execute_notebook, notebook_paths, strip_volatile
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


def test_warm_kernel_runs_each_notebook_as_a_fresh_one_would(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook
    from papermill.exceptions import PapermillExecutionError

    from analysis.report.notebooks import KERNEL, RESET_TAG, WarmKernels

    meta = {"kernelspec": {"name": KERNEL, "display_name": KERNEL, "language": "python"}}
    parameters = new_code_cell("value = 1", metadata={"tags": ["parameters"]})
    first = new_notebook(cells=[parameters, new_code_cell("left_over = value * 2\nprint(left_over)")], metadata=meta)
    second = new_notebook(cells=[parameters, new_code_cell("print('left_over' in globals(), value)")], metadata=meta)
    broken = new_notebook(cells=[parameters, new_code_cell("x = 1"), new_code_cell("1 / 0")], metadata=meta)
    for name, nb in (("first", first), ("second", second), ("broken", broken)):
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    with WarmKernels(cwd=tmp_path) as kernels:
        warm = kernels.acquire()
        out1 = execute_notebook(tmp_path / "first.ipynb", tmp_path / "first-out.ipynb", parameters={"value": 5},
                                cwd=tmp_path, warm=warm)
        assert kernels.acquire() is warm  # the same kernel, reused
        out2 = execute_notebook(tmp_path / "second.ipynb", tmp_path / "second-out.ipynb", cwd=tmp_path, warm=warm)
        with pytest.raises(PapermillExecutionError) as failure:
            execute_notebook(tmp_path / "broken.ipynb", tmp_path / "broken-out.ipynb", cwd=tmp_path, warm=warm)
    assert out1.cells[-1].outputs[0]["text"] == "10\n"
    assert out2.cells[-1].outputs[0]["text"] == "False 1\n"  # nothing of the first notebook is left
    for nb in (out2, nbformat.read(tmp_path / "second-out.ipynb", as_version=4)):
        assert [c.execution_count for c in nb.cells] == [1, 2]  # counted from 1, as in a fresh kernel
        assert not any(RESET_TAG in c.metadata.get("tags", []) for c in nb.cells)
    assert failure.value.cell_index == 2 and failure.value.ename == "ZeroDivisionError"  # the notebook's own index
    kept = nbformat.read(tmp_path / "broken-out.ipynb", as_version=4)
    assert not any(RESET_TAG in c.metadata.get("tags", []) for c in kept.cells)
    assert not list(tmp_path.glob(".*.ipynb"))  # no scratch files left


def test_notebook_imports_are_the_top_level_imports_of_code_cells(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from analysis.report.parameters import notebook_imports

    cells = [new_markdown_cell("import not_code"), new_code_cell("%matplotlib inline\nimport json, os.path as p"),
             new_code_cell("from analysis.paths import PROJ_ROOT\nfrom . import local\ndef f():\n    import inner"),
             new_code_cell("this is not python (")]
    nbformat.write(new_notebook(cells=cells), tmp_path / "a.ipynb")
    nbformat.write(new_notebook(cells=[new_code_cell("import json\nimport csv")]), tmp_path / "b.ipynb")
    assert notebook_imports([tmp_path / "a.ipynb", tmp_path / "b.ipynb"]) == ["analysis.paths", "csv", "json",
                                                                              "os.path"]


def test_a_prestarted_kernel_has_imported_and_runs_its_first_notebook_as_a_fresh_one(tmp_path):
    """WarmKernels.prestart: the kernel boots while the caller works, importing the given modules (one
    missing module stops nothing); its first notebook then starts from a fresh namespace, counted from 1."""
    from nbformat.v4 import new_code_cell, new_notebook

    from analysis.report.notebooks import KERNEL, WarmKernels

    meta = {"kernelspec": {"name": KERNEL, "display_name": KERNEL, "language": "python"}}
    code = "import sys\nprint(sorted(k for k in globals() if not k.startswith('_') and k not in ('In', 'Out', " \
           "'exit', 'quit', 'get_ipython', 'open', 'sys')), 'tabnanny' in sys.modules, 'colorsys' in sys.modules)"
    nbformat.write(new_notebook(cells=[new_code_cell(code)], metadata=meta), tmp_path / "probe.ipynb")
    with WarmKernels(cwd=tmp_path) as kernels:
        kernels.prestart(1, imports=["no_such_module_here", "tabnanny"])
        warm = kernels.acquire()
        assert warm.used  # its first notebook gets the reset cell
        out = execute_notebook(tmp_path / "probe.ipynb", tmp_path / "probe-out.ipynb", cwd=tmp_path, warm=warm)
    assert out.cells[0].outputs[0]["text"] == "[] True False\n"
    assert out.cells[0].execution_count == 1


def test_prestarted_kernels_nobody_used_are_shut_down(tmp_path):
    from analysis.report.notebooks import WarmKernels

    with WarmKernels(cwd=tmp_path) as kernels:
        kernels.prestart(2)
        managers = list(kernels._booting)
    assert len(managers) == 2 and not any(manager.has_kernel for manager in managers)

"""The one place that defines project paths, so notebooks run from any working directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parent
RESOURCES = PACKAGE_DIR / "resources"
SEEDS = PROJ_ROOT / "seeds"
DEFAULT_CODEBOOK = SEEDS / "actors.yaml"
FIGURES = PROJ_ROOT / "figures"
NOTEBOOKS = PROJ_ROOT / "notebooks"
#: ../shared beside the clone: real data for integration tests and benchmarks (absent on a user's clone).
SHARED = PROJ_ROOT.parent / "shared"
Q1_CORPUS = SHARED / "data" / "ukraine_media_2022q1" / "articles.csv"


def cache_dir() -> Path:
    """Where annotation tables are cached: ``$MEDIA_ANALYSIS_CACHE`` or ``<project>/.cache``."""
    return Path(os.environ.get("MEDIA_ANALYSIS_CACHE", PROJ_ROOT / ".cache"))


#: Where relative outputs of ad-hoc notebook runs (papermill, JupyterLab) go: a run folder, never
#: the tracked ``figures/`` (git-ignored, like every folder under ``runs/``).
ADHOC_RUNS = PROJ_ROOT / "runs" / "adhoc"
#: The environment variable that replaces :data:`ADHOC_RUNS` as the root of relative outputs.
OUTPUT_ROOT_VARIABLE = "MEDIA_ANALYSIS_OUTPUT_ROOT"


def output_root() -> Path:
    """The folder relative outputs resolve against: ``$MEDIA_ANALYSIS_OUTPUT_ROOT``, else ``runs/adhoc``.

    So a notebook's default ``figures_dir="figures"`` is ``runs/adhoc/figures`` when the notebook
    is run by hand or with papermill; only ``make notebooks``
    (:func:`analysis.report.notebooks.refresh`, which sets the variable to the project root)
    writes the tracked ``figures/``, and a batch report passes an absolute folder of its run.
    """
    root = os.environ.get(OUTPUT_ROOT_VARIABLE)
    return Path(root) if root else ADHOC_RUNS


def output_path(path: str | os.PathLike) -> Path:
    """An output folder as given when absolute, else under :func:`output_root` (never a kernel's cwd).

    Tests set ``$MEDIA_ANALYSIS_OUTPUT_ROOT`` to a temporary folder, so that their runs of
    the stored notebooks write nothing into the working tree.
    """
    path = Path(path)
    return path if path.is_absolute() else output_root() / path

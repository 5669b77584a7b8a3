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


def output_path(path: str | os.PathLike) -> Path:
    """An output folder as given when absolute, else under the project root (never a kernel's cwd).

    ``$MEDIA_ANALYSIS_OUTPUT_ROOT`` replaces the project root for relative outputs, so
    that test runs of the stored notebooks do not write into the working tree.
    """
    path = Path(path)
    return path if path.is_absolute() else Path(os.environ.get("MEDIA_ANALYSIS_OUTPUT_ROOT", PROJ_ROOT)) / path

"""Figure style and export: every figure through one helper, byte-identical across runs.

:func:`save_figure` writes PNG (300 dpi), SVG and PDF with fixed sizes, fonts and
metadata (no dates; ``svg.hashsalt`` fixed; text kept as text: ``svg.fonttype =
"none"``, ``pdf.fonttype = 42``), and records an entry in ``manifest.json`` beside the
files: file names, notebook, parameters and caption, so a write-up can cite where each
figure came from.
"""

from __future__ import annotations

import fcntl
import json
import re
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any, Iterator, Mapping

import matplotlib

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.paths import FIGURES
from analysis.store import write_bytes_atomic, write_json_atomic

STYLE: dict[str, Any] = {
    "svg.hashsalt": "media-analysis",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "standard",
    "path.simplify": True,
}
#: Metadata that would change from run to run (dates) or machine to machine, blanked.
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
FORMATS = ("png", "svg", "pdf")
_SLUG = re.compile(r"[^a-z0-9]+")


def use_style() -> None:
    """Apply the suite's figure style (call once per notebook; plot functions call it too)."""
    matplotlib.rcParams.update(STYLE)


def slug(text: str, *, max_length: int = 80) -> str:
    """A safe file-name fragment: lower-case ASCII letters, digits and '-' ('../x' → 'x')."""
    value = _SLUG.sub("-", str(text).lower()).strip("-")[:max_length].strip("-")
    return value or "untitled"


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure rendered in ``fmt`` with the fixed style and blank volatile metadata."""
    buffer = BytesIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format=fmt, dpi=STYLE["savefig.dpi"], metadata=_METADATA[fmt])
    return buffer.getvalue()


def save_figure(fig: Figure, name: str, *, folder: str | Path = FIGURES, notebook: str = "",
                parameters: Mapping[str, Any] | None = None, caption: str = "",
                formats: tuple[str, ...] = FORMATS) -> None:
    """Write ``fig`` as ``<folder>/<slug(name)>.{png,svg,pdf}`` atomically and record it in the manifest.

    Returns nothing, so that a notebook cell ending in ``save_figure(...)`` shows only
    the figure; :func:`read_manifest` gives the entries.
    """
    folder = Path(folder)
    stem = slug(name)
    files = []
    for fmt in formats:
        write_bytes_atomic(folder / f"{stem}.{fmt}", figure_bytes(fig, fmt))
        files.append(f"{stem}.{fmt}")
    entry = {"name": stem, "files": files, "notebook": notebook, "caption": caption,
             "parameters": _jsonable(parameters or {})}
    with _locked(folder / ".manifest.lock"):
        manifest = read_manifest(folder)
        manifest[stem] = entry
        write_json_atomic(folder / "manifest.json", dict(sorted(manifest.items())))


def show_figure(fig: Figure, name: str, caption: str = "", *, folder: str | Path = FIGURES, notebook: str = "",
                parameters: Mapping[str, Any] | None = None) -> None:
    """In a notebook: :func:`save_figure`, display the figure once, and close it (no duplicate, no leak)."""
    from IPython.display import display

    save_figure(fig, name, folder=folder, notebook=notebook, parameters=parameters, caption=caption)
    display(fig)
    plt.close(fig)


def read_manifest(folder: str | Path = FIGURES) -> dict[str, Any]:
    path = Path(folder) / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, sort_keys=True))


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock so that parallel notebook runs can share one manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_figure(*, width: float = 6.5, height: float = 3.5, **kwargs: Any) -> tuple[Figure, Any]:
    """A figure in the suite's style, sized in inches for a journal column (6.5 in wide)."""
    use_style()
    fig, axes = plt.subplots(figsize=(width, height), **kwargs)
    return fig, axes


def note_figure(message: str, *, width: float = 6.5, height: float = 1.2) -> Figure:
    """A small figure that says why there is nothing to plot (thin data), instead of an empty chart."""
    fig, ax = new_figure(width=width, height=height)
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=9, color="#444444")
    return fig
